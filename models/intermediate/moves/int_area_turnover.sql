{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'area_id', 'move_year']}],
) }}
-- Exact in- and out-movement per area, tenure and year (internal: before disclosure control;
-- the public version is marts.fct_area_turnover). **Primary Key**: (move_year, area_level,
-- area_id, tenure). The cell is the area (tenure `all`) or the area × tenure: a move is an
-- out-move of its origin cell and an in-move of its destination cell when the two differ
-- (moves within the cell are neither). Births and deaths are counted apart, never as moves.
-- Area `none` holds the addresses in no area of the level (kept so that internal moves
-- balance: Σ internal_out_moves = Σ internal_in_moves per year and level).
with moves as (
    select * from {{ ref('int_move_areas') }}
    where
        move_year between extract(year from date '{{ var("period_start_date") }}')
        and extract(year from date '{{ var("period_end_date") }}')
),

cell_events as (
    select
        move_year,
        area_level,
        origin_area_id as area_id,
        'all' as tenure,
        'out' as direction,
        move_type,
        person_key,
        household_move_id
    from moves
    where origin_kind = 'address' and destination_area_id <> origin_area_id
    union all
    select
        move_year,
        area_level,
        origin_area_id as area_id,
        origin_tenure as tenure,
        'out' as direction,
        move_type,
        person_key,
        household_move_id
    from moves
    where
        origin_kind = 'address'
        and (destination_area_id <> origin_area_id or destination_tenure <> origin_tenure)
    union all
    select
        move_year,
        area_level,
        destination_area_id as area_id,
        'all' as tenure,
        'in' as direction,
        move_type,
        person_key,
        household_move_id
    from moves
    where destination_kind = 'address' and destination_area_id <> origin_area_id
    union all
    select
        move_year,
        area_level,
        destination_area_id as area_id,
        destination_tenure as tenure,
        'in' as direction,
        move_type,
        person_key,
        household_move_id
    from moves
    where
        destination_kind = 'address'
        and (destination_area_id <> origin_area_id or destination_tenure <> origin_tenure)
),

event_counts as (
    select
        move_year,
        area_level,
        area_id,
        tenure,
        count(distinct person_key) filter (
            where direction = 'in' and move_type <> 'birth'
        ) as in_movers,
        count(distinct person_key) filter (
            where direction = 'out' and move_type <> 'death'
        ) as out_movers,
        count(distinct household_move_id) filter (
            where direction = 'out' and move_type <> 'death'
        ) as households_out,
        count(distinct person_key) filter (where move_type = 'birth') as births,
        count(distinct person_key) filter (where move_type = 'death') as deaths,
        count(*) filter (where direction = 'in' and move_type = 'internal') as internal_in_moves,
        count(*) filter (
            where direction = 'out' and move_type = 'internal'
        ) as internal_out_moves
    from cell_events
    group by move_year, area_level, area_id, tenure
),

located as (
    select
        person_key,
        address_id,
        area_level,
        area_id,
        tenure,
        extract(year from cohort_date)::int as cohort_year
    from {{ ref('int_cohort_residents_located') }}
),

located_cells as (
    select
        person_key,
        address_id,
        area_level,
        area_id,
        cohort_year,
        'all' as tenure
    from located
    union all
    select
        person_key,
        address_id,
        area_level,
        area_id,
        cohort_year,
        tenure
    from located
),

stocks as (
    select
        area_level,
        area_id,
        tenure,
        cohort_year,
        count(*) as residents,
        count(distinct address_id) as households
    from located_cells
    group by area_level, area_id, tenure, cohort_year
),

stayers as (
    select
        start_of_year.area_level,
        start_of_year.area_id,
        start_of_year.tenure,
        start_of_year.cohort_year as move_year,
        count(*) as stayers
    from located_cells as start_of_year
    inner join located_cells as end_of_year
        on
            start_of_year.person_key = end_of_year.person_key
            and start_of_year.area_level = end_of_year.area_level
            and start_of_year.area_id = end_of_year.area_id
            and start_of_year.tenure = end_of_year.tenure
            and start_of_year.cohort_year + 1 = end_of_year.cohort_year
    group by
        start_of_year.area_level,
        start_of_year.area_id,
        start_of_year.tenure,
        start_of_year.cohort_year
),

