-- BBR codes found in the loaded dwellings that are not in the BBR code lists (seed bbr_codes,
-- derived from the published lists by scripts/make_bbr_code_seeds.py), with how many unit
-- versions carry each. Unknown codes are reported here, never dropped: the units keep them and
-- the tenure rules treat a code they do not know as no match. One row per column x code.
with units as (
    select * from {{ ref('stg_bbr__dwellings') }}
),

coded as (
    select
        'unit_usage_code' as column_name,
        'EnhAnvendelse' as kodeliste,
        unit_usage_code as code
    from units
    union all
    select
        'housing_type_code' as column_name,
        'Boligtype' as kodeliste,
        housing_type_code as code
    from units
    union all
    select
        'letting_code' as column_name,
        'Udlejningsforhold' as kodeliste,
        letting_code as code
    from units
    union all
    select
        'subsidy_code' as column_name,
        'OffentligStoette' as kodeliste,
        subsidy_code as code
    from units
    union all
    select
        'ownership_code' as column_name,
        'Ejerforholdskode' as kodeliste,
        ownership_code as code
    from units
),

known as (
    select
        kodeliste,
        code
    from {{ ref('bbr_codes') }}
)

select
    coded.column_name,
    coded.kodeliste,
    coded.code,
    count(*) as unit_versions
from coded
left join known
    on coded.kodeliste = known.kodeliste and coded.code = known.code
where
    coded.code is not null
    and coded.code <> ''
    and known.code is null
group by coded.column_name, coded.kodeliste, coded.code
