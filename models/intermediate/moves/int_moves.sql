{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['move_id'], 'unique': True}, {'columns': ['move_date']}],
) }}
-- Moves (fct_moves, person level, intermediate only): one row per move of a person, derived
-- from the residence spells. **Primary Key**: move_id (= person_key and move_date).
-- Rules (documented in _moves__docs.md):
--  * a spell that ends on d and a spell of the same person that starts on d at another address
--    form one internal move on d; the same address on both sides is a re-registration, no move;
--  * a spell end without such a successor is a move abroad (CPR code >= moves_foreign_code_min)
--    or to another municipality (moved_out_to_municipality) when the code says so - even if the
--    person dies that day -, else a death (death date), an emigration (emigration date, status
--    80, Greenland 05/07), else a move to an unknown destination;
--  * a spell start without a predecessor ending that day is a birth (starts on the birth
--    date), a move from abroad or from another municipality (moved_in_from_municipality), else
--    from an unknown origin;
--  * origin area and tenure are taken on the last day lived there (move_date - 1),
--    destination area and tenure on the move date (bitemporal joins on DAR/BBR history);
--  * household_move_id groups persons moving on the same date from the same origin (address,
--    or external kind and code) to the same destination.
with spells as (
    select
        person_key,
        address_id,
        kvhx,
        valid_from,
        valid_to,
        moved_in_from_municipality,
        moved_out_to_municipality,
        -- an address endpoint's identity: the DAR address, else the unmatched CPR kvhx
        coalesce(address_id, 'kvhx:' || kvhx) as address_key
    from {{ ref('int_residence_spells') }}
),

persons as (
    select
        person_key,
        birth_date,
        death_date,
        emigration_date,
        cpr_status,
        cpr_status_date
    from {{ ref('stg_cpr__persons') }}
),

linked as (
    select
        spells.*,
        lag(spells.valid_to) over w as previous_valid_to,
        lag(spells.address_key) over w as previous_address_key,
        lead(spells.valid_from) over w as next_valid_from,
        lead(spells.address_id) over w as next_address_id,
        lead(spells.address_key) over w as next_address_key
    from spells
    window w as (partition by spells.person_key order by spells.valid_from)
),

-- spell ends: internal moves (successor starts the same day) and out-moves
ends as (
    select
        linked.person_key,
        linked.valid_to as move_date,
        'address' as origin_kind,
        linked.address_id as origin_address_id,
        linked.address_key as origin_address_key,
        case
            when linked.next_valid_from = linked.valid_to then 'address'
            -- an explicit destination code is a move, even if the person dies that day
            when linked.moved_out_to_municipality >= '{{ var("moves_foreign_code_min") }}'
                then 'abroad'
            when linked.moved_out_to_municipality <> '{{ var("municipality_code") }}'
                then 'other_municipality'
            when persons.death_date = linked.valid_to then 'death'
            when persons.cpr_status = '90' and persons.cpr_status_date = linked.valid_to
                then 'death'
            when persons.emigration_date = linked.valid_to then 'abroad'
            when
                persons.cpr_status in ('05', '07', '80')
                and persons.cpr_status_date = linked.valid_to
                then 'abroad'
            else 'unknown'
        end as destination_kind,
        case when linked.next_valid_from = linked.valid_to then linked.next_address_id end
            as destination_address_id,
        case when linked.next_valid_from = linked.valid_to then linked.next_address_key end
            as destination_address_key,
        linked.moved_out_to_municipality as destination_code
    from linked
    inner join persons on linked.person_key = persons.person_key
    where
        linked.valid_to is not null
        and not coalesce(
            linked.next_valid_from = linked.valid_to
            and linked.next_address_key = linked.address_key,
            false
        )
),

-- spell starts without a predecessor ending that day: births and in-moves
starts as (
    select
        linked.person_key,
        linked.valid_from as move_date,
        case
            when linked.valid_from = persons.birth_date then 'birth'
            when linked.moved_in_from_municipality >= '{{ var("moves_foreign_code_min") }}'
                then 'abroad'
            when linked.moved_in_from_municipality <> '{{ var("municipality_code") }}'
                then 'other_municipality'
            else 'unknown'
        end as origin_kind,
        null::text as origin_address_id,
        null::text as origin_address_key,
        linked.moved_in_from_municipality as origin_code,
        'address' as destination_kind,
        linked.address_id as destination_address_id,
        linked.address_key as destination_address_key
    from linked
    inner join persons on linked.person_key = persons.person_key
    where linked.previous_valid_to is distinct from linked.valid_from
),

