{% test expect_column_values_to_not_be_null(model, column_name, row_condition=None) %}
    {{ adapter.dispatch('test_expect_column_values_to_not_be_null', 'dbt_expectations')(
        model, column_name, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_column_values_to_not_be_null(model, column_name, row_condition) -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression=column_name ~ " is not null",
        group_by_columns=None,
        row_condition=row_condition
    ) }}
{%- endmacro %}
