{{ config(
    materialized='table',
    indexes=[{'columns': ['geom'], 'type': 'gist'}, {'columns': ['area_level', 'area_id']}],
) }}
-- Area polygons per boundary version, valid geometry only, with a spatial index so that
-- point-in-polygon geocoding is an index lookup.
select
    area_level,
    area_id,
    area_name,
    official_area_code,
    parent_area_id,
    valid_from,
    valid_to,
    geom
from {{ ref('stg_gis__areas') }}
where geom is not null and not st_isempty(geom)
