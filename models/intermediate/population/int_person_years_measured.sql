{{ config(materialized='table', indexes=[{'columns': ['person_key', 'data_year']}]) }}
-- Person-level yearly measures for the legal criteria, one row per person resident on a cohort
-- date and data year t (cohort date = 1 January t+1; ages on that date; criteria.md §2-§3).
-- **Primary Key**: (person_key, data_year).
--  * k1_fte: Σ fte_share × (days of the inclusive benefit period inside year t) ÷ days in t,
--    over benefit codes that count (seed benefit_classification), capped at 1.0 per person.
--  * is_convicted: ≥ 1 guilty decision dated in year t under the three laws.
--  * education status on 30 September t (latest record on or before it).
--  * income year t.
with cohort as (
    select
        person_key,
        period_date as cohort_date,
        age_years,
        extract(year from period_date)::int - 1 as data_year
    from {{ ref('int_resident_snapshots') }}
    where is_cohort_date and is_resident
),

classification as (
    select * from {{ ref('benefit_classification') }}
),

benefit_fte as (
    select
        cohort.person_key,
        cohort.data_year,
        sum(
            benefits.fte_share
            * (
                least(benefits.period_end, make_date(cohort.data_year, 12, 31))
                - greatest(benefits.period_start, make_date(cohort.data_year, 1, 1))
                + 1
            )::numeric
            / (make_date(cohort.data_year + 1, 1, 1) - make_date(cohort.data_year, 1, 1))
        ) filter (where classification.counts_as_outside_labour_market) as fte_raw,
        count(*) filter (where classification.benefit_code is null) as n_unknown_code_periods
    from cohort
    inner join {{ ref('stg_benefits__benefit_periods') }} as benefits
        on
            cohort.person_key = benefits.person_key
            and benefits.period_start <= make_date(cohort.data_year, 12, 31)
            and benefits.period_end >= make_date(cohort.data_year, 1, 1)
    left join classification on benefits.benefit_code = classification.benefit_code
    group by cohort.person_key, cohort.data_year
),

convicted as (
    select distinct
        person_key,
        extract(year from decision_date)::int as data_year
    from {{ ref('stg_convictions__convictions') }}
    where is_criterion_law
),

education as (
    select distinct on (cohort.person_key, cohort.data_year)
        cohort.person_key,
        cohort.data_year,
        records.highest_level,
        records.completed_in_denmark,
        records.is_in_education
    from cohort
    inner join {{ ref('stg_education__education_records') }} as records
        on
            cohort.person_key = records.person_key
            and records.as_of_date <= make_date(cohort.data_year, 9, 30)
    order by cohort.person_key asc, cohort.data_year asc, records.as_of_date desc
)

select
    cohort.person_key,
    cohort.data_year,
    cohort.cohort_date,
    cohort.age_years,
    education.highest_level,
    education.completed_in_denmark,
    income.gross_income_dkk,
    least(coalesce(benefit_fte.fte_raw, 0), 1.0) as k1_fte,
    coalesce(benefit_fte.n_unknown_code_periods, 0) as n_unknown_benefit_periods,
    convicted.person_key is not null as is_convicted,
    coalesce(education.is_in_education, false) as is_in_education,
    education.person_key is not null as has_education_record,
    coalesce(income.is_taxpayer, false) as is_taxpayer,
    coalesce(income.is_student, false) as is_student
from cohort
left join benefit_fte
    on cohort.person_key = benefit_fte.person_key and cohort.data_year = benefit_fte.data_year
left join convicted
    on cohort.person_key = convicted.person_key and cohort.data_year = convicted.data_year
left join education
    on cohort.person_key = education.person_key and cohort.data_year = education.data_year
left join {{ ref('stg_income__income_years') }} as income
    on cohort.person_key = income.person_key and cohort.data_year = income.income_year
