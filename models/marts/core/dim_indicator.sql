-- Indicator catalogue (KL 2015 set as far as the registers allow, and the legal measures
-- K1-K4 and NW). **Primary Key**: indicator_id.
select
    indicator_id::text as indicator_id,
    name_da::text as name_da,
    name_en::text as name_en,
    numerator::text as numerator_definition,
    denominator::text as denominator_definition,
    population::text as population,
    source::text as source,
    period_type::text as period_type,
    direction::text as direction,
    min_denominator::int as min_denominator,
    kl_2015_number::int as kl_2015_number,
    legal_criterion::text as legal_criterion
from {{ ref('indicators') }}
