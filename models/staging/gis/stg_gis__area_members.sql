-- Explicit address memberships of areas (the official delimitations are address lists);
-- they win over point-in-polygon. Either address_id or access_address_id is given.
with latest as (
    {{ dedupe_latest(
        source('raw', 'area_members'),
        ['area_id', "coalesce(address_id, '')", "coalesce(access_address_id, '')", 'valid_from']
    ) }}
)

select
    area_id,
    valid_to,
    _load_id,
    _source_file,
    _source_row,
    nullif(lower(address_id), '') as address_id,
    nullif(lower(access_address_id), '') as access_address_id,
    coalesce(valid_from, date '1900-01-01') as valid_from
from latest
