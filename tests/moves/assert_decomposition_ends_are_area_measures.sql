-- The decomposition explains the very change the indicator marts show: for every row of
-- int_indicator_change_decomposition, the start and end populations (numerator and denominator)
-- are the area's yearly measures of data years t-1 and t in int_area_year_measures. Returns the
-- rows that differ.
{{ config(meta={'description': 'Decomposition start/end equal int_area_year_measures.'}) }}
select
    decomposition.change_year,
    decomposition.area_level,
    decomposition.area_id,
    decomposition.measure_id
from {{ ref('int_indicator_change_decomposition') }} as decomposition
left join {{ ref('int_area_year_measures') }} as start_measures
    on
        decomposition.area_level = start_measures.area_level
        and decomposition.area_id = start_measures.area_id
        and decomposition.measure_id = start_measures.measure_id
        and decomposition.change_year - 1 = start_measures.data_year
        and start_measures.tenure = 'all'
left join {{ ref('int_area_year_measures') }} as end_measures
    on
        decomposition.area_level = end_measures.area_level
        and decomposition.area_id = end_measures.area_id
        and decomposition.measure_id = end_measures.measure_id
        and decomposition.change_year = end_measures.data_year
        and end_measures.tenure = 'all'
where
    start_measures.numerator is distinct from decomposition.x_start
    or start_measures.denominator is distinct from decomposition.n_start
    or end_measures.numerator is distinct from decomposition.x_end
    or end_measures.denominator is distinct from decomposition.n_end
