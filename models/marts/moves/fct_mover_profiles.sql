-- Public profiles of in-movers, out-movers and stayers per area and year, after disclosure
-- control. **Primary Key**: (change_year, area_level, area_id, mover_group, measure_id).
-- Groups as in int_mover_groups (1 Jan t -> 1 Jan t+1): out-movers are described on 1 Jan t
-- (measures of data year t-1, the last before they left), in-movers and stayers on 1 Jan t+1
-- (data year t). Measures: the legal measures of int_person_measures (nw, k1 FTE, k2,
-- k3_dk_only, k3_unknown_basic, k4_income = mean income), age bands (age_0_17, age_18_29,
-- age_30_49, age_50_64, age_65_plus), mean age (age_mean), family types (family_<type>).
-- K2 is published only for areas of official size (var disclosure_min_area_residents_k2).
with groups as (
    select * from {{ ref('int_mover_groups') }}
    where mover_group in ('in_mover', 'out_mover', 'stayer')
),

-- the date each group is described on
described as (
    select
        groups.*,
        case when groups.mover_group = 'out_mover' then groups.start_date else groups.end_date end
            as described_date,
        case when groups.mover_group = 'out_mover' then groups.age_start else groups.age_end end
            as age_years,
        case
            when groups.mover_group = 'out_mover' then groups.family_type_start
            else groups.family_type_end
        end as family_type
    from groups
),

legal as (
    select
        described.change_year,
        described.area_level,
        described.area_id,
        described.mover_group,
        measures.measure_id,
        measures.measure_value as person_value
    from described
    inner join {{ ref('int_person_measures') }} as measures
        on
            described.person_key = measures.person_key
            and described.described_date = measures.cohort_date
    where measures.is_in_population
),

demographic as (
    select
        described.change_year,
        described.area_level,
        described.area_id,
        described.mover_group,
        measure.measure_id,
        measure.person_value
    from described
    cross join lateral (
        values
        ('age_0_17', (described.age_years between 0 and 17)::int::numeric),
        ('age_18_29', (described.age_years between 18 and 29)::int::numeric),
        ('age_30_49', (described.age_years between 30 and 49)::int::numeric),
        ('age_50_64', (described.age_years between 50 and 64)::int::numeric),
        ('age_65_plus', (described.age_years >= 65)::int::numeric),
        ('age_mean', described.age_years::numeric),
        ('family_single', (described.family_type = 'single')::int::numeric),
        ('family_single_parent', (described.family_type = 'single_parent')::int::numeric),
        ('family_couple', (described.family_type = 'couple')::int::numeric),
        (
            'family_couple_with_children',
            (described.family_type = 'couple_with_children')::int::numeric
        ),
        ('family_children_only', (described.family_type = 'children_only')::int::numeric),
        ('family_unknown', (described.family_type = 'unknown')::int::numeric)
    ) as measure (measure_id, person_value)
),

person_values as (
    select * from legal
    union all
    select * from demographic
),

area_floor as (
    select
        move_year as change_year,
        area_level,
        area_id,
        coalesce(
            residents_start >= {{ var('disclosure_min_area_residents') }}
            and households_start >= {{ var('disclosure_min_area_households') }}
            and residents_end >= {{ var('disclosure_min_area_residents') }}
            and households_end >= {{ var('disclosure_min_area_households') }},
            false
        ) as is_eligible,
        -- criteria.md §7: K2 (convictions) only for areas of official size
        coalesce(
            residents_start >= {{ var('disclosure_min_area_residents_k2') }}
            and residents_end >= {{ var('disclosure_min_area_residents_k2') }},
            false
        ) as is_k2_eligible
    from {{ ref('int_area_turnover') }}
    where tenure = 'all'
),

cells as (
    select
        person_values.change_year,
        person_values.area_level,
        person_values.area_id,
        person_values.mover_group,
        person_values.measure_id,
        sum(person_values.person_value) as numerator,
        count(*) as denominator,
        sum(person_values.person_value) / nullif(count(*), 0) as share,
        -- persons behind the numerator (FTE, income and age sums: persons with a value > 0;
        -- for the mean age every person of the group)
        case
            when person_values.measure_id = 'age_mean' then count(*)
            else count(*) filter (where person_values.person_value > 0)
        end as numerator_persons,
        coalesce(
            bool_and(
                area_floor.is_eligible
                and (person_values.measure_id <> 'k2' or area_floor.is_k2_eligible)
            ),
            false
        ) as is_eligible
    from person_values
    left join area_floor
        on
            person_values.change_year = area_floor.change_year
            and person_values.area_level = area_floor.area_level
            and person_values.area_id = area_floor.area_id
    group by
        person_values.change_year,
        person_values.area_level,
        person_values.area_id,
        person_values.mover_group,
        person_values.measure_id
),

controlled as (
    {{ disclosure_control(
        'cells',
        ['change_year', 'area_level', 'area_id', 'measure_id', 'mover_group'],
        none, none, var('disclosure_min_cell_public')
    ) }}
)

select
    change_year::int as change_year,
    area_level::text as area_level,
    area_id::text as area_id,
    mover_group::text as mover_group,
    measure_id::text as measure_id,
    numerator::numeric as numerator,
    denominator::numeric as denominator,
    share::numeric as share,
    is_suppressed::boolean as is_suppressed,
    suppression_reason::text as suppression_reason
from controlled
