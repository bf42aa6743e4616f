-- One row per area level × area × tenure × as-of date × target list year × regime × category
-- × warning type (criteria.md §4): one criterion short with that criterion near its
-- threshold, qualifying with a near criterion that would end it (exit candidate), near a
-- gate, near the population floor, a run one or two years short, or a projected change.
with
{{ criteria_inputs_ctes() }},
{{ criteria_evaluation_ctes() }},
{{ criteria_status_ctes() }},

near_criteria as (
    select
        {{ criteria_cols('cev', criteria_assessment_keys()) }},
        string_agg(cev.criterion_id, ';' order by cev.criterion_id) filter (
            where cev.role = 'criterion' and cev.is_near_threshold and not cev.is_met
        ) as near_unmet,
        string_agg(cev.criterion_id, ';' order by cev.criterion_id) filter (
            where cev.role = 'criterion' and cev.is_near_threshold and cev.is_met
        ) as near_met
    from criteria_evaluated as cev
    group by {{ criteria_cols('cev', criteria_assessment_keys()) }}
),

warnings as (
    -- one criterion short, and that criterion near
    select
        {{ criteria_cols('cnt', criteria_assessment_keys()) }},
        cat.category_id,
        'one_criterion_short' as warning_type,
        nrc.near_unmet as driving_criteria
    from assessment_counts as cnt
    inner join categories as cat on cnt.regime_id = cat.regime_id
    inner join near_criteria as nrc
        on {{ criteria_join_on('cnt', 'nrc', criteria_assessment_keys()) }}
    where cat.min_met is not null and cnt.n_met = cat.min_met - 1 and nrc.near_unmet is not null
    union all
    -- qualifies on exactly the minimum, with a met criterion near: an exit candidate
    select
        {{ criteria_cols('cnt', criteria_assessment_keys()) }},
        cat.category_id,
        'exit_candidate' as warning_type,
        nrc.near_met as driving_criteria
    from assessment_counts as cnt
    inner join categories as cat on cnt.regime_id = cat.regime_id
    inner join near_criteria as nrc
        on {{ criteria_join_on('cnt', 'nrc', criteria_assessment_keys()) }}
    where cat.min_met is not null and cnt.n_met = cat.min_met and nrc.near_met is not null
    union all
    -- the gate criterion near its threshold, either side
    select
        {{ criteria_cols('cev', criteria_assessment_keys()) }},
        cat.category_id,
        'near_gate' as warning_type,
        cev.criterion_id as driving_criteria
    from criteria_evaluated as cev
    inner join categories as cat
        on cev.regime_id = cat.regime_id and cev.criterion_id = cat.gate_criterion_id
    where cev.is_near_threshold
    union all
    -- official areas within the band above (or below) the population floor
    select
        {{ criteria_cols('cev', criteria_assessment_keys()) }},
        'all' as category_id,
        'near_population_floor' as warning_type,
        cev.criterion_id as driving_criteria
    from criteria_evaluated as cev
    where
        cev.role = 'floor'
        and cev.is_official_assessment
        and cev.value_num
        <= cev.criterion_threshold + {{ var('criteria_early_warning_floor_band') }}
    union all
    -- a run of consecutive years one or two short of the multi-year category
    select
        {{ criteria_cols('cst', criteria_assessment_keys()) }},
        cst.category_id,
        'run_approaching' as warning_type,
        ser.series_category_id as driving_criteria
    from category_status as cst
    inner join series_categories as ser on cst.regime_id = ser.regime_id
    where
        cst.streak_years is not null
        and cst.run_current >= cst.streak_years - {{ var('criteria_early_warning_streak_lead') }}
        and cst.run_current < cst.streak_years
    union all
    -- the projected status at the next list differs from the current one
    select
        {{ criteria_cols('lbl', criteria_assessment_keys()) }},
        'all' as category_id,
        'projected_status_change' as warning_type,
        nrc.near_met as driving_criteria
    from labels as lbl
    left join near_criteria as nrc
        on {{ criteria_join_on('lbl', 'nrc', criteria_assessment_keys()) }}
    where lbl.status_next != lbl.status
)

select
    wrn.area_level,
    wrn.area_id,
    wrn.tenure,
    wrn.list_year as target_list_year,
    wrn.regime_id,
    wrn.category_id,
    wrn.warning_type,
    wrn.driving_criteria,
    cnt.is_official_assessment,
    lbl.status,
    lbl.status_next as projected_status_next_list,
    cnt.n_met::integer as criteria_met_count,
    lbl.run_current::integer as streak_years,
    make_date(wrn.list_year, 1, 1) as as_of_date
from warnings as wrn
inner join assessment_counts as cnt
    on {{ criteria_join_on('wrn', 'cnt', criteria_assessment_keys()) }}
left join labels as lbl
    on {{ criteria_join_on('wrn', 'lbl', criteria_assessment_keys()) }}
