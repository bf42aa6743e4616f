-- Public displacement (vandsengseffekt) monitor: int_displacement after disclosure control.
-- **Primary Key**: (move_year, area_level, origin_area_id, profile_id, destination_area_id).
-- Destination cells are suppressed like flows (persons or households 1..min_cell-1, small
-- total or complement, complementary within the origin's destinations); the origin's
-- concentration indices are shown only when its total row (destination `all`) is shown, and
-- an alert only on a shown cell.
with exact as (
    select * from {{ ref('int_displacement') }}
),

cells as (
    select
        exact.*,
        exact.persons as numerator,
        exact.persons as numerator_persons,
        max(exact.persons) filter (where exact.destination_area_id = 'all') over (
            partition by
                exact.move_year, exact.area_level, exact.origin_area_id, exact.profile_id
        ) as denominator,
        exact.persons_share as share,
        true as is_eligible
    from exact
),

controlled as (
    {{ disclosure_control(
        'cells',
        ['move_year', 'area_level', 'origin_area_id', 'profile_id', 'destination_area_id'],
        'destination_area_id', 'all', var('disclosure_min_cell_public'),
        extra_counts=['households'], complement_order='numerator'
    ) }}
),

totals_shown as (
    select
        move_year,
        area_level,
        origin_area_id,
        profile_id,
        not is_suppressed as is_total_shown
    from controlled
    where destination_area_id = 'all'
)

select
    controlled.move_year::int as move_year,
    controlled.area_level::text as area_level,
    controlled.origin_area_id::text as origin_area_id,
    controlled.profile_id::text as profile_id,
    controlled.destination_area_id::text as destination_area_id,
    exact.destination_kind::text as destination_kind,
    controlled.numerator::int as persons,
    controlled.households::int as households,
    controlled.share::numeric as persons_share,
    case
        when not controlled.is_suppressed and totals_shown.is_total_shown
            then exact.households_share
    end::numeric as households_share,
    case when not controlled.is_suppressed then exact.destination_rank end::int
        as destination_rank,
    case when totals_shown.is_total_shown then exact.n_destinations end::int
        as n_destinations,
    case when totals_shown.is_total_shown then exact.households_hhi end::numeric
        as households_hhi,
    case when totals_shown.is_total_shown then exact.households_top_k_share end::numeric
        as households_top_k_share,
    case when not controlled.is_suppressed then exact.is_alert end::boolean as is_alert,
    controlled.is_suppressed::boolean as is_suppressed,
    controlled.suppression_reason::text as suppression_reason
from controlled
inner join exact
    on
        controlled.move_year = exact.move_year
        and controlled.area_level = exact.area_level
        and controlled.origin_area_id = exact.origin_area_id
        and controlled.profile_id = exact.profile_id
        and controlled.destination_area_id = exact.destination_area_id
inner join totals_shown
    on
        controlled.move_year = totals_shown.move_year
        and controlled.area_level = totals_shown.area_level
        and controlled.origin_area_id = totals_shown.origin_area_id
        and controlled.profile_id = totals_shown.profile_id
