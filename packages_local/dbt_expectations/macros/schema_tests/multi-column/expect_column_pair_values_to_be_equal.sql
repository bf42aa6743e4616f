{#- Row level: fails rows where `column_A = column_B` is false. NULL on either side passes. -#}
{% test expect_column_pair_values_to_be_equal(
    model,
    column_A,
    column_B,
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_column_pair_values_to_be_equal', 'dbt_expectations')(
        model, column_A, column_B, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_column_pair_values_to_be_equal(
    model,
    column_A,
    column_B,
    row_condition
) -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression=column_A ~ " = " ~ column_B,
        group_by_columns=None,
        row_condition=row_condition
    ) }}
{%- endmacro %}
