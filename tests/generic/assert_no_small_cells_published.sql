{#- Fails for every published (unsuppressed) cell of `model` whose exact counts in
    `exact_model` are below `min_cell`: numerator persons, complement or denominator.
    Both models share the cell keys period_date, area_level, area_id, tenure, indicator_id. -#}
{% test assert_no_small_cells_published(model, exact_model, min_cell) %}
select
    published.period_date,
    published.area_level,
    published.area_id,
    published.tenure,
    published.indicator_id
from {{ model }} as published
inner join {{ exact_model }} as exact
    on
        published.period_date = exact.period_date
        and published.area_level = exact.area_level
        and published.area_id = exact.area_id
        and published.tenure = exact.tenure
        and published.indicator_id = exact.indicator_id
where
    not published.is_suppressed
    and (
        exact.numerator_persons between 1 and {{ min_cell }} - 1
        or (exact.denominator > 0 and exact.denominator < {{ min_cell }})
        or exact.denominator - exact.numerator_persons between 1 and {{ min_cell }} - 1
    )
{% endtest %}
