-- DAR unit addresses with history: one row per address_id × valid_from (latest delivery).
-- The access point (x, y) is turned into a PostGIS point in EPSG:25832.
with latest as (
    {{ dedupe_latest(source('raw', 'addresses'), ['address_id', 'valid_from']) }}
)

select
    street_code,
    street_name,
    house_number,
    postcode,
    x,
    y,
    status as address_status,
    valid_to,
    _load_id,
    _source_file,
    _source_row,
    lower(address_id) as address_id,
    lower(access_address_id) as access_address_id,
    rpad(nullif(upper(kvhx), ''), 19) as kvhx,
    lpad(trim(municipality_code), 4, '0') as municipality_code,
    nullif(floor, '') as floor,
    nullif(door, '') as door,
    st_setsrid(st_makepoint(x::float8, y::float8), 25832)::geometry (point, 25832) as geom,
    coalesce(valid_from, date '1900-01-01') as valid_from
from latest
