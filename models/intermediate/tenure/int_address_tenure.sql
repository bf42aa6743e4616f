{{ config(
    materialized='table',
    indexes=[{'columns': ['address_id']}],
) }}
-- Tenure of each DAR unit address over time, as intervals [valid_from, valid_to): residents
-- reach their unit through the unit address. An address with exactly one valid residential
-- unit takes that unit's tenure; none or several give 'ukendt' (criteria.md §6). Leisure units
-- (summer houses, allotment huts) are flagged: their residents are excluded from counts.
with units as (
    select * from {{ ref('int_units_tenure_derived') }}
    where address_id is not null
),

boundaries as (
    select
        address_id,
        valid_from as boundary_date
    from units
    union
    select
        address_id,
        coalesce(valid_to, date '9999-12-31') as boundary_date
    from units
),

segments as (
    select
        address_id,
        boundary_date as segment_start,
        lead(boundary_date) over (partition by address_id order by boundary_date) as segment_end
    from boundaries
),

segment_units as (
    select
        segments.address_id,
        segments.segment_start,
        segments.segment_end,
        count(units.unit_id) as n_units,
        min(units.tenure) as tenure,
        min(units.almen_subtype) as almen_subtype,
        min(units.unit_id) as unit_id,
        min(units.afdeling_id) as afdeling_id,
        bool_or(units.is_leisure) as is_leisure,
        bool_or(units.is_dwelling) as is_dwelling
    from segments
    inner join units
        on
            segments.address_id = units.address_id
            and segments.segment_start >= units.valid_from
            and segments.segment_end <= coalesce(units.valid_to, date '9999-12-31')
    where segments.segment_end is not null
    group by segments.address_id, segments.segment_start, segments.segment_end
)

select
    address_id,
    segment_start as valid_from,
    n_units,
    nullif(segment_end, date '9999-12-31') as valid_to,
    case when n_units = 1 then tenure else 'ukendt' end as tenure,
    case when n_units = 1 then almen_subtype end as almen_subtype,
    case when n_units = 1 then unit_id end as unit_id,
    case when n_units = 1 then afdeling_id end as afdeling_id,
    coalesce(is_leisure, false) as is_leisure,
    coalesce(is_dwelling, false) as is_dwelling
from segment_units
