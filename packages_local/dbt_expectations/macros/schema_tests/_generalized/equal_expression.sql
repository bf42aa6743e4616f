{#- Generic helper: compares an aggregate `expression` on `model` with
    `compare_expression` on `compare_model` (each compare_* argument defaults to its
    model-side counterpart). With group_by, groups are matched by a full outer join on
    col_1..col_n; a missing side counts as 0, and NULL group keys never match.
    Fails when abs(a - b) > tolerance, or, if tolerance_percent is set, when
    abs(a - b) / a > tolerance_percent. -#}

{% macro get_select(model, expression, row_condition, group_by) -%}
    {{ adapter.dispatch('get_select', 'dbt_expectations')(
        model, expression, row_condition, group_by
    ) }}
{%- endmacro %}

{% macro default__get_select(model, expression, row_condition, group_by) -%}
    select
        {%- if group_by %}
        {%- for g in group_by %}
        {{ g }} as col_{{ loop.index }},
        {%- endfor %}
        {%- endif %}
        {{ expression }} as expression
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
    {%- if group_by %}
    group by
        {%- for g in group_by %}
        {{ loop.index }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{% test equal_expression(
    model,
    expression,
    compare_model=None,
    compare_expression=None,
    group_by=None,
    compare_group_by=None,
    row_condition=None,
    compare_row_condition=None,
    tolerance=0.0,
    tolerance_percent=None
) %}
    {{ adapter.dispatch('test_equal_expression', 'dbt_expectations')(
        model,
        expression,
        compare_model,
        compare_expression,
        group_by,
        compare_group_by,
        row_condition,
        compare_row_condition,
        tolerance,
        tolerance_percent
    ) }}
{% endtest %}

{% macro default__test_equal_expression(
    model,
    expression,
    compare_model,
    compare_expression,
    group_by,
    compare_group_by,
    row_condition,
    compare_row_condition,
    tolerance,
    tolerance_percent
) -%}
    {%- set compare_model = compare_model if compare_model else model -%}
    {%- set compare_expression = compare_expression if compare_expression else expression -%}
    {%- set compare_row_condition = (
        compare_row_condition if compare_row_condition else row_condition
    ) -%}
    {%- set compare_group_by = compare_group_by if compare_group_by else group_by -%}
    {%- set n_cols = (group_by | length) if group_by else 0 -%}
with a as (
    {{ dbt_expectations.get_select(model, expression, row_condition, group_by) }}
),

b as (
    {{ dbt_expectations.get_select(
        compare_model, compare_expression, compare_row_condition, compare_group_by
    ) }}
),

final as (
    select
        {%- for i in range(1, n_cols + 1) %}
        coalesce(a.col_{{ i }}, b.col_{{ i }}) as col_{{ i }},
        {%- endfor %}
        a.expression,
        b.expression as compare_expression,
        abs(coalesce(a.expression, 0) - coalesce(b.expression, 0)) as expression_difference,
        abs(coalesce(a.expression, 0) - coalesce(b.expression, 0))
        / nullif(a.expression * 1.0, 0) as expression_difference_percent
    from
    {%- if n_cols > 0 %}
        a
    full outer join b
        on
        {%- for i in range(1, n_cols + 1) %}
        {% if not loop.first %}and {% endif %}a.col_{{ i }} = b.col_{{ i }}
        {%- endfor %}
    {%- else %}
        a
    cross join b
    {%- endif %}
)

select *
from final
where
    {%- if tolerance_percent %}
    expression_difference_percent > {{ tolerance_percent }}
    {%- else %}
    expression_difference > {{ tolerance }}
    {%- endif %}
{%- endmacro %}
