{#- Table or group level (not per row): sum(c1) + ... + sum(cn) must equal sum_total.
    As in upstream 0.10.x: a number sum_total is used as is; anything else is wrapped in
    sum(...), i.e. it names a column (or a row-level expression) whose sum is the total.
    If any sum is NULL (all values NULL, or no rows) the expression is NULL and passes. -#}
{% test expect_multicolumn_sum_to_equal(
    model,
    column_list,
    sum_total,
    group_by=None,
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_multicolumn_sum_to_equal', 'dbt_expectations')(
        model, column_list, sum_total, group_by, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_multicolumn_sum_to_equal(
    model,
    column_list,
    sum_total,
    group_by,
    row_condition
) -%}
    {%- set sums = [] -%}
    {%- for column in column_list -%}
        {%- do sums.append("sum(" ~ column ~ ")") -%}
    {%- endfor -%}
    {%- set total = sum_total if sum_total is number else "sum(" ~ sum_total ~ ")" -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression=(sums | join(" + ")) ~ " = " ~ total,
        group_by_columns=group_by,
        row_condition=row_condition
    ) }}
{%- endmacro %}
