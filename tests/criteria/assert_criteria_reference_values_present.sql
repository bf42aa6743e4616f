-- A criterion with a value but without its reference value (national K2 share, regional mean
-- income) cannot be judged: is_met stays NULL, never "not met". This test fails the build so
-- the missing year is added to seeds national_conviction_share / regional_mean_income.
select
    crt.area_level,
    crt.area_id,
    crt.tenure,
    crt.target_list_year,
    crt.regime_id,
    crt.criterion_id,
    crt.threshold_basis,
    crt.first_data_year,
    crt.last_data_year,
    crt.region_code
from {{ ref('fct_area_criteria') }} as crt
where crt.is_reference_missing and crt.value_source != 'not_available'
