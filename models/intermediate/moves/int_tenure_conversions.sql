{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'conversion_year']}],
) }}
-- Tenure conversions in place (person level, intermediate only): residents whose dwelling
-- changes tenure in BBR while they stay (e.g. an almen afdeling sold to a private landlord).
-- One row per person × conversion date × area level. **Primary Key**: (person_key,
-- conversion_date, area_level). A conversion on day d: the address's tenure on d differs from
-- its tenure on d - 1; the persons converted are its residents on d (as the synthetic truth
-- counts them: a household moving in that very day is counted too, besides its move). The
-- area is taken on d - 1 (`none` when the address lies in no area of the level).
with tenure as (
    select
        address_id,
        valid_from,
        valid_to,
        tenure,
        lag(tenure) over (partition by address_id order by valid_from) as previous_tenure,
        lag(valid_to) over (partition by address_id order by valid_from) as previous_valid_to
    from {{ ref('int_address_tenure') }}
),

conversions as (
    select
        address_id,
        valid_from as conversion_date,
        previous_tenure as from_tenure,
        tenure as to_tenure
    from tenure
    where previous_valid_to = valid_from and previous_tenure <> tenure
),

residents as (
    select
        conversions.*,
        spells.person_key
    from conversions
    inner join {{ ref('int_residence_spells') }} as spells
        on
            conversions.address_id = spells.address_id
            and conversions.conversion_date >= spells.valid_from
            and (spells.valid_to is null or conversions.conversion_date < spells.valid_to)
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
    residents.person_key,
    residents.conversion_date,
    residents.address_id,
    residents.from_tenure,
    residents.to_tenure,
    levels.area_level,
    extract(year from residents.conversion_date)::int as conversion_year,
    coalesce(areas.area_id, 'none') as area_id
from residents
cross join levels
left join {{ ref('int_address_areas') }} as areas
    on
        residents.address_id = areas.address_id
        and levels.area_level = areas.area_level
        and areas.valid_from <= residents.conversion_date - 1
        and (areas.valid_to is null or areas.valid_to > residents.conversion_date - 1)
