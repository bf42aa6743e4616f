-- One row per published list row (list year × official_area_code, else area name): the area
-- it was matched to and how (official_area_code, then the area_aliases seed; never raw names).
-- Unmatched rows are kept with match_method = 'unmatched' and fail
-- tests/criteria/assert_official_list_rows_matched.sql until an alias is seeded.
with
{{ criteria_inputs_ctes() }}

select
    ofm.list_year,
    ofm.official_list_key,
    ofm.list_date,
    ofm.municipality_name,
    ofm.area_name,
    ofm.official_area_code,
    ofm.area_level,
    ofm.area_id,
    ofm.match_method,
    array_to_string(ofm.published_categories, ';') as published_categories
from official_matched as ofm
