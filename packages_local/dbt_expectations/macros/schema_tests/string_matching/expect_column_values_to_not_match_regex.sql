{#- Row level: fails rows where the regex matches. NULL gives 0 matches on Postgres and
    therefore PASSES. -#}
{% test expect_column_values_to_not_match_regex(
    model,
    column_name,
    regex,
    row_condition=None,
    is_raw=False,
    flags=""
) %}
    {{ adapter.dispatch('test_expect_column_values_to_not_match_regex', 'dbt_expectations')(
        model, column_name, regex, row_condition, is_raw, flags
    ) }}
{% endtest %}

{% macro default__test_expect_column_values_to_not_match_regex(
    model,
    column_name,
    regex,
    row_condition,
    is_raw,
    flags
) -%}
    {%- set expression -%}
        {{ dbt_expectations.regexp_instr(column_name, regex, is_raw=is_raw, flags=flags) }} = 0
    {%- endset -%}
    {{ dbt_expectations.expression_is_true(
        model,
        expression=expression,
        group_by_columns=None,
        row_condition=row_condition
    ) }}
{%- endmacro %}