events as (
    select
        person_key,
        move_date,
        origin_kind,
        origin_address_id,
        origin_address_key,
        null::text as origin_code,
        destination_kind,
        destination_address_id,
        destination_address_key,
        case
            when destination_kind in ('abroad', 'other_municipality') then destination_code
        end as destination_code
    from ends
    union all
    select
        person_key,
        move_date,
        origin_kind,
        origin_address_id,
        origin_address_key,
        case when origin_kind in ('abroad', 'other_municipality') then origin_code end
            as origin_code,
        destination_kind,
        destination_address_id,
        destination_address_key,
        null::text as destination_code
    from starts
),

typed as (
    select
        events.*,
        case
            when events.origin_kind = 'address' and events.destination_kind = 'address'
                then 'internal'
            when events.destination_kind = 'other_municipality' then 'to_other_municipality'
            when events.destination_kind = 'abroad' then 'to_abroad'
            when events.destination_kind = 'death' then 'death'
            when events.destination_kind = 'unknown' then 'to_unknown'
            when events.origin_kind = 'other_municipality' then 'from_other_municipality'
            when events.origin_kind = 'abroad' then 'from_abroad'
            when events.origin_kind = 'birth' then 'birth'
            else 'from_unknown'
        end as move_type,
        coalesce(events.origin_address_key, events.origin_kind || ':' || coalesce(
            events.origin_code, ''
        )) as origin_endpoint,
        coalesce(events.destination_address_key, events.destination_kind || ':' || coalesce(
            events.destination_code, ''
        )) as destination_endpoint
    from events
),

origin_areas as (
    select
        typed.person_key,
        typed.move_date,
        jsonb_object_agg(areas.area_level, areas.area_id) as areas
    from typed
    inner join {{ ref('int_address_areas') }} as areas
        on
            typed.origin_address_id = areas.address_id
            and areas.valid_from <= typed.move_date - 1
            and (areas.valid_to is null or areas.valid_to > typed.move_date - 1)
    group by typed.person_key, typed.move_date
),

destination_areas as (
    select
        typed.person_key,
        typed.move_date,
        jsonb_object_agg(areas.area_level, areas.area_id) as areas
    from typed
    inner join {{ ref('int_address_areas') }} as areas
        on
            typed.destination_address_id = areas.address_id
            and typed.move_date >= areas.valid_from
            and (areas.valid_to is null or typed.move_date < areas.valid_to)
    group by typed.person_key, typed.move_date
),

tenure as (
    select * from {{ ref('int_address_tenure') }}
)

select
    md5(typed.person_key || '|' || typed.move_date::text) as move_id,
    typed.person_key,
    typed.move_date,
    extract(year from typed.move_date)::int as move_year,
    typed.move_type,
    typed.origin_kind,
    typed.origin_address_id,
    typed.origin_code as origin_municipality_code,
    typed.destination_kind,
    typed.destination_address_id,
    typed.destination_code as destination_municipality_code,
    md5(
        typed.move_date::text || '|' || typed.origin_endpoint || '|' || typed.destination_endpoint
    ) as household_move_id,
    case
        when typed.origin_kind = 'address' then coalesce(origin_tenure.tenure, 'ukendt')
    end as origin_tenure,
    case
        when typed.destination_kind = 'address'
            then coalesce(destination_tenure.tenure, 'ukendt')
    end as destination_tenure,
    coalesce(origin_areas.areas, '{}'::jsonb) as origin_areas,
    coalesce(destination_areas.areas, '{}'::jsonb) as destination_areas
from typed
left join origin_areas
    on typed.person_key = origin_areas.person_key and typed.move_date = origin_areas.move_date
left join destination_areas
    on
        typed.person_key = destination_areas.person_key
        and typed.move_date = destination_areas.move_date
left join tenure as origin_tenure
    on
        typed.origin_address_id = origin_tenure.address_id
        and origin_tenure.valid_from <= typed.move_date - 1
        and (origin_tenure.valid_to is null or origin_tenure.valid_to > typed.move_date - 1)
left join tenure as destination_tenure
    on
        typed.destination_address_id = destination_tenure.address_id
        and typed.move_date >= destination_tenure.valid_from
        and (
            destination_tenure.valid_to is null
            or typed.move_date < destination_tenure.valid_to
        )
