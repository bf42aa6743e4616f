{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'area_id', 'cohort_date']}, {'columns': ['person_key']}],
) }}
-- Residents (is_resident: a dwelling unit) on every 1 January (cohort date) located at every
-- area level, with the family type of their household on that date (person level, intermediate
-- only).
-- **Primary Key**: (cohort_date, person_key, area_level). Family type from the persons at the
-- same unit address (DST's household): `single` (one adult 18+, no children), `single_parent`,
-- `couple` (two or more adults, no children), `couple_with_children`, `children_only`,
-- `unknown` (address not matched). Levels in var moves_excluded_area_levels are left out;
-- residents at addresses in no area of a level are not located at that level.
with snapshots as (
    select
        period_date as cohort_date,
        person_key,
        address_id,
        tenure,
        age_years,
        is_non_western
    from {{ ref('int_resident_snapshots') }}
    where is_cohort_date and is_resident
),

households as (
    select
        cohort_date,
        address_id,
        count(*) filter (where age_years >= 18) as adults,
        count(*) filter (where age_years < 18) as children
    from snapshots
    where address_id is not null
    group by cohort_date, address_id
)

select
    snapshots.cohort_date,
    snapshots.person_key,
    snapshots.address_id,
    snapshots.tenure,
    snapshots.age_years,
    snapshots.is_non_western,
    areas.area_level,
    areas.area_id,
    case
        when households.address_id is null then 'unknown'
        when households.adults = 0 then 'children_only'
        when households.adults = 1 and households.children = 0 then 'single'
        when households.adults = 1 then 'single_parent'
        when households.children = 0 then 'couple'
        else 'couple_with_children'
    end as family_type
from snapshots
left join households
    on
        snapshots.cohort_date = households.cohort_date
        and snapshots.address_id = households.address_id
inner join {{ ref('int_address_areas') }} as areas
    on
        snapshots.address_id = areas.address_id
        and snapshots.cohort_date >= areas.valid_from
        and (areas.valid_to is null or snapshots.cohort_date < areas.valid_to)
where areas.area_level not in (
    {%- for level in var('moves_excluded_area_levels') %}
        '{{ level }}'{% if not loop.last %}, {% endif %}
    {%- endfor %}
)
