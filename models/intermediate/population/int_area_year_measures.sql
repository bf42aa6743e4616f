{{ config(materialized='table', indexes=[{'columns': ['area_level', 'area_id', 'data_year']}]) }}
-- The yearly measures behind the legal criteria, per area and tenure: the input of the criteria
-- engine. **Grain**: area_level × area_id × tenure ('all' plus each tenure) × data_year ×
-- measure_id. Year-t measures are taken on the cohort of 1 January t+1 (ages on that date), so
-- list year Y reads data_year Y-1 (and Y-2 for two-year windows). Age bands come from the
-- seed `measure_definitions`; K2 rows exist only when conviction data were delivered.
with cohort as (
    {{ legal_measure_cohort() }}
),

has_convictions as (
    select exists(select 1 from {{ ref('stg_convictions__convictions') }}) as has_data
),

measured as (
    select
        cohort.address_id,
        cohort.tenure,
        cohort.data_year,
        cohort.cohort_date,
        definitions.measure_id,
        {{ legal_measure_value('cohort', 'definitions.measure_id') }} as numerator_value
    from cohort
    inner join {{ ref('measure_definitions') }} as definitions
        on
            cohort.age_years >= coalesce(definitions.age_min, 0)
            and cohort.age_years <= coalesce(definitions.age_max, 999)
    cross join has_convictions
    where
        (definitions.measure_id <> 'k2' or has_convictions.has_data)
        and (
            definitions.measure_id <> 'k4_income'
            or (cohort.is_taxpayer and not cohort.is_in_education)
        )
),

-- persons are summed per address first; the area join then runs on addresses, not persons
address_sums as (
    select
        address_id,
        tenure,
        data_year,
        cohort_date,
        measure_id,
        sum(numerator_value) as numerator,
        count(*) as denominator,
        count(*) filter (where numerator_value > 0) as contributing_persons
    from measured
    group by address_id, tenure, data_year, cohort_date, measure_id
),

located as (
    select
        address_sums.*,
        areas.area_level,
        areas.area_id
    from address_sums
    inner join {{ ref('int_address_areas') }} as areas
        on
            address_sums.address_id = areas.address_id
            and address_sums.cohort_date >= areas.valid_from
            and (areas.valid_to is null or address_sums.cohort_date < areas.valid_to)
),

aggregated as (
    select
        area_level,
        area_id,
        data_year,
        cohort_date,
        measure_id,
        coalesce(tenure, 'all') as tenure,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(contributing_persons) as contributing_persons
    from located
    group by grouping sets (
        (area_level, area_id, data_year, cohort_date, measure_id, tenure),
        (area_level, area_id, data_year, cohort_date, measure_id)
    )
),

official_codes as (
    select distinct on (area_level, area_id)
        area_level,
        area_id,
        official_area_code
    from {{ ref('int_area_versions') }}
    order by area_level asc, area_id asc, valid_from desc
)

select
    aggregated.area_level,
    aggregated.area_id,
    official_codes.official_area_code,
    municipalities.region_code,
    aggregated.tenure,
    aggregated.data_year,
    aggregated.cohort_date,
    aggregated.measure_id,
    aggregated.numerator,
    aggregated.denominator,
    aggregated.contributing_persons::int as contributing_persons
from aggregated
left join official_codes
    on
        aggregated.area_level = official_codes.area_level
        and aggregated.area_id = official_codes.area_id
left join {{ ref('municipalities') }} as municipalities
    on municipalities.municipality_code = '{{ var("municipality_code") }}'
