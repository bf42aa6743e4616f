-- Public origin × destination flows: int_flows after disclosure control. **Primary Key**:
-- (move_year, area_level, origin_area_id, origin_tenure, destination_area_id,
-- destination_tenure, move_type). A cell is suppressed when its persons or households are
-- 1..min_cell-1, when the origin's total (destination `all`) is below min_cell, when the rest
-- of the origin's movers (total - persons) is 1..min_cell-1, or complementarily within the
-- origin's destinations. Flows are counts of events, so the area floor (residents,
-- households) of the area statistics does not apply (is_eligible is true).
with exact as (
    select * from {{ ref('int_flows') }}
),

-- the origin's total (destination `all`) by a window, not a self-join: the planner
-- misestimates a seven-key self-join badly
with_totals as (
    select
        exact.*,
        max(exact.persons) filter (where exact.destination_area_id = 'all') over (
            partition by
                exact.move_year, exact.area_level, exact.origin_area_id, exact.origin_tenure,
                exact.destination_tenure, exact.move_type
        ) as origin_persons
    from exact
),

cells as (
    select
        move_year,
        area_level,
        origin_area_id,
        origin_tenure,
        destination_area_id,
        destination_tenure,
        move_type,
        is_town_country_level,
        households,
        persons as numerator,
        persons as numerator_persons,
        origin_persons as denominator,
        persons::numeric / nullif(origin_persons, 0) as share,
        true as is_eligible
    from with_totals
),

controlled as (
    {{ disclosure_control(
        'cells',
        ['move_year', 'area_level', 'origin_area_id', 'origin_tenure', 'destination_tenure',
         'move_type', 'destination_area_id'],
        'destination_area_id', 'all', var('disclosure_min_cell_public'),
        extra_counts=['households'], complement_order='numerator'
    ) }}
)

select
    controlled.move_year::int as move_year,
    controlled.area_level::text as area_level,
    controlled.origin_area_id::text as origin_area_id,
    controlled.origin_tenure::text as origin_tenure,
    controlled.destination_area_id::text as destination_area_id,
    controlled.destination_tenure::text as destination_tenure,
    controlled.move_type::text as move_type,
    controlled.numerator::int as persons,
    controlled.households::int as households,
    controlled.denominator::int as origin_persons,
    controlled.share::numeric as destination_share,
    (controlled.area_level = '{{ var("moves_town_country_level") }}')::boolean
        as is_town_country_level,
    controlled.is_suppressed::boolean as is_suppressed,
    controlled.suppression_reason::text as suppression_reason
from controlled
