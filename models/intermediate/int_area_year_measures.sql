-- PLACEHOLDER, to be replaced by the register-based model (another branch builds it).
-- It fixes the input interface of the criteria engine so the criteria models compile:
-- grain area_level × area_id × tenure × data_year × measure_id; no rows (`where false`).
-- The criteria logic is proven by unit tests that give rows for this ref.
select
    cast(null as text) as area_level,
    cast(null as text) as area_id,
    cast(null as text) as official_area_code,
    cast(null as text) as region_code,
    cast(null as text) as tenure,
    cast(null as integer) as data_year,
    cast(null as date) as cohort_date,
    cast(null as text) as measure_id,
    cast(null as numeric) as numerator,
    cast(null as numeric) as denominator,
    cast(null as integer) as contributing_persons
where false
