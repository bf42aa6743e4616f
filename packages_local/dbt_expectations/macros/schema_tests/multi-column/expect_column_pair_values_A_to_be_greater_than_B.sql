{#- Row level: fails rows where `column_A > column_B` (>= with or_equal) is false.
    A NULL on either side makes the comparison NULL, which passes. -#}
{% test expect_column_pair_values_A_to_be_greater_than_B(
    model,
    column_A,
    column_B,
    or_equal=False,
    row_condition=None
) %}
    {{ adapter.dispatch(
        'test_expect_column_pair_values_A_to_be_greater_than_B', 'dbt_expectations'
    )(model, column_A, column_B, or_equal, row_condition) }}
{% endtest %}

{% macro default__test_expect_column_pair_values_A_to_be_greater_than_B(
    model,
    column_A,
    column_B,
    or_equal,
    row_condition
) -%}
    {%- set operator = ">=" if or_equal else ">" -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression=column_A ~ " " ~ operator ~ " " ~ column_B,
        group_by_columns=None,
        row_condition=row_condition
    ) }}
{%- endmacro %}
