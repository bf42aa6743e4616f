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
    select
        snapshots.period_date as cohort_date,
        snapshots.person_key,
        snapshots.is_non_western,
        years.data_year,
        years.age_years,
        years.k1_fte,
        years.is_convicted,
        years.has_education_record,
        years.highest_level,
        years.completed_in_denmark,
        years.gross_income_dkk,
        years.is_taxpayer,
        {% if var('criteria_k4_in_education_rule', 'income_is_student') == 'education_status' -%}
            years.is_in_education
        {%- else -%}
            years.is_student as is_in_education
        {%- endif %}
    from {{ ref('int_resident_snapshots') }} as snapshots
    inner join {{ ref('int_person_years_measured') }} as years
        on
            snapshots.person_key = years.person_key
            and snapshots.period_date = years.cohort_date
    where snapshots.is_cohort_date and snapshots.is_resident
),

has_convictions as (
    select exists(select 1 from {{ ref('stg_convictions__convictions') }}) as has_data
)

select
    cohort.person_key,
    cohort.cohort_date,
    cohort.data_year,
    definitions.measure_id,
    case definitions.measure_id
        when 'nw' then cohort.is_non_western::int
        when 'k1' then cohort.k1_fte
        when 'k2' then cohort.is_convicted::int
        when 'k3_dk_only'
            then (
                not cohort.has_education_record
                or cohort.highest_level in ('grundskole', 'unknown')
                or cohort.completed_in_denmark is not true
            )::int
        when 'k3_unknown_basic'
            then (
                not cohort.has_education_record
                or cohort.highest_level in ('grundskole', 'unknown')
            )::int
        when 'k4_income' then cohort.gross_income_dkk
    end::numeric as measure_value,
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
