-- Snapshot dates of the warehouse. **Primary Key**: period_date.
select
    period_date::date as period_date,
    period_year::int as period_year,
    extract(month from period_date)::int as period_month,
    to_char(period_date, 'YYYY-MM')::text as period_label,
    is_month_end::boolean as is_month_end,
    is_cohort_date::boolean as is_cohort_date,
    period_type::text as period_type,
    -- the list year whose criteria use this date as cohort date (1 January Y)
    case when is_cohort_date then period_year end::int as list_year
from {{ ref('int_periods') }}
