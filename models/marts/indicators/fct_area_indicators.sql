-- Public area indicators: int_area_indicators after disclosure control. One row per period ×
-- area level × area × tenure × indicator. **Primary Key**: (period_date, area_level, area_id,
-- tenure, indicator_id). Suppressed cells keep their row with NULL values and a reason code.
with exact as (
    select * from {{ ref('int_area_indicators') }}
),

area_floor as (
    select
        period_date,
        area_level,
        area_id,
        max(denominator) filter (where indicator_id = 'residents') as residents,
        max(denominator) filter (where indicator_id = 'households') as households
    from exact
    where tenure = 'all' and indicator_id in ('residents', 'households')
    group by period_date, area_level, area_id
),

eligible as (
    select
        exact.*,
        coalesce(
            area_floor.residents >= {{ var('disclosure_min_area_residents') }}
            and area_floor.households >= {{ var('disclosure_min_area_households') }},
            false
        ) as is_eligible
    from exact
    left join area_floor
        on
            exact.period_date = area_floor.period_date
            and exact.area_level = area_floor.area_level
            and exact.area_id = area_floor.area_id
),

controlled as (
    {{ disclosure_control(
        'eligible',
        ['period_date', 'area_level', 'area_id', 'indicator_id', 'tenure'],
        'tenure', 'all', var('disclosure_min_cell_public')
    ) }}
)

select
    period_date::date as period_date,
    area_level::text as area_level,
    area_id::text as area_id,
    tenure::text as tenure,
    indicator_id::text as indicator_id,
    numerator::numeric as numerator,
    denominator::numeric as denominator,
    share::numeric as share,
    is_suppressed::boolean as is_suppressed,
    suppression_reason::text as suppression_reason
from controlled
