-- Snapshot dates: every month end between the period vars, plus every 1 January (the cohort
-- date of the legal criteria: residents on 1 Jan Y). One row per date.
with month_ends as (
    select (date_trunc('month', month_start) + interval '1 month - 1 day')::date as period_date
    from generate_series(
        date_trunc('month', date '{{ var("period_start_date") }}'),
        date_trunc('month', date '{{ var("period_end_date") }}'),
        interval '1 month'
    ) as months (month_start)
),

jan_firsts as (
    select make_date(year_number, 1, 1) as period_date
    from generate_series(
        extract(year from date '{{ var("period_start_date") }}')::int,
        extract(year from date '{{ var("period_end_date") }}')::int + 1
    ) as years (year_number)
),

all_dates as (
    select period_date from month_ends
    union
    select period_date from jan_firsts
)

select
    period_date,
    extract(year from period_date)::int as period_year,
    period_date = (date_trunc('month', period_date) + interval '1 month - 1 day')::date
        as is_month_end,
    extract(month from period_date) = 1 and extract(day from period_date) = 1 as is_cohort_date,
    case
        when extract(month from period_date) = 1 and extract(day from period_date) = 1
            then 'cohort_date'
        else 'month_end'
    end as period_type
from all_dates