years as (
    select generate_series(
        extract(year from date '{{ var("period_start_date") }}')::int,
        extract(year from date '{{ var("period_end_date") }}')::int
    ) as move_year
),

dwelling_addresses as (
    select
        tenure.address_id,
        tenure.tenure,
        areas.area_level,
        areas.area_id,
        years.move_year
    from {{ ref('int_address_tenure') }} as tenure
    inner join years
        on
            tenure.valid_from <= make_date(years.move_year, 1, 1)
            and (tenure.valid_to is null or tenure.valid_to > make_date(years.move_year, 1, 1))
    inner join {{ ref('int_address_areas') }} as areas
        on
            tenure.address_id = areas.address_id
            and areas.valid_from <= make_date(years.move_year, 1, 1)
            and (areas.valid_to is null or areas.valid_to > make_date(years.move_year, 1, 1))
    where tenure.is_dwelling and not tenure.is_leisure
),

dwellings as (
    select
        move_year,
        area_level,
        area_id,
        coalesce(tenure, 'all') as tenure,
        count(distinct address_id) as dwellings
    from dwelling_addresses
    group by grouping sets (
        (move_year, area_level, area_id, tenure),
        (move_year, area_level, area_id)
    )
),

cells as (
    select
        move_year,
        area_level,
        area_id,
        tenure
    from event_counts
    union
    select
        cohort_year as move_year,
        area_level,
        area_id,
        tenure
    from stocks
    where
        cohort_year between extract(year from date '{{ var("period_start_date") }}')
        and extract(year from date '{{ var("period_end_date") }}')
    union
    select
        cohort_year - 1 as move_year,
        area_level,
        area_id,
        tenure
    from stocks
    where
        cohort_year - 1 between extract(year from date '{{ var("period_start_date") }}')
        and extract(year from date '{{ var("period_end_date") }}')
)

select
    cells.move_year::int as move_year,
    cells.area_level::text as area_level,
    cells.area_id::text as area_id,
    cells.tenure::text as tenure,
    coalesce(stock_start.residents, 0)::int as residents_start,
    coalesce(stock_end.residents, 0)::int as residents_end,
    ((coalesce(stock_start.residents, 0) + coalesce(stock_end.residents, 0)) / 2.0)::numeric
        as residents_mean,
    coalesce(stock_start.households, 0)::int as households_start,
    coalesce(stock_end.households, 0)::int as households_end,
    coalesce(event_counts.in_movers, 0)::int as in_movers,
    coalesce(event_counts.out_movers, 0)::int as out_movers,
    coalesce(event_counts.households_out, 0)::int as households_out,
    coalesce(event_counts.births, 0)::int as births,
    coalesce(event_counts.deaths, 0)::int as deaths,
    coalesce(event_counts.internal_in_moves, 0)::int as internal_in_moves,
    coalesce(event_counts.internal_out_moves, 0)::int as internal_out_moves,
    coalesce(stayers.stayers, 0)::int as stayers,
    coalesce(dwellings.dwellings, 0)::int as dwellings
from cells
left join event_counts
    on
        cells.move_year = event_counts.move_year
        and cells.area_level = event_counts.area_level
        and cells.area_id = event_counts.area_id
        and cells.tenure = event_counts.tenure
left join stocks as stock_start
    on
        cells.move_year = stock_start.cohort_year
        and cells.area_level = stock_start.area_level
        and cells.area_id = stock_start.area_id
        and cells.tenure = stock_start.tenure
left join stocks as stock_end
    on
        cells.move_year + 1 = stock_end.cohort_year
        and cells.area_level = stock_end.area_level
        and cells.area_id = stock_end.area_id
        and cells.tenure = stock_end.tenure
left join stayers
    on
        cells.move_year = stayers.move_year
        and cells.area_level = stayers.area_level
        and cells.area_id = stayers.area_id
        and cells.tenure = stayers.tenure
left join dwellings
    on
        cells.move_year = dwellings.move_year
        and cells.area_level = dwellings.area_level
        and cells.area_id = dwellings.area_id
        and cells.tenure = dwellings.tenure
