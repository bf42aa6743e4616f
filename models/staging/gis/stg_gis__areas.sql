-- Area polygons, every level and boundary version, EPSG:25832 (latest delivery per version).
with latest as (
    {{ dedupe_latest(source('raw', 'areas'), ['area_level', 'area_id', 'valid_from']) }}
)

select
    area_id,
    area_name,
    valid_to,
    geom,
    _load_id,
    _source_file,
    _source_row,
    lower(trim(area_level)) as area_level,
    nullif(official_area_code, '') as official_area_code,
    nullif(parent_area_id, '') as parent_area_id,
    coalesce(valid_from, date '1900-01-01') as valid_from
from latest
