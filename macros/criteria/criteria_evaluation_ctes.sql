{#- Per assessment (area level × area × tenure × list year × regime) and criterion: the
    window numerators and denominators, the value and the threshold as exact rationals
    (value_num / value_den, threshold_num / threshold_den), is_met by cross-multiplication,
    the distance measures of criteria.md §4 and the projection to the next list.
    Needs criteria_inputs_ctes() before it. Final CTE: criteria_evaluated. -#}
{% macro criteria_evaluation_ctes() -%}
{%- set ak = criteria_assessment_keys() -%}
{%- set ck = ak + ['criterion_id'] -%}
{%- set method = var('criteria_average_method') -%}
{%- set carry = var('criteria_reference_projection') == 'carry_forward' -%}
area_attributes as (
    select
        att.area_level,
        att.area_id,
        max(att.official_area_code) as official_area_code,
        max(att.region_code) as region_code,
        bool_or(att.is_on_published_list) as is_on_published_list
    from (
        select
            mea.area_level,
            mea.area_id,
            mea.official_area_code,
            mea.region_code,
            false as is_on_published_list
        from measures as mea
        union all
        select
            pba.area_level,
            pba.area_id,
            null as official_area_code,
            null as region_code,
            true as is_on_published_list
        from published_areas as pba
    ) as att
    group by att.area_level, att.area_id
),

-- List year Y is assessed where residents exist for data year Y - lag (every regime: any
-- regime can run on any year), or where a published row exists (regimes in force in Y).
assessments as (
    select distinct
        mea.area_level,
        mea.area_id,
        mea.tenure,
        thr.regime_id,
        mea.data_year + thr.data_year_lag as list_year
    from measures as mea
    inner join thresholds as thr
        on thr.role = 'floor' and mea.measure_id = thr.measure_id
    union
    select distinct
        ofm.area_level,
        ofm.area_id,
        'all' as tenure,
        thr.regime_id,
        ofm.list_year
    from official_matched as ofm
    inner join thresholds as thr
        on
            thr.role = 'floor'
            and ofm.list_year >= thr.valid_from_list_year
            and (thr.valid_to_list_year is null or ofm.list_year <= thr.valid_to_list_year)
    where ofm.area_id is not null
),

assessment_criteria as (
    select
        {{ criteria_cols('asm', ak) }},
        thr.criterion_id,
        thr.criterion_label,
        thr.role,
        thr.measure_id,
        thr.operator,
        thr.threshold,
        thr.threshold_basis,
        thr.window_years,
        thr.flip_unit,
        thr.legal_reference,
        att.official_area_code,
        att.region_code,
        asm.list_year - thr.data_year_lag as last_data_year,
        asm.list_year - thr.data_year_lag - thr.window_years + 1 as first_data_year,
        (
            asm.list_year >= thr.valid_from_list_year
            and (thr.valid_to_list_year is null or asm.list_year <= thr.valid_to_list_year)
        ) as is_regime_in_force,
        (
            (att.official_area_code is not null or att.is_on_published_list)
            and asm.tenure = 'all'
        ) as is_official_assessment
    from assessments as asm
    inner join thresholds as thr
        on asm.regime_id = thr.regime_id
    inner join area_attributes as att
        on asm.area_level = att.area_level and asm.area_id = att.area_id
),

-- One row per window year. For K4 the effective denominator is taxpayers × the regional
-- mean income of that year, so the value is (area mean ÷ regional mean) exactly.
window_rows as (
    select
        {{ criteria_cols('acr', ck) }},
        acr.first_data_year,
        acr.last_data_year,
        mea.data_year,
        mea.numerator,
        mea.denominator as persons,
        rin.mean_income_dkk as regional_mean_income_dkk,
        case
            when acr.threshold_basis = 'share_of_regional_mean'
                then mea.denominator * rin.mean_income_dkk
            else mea.denominator
        end as eff_denominator,
        row_number() over (
            partition by {{ criteria_cols('acr', ck) }}
            order by mea.data_year
        ) as year_rank
    from assessment_criteria as acr
    inner join measures as mea
        on
            acr.area_level = mea.area_level
            and acr.area_id = mea.area_id
            and acr.tenure = mea.tenure
            and acr.measure_id = mea.measure_id
            and mea.data_year between acr.first_data_year and acr.last_data_year
    left join regional_income_last as ril
        on
            acr.threshold_basis = 'share_of_regional_mean'
            and mea.region_code = ril.region_code
    left join regional_income as rin
        on
            acr.threshold_basis = 'share_of_regional_mean'
            and mea.region_code = rin.region_code
            and rin.reference_year = case
                {%- if carry %}
                when mea.data_year > ril.max_reference_year then ril.max_reference_year
                {%- endif %}
                else mea.data_year
            end
),

-- Exact sum of the yearly shares as one fraction: fold_num / fold_den = Σ x_t / d_t.
share_fold as (
    select fld.*
    from (
        with recursive fold as (
            select
                {{ criteria_cols('wro', ck) }},
                wro.year_rank,
                wro.numerator as fold_num,
                wro.eff_denominator as fold_den
            from window_rows as wro
            where wro.year_rank = 1
            union all
            select
                {{ criteria_cols('wro', ck) }},
                wro.year_rank,
                fol.fold_num * wro.eff_denominator + wro.numerator * fol.fold_den as fold_num,
                fol.fold_den * wro.eff_denominator as fold_den
            from fold as fol
            inner join window_rows as wro
                on
                    {{ criteria_join_on('fol', 'wro', ck) }}
                    and wro.year_rank = fol.year_rank + 1
        )

        select * from fold
    ) as fld
),

window_stats as (
    select
        {{ criteria_cols('wro', ck) }},
        count(*) as n_years,
        count(wro.eff_denominator) as n_years_with_reference,
        bool_and(wro.persons > 0) as has_positive_denominators,
        max(wro.year_rank) as max_year_rank,
        sum(wro.numerator) as numerator_sum,
        sum(wro.persons) as denominator_sum,
        sum(wro.eff_denominator) as eff_denominator_sum,
        max(wro.numerator) filter (where wro.data_year = wro.last_data_year) as numerator_last,
        max(wro.persons) filter (where wro.data_year = wro.last_data_year) as denominator_last,
        max(wro.eff_denominator) filter (
            where wro.data_year = wro.last_data_year
        ) as eff_denominator_last,
        max(wro.regional_mean_income_dkk) filter (
            where wro.data_year = wro.last_data_year
        ) as regional_mean_income_dkk,
        max(wro.numerator) filter (where wro.data_year = wro.first_data_year) as numerator_first,
        max(wro.eff_denominator) filter (
            where wro.data_year = wro.first_data_year
        ) as eff_denominator_first
    from window_rows as wro
    group by {{ criteria_cols('wro', ck) }}
),

-- National K2 reference: the mean of the yearly national shares over the same window.
national_reference as (
    select
        {{ criteria_cols('acr', ck) }},
        count(nsh.national_share) as n_reference_years,
        sum(nsh.national_share) as national_share_sum
    from assessment_criteria as acr
    cross join national_share_last as nsl
    cross join lateral generate_series(acr.first_data_year, acr.last_data_year) as wyr (data_year)
    left join national_share as nsh
        on nsh.reference_year = case
            {%- if carry %}
            when wyr.data_year > nsl.max_reference_year then nsl.max_reference_year
            {%- endif %}
            else wyr.data_year
        end
    where acr.threshold_basis = 'multiple_of_national'
    group by {{ criteria_cols('acr', ck) }}
),

criteria_rational as (
    select
        acr.*,
        wst.n_years,
        wst.numerator_sum,
        wst.denominator_sum,
        wst.eff_denominator_sum,
        wst.numerator_last,
        wst.denominator_last,
        wst.eff_denominator_last,
        wst.numerator_first,
        wst.eff_denominator_first,
        wst.regional_mean_income_dkk,
        fld.fold_num,
        fld.fold_den,
        ofv.official_value,
        trim_scale(nre.national_share_sum / nullif(nre.n_reference_years, 0))
            as national_reference_share,
        coalesce(wst.n_years = acr.window_years and wst.has_positive_denominators, false)
            as has_computed_value,
        case
            when acr.threshold_basis = 'multiple_of_national'
                then coalesce(nre.n_reference_years < acr.window_years, true)
            when acr.threshold_basis = 'share_of_regional_mean'
                then coalesce(wst.n_years_with_reference < wst.n_years, false)
            else false
        end as is_reference_missing,
        case
            when acr.threshold_basis = 'multiple_of_national'
                then case
                    when nre.n_reference_years = acr.window_years
                        then acr.threshold * nre.national_share_sum
                end
            else acr.threshold
        end as threshold_num,
        case
            when acr.threshold_basis = 'multiple_of_national' then acr.window_years::numeric
            else 1::numeric
        end as threshold_den
    from assessment_criteria as acr
    left join window_stats as wst
        on {{ criteria_join_on('acr', 'wst', ck) }}
    left join share_fold as fld
        on {{ criteria_join_on('acr', 'fld', ck) }} and wst.max_year_rank = fld.year_rank
    left join national_reference as nre
        on {{ criteria_join_on('acr', 'nre', ck) }}
    left join official_values as ofv
        on
            acr.is_regime_in_force
            and acr.is_official_assessment
            and acr.list_year = ofv.list_year
            and acr.area_level = ofv.area_level
            and acr.area_id = ofv.area_id
            and acr.criterion_id = ofv.criterion_id
),

-- The value used: computed from registers when the window is complete, else the published
-- value (regimes in force only). Effective quantities for the distance measures: for a
-- mean of yearly shares only the latest year can move, against T_eff = w·T − Σ kept shares.
criteria_values as (
    select
        crr.*,
        case
            when crr.has_computed_value then 'computed'
            when crr.official_value is not null then 'official'
            else 'not_available'
        end as value_source,
        case
            when crr.has_computed_value and crr.role = 'floor' then crr.numerator_last
            {%- if method == 'pooled_counts' %}
            when crr.has_computed_value then crr.numerator_sum
            {%- else %}
            when crr.has_computed_value then crr.fold_num
            {%- endif %}
            when crr.official_value is not null then crr.official_value
        end as value_num,
        case
            when crr.has_computed_value and crr.role = 'floor' then 1::numeric
            {%- if method == 'pooled_counts' %}
            when crr.has_computed_value then crr.eff_denominator_sum
            {%- else %}
            when crr.has_computed_value then crr.window_years * crr.fold_den
            {%- endif %}
            when crr.official_value is not null then 1::numeric
        end as value_den,
        case
            when not crr.has_computed_value then null
            when crr.role = 'floor' then crr.numerator_last
            {%- if method == 'pooled_counts' %}
            else crr.numerator_sum
            {%- else %}
            else crr.numerator_last
            {%- endif %}
        end as x_eff,
        case
            when not crr.has_computed_value then null
            when crr.role = 'floor' then 1::numeric
            {%- if method == 'pooled_counts' %}
            else crr.eff_denominator_sum
            {%- else %}
            else crr.eff_denominator_last
            {%- endif %}
        end as n_eff,
        case
            when not crr.has_computed_value then null
            when crr.role = 'floor' then crr.threshold_num
            {%- if method == 'pooled_counts' %}
            else crr.threshold_num
            {%- else %}
            -- w·T − (fold − x_last/d_last), over threshold_den · fold_den · d_last
            else
                crr.window_years * crr.threshold_num * crr.fold_den * crr.eff_denominator_last
                - (crr.fold_num * crr.eff_denominator_last - crr.numerator_last * crr.fold_den)
                * crr.threshold_den
            {%- endif %}
        end as teff_num,
        case
            when not crr.has_computed_value then null
            when crr.role = 'floor' then crr.threshold_den
            {%- if method == 'pooled_counts' %}
            else crr.threshold_den
            {%- else %}
            else crr.threshold_den * crr.fold_den * crr.eff_denominator_last
            {%- endif %}
        end as teff_den
    from criteria_rational as crr
),

criteria_gaps as (
    select
        crv.*,
        -- g = T_eff · n_eff − x_eff, as g_num / teff_den
        crv.teff_num * crv.n_eff - crv.x_eff * crv.teff_den as gap_num,
        case
            when crv.value_den > 0 and crv.threshold_den > 0
                then {{ criterion_is_met(
                    'crv.value_num * crv.threshold_den',
                    'crv.operator',
                    'crv.threshold_num * crv.value_den'
                ) }}
        end as is_met,
        case
            when crv.official_value is not null and crv.threshold_den > 0
                then {{ criterion_is_met(
                    'crv.official_value * crv.threshold_den',
                    'crv.operator',
                    'crv.threshold_num'
                ) }}
        end as is_met_official
    from criteria_values as crv
),

criteria_distances as (
    select
        cgp.*,
        case
            when cgp.gap_num is null or cgp.is_met is null then null
            when cgp.operator = 'lt' then {{ exact_ceil_div(
                'abs(cgp.gap_num)',
                'cgp.teff_den * coalesce(cgp.regional_mean_income_dkk, 1)'
            ) }}
            when cgp.operator = 'gt' and not cgp.is_met
                then ({{ exact_floor_div('cgp.gap_num', 'cgp.teff_den * cgp.flip_unit') }} + 1)
                * cgp.flip_unit
            when cgp.operator = 'gt' and cgp.is_met
                then {{ exact_ceil_div('-cgp.gap_num', 'cgp.teff_den * cgp.flip_unit') }}
                * cgp.flip_unit
            when cgp.operator = 'ge' and not cgp.is_met
                then {{ exact_ceil_div('cgp.gap_num', 'cgp.teff_den * cgp.flip_unit') }}
                * cgp.flip_unit
            when cgp.operator = 'ge' and cgp.is_met
                then ({{ exact_floor_div('-cgp.gap_num', 'cgp.teff_den * cgp.flip_unit') }} + 1)
                * cgp.flip_unit
        end as persons_to_flip,
        -- numerator persons moving out (x and n fall together) until the criterion flips:
        -- gt: ⌈(x − Tn)/(1 − T)⌉; ge needs a strict drop: ⌊(x − Tn)/(1 − T)⌋ + 1
        case
            when
                not cgp.is_met
                or cgp.role = 'floor'
                or cgp.threshold_basis = 'share_of_regional_mean'
                or cgp.teff_den <= cgp.teff_num
                then null
            when cgp.operator = 'gt'
                then {{ exact_ceil_div('-cgp.gap_num', 'cgp.teff_den - cgp.teff_num') }}
            when cgp.operator = 'ge'
                then {{ exact_floor_div('-cgp.gap_num', 'cgp.teff_den - cgp.teff_num') }} + 1
        end as movers_to_flip,
        case
            when cgp.threshold_basis = 'share_of_regional_mean' and cgp.gap_num is not null
                then trim_scale(cgp.gap_num / cgp.teff_den)
        end as income_gap_dkk,
        trim_scale(cgp.value_num / nullif(cgp.value_den, 0)) as criterion_value,
        trim_scale(cgp.threshold_num / nullif(cgp.threshold_den, 0)) as criterion_threshold
    from criteria_gaps as cgp
),

-- Next list (Y + 1): one window year drops out, one is added. The projection repeats the
-- latest year's share (persistence; published values and 1-year criteria stay as they are).
criteria_projection as (
    select
        cds.*,
        case
            when cds.value_source = 'computed' and cds.role != 'floor'
                {%- if method == 'pooled_counts' %}
                then cds.numerator_sum - cds.numerator_first + cds.numerator_last
                {%- else %}
                then
                    cds.fold_num * cds.eff_denominator_first * cds.eff_denominator_last
                    - cds.numerator_first * cds.fold_den * cds.eff_denominator_last
                    + cds.numerator_last * cds.fold_den * cds.eff_denominator_first
                {%- endif %}
            else cds.value_num
        end as next_num,
        case
            when cds.value_source = 'computed' and cds.role != 'floor'
                {%- if method == 'pooled_counts' %}
                then cds.eff_denominator_sum - cds.eff_denominator_first + cds.eff_denominator_last
                {%- else %}
                then
                    cds.window_years * cds.fold_den
                    * cds.eff_denominator_first * cds.eff_denominator_last
                {%- endif %}
            else cds.value_den
        end as next_den,
        -- s* = w·T − Σ shares kept at the next list (all window years but the oldest)
        case
            when cds.value_source = 'computed' and cds.role != 'floor'
                {%- if method == 'pooled_counts' %}
                then
                    (
                        cds.threshold_num
                        * (
                            cds.eff_denominator_sum - cds.eff_denominator_first
                            + cds.eff_denominator_last
                        )
                        / cds.threshold_den
                        - (cds.numerator_sum - cds.numerator_first)
                    ) / cds.eff_denominator_last
                {%- else %}
                then
                    (
                        cds.window_years * cds.threshold_num
                        * cds.fold_den * cds.eff_denominator_first
                        - (
                            cds.fold_num * cds.eff_denominator_first
                            - cds.numerator_first * cds.fold_den
                        ) * cds.threshold_den
                    )
                    / (cds.threshold_den * cds.fold_den * cds.eff_denominator_first)
                {%- endif %}
        end as required_share_next_year_raw
    from criteria_distances as cds
),

criteria_evaluated as (
    select
        cpr.*,
        make_date(cpr.list_year, 1, 1) as as_of_date,
        case
            when cpr.operator = 'lt' then trim_scale(cpr.criterion_threshold - cpr.criterion_value)
            else trim_scale(cpr.criterion_value - cpr.criterion_threshold)
        end as margin,
        case
            when cpr.value_den > 0 and cpr.threshold_num is not null
                then
                    abs(cpr.value_num * cpr.threshold_den - cpr.threshold_num * cpr.value_den)
                    <= {{ var('criteria_near_relative_band') }} * cpr.threshold_num * cpr.value_den
                    or coalesce(cpr.persons_to_flip <= {{ var('criteria_near_persons') }}, false)
        end as is_near_threshold,
        trim_scale(cpr.next_num / nullif(cpr.next_den, 0)) as projected_value_next_list,
        case
            when cpr.next_den > 0 and cpr.threshold_den > 0
                then {{ criterion_is_met(
                    'cpr.next_num * cpr.threshold_den',
                    'cpr.operator',
                    'cpr.threshold_num * cpr.next_den'
                ) }}
        end as is_met_next_list,
        trim_scale(cpr.required_share_next_year_raw) as required_share_next_year,
        trim_scale(cpr.required_share_next_year_raw * cpr.eff_denominator_last)
            as required_numerator_next_year
    from criteria_projection as cpr
)
{%- endmacro %}
