{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['person_key', 'cohort_date']}],
) }}
-- The legal yearly measures per person and cohort date (person level, intermediate only): the
-- person-level form of int_area_year_measures, with the same rules (seed measure_definitions
-- for the age bands; K4 population = taxpayers not in education; K2 only when conviction data
-- exist). One row per person, cohort date and measure whose age band holds the person.
-- **Primary Key**: (person_key, cohort_date, measure_id). `is_in_population` is false when the
-- person is in the age band but not in the measure's population (K4: not a taxpayer, or in
-- education). A data test checks that these rows add up to int_area_year_measures.
with cohort as (
    {{ legal_measure_cohort() }}
),

has_convictions as (
    select exists(select 1 from {{ ref('stg_convictions__convictions') }}) as has_data
)

select
    cohort.person_key,
    cohort.cohort_date,
    cohort.data_year,
    definitions.measure_id,
    {{ legal_measure_value('cohort', 'definitions.measure_id') }} as measure_value,
    definitions.measure_id <> 'k4_income'
    or coalesce(cohort.is_taxpayer and not cohort.is_in_education, false) as is_in_population
from cohort
inner join {{ ref('measure_definitions') }} as definitions
    on
        cohort.age_years >= coalesce(definitions.age_min, 0)
        and cohort.age_years <= coalesce(definitions.age_max, 999)
cross join has_convictions
where
    definitions.measure_id not in ('residents', 'households')
    and (definitions.measure_id <> 'k2' or has_convictions.has_data)
