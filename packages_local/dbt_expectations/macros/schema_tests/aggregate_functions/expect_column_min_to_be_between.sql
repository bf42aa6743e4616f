{#- Aggregate: fails the table (or each group with group_by) where min(column) is outside
    [min_value, max_value]. NULLs are ignored by min(); an all-NULL column gives a NULL
    aggregate, which passes (like upstream). -#}
{% test expect_column_min_to_be_between(
    model,
    column_name,
    min_value=None,
    max_value=None,
    group_by=None,
    row_condition=None,
    strictly=False
) %}
    {{ adapter.dispatch('test_expect_column_min_to_be_between', 'dbt_expectations')(
        model, column_name, min_value, max_value, group_by, row_condition, strictly
    ) }}
{% endtest %}

{% macro default__test_expect_column_min_to_be_between(
    model,
    column_name,
    min_value,
    max_value,
    group_by,
    row_condition,
    strictly
) -%}
    {{ dbt_expectations.expression_between(
        model,
        expression="min(" ~ column_name ~ ")",
        min_value=min_value,
        max_value=max_value,
        group_by_columns=group_by,
        row_condition=row_condition,
        strictly=strictly
    ) }}
{%- endmacro %}
