-- Tenure (ejerform) of every BBR unit version, by the rule order of criteria.md §6; the first
-- matching rule wins:
--  1 almen            subsidy (enh046) 10/25/40/42, or ownership (byg066) 20
--  2 andel            ownership 41, or subsidy 20 (supported private co-operative)
--  3 offentlig        ownership 50/60/70/80 (own kommune, other kommune, region, state)
--  4 ejer             letting (enh045) 2 (owner-occupied)
--  5 privat_udlejning letting 1 (incl. subsidy 15/30 supported private rental)
--  6 ukendt           letting 3 (unused) or missing
-- The codes come from the seeded rule table `tenure_rules`, never literals here.
with units as (
    select * from {{ ref('stg_bbr__dwellings') }}
),

rules as (
    select * from {{ ref('tenure_rules') }}
),

matched as (
    select distinct on (units.unit_id, units.valid_from)
        units.unit_id,
        units.valid_from,
        rules.tenure,
        rules.rule_order,
        rules.rule_id
    from units
    inner join rules
        on
            (rules.field = 'subsidy_code' and units.subsidy_code = rules.code)
            or (rules.field = 'ownership_code' and units.ownership_code = rules.code)
            or (rules.field = 'letting_code' and units.letting_code = rules.code)
    order by units.unit_id, units.valid_from, rules.rule_order
),

subtypes as (
    select * from {{ ref('tenure_almen_subtypes') }}
)

select
    units.unit_id,
    units.address_id,
    units.building_id,
    units.afdeling_id,
    units.unit_usage_code,
    units.letting_code,
    units.subsidy_code,
    units.ownership_code,
    units.valid_from,
    units.valid_to,
    coalesce(matched.tenure, 'ukendt') as tenure,
    case
        when matched.tenure = 'almen' then coalesce(subtypes.almen_subtype, 'almen_ukendt')
    end as almen_subtype,
    coalesce(matched.rule_id, 'no_rule') as tenure_rule_id,
    units.unit_usage_code in (
        select usage.code from {{ ref('bbr_unit_usage') }} as usage
        where usage.is_dwelling
    ) as is_dwelling,
    units.unit_usage_code in (
        select usage.code from {{ ref('bbr_unit_usage') }} as usage
        where usage.is_leisure
    ) as is_leisure
from units
left join matched
    on units.unit_id = matched.unit_id and units.valid_from = matched.valid_from
left join subtypes on units.subsidy_code = subtypes.subsidy_code
