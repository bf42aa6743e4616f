-- The ministry's published lists: one row per list year and area (latest delivery).
-- Percentages (0–100 in the source) become shares (0–1); categories become an array.
with latest as (
    {{ dedupe_latest(
        source('raw', 'official_lists'),
        ['list_year', "coalesce(official_area_code, area_name)"]
    ) }}
)

select
    list_year,
    list_date,
    municipality as municipality_name,
    area_name,
    residents,
    _load_id,
    _source_file,
    _source_row,
    nullif(official_area_code, '') as official_area_code,
    share_outside_labour_market / 100.0 as k1_share,
    share_convicted / 100.0 as k2_share,
    convicted_threshold / 100.0 as k2_threshold,
    share_basic_education_only / 100.0 as k3_share,
    income_share_of_region / 100.0 as k4_ratio,
    share_non_western / 100.0 as nw_share,
    array_remove(
        string_to_array(lower(replace(coalesce(published_categories, ''), ' ', '')), ';'), ''
    ) as published_categories
from latest
