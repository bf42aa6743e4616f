{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'area_id', 'change_year']}, {'columns': ['person_key']}],
) }}
-- Who changed an area's population between 1 January t and 1 January t+1 (person level,
-- intermediate only). One row per year t × area level × area × person resident in the area on
-- either date, with age and family type on each date. **Primary Key**: (change_year,
-- area_level, area_id, person_key).
--  * stayer: resident in the area on both dates (whatever happened in between);
--  * out_mover: resident on 1 Jan t only, alive on 1 Jan t+1 (moved away, emigrated, ...);
--  * death: resident on 1 Jan t only, died before 1 Jan t+1;
--  * in_mover: resident on 1 Jan t+1 only, born before 1 Jan t;
--  * birth: resident on 1 Jan t+1 only, born during t.
with located as (
    select
        person_key,
        area_level,
        area_id,
        age_years,
        family_type,
        extract(year from cohort_date)::int as cohort_year
    from {{ ref('int_cohort_residents_located') }}
),

paired as (
    select
        coalesce(start_of_year.area_level, end_of_year.area_level) as area_level,
        coalesce(start_of_year.area_id, end_of_year.area_id) as area_id,
        coalesce(start_of_year.person_key, end_of_year.person_key) as person_key,
        coalesce(start_of_year.cohort_year, end_of_year.cohort_year - 1) as change_year,
        start_of_year.person_key is not null as is_resident_start,
        end_of_year.person_key is not null as is_resident_end,
        start_of_year.age_years as age_start,
        end_of_year.age_years as age_end,
        start_of_year.family_type as family_type_start,
        end_of_year.family_type as family_type_end
    from located as start_of_year
    full outer join located as end_of_year
        on
            start_of_year.person_key = end_of_year.person_key
            and start_of_year.area_level = end_of_year.area_level
            and start_of_year.area_id = end_of_year.area_id
            and start_of_year.cohort_year + 1 = end_of_year.cohort_year
)

select
    paired.change_year,
    paired.area_level,
    paired.area_id,
    paired.person_key,
    paired.is_resident_start,
    paired.is_resident_end,
    paired.age_start,
    paired.age_end,
    paired.family_type_start,
    paired.family_type_end,
    make_date(paired.change_year, 1, 1) as start_date,
    make_date(paired.change_year + 1, 1, 1) as end_date,
    case
        when paired.is_resident_start and paired.is_resident_end then 'stayer'
        when
            paired.is_resident_start
            and persons.death_date < make_date(paired.change_year + 1, 1, 1)
            then 'death'
        when paired.is_resident_start then 'out_mover'
        when persons.birth_date >= make_date(paired.change_year, 1, 1) then 'birth'
        else 'in_mover'
    end as mover_group
from paired
inner join {{ ref('stg_cpr__persons') }} as persons on paired.person_key = persons.person_key
where
    paired.change_year between extract(year from date '{{ var("period_start_date") }}')
    and extract(year from date '{{ var("period_end_date") }}')
