{#- Categories per assessment, for the current list ('current') and the projected next list
    ('next'): k-of-n, gate, floor (official areas only), required categories, the
    consecutive-year run and exclusions. Needs criteria_inputs_ctes() and
    criteria_evaluation_ctes() before it. Final CTEs: category_status, series_runs, labels. -#}
{% macro criteria_status_ctes() -%}
{%- set ak = criteria_assessment_keys() -%}
{%- set ck = ak + ['category_id'] -%}
{%- set published_history = var('criteria_streak_source') == 'published' -%}
{%- set excludes = (var('criteria_forebyggelse_excludes_udsat') | string | lower) in ['true', '1', 'yes'] -%}
-- Each category with itself and every category it requires (transitively), for every regime
-- (category_closure_all) and for the regimes computed (category_closure).
category_closure_all as (
    select clo.*
    from (
        with recursive closure as (
            select
                cat.regime_id,
                cat.category_id,
                cat.category_id as ancestor_id
            from all_categories as cat
            union all
            select
                clo.regime_id,
                clo.category_id,
                par.requires_category_id as ancestor_id
            from closure as clo
            inner join all_categories as par
                on clo.regime_id = par.regime_id and clo.ancestor_id = par.category_id
            where par.requires_category_id is not null
        )

        select * from closure
    ) as clo
),

category_closure as (
    select cla.*
    from category_closure_all as cla
    where cla.regime_id in (select cat.regime_id from categories as cat)
),

-- The category whose yearly membership forms the run (ghetto / parallelsamfund), and every
-- category id (any regime) that implies membership of that series when published.
series_categories as (
    select
        cat.regime_id,
        cat.category_id as series_category_id,
        cat.series_id
    from categories as cat
    where cat.series_id is not null
),

series_member_categories as (
    select distinct
        clo.category_id,
        anc.series_id
    from category_closure_all as clo
    inner join all_categories as anc
        on clo.regime_id = anc.regime_id and clo.ancestor_id = anc.category_id
    where anc.series_id is not null
),

assessment_counts as (
    select
        {{ criteria_cols('cev', ak) }},
        bool_or(cev.is_official_assessment) as is_official_assessment,
        count(*) filter (where cev.role = 'criterion' and cev.is_met) as n_met,
        count(*) filter (where cev.role = 'criterion' and cev.is_met is null) as n_unknown,
        count(*) filter (where cev.role = 'criterion' and cev.is_met_next_list) as n_met_next,
        count(*) filter (
            where cev.role = 'criterion' and cev.is_met_next_list is null
        ) as n_unknown_next,
        bool_or(cev.is_met) filter (where cev.role = 'floor') as is_above_population_floor,
        case
            when count(distinct cev.value_source) filter (
                where cev.value_source != 'not_available'
            ) > 1 then 'mixed'
            else coalesce(
                max(cev.value_source) filter (where cev.value_source != 'not_available'),
                'not_available'
            )
        end as criteria_source
    from criteria_evaluated as cev
    group by {{ criteria_cols('cev', ak) }}
),

category_own as (
    select
        {{ criteria_cols('cnt', ak) }},
        cat.category_id,
        -- the floor binds official areas only; elsewhere it is the flag
        -- is_above_population_floor (criteria.md §4)
        case
            when cnt.is_official_assessment then cnt.is_above_population_floor
            else true
        end as is_floor_ok,
        (
            case
                when cat.min_met is null then true
                when cnt.n_met >= cat.min_met then true
                when cnt.n_met + cnt.n_unknown < cat.min_met then false
            end
            and case when cat.gate_criterion_id is null then true else gat.is_met end
            and case
                when cnt.is_official_assessment then cnt.is_above_population_floor
                else true
            end
        ) as is_own_ok,
        (
            case
                when cat.min_met is null then true
                when cnt.n_met_next >= cat.min_met then true
                when cnt.n_met_next + cnt.n_unknown_next < cat.min_met then false
            end
            and case when cat.gate_criterion_id is null then true else gat.is_met_next_list end
            and case
                when cnt.is_official_assessment then cnt.is_above_population_floor
                else true
            end
        ) as is_own_ok_next
    from assessment_counts as cnt
    inner join categories as cat
        on cnt.regime_id = cat.regime_id
    left join criteria_evaluated as gat
        on
            {{ criteria_join_on('cnt', 'gat', ak) }}
            and cat.gate_criterion_id = gat.criterion_id
),

-- Point-in-time status: the category's own conditions and those of every required category.
category_point as (
    select
        {{ criteria_cols('own', ak) }},
        clo.category_id,
        case
            when bool_or(not own.is_own_ok) then false
            when bool_or(own.is_own_ok is null) then null
            else true
        end as is_point_met,
        case
            when bool_or(not own.is_own_ok_next) then false
            when bool_or(own.is_own_ok_next is null) then null
            else true
        end as is_point_met_next
    from category_closure as clo
    inner join category_own as own
        on clo.regime_id = own.regime_id and clo.ancestor_id = own.category_id
    group by {{ criteria_cols('own', ak) }}, clo.category_id
),

published_series as (
    select distinct
        pbm.list_year,
        pbm.area_level,
        pbm.area_id,
        smc.series_id
    from published_memberships as pbm
    inner join series_member_categories as smc
        on pbm.category_id = smc.category_id
),

-- The yearly membership of the series: for official areas the published list wherever
-- one exists (criteria_streak_source = published), computed status only for years without.
series_universe as (
    select
        {{ criteria_cols('cpt', ak) }},
        sca.series_id,
        sca.series_category_id,
        cpt.is_point_met as computed_member
    from category_point as cpt
    inner join series_categories as sca
        on cpt.regime_id = sca.regime_id and cpt.category_id = sca.series_category_id
),

series_years as (
    select
        yrs.area_level,
        yrs.area_id,
        yrs.tenure,
        yrs.regime_id,
        yrs.list_year,
        yrs.series_id,
        yrs.series_category_id,
        yrs.year_source,
        yrs.is_in_series
    from (
        select
            uni.area_level,
            uni.area_id,
            uni.tenure,
            uni.regime_id,
            uni.series_id,
            uni.series_category_id,
            coalesce(uni.list_year, ply.list_year) as list_year,
            case
                {%- if published_history %}
                when uni.is_official_series and ply.list_year is not null then 'published'
                {%- endif %}
                when uni.computed_member is not null then 'computed'
                else 'missing'
            end as year_source,
            case
                {%- if published_history %}
                when uni.is_official_series and ply.list_year is not null
                    then pbs.list_year is not null
                {%- endif %}
                else uni.computed_member
            end as is_in_series
        from (
            select
                ser.area_level,
                ser.area_id,
                ser.tenure,
                ser.regime_id,
                ser.series_id,
                ser.series_category_id,
                yrs.list_year,
                yrs.computed_member,
                ser.is_official_series
            from (
                select distinct
                    sun.area_level,
                    sun.area_id,
                    sun.tenure,
                    sun.regime_id,
                    sun.series_id,
                    sun.series_category_id,
                    coalesce(att.is_official_area and sun.tenure = 'all', false)
                        as is_official_series
                from series_universe as sun
                left join (
                    select distinct
                        aat.area_level,
                        aat.area_id,
                        (aat.official_area_code is not null or aat.is_on_published_list)
                            as is_official_area
                    from area_attributes as aat
                ) as att
                    on sun.area_level = att.area_level and sun.area_id = att.area_id
            ) as ser
            cross join lateral (
                select
                    sun.list_year,
                    sun.computed_member
                from series_universe as sun
                where
                    {{ criteria_join_on('sun', 'ser', ['area_level', 'area_id', 'tenure',
                        'regime_id']) }}
                union
                select
                    ply.list_year,
                    null::boolean as computed_member
                from published_list_years as ply
                where
                    ser.is_official_series
                    and not exists (
                        select 1
                        from series_universe as sun
                        where
                            {{ criteria_join_on('sun', 'ser', ['area_level', 'area_id',
                                'tenure', 'regime_id']) }}
                            and sun.list_year = ply.list_year
                    )
            ) as yrs
        ) as uni
        left join published_list_years as ply
            on uni.list_year = ply.list_year
        left join published_series as pbs
            on
                uni.area_level = pbs.area_level
                and uni.area_id = pbs.area_id
                and uni.list_year = pbs.list_year
                and uni.series_id = pbs.series_id
    ) as yrs
),

-- Gaps and islands: the length of the run of consecutive member years ending in each year.
series_runs as (
    select
        isl.*,
        case
            when isl.is_in_series
                then row_number() over (
                    partition by
                        isl.area_level, isl.area_id, isl.tenure, isl.regime_id,
                        isl.run_group, isl.is_in_series
                    order by isl.list_year
                )
            else 0
        end as run_length
    from (
        select
            sye.*,
            sye.list_year - row_number() over (
                partition by
                    sye.area_level, sye.area_id, sye.tenure, sye.regime_id,
                    coalesce(sye.is_in_series, false)
                order by sye.list_year
            ) as run_group
        from series_years as sye
    ) as isl
),

-- The run at the assessed year: that year's own (computed or published-value) status, plus
-- the history before it.
assessment_runs as (
    select
        {{ criteria_cols('sun', ak) }},
        sun.series_id,
        case
            when sun.computed_member is null then null
            when sun.computed_member then 1 + coalesce(prv.run_length, 0)
            else 0
        end as run_current
    from series_universe as sun
    left join series_runs as prv
        on
            sun.area_level = prv.area_level
            and sun.area_id = prv.area_id
            and sun.tenure = prv.tenure
            and sun.regime_id = prv.regime_id
            and sun.list_year - 1 = prv.list_year
),

category_streak as (
    select
        cpt.*,
        cat.streak_years,
        cat.severity_rank,
        cat.excludes_regime_id,
        cat.excludes_category_id,
        aru.run_current,
        case
            when not cpt.is_point_met_next then 0
            else aru.run_current + 1
        end as run_next,
        case
            when cat.streak_years is null then cpt.is_point_met
            when not cpt.is_point_met then false
            when aru.run_current is null then null
            when aru.run_current >= cat.streak_years then cpt.is_point_met
            else false
        end as is_met_raw,
        case
            when cat.streak_years is null then cpt.is_point_met_next
            when not cpt.is_point_met_next then false
            when aru.run_current is null then null
            when aru.run_current + 1 >= cat.streak_years then cpt.is_point_met_next
            else false
        end as is_met_raw_next
    from category_point as cpt
    inner join categories as cat
        on cpt.regime_id = cat.regime_id and cpt.category_id = cat.category_id
    left join assessment_runs as aru
        on {{ criteria_join_on('cpt', 'aru', ak) }}
),

category_status as (
    select
        cst.*,
        {%- if excludes %}
        case
            when cst.excludes_category_id is not null
                then cst.is_met_raw and not exc.is_met_raw
            else cst.is_met_raw
        end as is_met
        {%- else %}
        cst.is_met_raw as is_met
        {%- endif %},
        {%- if excludes %}
        case
            when cst.excludes_category_id is not null
                then cst.is_met_raw_next and not exc.is_met_raw_next
            else cst.is_met_raw_next
        end as is_met_next
        {%- else %}
        cst.is_met_raw_next as is_met_next
        {%- endif %}
    from category_streak as cst
    left join category_streak as exc
        on
            cst.area_level = exc.area_level
            and cst.area_id = exc.area_id
            and cst.tenure = exc.tenure
            and cst.list_year = exc.list_year
            and cst.excludes_regime_id = exc.regime_id
            and cst.excludes_category_id = exc.category_id
),

-- Categories of a regime that excludes another (forebyggelse excludes udsat) are also shown
-- on the excluded regime's row, so one row carries every current category.
status_rows as (
    select
        cst.*,
        cst.regime_id as display_regime_id
    from category_status as cst
    union all
    select
        cst.*,
        cst.excludes_regime_id as display_regime_id
    from category_status as cst
    where cst.excludes_regime_id is not null
),

labels as (
    select
        srw.area_level,
        srw.area_id,
        srw.tenure,
        srw.display_regime_id as regime_id,
        srw.list_year,
        coalesce(
            (array_agg(srw.category_id order by srw.severity_rank desc, srw.category_id)
                filter (where srw.is_met))[1],
            case when bool_or(srw.is_met is null) then 'undetermined' end,
            'none'
        ) as status,
        coalesce(
            (array_agg(srw.category_id order by srw.severity_rank desc, srw.category_id)
                filter (where srw.is_met_next))[1],
            case when bool_or(srw.is_met_next is null) then 'undetermined' end,
            'none'
        ) as status_next,
        string_agg(srw.category_id, ';' order by srw.severity_rank, srw.category_id)
            filter (where srw.is_met) as categories_met,
        bool_or(srw.is_met) filter (where srw.category_id = 'ghetto') as is_ghetto,
        bool_or(srw.is_met) filter (where srw.category_id = 'haardt_ghetto') as is_haardt_ghetto,
        bool_or(srw.is_met) filter (where srw.category_id = 'udsat') as is_udsat,
        bool_or(srw.is_met) filter (
            where srw.category_id = 'parallelsamfund'
        ) as is_parallelsamfund,
        bool_or(srw.is_met) filter (where srw.category_id = 'omdannelse') as is_omdannelse,
        bool_or(srw.is_met_raw) filter (
            where srw.category_id = 'forebyggelse'
        ) as is_forebyggelse_raw,
        bool_or(srw.is_met) filter (where srw.category_id = 'forebyggelse') as is_forebyggelse,
        max(srw.run_current) filter (where srw.display_regime_id = srw.regime_id) as run_current,
        max(srw.streak_years) filter (
            where srw.display_regime_id = srw.regime_id
        ) as streak_years_required
    from status_rows as srw
    group by srw.area_level, srw.area_id, srw.tenure, srw.display_regime_id, srw.list_year
)
{%- endmacro %}
