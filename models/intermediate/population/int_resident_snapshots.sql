{{ config(
    materialized='table',
    indexes=[{'columns': ['period_date']}, {'columns': ['person_key']}],
) }}
-- Person-period snapshots: one row per person registered in the municipality on a snapshot
-- date (month ends and 1 January), with the unit address, its tenure as of that date and the
-- person's attributes on it. **Primary Key**: (period_date, person_key).
-- `is_resident` (what every indicator counts) requires a DAR unit address with a BBR dwelling
-- unit (use 110-190) valid on the date (criteria.md §2.0, §6). The others stay here with their
-- `residence_status` so that the coverage mart reports them instead of letting them vanish:
-- unmatched_address (no DAR match, e.g. CPR status 03 special road codes), no_dwelling_unit,
-- leisure_unit (summer houses, allotment huts).
with periods as (
    select
        period_date,
        is_cohort_date
    from {{ ref('int_periods') }}
),

spells as (
    select * from {{ ref('int_residence_spells') }}
),

persons as (
    select * from {{ ref('stg_cpr__persons') }}
),

origin as (
    select * from {{ ref('int_persons_origin_derived') }}
),

tenure as (
    select * from {{ ref('int_address_tenure') }}
),

resident_days as (
    select
        periods.period_date,
        periods.is_cohort_date,
        spells.person_key,
        spells.address_id
    from spells
    inner join periods
        on
            spells.valid_from <= periods.period_date
            and (spells.valid_to is null or spells.valid_to > periods.period_date)
)

select
    resident_days.period_date,
    resident_days.person_key,
    resident_days.address_id,
    resident_days.is_cohort_date,
    tenure.almen_subtype,
    tenure.afdeling_id,
    tenure.unit_id,
    persons.sex,
    persons.is_address_protected,
    origin.origin_group,
    origin.origin_country,
    origin.is_non_western,
    origin.is_menapt,
    coalesce(tenure.tenure, 'ukendt') as tenure,
    date_part('year', age(resident_days.period_date, persons.birth_date))::int as age_years,
    case
        when resident_days.address_id is null then 'unmatched_address'
        when tenure.address_id is null or not tenure.is_dwelling then 'no_dwelling_unit'
        when tenure.is_leisure then 'leisure_unit'
        else 'resident'
    end as residence_status,
    resident_days.address_id is not null
    and coalesce(tenure.is_dwelling and not tenure.is_leisure, false) as is_resident
from resident_days
inner join persons on resident_days.person_key = persons.person_key
left join origin on resident_days.person_key = origin.person_key
left join tenure
    on
        resident_days.address_id = tenure.address_id
        and resident_days.period_date >= tenure.valid_from
        and (tenure.valid_to is null or resident_days.period_date < tenure.valid_to)
