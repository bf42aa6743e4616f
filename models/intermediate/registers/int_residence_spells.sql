{{ config(
    materialized='table',
    indexes=[{'columns': ['person_key']}, {'columns': ['address_id']}],
) }}
-- Residence spells: half-open [valid_from, valid_to) intervals during which a person lives at a
-- DAR address and counts as a resident of the municipality.
-- Rules (documented in _intermediate__docs.md):
--  * overlapping intervals of one person: the earliest-starting interval wins; a later one
--    starts when all earlier ones have ended (and vanishes if covered). Reported in
--    int_residence_overlaps.
--  * persons whose CPR number is inactive, annulled, deleted or changed (status 20, 30, 50,
--    60) never count; a spell ends at death, emigration or disappearance (status 70/80/90 or
--    the death/emigration date).
with matched as (
    select * from {{ ref('int_residences_address_matched') }}
),

persons as (
    select * from {{ ref('stg_cpr__persons') }}
),

trimmed as (
    select
        matched.*,
        greatest(matched.moved_in, coalesce(matched.previous_end, matched.moved_in))
            as effective_from,
        matched.previous_end > matched.moved_in as was_overlapping
    from matched
),

person_end as (
    select
        person_key,
        cpr_status,
        least(
            death_date,
            emigration_date,
            case when cpr_status in ('05', '07', '70', '80', '90') then cpr_status_date end
        ) as residence_end_date
    from persons
)

select
    trimmed.person_key,
    trimmed.address_id,
    trimmed.kvhx,
    trimmed.match_method,
    trimmed.effective_from as valid_from,
    trimmed.moved_in,
    trimmed.moved_out,
    trimmed.moved_in_from_municipality,
    trimmed.moved_out_to_municipality,
    trimmed._load_id,
    trimmed._source_file,
    trimmed._source_row,
    nullif(
        least(
            coalesce(trimmed.moved_out, date '9999-12-31'),
            coalesce(person_end.residence_end_date, date '9999-12-31')
        ),
        date '9999-12-31'
    ) as valid_to,
    coalesce(trimmed.was_overlapping, false) as was_overlapping
from trimmed
inner join person_end on trimmed.person_key = person_end.person_key
where
    person_end.cpr_status not in ('20', '30', '50', '60')
    and trimmed.effective_from < least(
        coalesce(trimmed.moved_out, date '9999-12-31'),
        coalesce(person_end.residence_end_date, date '9999-12-31')
    )
