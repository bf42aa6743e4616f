{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'move_year']}],
) }}
-- Exact origin × destination flows (internal: before disclosure control; the public version is
-- marts.fct_flows). **Grain**: move year × area level × origin area × origin tenure ×
-- destination area × destination tenure × move type. **Primary Key**: (move_year, area_level,
-- origin_area_id, origin_tenure, destination_area_id, destination_tenure, move_type).
-- Every combination of origin tenure, destination area and destination tenure is also given
-- rolled up to `all` (cube): tenure `all` on both sides is the area × area matrix, the kommune
-- level with tenures is the tenure × tenure matrix, destination `all` rows are the origin's
-- total (the denominator of the destination shares). `tenure_conversion` rows are in-place tenure
-- changes (origin = destination area). persons = distinct persons, households = distinct
-- household moves (int_moves.household_move_id; for conversions: address and date).
with events as (
    select
        move_year,
        area_level,
        origin_area_id,
        origin_tenure,
        destination_area_id,
        destination_tenure,
        move_type,
        person_key,
        household_move_id
    from {{ ref('int_move_areas') }}
    union all
    select
        conversion_year as move_year,
        area_level,
        area_id as origin_area_id,
        from_tenure as origin_tenure,
        area_id as destination_area_id,
        to_tenure as destination_tenure,
        'tenure_conversion' as move_type,
        person_key,
        md5(address_id || '|' || conversion_date::text) as household_move_id
    from {{ ref('int_tenure_conversions') }}
),

in_period as (
    select * from events
    where
        move_year between extract(year from date '{{ var("period_start_date") }}')
        and extract(year from date '{{ var("period_end_date") }}')
),

aggregated as (
    select
        move_year,
        area_level,
        origin_area_id,
        move_type,
        case when grouping(origin_tenure) = 1 then 'all' else origin_tenure end
            as origin_tenure,
        case when grouping(destination_area_id) = 1 then 'all' else destination_area_id end
            as destination_area_id,
        case when grouping(destination_tenure) = 1 then 'all' else destination_tenure end
            as destination_tenure,
        count(distinct person_key) as persons,
        count(distinct household_move_id) as households
    from in_period
    group by
        move_year,
        area_level,
        origin_area_id,
        move_type,
        cube (origin_tenure, destination_area_id, destination_tenure)
)

select
    move_year::int as move_year,
    area_level::text as area_level,
    origin_area_id::text as origin_area_id,
    origin_tenure::text as origin_tenure,
    destination_area_id::text as destination_area_id,
    destination_tenure::text as destination_tenure,
    move_type::text as move_type,
    persons::int as persons,
    households::int as households,
    (area_level = '{{ var("moves_town_country_level") }}')::boolean as is_town_country_level
from aggregated
