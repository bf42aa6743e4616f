{#- Fails when count(*) (per group with group_by) is outside the bounds. With group_by an
    empty (or fully filtered) table has no groups and passes; without it count(*) = 0 is
    checked. A NULL group key is a group of its own. -#}
{% test expect_table_row_count_to_be_between(
    model,
    min_value=None,
    max_value=None,
    group_by=None,
    row_condition=None,
    strictly=False
) %}
    {{ adapter.dispatch('test_expect_table_row_count_to_be_between', 'dbt_expectations')(
        model, min_value, max_value, group_by, row_condition, strictly
    ) }}
{% endtest %}

{% macro default__test_expect_table_row_count_to_be_between(
    model,
    min_value,
    max_value,
    group_by,
    row_condition,
    strictly
) -%}
    {{ dbt_expectations.expression_between(
        model,
        expression="count(*)",
        min_value=min_value,
        max_value=max_value,
        group_by_columns=group_by,
        row_condition=row_condition,
        strictly=strictly
    ) }}
{%- endmacro %}
