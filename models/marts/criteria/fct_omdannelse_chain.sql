-- One row per area level × area × tenure × list year: the consecutive-year series behind
-- hårdt ghettoområde / omdannelsesområde (criteria.md §1.4). Years with a published list take
-- the published status (r2013/r2018 ghetto and r2021 parallelsamfund lists form one series);
-- only years without one are computed, under the regime in force that year. Where no regime in
-- force that year has a row for the area (e.g. a split area that inherits its history), the
-- row of the most recent regime is shown.
with
{{ criteria_inputs_ctes() }},
{{ criteria_evaluation_ctes() }},
{{ criteria_status_ctes() }},

streak_rules as (
    select
        cat.regime_id,
        cat.category_id as streak_category_id,
        cat.streak_years
    from categories as cat
    where cat.streak_years is not null
),

published_text as (
    select
        pbm.list_year,
        pbm.area_level,
        pbm.area_id,
        string_agg(distinct pbm.category_id, ';') as published_categories,
        bool_or(pbm.is_inherited) as is_inherited_history
    from published_memberships as pbm
    group by pbm.list_year, pbm.area_level, pbm.area_id
),

-- One regime per area, tenure and year: the one in force, else the most recent one.
series_choice as (
    select
        srn.*,
        row_number() over (
            partition by srn.area_level, srn.area_id, srn.tenure, srn.list_year
            order by
                (
                    srn.list_year >= cat.valid_from_list_year
                    and (cat.valid_to_list_year is null or srn.list_year <= cat.valid_to_list_year)
                ) desc,
                cat.valid_from_list_year desc
        ) as regime_rank
    from series_runs as srn
    inner join categories as cat
        on
            srn.regime_id = cat.regime_id
            and srn.series_category_id = cat.category_id
)

select
    srn.area_level,
    srn.area_id,
    srn.tenure,
    srn.list_year,
    srn.regime_id,
    srn.series_id,
    srn.series_category_id,
    srn.year_source,
    srn.is_in_series,
    srl.streak_category_id,
    pbt.published_categories,
    srn.run_length::integer as run_length,
    srl.streak_years::integer as streak_years_required,
    make_date(srn.list_year, 1, 1) as as_of_date,
    case
        when srl.streak_years is not null then srn.run_length >= srl.streak_years
    end as is_multi_year_category,
    case
        when srl.streak_years is not null
            then greatest(srl.streak_years - srn.run_length, 0)::integer
    end as years_to_omdannelse,
    coalesce(pbt.is_inherited_history, false) as is_inherited_history
from series_choice as srn
left join streak_rules as srl
    on srn.regime_id = srl.regime_id
left join published_text as pbt
    on
        srn.area_level = pbt.area_level
        and srn.area_id = pbt.area_id
        and srn.list_year = pbt.list_year
        and srn.tenure = 'all'
where srn.regime_rank = 1
