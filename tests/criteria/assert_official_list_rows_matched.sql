-- Every published list row must map to an area (official_area_code, else seed area_aliases).
-- A row returned here is a published name the history cannot follow: add it to area_aliases.
select
    mat.list_year,
    mat.official_list_key,
    mat.municipality_name,
    mat.area_name
from {{ ref('int_criteria__official_list_matches') }} as mat
where mat.match_method = 'unmatched'
