-- CPR residence rows matched to a DAR unit address. A row that names address_id uses it;
-- a row with only the CPR-style kvhx is matched to the DAR address carrying that kvhx on the
-- move-in date, else the latest DAR address that ever carried it. `match_method` says which;
-- unmatched rows keep address_id null and are counted in the coverage mart.
-- `previous_end` is the latest end of the person's earlier-starting intervals (overlap check).
with residences as (
    select * from {{ ref('stg_cpr__residences') }}
),

dar_kvhx as (
    select distinct
        kvhx,
        address_id,
        valid_from,
        valid_to
    from {{ ref('stg_dar__addresses') }}
    where kvhx is not null
),

dar_ids as (
    select distinct address_id from {{ ref('stg_dar__addresses') }}
),

kvhx_matches as (
    select distinct on (residences.person_key, residences.moved_in, residences.kvhx)
        residences.person_key,
        residences.moved_in,
        residences.kvhx,
        dar_kvhx.address_id,
        residences.moved_in >= dar_kvhx.valid_from
        and (dar_kvhx.valid_to is null or residences.moved_in < dar_kvhx.valid_to)
            as is_valid_on_move_in
    from residences
    inner join dar_kvhx on residences.kvhx = dar_kvhx.kvhx
    where residences.address_id is null
    order by
        residences.person_key asc,
        residences.moved_in asc,
        residences.kvhx asc,
        is_valid_on_move_in desc,
        dar_kvhx.valid_from desc,
        dar_kvhx.address_id asc
)

select
    residences.person_key,
    residences.kvhx,
    residences.moved_in,
    residences.moved_out,
    residences.moved_in_from_municipality,
    residences.moved_out_to_municipality,
    residences._load_id,
    residences._source_file,
    residences._source_row,
    max(coalesce(residences.moved_out, date '9999-12-31')) over (
        partition by residences.person_key
        order by residences.moved_in, residences._source_row
        rows between unbounded preceding and 1 preceding
    ) as previous_end,
    coalesce(dar_ids.address_id, kvhx_matches.address_id) as address_id,
    case
        when dar_ids.address_id is not null then 'address_id'
        when kvhx_matches.is_valid_on_move_in then 'kvhx_bitemporal'
        when kvhx_matches.address_id is not null then 'kvhx_latest'
        else 'unmatched'
    end as match_method
from residences
left join dar_ids on residences.address_id = dar_ids.address_id
left join kvhx_matches
    on
        residences.person_key = kvhx_matches.person_key
        and residences.moved_in = kvhx_matches.moved_in
        and residences.kvhx = kvhx_matches.kvhx
