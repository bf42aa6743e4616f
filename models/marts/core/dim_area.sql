-- Areas of every level with their boundary versions and hierarchy, in EPSG:25832 (QGIS) with a
-- WGS84 copy for web maps. **Primary Key**: (area_level, area_id, valid_from).
-- Grid cells (grid_100m, grid_1km) are not listed: their id encodes their position.
select
    area_level::text as area_level,
    area_id::text as area_id,
    area_name::text as area_name,
    official_area_code::text as official_area_code,
    parent_area_id::text as parent_area_id,
    valid_from::date as valid_from,
    valid_to::date as valid_to,
    geom::geometry (multipolygon, 25832) as geom,
    (area_level || ':' || area_id)::text as area_key,
    (valid_to is null)::boolean as is_current,
    st_area(geom)::numeric as area_m2,
    st_transform(geom, 4326)::geometry (multipolygon, 4326) as geom_wgs84
from {{ ref('int_area_versions') }}
