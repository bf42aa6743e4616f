{#- Row level: fails rows where length(column) is outside the bounds. NULL passes. -#}
{% test expect_column_value_lengths_to_be_between(
    model,
    column_name,
    min_value=None,
    max_value=None,
    row_condition=None,
    strictly=False
) %}
    {{ adapter.dispatch(
        'test_expect_column_value_lengths_to_be_between', 'dbt_expectations'
    )(model, column_name, min_value, max_value, row_condition, strictly) }}
{% endtest %}

{% macro default__test_expect_column_value_lengths_to_be_between(
    model,
    column_name,
    min_value,
    max_value,
    row_condition,
    strictly
) -%}
    {{ dbt_expectations.expression_between(
        model,
        expression=dbt.length(column_name),
        min_value=min_value,
        max_value=max_value,
        group_by_columns=None,
        row_condition=row_condition,
        strictly=strictly
    ) }}
{%- endmacro %}
