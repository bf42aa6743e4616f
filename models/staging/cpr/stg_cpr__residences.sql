-- CPR address history. A CPR delivery carries the whole history of the persons in it, so for
-- each person the rows of the latest delivery that contains that person are used; exact
-- duplicates are collapsed and annulled rows (corrections) are dropped.
with latest_load_per_person as (
    select
        person_key,
        max(_load_id) as _load_id
    from {{ source('raw', 'residences') }}
    group by person_key
),

rows_of_latest as (
    select residences.*
    from {{ source('raw', 'residences') }} as residences
    inner join latest_load_per_person
        on
            residences.person_key = latest_load_per_person.person_key
            and residences._load_id = latest_load_per_person._load_id
),

deduplicated as (
    select distinct on (person_key, moved_in, coalesce(kvhx, ''), coalesce(address_id, '')) *
    from rows_of_latest
    order by person_key, moved_in, coalesce(kvhx, ''), coalesce(address_id, ''), _source_row
)

select
    person_key,
    moved_in,
    moved_out,
    _load_id,
    _source_file,
    _source_row,
    rpad(nullif(upper(kvhx), ''), 19) as kvhx,
    nullif(lower(address_id), '') as address_id,
    nullif(nullif(lpad(trim(moved_in_from_municipality), 4, '0'), '0000'), '')
        as moved_in_from_municipality,
    nullif(nullif(lpad(trim(moved_out_to_municipality), 4, '0'), '0000'), '')
        as moved_out_to_municipality
from deduplicated
where not coalesce(is_annulled, false)
