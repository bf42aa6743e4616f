{#- Row level: fails rows where length(column) <> value. NULL passes. -#}
{% test expect_column_value_lengths_to_equal(model, column_name, value, row_condition=None) %}
    {{ adapter.dispatch('test_expect_column_value_lengths_to_equal', 'dbt_expectations')(
        model, column_name, value, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_column_value_lengths_to_equal(
    model,
    column_name,
    value,
    row_condition
) -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression=(dbt.length(column_name) | trim) ~ " = " ~ value,
        group_by_columns=None,
        row_condition=row_condition
    ) }}
{%- endmacro %}
