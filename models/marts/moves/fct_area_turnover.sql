-- Public turnover per area, tenure and year: int_area_turnover as measures with counts, after
-- disclosure control. **Primary Key**: (move_year, area_level, area_id, tenure, measure_id).
-- measure_id (numerator / denominator):
--   in_movers       persons moving into the cell in the year / mean residents (1 Jan t, t+1)
--   out_movers      persons moving out of the cell / mean residents
--   net_migration   in_movers - out_movers / mean residents
--   churn           in_movers + out_movers / mean residents (turnover)
--   births, deaths  / mean residents
--   fraflytning     households moving out / dwellings on 1 Jan t (LBF fraflytningsprocent)
--   stayers         residents on both 1 Jan t and 1 Jan t+1 / residents on 1 Jan t
-- rate_per_100 = 100 × share. net_migration and churn are hidden whenever in_movers or
-- out_movers are (they would give the hidden value away).
with exact as (
    select * from {{ ref('int_area_turnover') }}
    where area_id <> 'none'
),

area_floor as (
    select
        move_year,
        area_level,
        area_id,
        coalesce(
            residents_start >= {{ var('disclosure_min_area_residents') }}
            and households_start >= {{ var('disclosure_min_area_households') }}
            and residents_end >= {{ var('disclosure_min_area_residents') }}
            and households_end >= {{ var('disclosure_min_area_households') }},
            false
        ) as is_eligible
    from exact
    where tenure = 'all'
),

measures as (
    select
        exact.move_year,
        exact.area_level,
        exact.area_id,
        exact.tenure,
        area_floor.is_eligible,
        measure.measure_id,
        measure.numerator,
        measure.denominator,
        measure.numerator_persons
    from exact
    inner join area_floor
        on
            exact.move_year = area_floor.move_year
            and exact.area_level = area_floor.area_level
            and exact.area_id = area_floor.area_id
    cross join lateral (
        values
        ('in_movers', exact.in_movers, exact.residents_mean, exact.in_movers),
        ('out_movers', exact.out_movers, exact.residents_mean, exact.out_movers),
        (
            'net_migration', exact.in_movers - exact.out_movers, exact.residents_mean,
            null::int
        ),
        ('churn', exact.in_movers + exact.out_movers, exact.residents_mean, null::int),
        ('births', exact.births, exact.residents_mean, exact.births),
        ('deaths', exact.deaths, exact.residents_mean, exact.deaths),
        ('fraflytning', exact.households_out, exact.dwellings, exact.households_out),
        ('stayers', exact.stayers, exact.residents_start, exact.stayers)
    ) as measure (measure_id, numerator, denominator, numerator_persons)
),

cells as (
    select
        measures.*,
        measures.numerator::numeric / nullif(measures.denominator, 0) as share
    from measures
),

controlled as (
    {{ disclosure_control(
        'cells',
        ['move_year', 'area_level', 'area_id', 'measure_id', 'tenure'],
        'tenure', 'all', var('disclosure_min_cell_public')
    ) }}
),

-- net migration and churn only when both in- and out-movers are shown
movers_shown as (
    select
        move_year,
        area_level,
        area_id,
        tenure,
        bool_and(not is_suppressed) as are_both_shown
    from controlled
    where measure_id in ('in_movers', 'out_movers')
    group by move_year, area_level, area_id, tenure
),

final as (
    select
        controlled.move_year,
        controlled.area_level,
        controlled.area_id,
        controlled.tenure,
        controlled.measure_id,
        case
            when
                controlled.measure_id in ('net_migration', 'churn')
                and not controlled.is_suppressed
                and not movers_shown.are_both_shown
                then 'complementary'
            else controlled.suppression_reason
        end as suppression_reason,
        controlled.numerator,
        controlled.denominator,
        controlled.share
    from controlled
    inner join movers_shown
        on
            controlled.move_year = movers_shown.move_year
            and controlled.area_level = movers_shown.area_level
            and controlled.area_id = movers_shown.area_id
            and controlled.tenure = movers_shown.tenure
)

select
    move_year::int as move_year,
    area_level::text as area_level,
    area_id::text as area_id,
    tenure::text as tenure,
    measure_id::text as measure_id,
    case when suppression_reason is null then numerator end::numeric as numerator,
    case when suppression_reason is null then denominator end::numeric as denominator,
    case when suppression_reason is null then share end::numeric as share,
    case when suppression_reason is null then 100 * share end::numeric as rate_per_100,
    (suppression_reason is not null)::boolean as is_suppressed,
    suppression_reason::text as suppression_reason
from final
