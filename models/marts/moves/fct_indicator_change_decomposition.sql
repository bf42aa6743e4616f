-- Public decomposition of the change of each legal measure's share between 1 January t and
-- 1 January t+1 per area: int_indicator_change_decomposition after disclosure control.
-- **Primary Key**: (change_year, area_level, area_id, measure_id). The four components add up
-- exactly to total_change (see the internal model for the formula). A row is suppressed when
-- the area is below the publication floor on either date (area_below_floor) or when a
-- non-empty group behind a component (out-movers, in-movers, demographic, stayers) or either
-- end population has fewer than the public minimum cell (small_group): a component of a tiny
-- group would give away the values of its few persons. K2 only for areas of official size
-- (var disclosure_min_area_residents_k2, criteria.md §7).
with exact as (
    select * from {{ ref('int_indicator_change_decomposition') }}
),

area_floor as (
    select
        move_year as change_year,
        area_level,
        area_id,
        coalesce(
            residents_start >= {{ var('disclosure_min_area_residents') }}
            and households_start >= {{ var('disclosure_min_area_households') }}
            and residents_end >= {{ var('disclosure_min_area_residents') }}
            and households_end >= {{ var('disclosure_min_area_households') }},
            false
        ) as is_eligible,
        -- criteria.md §7: K2 (convictions) only for areas of official size
        coalesce(
            residents_start >= {{ var('disclosure_min_area_residents_k2') }}
            and residents_end >= {{ var('disclosure_min_area_residents_k2') }},
            false
        ) as is_k2_eligible
    from {{ ref('int_area_turnover') }}
    where tenure = 'all'
),

reasoned as (
    select
        exact.*,
        case
            when not coalesce(area_floor.is_eligible, false) then 'area_below_floor'
            when exact.measure_id = 'k2' and not area_floor.is_k2_eligible
                then 'area_below_floor'
            when
                exact.n_start < {{ var('disclosure_min_cell_public') }}
                or exact.n_end < {{ var('disclosure_min_cell_public') }}
                or exact.n_out_movers between 1 and {{ var('disclosure_min_cell_public') }} - 1
                or exact.n_in_movers between 1 and {{ var('disclosure_min_cell_public') }} - 1
                or exact.n_demographic between 1 and {{ var('disclosure_min_cell_public') }} - 1
                or exact.n_stayers between 1 and {{ var('disclosure_min_cell_public') }} - 1
                then 'small_group'
        end as suppression_reason
    from exact
    left join area_floor
        on
            exact.change_year = area_floor.change_year
            and exact.area_level = area_floor.area_level
            and exact.area_id = area_floor.area_id
)

select
    change_year::int as change_year,
    area_level::text as area_level,
    area_id::text as area_id,
    measure_id::text as measure_id,
    case when suppression_reason is null then n_start end::int as n_start,
    case when suppression_reason is null then share_start end::numeric as share_start,
    case when suppression_reason is null then n_end end::int as n_end,
    case when suppression_reason is null then share_end end::numeric as share_end,
    case when suppression_reason is null then total_change end::numeric as total_change,
    case when suppression_reason is null then out_mover_component end::numeric
        as out_mover_component,
    case when suppression_reason is null then demographic_component end::numeric
        as demographic_component,
    case when suppression_reason is null then stayer_component end::numeric
        as stayer_component,
    case when suppression_reason is null then in_mover_component end::numeric
        as in_mover_component,
    (suppression_reason is not null)::boolean as is_suppressed,
    suppression_reason::text as suppression_reason
from reasoned
