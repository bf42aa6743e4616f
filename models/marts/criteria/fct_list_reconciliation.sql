-- One row per published list year × published list row × category of the regimes in force:
-- the shadow list (ours) against the official list, agree / disagree, and the criteria whose
-- computed result differs from the result on the published value (criteria.md §4).
-- Unmatched list rows are kept (agreement = 'unmatched_area').
with
{{ criteria_inputs_ctes() }},
{{ criteria_evaluation_ctes() }},
{{ criteria_status_ctes() }},

list_categories as (
    select
        ofm.list_year,
        ofm.official_list_key,
        ofm.municipality_name,
        ofm.area_name,
        ofm.official_area_code,
        ofm.area_level,
        ofm.area_id,
        ofm.match_method,
        ofm.published_categories,
        cat.regime_id,
        cat.category_id,
        cat.streak_years,
        cat.excludes_category_id
    from official_matched as ofm
    inner join categories as cat
        on
            ofm.list_year >= cat.valid_from_list_year
            and (cat.valid_to_list_year is null or ofm.list_year <= cat.valid_to_list_year)
),

criterion_differences as (
    select
        {{ criteria_cols('cev', criteria_assessment_keys()) }},
        string_agg(cev.criterion_id, ';' order by cev.criterion_id) filter (
            where cev.is_met is distinct from cev.is_met_official
            and cev.is_met is not null and cev.is_met_official is not null
        ) as differing_criteria
    from criteria_evaluated as cev
    group by {{ criteria_cols('cev', criteria_assessment_keys()) }}
)

select
    lct.list_year,
    lct.official_list_key,
    lct.municipality_name,
    lct.area_name,
    lct.official_area_code,
    lct.area_level,
    lct.area_id,
    lct.match_method,
    lct.regime_id,
    lct.category_id,
    cst.is_met as is_shadow,
    cnt.criteria_source as shadow_criteria_source,
    lct.category_id = any(lct.published_categories) as is_published,
    case
        when lct.match_method = 'other_municipality' then 'other_municipality'
        when lct.area_id is null then 'unmatched_area'
        when cst.category_id is null then 'not_assessed'
        when cst.is_met is null then 'undetermined'
        when cst.is_met = (lct.category_id = any(lct.published_categories)) then 'agree'
        else 'disagree'
    end as agreement,
    case
        when cst.is_met is null or cst.is_met = (lct.category_id = any(lct.published_categories))
            then null
        when dif.differing_criteria is not null then dif.differing_criteria
        when lct.streak_years is not null then 'consecutive_years'
        when lct.excludes_category_id is not null then 'excluded_by_' || lct.excludes_category_id
        else 'no_criterion_difference'
    end as explaining_criteria
from list_categories as lct
left join category_status as cst
    on
        lct.area_level = cst.area_level
        and lct.area_id = cst.area_id
        and cst.tenure = 'all'
        and lct.list_year = cst.list_year
        and lct.regime_id = cst.regime_id
        and lct.category_id = cst.category_id
left join assessment_counts as cnt
    on {{ criteria_join_on('cst', 'cnt', criteria_assessment_keys()) }}
left join criterion_differences as dif
    on {{ criteria_join_on('cst', 'dif', criteria_assessment_keys()) }}
