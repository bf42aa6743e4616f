{{ config(materialized='table', indexes=[{'columns': ['area_level', 'area_id', 'period_date']}]) }}
-- Exact area indicators as counts (internal: before disclosure control; the public version is
-- marts.fct_area_indicators). One row per period × area level × area × tenure × indicator.
-- **Primary Key**: (period_date, area_level, area_id, tenure, indicator_id).
-- Point-in-time indicators come from the person-period snapshots at every month end and
-- 1 January; yearly legal measures (K1-K4) come from int_area_year_measures at their cohort
-- date (1 January t+1). share = numerator / denominator (for k4_income: the mean income).
with snapshots as (
    select * from {{ ref('int_resident_snapshots') }}
    where is_resident
),

-- Pre-aggregate persons to their address first: the area join then runs on addresses.
address_counts as (
    select
        period_date,
        is_cohort_date,
        address_id,
        tenure,
        count(*) as residents,
        count(*) filter (where age_years between 0 and 17) as pop_0_17,
        count(*) filter (where age_years between 18 and 64) as pop_18_64,
        count(*) filter (where age_years >= 65) as pop_65_plus,
        count(*) filter (where is_non_western) as origin_nw,
        count(*) filter (where is_menapt) as origin_menapt
    from snapshots
    group by period_date, is_cohort_date, address_id, tenure
),

located as (
    select
        address_counts.*,
        areas.area_level,
        areas.area_id
    from address_counts
    inner join {{ ref('int_address_areas') }} as areas
        on
            address_counts.address_id = areas.address_id
            and address_counts.period_date >= areas.valid_from
            and (areas.valid_to is null or address_counts.period_date < areas.valid_to)
    -- DDKN grid cells only on the cohort dates (1 January): monthly grids would multiply the
    -- table by the number of cells (var grid_levels_monthly to switch them on)
    where
        {{ var('grid_levels_monthly') }}
        or address_counts.is_cohort_date
        or areas.area_level not in ('grid_100m', 'grid_1km')
),

area_counts as (
    select
        period_date,
        area_level,
        area_id,
        coalesce(tenure, 'all') as tenure,
        sum(residents) as residents,
        -- one address_counts row per address and date (an address has one tenure on a date)
        count(*) as households,
        sum(pop_0_17) as pop_0_17,
        sum(pop_18_64) as pop_18_64,
        sum(pop_65_plus) as pop_65_plus,
        sum(origin_nw) as origin_nw,
        sum(origin_menapt) as origin_menapt
    from located
    group by grouping sets (
        (period_date, area_level, area_id, tenure),
        (period_date, area_level, area_id)
    )
),

point_in_time as (
    select
        area_counts.period_date,
        area_counts.area_level,
        area_counts.area_id,
        area_counts.tenure,
        unpivoted.indicator_id,
        unpivoted.numerator,
        unpivoted.denominator,
        null::int as contributing_persons
    from area_counts
    cross join
        lateral (
            values
            ('residents', area_counts.residents, area_counts.residents),
            ('households', area_counts.households, area_counts.households),
            ('pop_0_17', area_counts.pop_0_17, area_counts.residents),
            ('pop_18_64', area_counts.pop_18_64, area_counts.residents),
            ('pop_65_plus', area_counts.pop_65_plus, area_counts.residents),
            ('origin_nw', area_counts.origin_nw, area_counts.residents),
            ('origin_menapt', area_counts.origin_menapt, area_counts.residents)
        ) as unpivoted (indicator_id, numerator, denominator)
    inner join {{ ref('indicators') }} as indicators
        on unpivoted.indicator_id = indicators.indicator_id
),

yearly as (
    select
        measures.cohort_date as period_date,
        measures.area_level,
        measures.area_id,
        measures.tenure,
        measures.measure_id as indicator_id,
        measures.numerator,
        measures.denominator,
        measures.contributing_persons
    from {{ ref('int_area_year_measures') }} as measures
    inner join {{ ref('indicators') }} as indicators
        on measures.measure_id = indicators.indicator_id
    where indicators.period_type <> 'point_in_time'
),

unioned as (
    select * from point_in_time
    union all
    select * from yearly
)

select
    period_date::date as period_date,
    area_level::text as area_level,
    area_id::text as area_id,
    tenure::text as tenure,
    indicator_id::text as indicator_id,
    numerator::numeric as numerator,
    denominator::numeric as denominator,
    (numerator / nullif(denominator, 0))::numeric as share,
    -- persons behind the numerator: the count itself, or for FTE and income sums the persons
    -- with a non-zero value (what disclosure control must protect)
    coalesce(contributing_persons, numerator)::int as numerator_persons
from unioned
