{{ config(
    materialized='table',
    indexes=[{'columns': ['address_id', 'area_level']}],
) }}
-- Every DAR address assigned to one area per area level, as validity intervals
-- [valid_from, valid_to). Rules, in order (documented in _intermediate__docs.md):
--  1. an explicit membership (area_members, by unit address or access address) valid at the
--     time wins over geometry;
--  2. otherwise point-in-polygon of the access point on the boundary version valid at the time;
--     a point on a shared edge lies in both polygons (st_intersects) and the smallest area_id
--     wins, so the result is deterministic;
--  3. the 100 m and 1 km DDKN grid cells come straight from the coordinates.
-- Time segments are cut wherever any candidate starts or ends, the winner is chosen per
-- segment, and adjacent segments with the same winner are merged again.
with addresses as (
    select
        address_id,
        access_address_id,
        valid_from,
        x,
        y,
        geom,
        coalesce(valid_to, date '9999-12-31') as valid_to
    from {{ ref('stg_dar__addresses') }}
    where geom is not null
),

area_levels as (
    select distinct
        area_id,
        area_level
    from {{ ref('int_area_versions') }}
),

member_candidates as (
    select
        addresses.address_id,
        area_levels.area_level,
        members.area_id,
        1 as priority,
        greatest(addresses.valid_from, members.valid_from) as valid_from,
        least(addresses.valid_to, coalesce(members.valid_to, date '9999-12-31')) as valid_to
    from {{ ref('stg_gis__area_members') }} as members
    inner join area_levels on members.area_id = area_levels.area_id
    inner join addresses
        on
            members.address_id = addresses.address_id
            or (
                members.address_id is null
                and members.access_address_id = addresses.access_address_id
            )
),

polygon_candidates as (
    select
        addresses.address_id,
        areas.area_level,
        areas.area_id,
        2 as priority,
        greatest(addresses.valid_from, areas.valid_from) as valid_from,
        least(addresses.valid_to, coalesce(areas.valid_to, date '9999-12-31')) as valid_to
    from addresses
    inner join {{ ref('int_area_versions') }} as areas
        on st_intersects(areas.geom, addresses.geom)
),

candidates as (
    select * from member_candidates
    where valid_from < valid_to
    union all
    select * from polygon_candidates
    where valid_from < valid_to
),

boundaries as (
    select
        address_id,
        area_level,
        valid_from as boundary_date
    from candidates
    union
    select
        address_id,
        area_level,
        valid_to as boundary_date
    from candidates
),

segments as (
    select
        address_id,
        area_level,
        boundary_date as segment_start,
        lead(boundary_date) over (
            partition by address_id, area_level order by boundary_date
        ) as segment_end
    from boundaries
),

winners as (
    select distinct on (segments.address_id, segments.area_level, segments.segment_start)
        segments.address_id,
        segments.area_level,
        segments.segment_start,
        segments.segment_end,
        candidates.area_id,
        case candidates.priority when 1 then 'member' else 'polygon' end as assignment_method
    from segments
    inner join candidates
        on
            segments.address_id = candidates.address_id
            and segments.area_level = candidates.area_level
            and segments.segment_start >= candidates.valid_from
            and segments.segment_end <= candidates.valid_to
    where segments.segment_end is not null
    order by
        segments.address_id,
        segments.area_level,
        segments.segment_start,
        candidates.priority,
        candidates.area_id
),

islands as (
    select
        winners.*,
        case
            when
                lag(winners.segment_end) over w = winners.segment_start
                and lag(winners.area_id) over w = winners.area_id
                and lag(winners.assignment_method) over w = winners.assignment_method
                then 0
            else 1
        end as is_new_island
    from winners
    window w as (partition by winners.address_id, winners.area_level order by winners.segment_start)
),

numbered as (
    select
        islands.*,
        sum(islands.is_new_island) over (
            partition by islands.address_id, islands.area_level order by islands.segment_start
        ) as island_number
    from islands
),

merged as (
    select
        address_id,
        area_level,
        area_id,
        assignment_method,
        min(segment_start) as valid_from,
        max(segment_end) as valid_to
    from numbered
    group by address_id, area_level, area_id, assignment_method, island_number
),

grid_cells as (
    select
        address_id,
        'grid_100m' as area_level,
        '100m_' || floor(y / 100)::bigint || '_' || floor(x / 100)::bigint as area_id,
        'grid' as assignment_method,
        valid_from,
        valid_to
    from addresses
    union all
    select
        address_id,
        'grid_1km' as area_level,
        '1km_' || floor(y / 1000)::bigint || '_' || floor(x / 1000)::bigint as area_id,
        'grid' as assignment_method,
        valid_from,
        valid_to
    from addresses
)

select
    address_id,
    area_level,
    area_id,
    assignment_method,
    valid_from,
    nullif(valid_to, date '9999-12-31') as valid_to
from merged
union all
select
    address_id,
    area_level,
    area_id,
    assignment_method,
    valid_from,
    nullif(valid_to, date '9999-12-31') as valid_to
from grid_cells
