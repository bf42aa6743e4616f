-- One row per area level × area × tenure × as-of date × target list year × regime: the
-- categories of criteria.md §1.2 (k-of-n, gate, floor, consecutive years, exclusions), the
-- criteria pivoted beside them, and the projection to the next list.
with
{{ criteria_inputs_ctes() }},
{{ criteria_evaluation_ctes() }},
{{ criteria_status_ctes() }},

criteria_pivot as (
    select
        cev.area_level,
        cev.area_id,
        cev.tenure,
        cev.regime_id,
        cev.list_year,
        max(cev.as_of_date) as as_of_date,
        max(cev.official_area_code) as official_area_code,
        bool_or(cev.is_regime_in_force) as is_regime_in_force,
        max(cev.numerator_last) filter (where cev.role = 'floor') as residents,
        max(cev.criterion_value) filter (where cev.role = 'floor') as floor_value,
        max(cev.criterion_threshold) filter (where cev.role = 'floor') as population_floor,
        bool_or(cev.is_met) filter (where cev.criterion_id = 'nw') as is_nw,
        max(cev.criterion_value) filter (where cev.criterion_id = 'nw') as nw_value,
        max(cev.criterion_threshold) filter (where cev.criterion_id = 'nw') as nw_threshold,
        bool_or(cev.is_met) filter (where cev.criterion_id = 'k1') as is_k1,
        max(cev.criterion_value) filter (where cev.criterion_id = 'k1') as k1_value,
        max(cev.criterion_threshold) filter (where cev.criterion_id = 'k1') as k1_threshold,
        bool_or(cev.is_met) filter (where cev.criterion_id = 'k2') as is_k2,
        max(cev.criterion_value) filter (where cev.criterion_id = 'k2') as k2_value,
        max(cev.criterion_threshold) filter (where cev.criterion_id = 'k2') as k2_threshold,
        bool_or(cev.is_met) filter (where cev.criterion_id = 'k3') as is_k3,
        max(cev.criterion_value) filter (where cev.criterion_id = 'k3') as k3_value,
        max(cev.criterion_threshold) filter (where cev.criterion_id = 'k3') as k3_threshold,
        bool_or(cev.is_met) filter (where cev.criterion_id = 'k4') as is_k4,
        max(cev.criterion_value) filter (where cev.criterion_id = 'k4') as k4_value,
        max(cev.criterion_threshold) filter (where cev.criterion_id = 'k4') as k4_threshold,
        string_agg(cev.criterion_id, ';' order by cev.criterion_id) filter (
            where cev.role = 'criterion' and cev.is_met
        ) as criteria_met
    from criteria_evaluated as cev
    group by cev.area_level, cev.area_id, cev.tenure, cev.regime_id, cev.list_year
),

base_category as (
    select
        cat.regime_id,
        max(cat.min_met) as criteria_required
    from categories as cat
    group by cat.regime_id
),

last_published as (
    select
        cpv.area_level,
        cpv.area_id,
        cpv.list_year,
        max(ply.list_year) as last_published_list_year
    from criteria_pivot as cpv
    inner join published_list_years as ply
        on cpv.list_year > ply.list_year
    group by cpv.area_level, cpv.area_id, cpv.list_year
),

category_severity as (
    select
        cas.category_id,
        max(cas.severity_rank) as severity_rank
    from {{ ref('criteria_categories') }} as cas
    group by cas.category_id
),

published_labels as (
    select
        pbm.list_year,
        pbm.area_level,
        pbm.area_id,
        (array_agg(pbm.category_id order by cat.severity_rank desc, pbm.category_id asc))[1]
            as published_status
    from published_memberships as pbm
    inner join category_severity as cat
        on pbm.category_id = cat.category_id
    group by pbm.list_year, pbm.area_level, pbm.area_id
)

select
    cpv.area_level,
    cpv.area_id,
    cpv.official_area_code,
    cpv.tenure,
    cpv.as_of_date,
    cpv.list_year as target_list_year,
    cpv.regime_id,
    cpv.is_regime_in_force,
    cnt.is_official_assessment,
    cnt.criteria_source,
    cpv.residents,
    cpv.population_floor,
    cnt.is_above_population_floor,
    cpv.is_nw,
    cpv.nw_value,
    cpv.nw_threshold,
    cpv.is_k1,
    cpv.k1_value,
    cpv.k1_threshold,
    cpv.is_k2,
    cpv.k2_value,
    cpv.k2_threshold,
    cpv.is_k3,
    cpv.k3_value,
    cpv.k3_threshold,
    cpv.is_k4,
    cpv.k4_value,
    cpv.k4_threshold,
    cpv.criteria_met,
    lbl.is_ghetto,
    lbl.is_haardt_ghetto,
    lbl.is_udsat,
    lbl.is_parallelsamfund,
    lbl.is_omdannelse,
    lbl.is_forebyggelse_raw,
    lbl.is_forebyggelse,
    lbl.categories_met,
    lbl.status,
    lbl.status_next as projected_status_next_list,
    lpb.last_published_list_year,
    cnt.n_met::integer as criteria_met_count,
    cnt.n_unknown::integer as criteria_unknown_count,
    bsc.criteria_required::integer as criteria_required,
    lbl.run_current::integer as streak_years,
    lbl.streak_years_required::integer as streak_years_required,
    cpv.residents - cpv.population_floor as residents_minus_floor,
    case
        when cnt.is_official_assessment or lbl.status in ('none', 'undetermined')
            then lbl.status
        else lbl.status || '_equivalent'
    end as status_label,
    case
        when lbl.streak_years_required - lbl.run_current is not null
            then greatest(lbl.streak_years_required - lbl.run_current, 0)::integer
    end as years_to_omdannelse,
    case
        when not cnt.is_official_assessment or lpb.last_published_list_year is null then null
        else coalesce(plb.published_status, 'none')
    end as last_published_status,
    case
        when not cnt.is_official_assessment then null
        when lpb.last_published_list_year is null then 'no_published_list'
        when coalesce(plb.published_status, 'none') = lbl.status then 'unchanged'
        else coalesce(plb.published_status, 'none') || ' -> ' || lbl.status
    end as status_change_vs_last_published
from criteria_pivot as cpv
inner join assessment_counts as cnt
    on
        cpv.area_level = cnt.area_level
        and cpv.area_id = cnt.area_id
        and cpv.tenure = cnt.tenure
        and cpv.regime_id = cnt.regime_id
        and cpv.list_year = cnt.list_year
left join labels as lbl
    on
        cpv.area_level = lbl.area_level
        and cpv.area_id = lbl.area_id
        and cpv.tenure = lbl.tenure
        and cpv.regime_id = lbl.regime_id
        and cpv.list_year = lbl.list_year
left join base_category as bsc
    on cpv.regime_id = bsc.regime_id
left join last_published as lpb
    on
        cpv.area_level = lpb.area_level
        and cpv.area_id = lpb.area_id
        and cpv.list_year = lpb.list_year
left join published_labels as plb
    on
        lpb.area_level = plb.area_level
        and lpb.area_id = plb.area_id
        and lpb.last_published_list_year = plb.list_year
