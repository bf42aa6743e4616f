{{ config(
    materialized='table',
    post_hook=['analyze {{ this }}'],
    indexes=[{'columns': ['area_level', 'area_id', 'change_year']}],
) }}
-- Exact decomposition of the change of each legal measure's share (K4: the mean) in an area
-- between 1 January t and 1 January t+1 (internal: before disclosure control; the public
-- version is marts.fct_indicator_change_decomposition). **Primary Key**: (change_year,
-- area_level, area_id, measure_id).
-- The population of 1 Jan t (measures of data year t-1) is turned into the population of
-- 1 Jan t+1 (data year t) in four steps; each component is the change of the share in its step,
-- so the components add up exactly to the total change (telescoping sum):
--   1 out-mover removal: remove out-movers (their t-1 values);
--   2 demographic: remove deaths and stayers who aged out of the band, add births and stayers
--     who aged into it (their t values);
--   3 stayers (in situ): replace the other stayers' t-1 values by their t values (including
--     K4 stayers who entered or left the taxpayer / not-in-education population);
--   4 in-mover addition: add in-movers (their t values).
-- A step that leaves an empty population keeps the previous share (its component is 0). Rows
-- exist only where both end populations are non-empty (the total is defined).
with groups as (
    select * from {{ ref('int_mover_groups') }}
),

measures as (
    select
        person_key,
        measure_id,
        measure_value,
        is_in_population,
        extract(year from cohort_date)::int as cohort_year
    from {{ ref('int_person_measures') }}
),

measure_keys as (
    select
        person_key,
        measure_id,
        cohort_year as change_year
    from measures
    union
    select
        person_key,
        measure_id,
        cohort_year - 1 as change_year
    from measures
),

person_measures as (
    select
        groups.change_year,
        groups.area_level,
        groups.area_id,
        groups.mover_group,
        measure_keys.measure_id,
        start_values.measure_value as start_value,
        end_values.measure_value as end_value,
        -- in the measure's population on each date; in its age band (the row exists)
        groups.is_resident_start and coalesce(start_values.is_in_population, false)
            as is_in_start,
        groups.is_resident_end and coalesce(end_values.is_in_population, false) as is_in_end,
        start_values.person_key is not null as is_in_band_start,
        end_values.person_key is not null as is_in_band_end
    from groups
    inner join measure_keys
        on
            groups.person_key = measure_keys.person_key
            and groups.change_year = measure_keys.change_year
    left join measures as start_values
        on
            measure_keys.person_key = start_values.person_key
            and measure_keys.measure_id = start_values.measure_id
            and measure_keys.change_year = start_values.cohort_year
    left join measures as end_values
        on
            measure_keys.person_key = end_values.person_key
            and measure_keys.measure_id = end_values.measure_id
            and measure_keys.change_year + 1 = end_values.cohort_year
),

sums as (
    select
        change_year,
        area_level,
        area_id,
        measure_id,
        count(*) filter (where is_in_start) as n_start,
        coalesce(sum(start_value) filter (where is_in_start), 0) as x_start,
        count(*) filter (where is_in_end) as n_end,
        coalesce(sum(end_value) filter (where is_in_end), 0) as x_end,
        count(*) filter (where is_in_start and mover_group = 'out_mover') as n_out,
        coalesce(sum(start_value) filter (where is_in_start and mover_group = 'out_mover'), 0)
            as x_out,
        count(*) filter (where is_in_end and mover_group = 'in_mover') as n_in,
        coalesce(sum(end_value) filter (where is_in_end and mover_group = 'in_mover'), 0)
            as x_in,
        -- demographic: deaths and aged-out stayers leave (t-1 values), births and aged-in
        -- stayers join (t values)
        count(*) filter (
            where is_in_start and (
                mover_group = 'death' or (mover_group = 'stayer' and not is_in_band_end)
            )
        ) as n_demographic_out,
        coalesce(sum(start_value) filter (
            where is_in_start and (
                mover_group = 'death' or (mover_group = 'stayer' and not is_in_band_end)
            )
        ), 0) as x_demographic_out,
        count(*) filter (
            where is_in_end and (
                mover_group = 'birth' or (mover_group = 'stayer' and not is_in_band_start)
            )
        ) as n_demographic_in,
        coalesce(sum(end_value) filter (
            where is_in_end and (
                mover_group = 'birth' or (mover_group = 'stayer' and not is_in_band_start)
            )
        ), 0) as x_demographic_in,
        -- stayers in the band on both dates: t-1 values out, t values in
        count(*) filter (
            where is_in_start and mover_group = 'stayer' and is_in_band_end
        ) as n_stayers_start,
        coalesce(sum(start_value) filter (
            where is_in_start and mover_group = 'stayer' and is_in_band_end
        ), 0) as x_stayers_start,
        count(*) filter (
            where is_in_end and mover_group = 'stayer' and is_in_band_start
        ) as n_stayers_end,
        coalesce(sum(end_value) filter (
            where is_in_end and mover_group = 'stayer' and is_in_band_start
        ), 0) as x_stayers_end
    from person_measures
    group by change_year, area_level, area_id, measure_id
),

steps as (
    select
        sums.*,
        sums.x_start / nullif(sums.n_start, 0) as share_start,
        sums.x_end / nullif(sums.n_end, 0) as share_end,
        (sums.x_start - sums.x_out) / nullif(sums.n_start - sums.n_out, 0) as share_step_1,
        (sums.x_start - sums.x_out - sums.x_demographic_out + sums.x_demographic_in)
        / nullif(sums.n_start - sums.n_out - sums.n_demographic_out + sums.n_demographic_in, 0)
            as share_step_2,
        (
            sums.x_start - sums.x_out - sums.x_demographic_out + sums.x_demographic_in
            - sums.x_stayers_start + sums.x_stayers_end
        ) / nullif(
            sums.n_start - sums.n_out - sums.n_demographic_out + sums.n_demographic_in
            - sums.n_stayers_start + sums.n_stayers_end,
            0
        ) as share_step_3
    from sums
    where sums.n_start > 0 and sums.n_end > 0
),

carried as (
    select
        steps.*,
        coalesce(steps.share_step_1, steps.share_start) as share_after_out
    from steps
),

carried_2 as (
    select
        carried.*,
        coalesce(carried.share_step_2, carried.share_after_out) as share_after_demographic
    from carried
),

carried_3 as (
    select
        carried_2.*,
        coalesce(carried_2.share_step_3, carried_2.share_after_demographic)
            as share_after_stayers
    from carried_2
)

select
    change_year::int as change_year,
    area_level::text as area_level,
    area_id::text as area_id,
    measure_id::text as measure_id,
    n_start::int as n_start,
    x_start::numeric as x_start,
    share_start::numeric as share_start,
    n_end::int as n_end,
    x_end::numeric as x_end,
    share_end::numeric as share_end,
    n_out::int as n_out_movers,
    n_in::int as n_in_movers,
    (n_demographic_out + n_demographic_in)::int as n_demographic,
    greatest(n_stayers_start, n_stayers_end)::int as n_stayers,
    (share_end - share_start)::numeric as total_change,
    (share_after_out - share_start)::numeric as out_mover_component,
    (share_after_demographic - share_after_out)::numeric as demographic_component,
    (share_after_stayers - share_after_demographic)::numeric as stayer_component,
    (share_end - share_after_stayers)::numeric as in_mover_component
from carried_3
