-- Data coverage per snapshot date: how much of the population the indicators actually see.
-- **Primary Key**: period_date. Tests fail when a share crosses its configured minimum.
with registered as (
    select * from {{ ref('int_resident_snapshots') }}
),

snapshots as (
    select * from registered
    where is_resident
),

residents as (
    select
        period_date,
        count(*) filter (where is_resident) as residents,
        count(*) as persons_registered,
        count(*) filter (where address_id is not null) as persons_address_matched,
        count(*) filter (where residence_status = 'no_dwelling_unit') as persons_without_dwelling,
        count(*) filter (where residence_status = 'leisure_unit') as persons_in_leisure_units,
        count(*) filter (where is_resident and tenure = 'ukendt') as residents_tenure_unknown
    from registered
    group by period_date
),

geocoded as (
    select
        snapshots.period_date,
        areas.area_level,
        count(*) as residents_geocoded
    from snapshots
    inner join {{ ref('int_address_areas') }} as areas
        on
            snapshots.address_id = areas.address_id
            and snapshots.period_date >= areas.valid_from
            and (areas.valid_to is null or snapshots.period_date < areas.valid_to)
    where areas.area_level = 'kommune'
    group by snapshots.period_date, areas.area_level
),

education as (
    select
        cohort_date as period_date,
        count(*) filter (where age_years between 30 and 59) as residents_30_59,
        count(*) filter (
            where age_years between 30 and 59 and not has_education_record
        ) as residents_30_59_without_education_record
    from {{ ref('int_person_years_measured') }}
    group by cohort_date
)

select
    residents.period_date::date as period_date,
    residents.residents::int as residents,
    residents.persons_registered::int as persons_registered,
    residents.persons_address_matched::int as persons_address_matched,
    residents.persons_without_dwelling::int as persons_without_dwelling,
    residents.persons_in_leisure_units::int as persons_in_leisure_units,
    residents.residents_tenure_unknown::int as residents_tenure_unknown,
    education.residents_30_59::int as residents_30_59,
    (residents.persons_address_matched::numeric / nullif(residents.persons_registered, 0))::numeric
        as address_match_share,
    coalesce(geocoded.residents_geocoded, 0)::int as residents_geocoded,
    (coalesce(geocoded.residents_geocoded, 0)::numeric / nullif(residents.residents, 0))::numeric
        as geocoded_share,
    (residents.residents_tenure_unknown::numeric / nullif(residents.residents, 0))::numeric
        as unknown_tenure_share,
    (
        education.residents_30_59_without_education_record::numeric
        / nullif(education.residents_30_59, 0)
    )::numeric as missing_education_share
from residents
left join geocoded on residents.period_date = geocoded.period_date
left join education on residents.period_date = education.period_date
