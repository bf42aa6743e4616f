{{ config(materialized='table', post_hook=['analyze {{ this }}']) }}
-- Exact destination distribution of out-movers from list or priority areas (internal: before
-- disclosure control; the public version is marts.fct_displacement). **Primary Key**:
-- (move_year, area_level, origin_area_id, profile_id, destination_area_id).
--  * origin areas: every area that has been on an official list (stg_ministry__official_lists,
--    matched by official_area_code) in or before the move year, and the areas named in var
--    moves_displacement_priority_area_ids;
--  * out-movers: moves out of the origin area in the year (deaths excluded; moves within the
--    area are not out-moves), to any destination: another area, `none` (an address in no
--    area of the level), `k_<code>`, `abroad`, `unknown`;
--  * profiles: `all`; `nw` (non-western origin); `k1` (K1 FTE of the year before the move >=
--    var moves_profile_k1_min_fte, among 18-64-year-olds resident on 1 January of the move
--    year); `k3_basic` (basic education only by the Danish-only rule, 30-59 on 1 January);
--  * concentration over destinations, on households (the unit of relocation): top-k share (k =
--    var moves_displacement_top_k) and the Herfindahl–Hirschman index Σ share²;
--  * is_alert: an area of the municipality receives more than var
--    moves_displacement_alert_share of the origin's households of the profile, and at least
--    var moves_displacement_alert_min_households households.
with list_areas as (
    select
        versions.area_level,
        versions.area_id,
        min(lists.list_year) as first_list_year
    from {{ ref('stg_ministry__official_lists') }} as lists
    inner join {{ ref('int_area_versions') }} as versions
        on lists.official_area_code = versions.official_area_code
    where cardinality(lists.published_categories) > 0
    group by versions.area_level, versions.area_id
),

moves as (
    select * from {{ ref('int_move_areas') }}
    where
        origin_kind = 'address'
        and move_type <> 'death'
        and destination_area_id <> origin_area_id
        and move_year between extract(year from date '{{ var("period_start_date") }}')
        and extract(year from date '{{ var("period_end_date") }}')
),

origin_moves as (
    select moves.*
    from moves
    left join list_areas
        on
            moves.area_level = list_areas.area_level
            and moves.origin_area_id = list_areas.area_id
            and moves.move_year >= list_areas.first_list_year
    where
        list_areas.area_id is not null
        or moves.origin_area_id in (
            {%- for area_id in var('moves_displacement_priority_area_ids') %}
                '{{ area_id }}',
            {%- endfor %}
            null
        )
),

profiled as (
    select
        origin_moves.*,
        profile.profile_id
    from origin_moves
    left join {{ ref('int_persons_origin_derived') }} as origin
        on origin_moves.person_key = origin.person_key
    left join {{ ref('int_person_measures') }} as k1
        on
            origin_moves.person_key = k1.person_key
            and k1.measure_id = 'k1'
            and k1.cohort_date = make_date(origin_moves.move_year, 1, 1)
    left join {{ ref('int_person_measures') }} as k3
        on
            origin_moves.person_key = k3.person_key
            and k3.measure_id = 'k3_dk_only'
            and k3.cohort_date = make_date(origin_moves.move_year, 1, 1)
    cross join
        lateral (
            values
            ('all', true),
            ('nw', coalesce(origin.is_non_western, false)),
            ('k1', coalesce(k1.measure_value >= {{ var('moves_profile_k1_min_fte') }}, false)),
            ('k3_basic', coalesce(k3.measure_value = 1, false))
        ) as profile (profile_id, is_member)
    where profile.is_member
),

counted as (
    select
        move_year,
        area_level,
        origin_area_id,
        profile_id,
        case when grouping(destination_area_id) = 1 then 'all' else destination_area_id end
            as destination_area_id,
        case
            when grouping(destination_area_id) = 1 then 'all'
            when min(destination_kind) = 'address' and destination_area_id <> 'none'
                then 'area'
            else min(destination_kind)
        end as destination_kind,
        count(distinct person_key) as persons,
        count(distinct household_move_id) as households
    from profiled
    group by grouping sets (
        (move_year, area_level, origin_area_id, profile_id, destination_area_id),
        (move_year, area_level, origin_area_id, profile_id)
    )
),

shared as (
    select
        counted.*,
        totals.households as total_households,
        counted.persons::numeric / totals.persons as persons_share,
        counted.households::numeric / totals.households as households_share,
        row_number() over (
            partition by
                counted.move_year, counted.area_level, counted.origin_area_id, counted.profile_id
            order by
                (counted.destination_area_id = 'all') asc,
                counted.households desc,
                counted.destination_area_id asc
        ) as destination_rank
    from counted
    inner join counted as totals
        on
            counted.move_year = totals.move_year
            and counted.area_level = totals.area_level
            and counted.origin_area_id = totals.origin_area_id
            and counted.profile_id = totals.profile_id
            and totals.destination_area_id = 'all'
),

concentration as (
    select
        move_year,
        area_level,
        origin_area_id,
        profile_id,
        count(*) as n_destinations,
        -- one division each, so that the indices are exact fractions of the counts
        sum(households * households)::numeric / (max(total_households) * max(total_households))
            as households_hhi,
        sum(households) filter (
            where destination_rank <= {{ var('moves_displacement_top_k') }}
        )::numeric / max(total_households) as households_top_k_share
    from shared
    where destination_area_id <> 'all'
    group by move_year, area_level, origin_area_id, profile_id
)

select
    shared.move_year::int as move_year,
    shared.area_level::text as area_level,
    shared.origin_area_id::text as origin_area_id,
    shared.profile_id::text as profile_id,
    shared.destination_area_id::text as destination_area_id,
    shared.destination_kind::text as destination_kind,
    shared.persons::int as persons,
    shared.households::int as households,
    shared.persons_share::numeric as persons_share,
    shared.households_share::numeric as households_share,
    case when shared.destination_area_id <> 'all' then shared.destination_rank end::int
        as destination_rank,
    concentration.n_destinations::int as n_destinations,
    concentration.households_hhi::numeric as households_hhi,
    concentration.households_top_k_share::numeric as households_top_k_share,
    (
        shared.destination_kind = 'area'
        and shared.households_share > {{ var('moves_displacement_alert_share') }}
        and shared.households >= {{ var('moves_displacement_alert_min_households') }}
    )::boolean as is_alert
from shared
inner join concentration
    on
        shared.move_year = concentration.move_year
        and shared.area_level = concentration.area_level
        and shared.origin_area_id = concentration.origin_area_id
        and shared.profile_id = concentration.profile_id
