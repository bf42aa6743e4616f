{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'move_year']}, {'columns': ['move_id']}],
) }}
-- Every move at every area level (person level, intermediate only). **Primary Key**:
-- (move_id, area_level). An address endpoint takes its area at that level (`none` when the
-- address lies in no area of the level); an external endpoint is labelled by its kind:
-- `k_<code>` (another municipality), `abroad`, `birth`, `death`, `unknown`. Tenure of an
-- external endpoint is `none`. Levels in var moves_excluded_area_levels are left out.
with moves as (
    select * from {{ ref('int_moves') }}
),

levels as (
    select distinct area_level
    from {{ ref('int_address_areas') }}
    where area_level not in (
        {%- for level in var('moves_excluded_area_levels') %}
            '{{ level }}'{% if not loop.last %}, {% endif %}
        {%- endfor %}
    )
)

select
    moves.move_id,
    moves.person_key,
    moves.household_move_id,
    moves.move_date,
    moves.move_year,
    moves.move_type,
    moves.origin_kind,
    moves.destination_kind,
    levels.area_level,
    case moves.origin_kind
        when 'address' then coalesce(moves.origin_areas ->> levels.area_level, 'none')
        when 'other_municipality' then 'k_' || coalesce(moves.origin_municipality_code, '')
        else moves.origin_kind
    end as origin_area_id,
    coalesce(moves.origin_tenure, 'none') as origin_tenure,
    case moves.destination_kind
        when 'address' then coalesce(moves.destination_areas ->> levels.area_level, 'none')
        when 'other_municipality'
            then 'k_' || coalesce(moves.destination_municipality_code, '')
        else moves.destination_kind
    end as destination_area_id,
    coalesce(moves.destination_tenure, 'none') as destination_tenure
from moves
cross join levels
