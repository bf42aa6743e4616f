{#- CTEs shared by every criteria mart: the rule seeds, the register measures, the reference
    values and the ministry's published lists mapped to areas. Marts build on these CTEs
    (rather than on intermediate models) so each mart can be unit-tested from its true inputs:
    int_area_year_measures, the seeds and the staging models. -#}
{% macro criteria_inputs_ctes() -%}
thresholds as (
    select
        thr.regime_id,
        thr.criterion_id,
        thr.criterion_label,
        thr.role,
        thr.measure_id,
        thr.operator,
        thr.threshold,
        thr.threshold_basis,
        thr.window_years,
        thr.data_year_lag,
        thr.flip_unit,
        thr.valid_from_list_year,
        -- optional columns: empty cells arrive as NULL (dbt seed) or '' (unit-test fixtures)
        nullif(trim(thr.valid_to_list_year::text), '')::integer as valid_to_list_year,
        thr.legal_reference
    from {{ ref('criteria_thresholds') }} as thr
    {{- criteria_regime_filter('thr') }}
),

-- every regime's categories (published names of any regime count in the series)
all_categories as (
    select
        cat.regime_id,
        cat.category_id,
        cat.severity_rank,
        -- optional columns: empty cells arrive as NULL (dbt seed) or '' (unit-test fixtures)
        nullif(trim(cat.min_met::text), '')::integer as min_met,
        nullif(trim(cat.n_criteria::text), '')::integer as n_criteria,
        nullif(trim(cat.gate_criterion_id), '') as gate_criterion_id,
        nullif(trim(cat.requires_category_id), '') as requires_category_id,
        nullif(trim(cat.excludes_regime_id), '') as excludes_regime_id,
        nullif(trim(cat.excludes_category_id), '') as excludes_category_id,
        nullif(trim(cat.streak_years::text), '')::integer as streak_years,
        nullif(trim(cat.series_id), '') as series_id,
        cat.valid_from_list_year,
        nullif(trim(cat.valid_to_list_year::text), '')::integer as valid_to_list_year,
        cat.legal_reference
    from {{ ref('criteria_categories') }} as cat
),

categories as (
    select acat.*
    from all_categories as acat
    {{- criteria_regime_filter('acat') }}
),

measures as (
    select
        mea.area_level::text as area_level,
        mea.area_id::text as area_id,
        mea.official_area_code::text as official_area_code,
        mea.region_code::text as region_code,
        mea.tenure::text as tenure,
        mea.data_year::integer as data_year,
        mea.measure_id::text as measure_id,
        mea.numerator::numeric as numerator,
        mea.denominator::numeric as denominator
    from {{ ref('int_area_year_measures') }} as mea
),

national_share as (
    select
        nat.year as reference_year,
        nat.share as national_share
    from {{ ref('national_conviction_share') }} as nat
),

national_share_last as (
    select max(nsh.reference_year) as max_reference_year
    from national_share as nsh
),

regional_income as (
    select
        rin.year as reference_year,
        rin.region_code,
        rin.mean_income_dkk
    from {{ ref('regional_mean_income') }} as rin
),

regional_income_last as (
    select
        rin.region_code,
        max(rin.reference_year) as max_reference_year
    from regional_income as rin
    group by rin.region_code
),

official_lists as (
    select
        ofl.list_year::integer as list_year,
        ofl.list_date::date as list_date,
        ofl.municipality_name::text as municipality_name,
        ofl.area_name::text as area_name,
        ofl.official_area_code::text as official_area_code,
        coalesce(ofl.official_area_code, ofl.area_name)::text as official_list_key,
        ofl.residents::numeric as residents,
        ofl.nw_share::numeric as nw_share,
        ofl.k1_share::numeric as k1_share,
        ofl.k2_share::numeric as k2_share,
        ofl.k3_share::numeric as k3_share,
        ofl.k4_ratio::numeric as k4_ratio,
        ofl.published_categories
    from {{ ref('stg_ministry__official_lists') }} as ofl
),

area_codes as (
    select distinct
        gis.area_level::text as area_level,
        gis.area_id::text as area_id,
        gis.official_area_code::text as official_area_code
    from {{ ref('stg_gis__areas') }} as gis
    where
        gis.official_area_code is not null
        and gis.area_level = '{{ var("criteria_official_area_level") }}'
),

area_aliases as (
    select
        ali.list_area_name,
        ali.municipality_name,
        ali.area_level,
        ali.area_id
    from {{ ref('area_aliases') }} as ali
),

area_lineage as (
    select
        lin.predecessor_area_level,
        lin.predecessor_area_id,
        lin.successor_area_level,
        lin.successor_area_id,
        lin.from_list_year
    from {{ ref('area_lineage') }} as lin
),

-- The municipality whose areas this warehouse holds (var municipality_code): list rows of
-- other municipalities are kept but not expected to match (match_method other_municipality).
own_municipality as (
    select lower(trim(mun.municipality_name)) as municipality_name
    from {{ ref('municipalities') }} as mun
    where mun.municipality_code = '{{ var("municipality_code") }}'
),

-- Each published row mapped to an area: official_area_code first, then the alias seed;
-- never by raw name. Unmatched rows stay (match_method = 'unmatched').
official_matched as (
    select
        ofl.list_year,
        ofl.list_date,
        ofl.municipality_name,
        ofl.area_name,
        ofl.official_area_code,
        ofl.official_list_key,
        ofl.residents,
        ofl.nw_share,
        ofl.k1_share,
        ofl.k2_share,
        ofl.k3_share,
        ofl.k4_ratio,
        ofl.published_categories,
        coalesce(cod.area_level, ali.area_level) as area_level,
        coalesce(cod.area_id, ali.area_id) as area_id,
        case
            when cod.area_id is not null then 'official_area_code'
            when ali.area_id is not null then 'area_alias'
            when lower(trim(ofl.municipality_name)) != own.municipality_name
                then 'other_municipality'
            else 'unmatched'
        end as match_method
    from official_lists as ofl
    cross join own_municipality as own
    left join area_codes as cod
        on ofl.official_area_code = cod.official_area_code
    left join area_aliases as ali
        on
            cod.area_id is null
            and lower(trim(ofl.area_name)) = lower(trim(ali.list_area_name))
            and (
                ali.municipality_name is null
                or lower(trim(ali.municipality_name)) = lower(trim(ofl.municipality_name))
            )
),

published_list_years as (
    select distinct ofm.list_year
    from official_matched as ofm
),

-- Published categories per area and list year; a split area inherits its predecessor's
-- history before its own first list year (area_lineage).
published_memberships as (
    select
        ofm.list_year,
        ofm.area_level,
        ofm.area_id,
        pcat.category_id,
        false as is_inherited
    from official_matched as ofm
    cross join lateral unnest(ofm.published_categories) as pcat (category_id)
    where ofm.area_id is not null
    union all
    select
        ofm.list_year,
        lin.successor_area_level as area_level,
        lin.successor_area_id as area_id,
        pcat.category_id,
        true as is_inherited
    from official_matched as ofm
    inner join area_lineage as lin
        on
            ofm.area_level = lin.predecessor_area_level
            and ofm.area_id = lin.predecessor_area_id
            and ofm.list_year < lin.from_list_year
    cross join lateral unnest(ofm.published_categories) as pcat (category_id)
),

published_areas as (
    select distinct
        ofm.area_level,
        ofm.area_id
    from official_matched as ofm
    where ofm.area_id is not null
    union
    select distinct
        lin.successor_area_level as area_level,
        lin.successor_area_id as area_id
    from area_lineage as lin
),

-- The published list values, one row per list year × area × criterion.
official_values as (
    select
        ofm.list_year,
        ofm.area_level,
        ofm.area_id,
        ofv.criterion_id,
        ofv.official_value
    from official_matched as ofm
    cross join lateral (
        values
        ('residents', ofm.residents::numeric),
        ('nw', ofm.nw_share),
        ('k1', ofm.k1_share),
        ('k2', ofm.k2_share),
        ('k3', ofm.k3_share),
        ('k4', ofm.k4_ratio)
    ) as ofv (criterion_id, official_value)
    where ofm.area_id is not null and ofv.official_value is not null
)
{%- endmacro %}
