-- One row per person: the latest delivered version of each person.
with latest as (
    {{ dedupe_latest(source('raw', 'persons'), ['person_key']) }}
)

select
    person_key,
    mother_person_key,
    father_person_key,
    birth_date,
    status_date as cpr_status_date,
    death_date,
    emigration_date,
    _load_id,
    _source_file,
    _source_row,
    case upper(trim(sex)) when 'M' then 'M' when '1' then 'M' when 'K' then 'K' when '2' then 'K'
    end as sex,
    upper(trim(birth_country)) as birth_country,
    upper(trim(citizenship)) as citizenship,
    upper(trim(mother_birth_country)) as mother_birth_country,
    upper(trim(father_birth_country)) as father_birth_country,
    lpad(trim(status), 2, '0') as cpr_status,
    coalesce(address_protected, false) as is_address_protected
from latest
