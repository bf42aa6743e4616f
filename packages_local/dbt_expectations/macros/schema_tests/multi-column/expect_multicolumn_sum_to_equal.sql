{#- Table or group level (not per row): sum(c1) + ... + sum(cn) = <sum_total>, where
    sum_total is raw SQL (a number, or an aggregate such as "sum(total)"). If any sum is
    NULL (all values NULL, or no rows) the expression is NULL and the test passes. -#}
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
    {{ dbt_expectations.expression_is_true(
        model,
        expression=(sums | join(" + ")) ~ " = " ~ sum_total,
        group_by_columns=group_by,
        row_condition=row_condition
    ) }}
{%- endmacro %}
