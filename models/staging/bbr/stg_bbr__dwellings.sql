-- BBR units (enheder) joined to their building, one row per unit × validity period
-- (latest delivery). Codes stay text as BBR publishes them.
with latest as (
    {{ dedupe_latest(source('raw', 'dwellings'), ['unit_id', 'valid_from']) }}
)

select
    floor_area_m2,
    rooms,
    construction_year,
    valid_to,
    _load_id,
    _source_file,
    _source_row,
    lower(unit_id) as unit_id,
    lower(address_id) as address_id,
    lower(building_id) as building_id,
    trim(unit_usage_code) as unit_usage_code,
    upper(trim(housing_type_code)) as housing_type_code,
    trim(letting_code) as letting_code,
    trim(subsidy_code) as subsidy_code,
    trim(ownership_code) as ownership_code,
    nullif(afdeling_id, '') as afdeling_id,
    coalesce(valid_from, date '1900-01-01') as valid_from
from latest
