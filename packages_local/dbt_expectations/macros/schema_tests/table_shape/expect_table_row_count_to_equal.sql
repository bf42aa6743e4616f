{#- Fails when count(*) (per group with group_by) differs from `value` (raw SQL). -#}
{% test expect_table_row_count_to_equal(
    model,
    value,
    group_by=None,
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_table_row_count_to_equal', 'dbt_expectations')(
        model, value, group_by, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_table_row_count_to_equal(
    model,
    value,
    group_by,
    row_condition
) -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression="count(*) = " ~ value,
        group_by_columns=group_by,
        row_condition=row_condition
    ) }}
{%- endmacro %}
