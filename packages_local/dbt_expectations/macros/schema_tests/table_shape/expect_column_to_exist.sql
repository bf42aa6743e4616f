{#- Fails (one row) when column_name, after `transform`, is not a column of the relation;
    with column_index (1-based) it must also be at that position. -#}
{% test expect_column_to_exist(model, column_name, column_index=None, transform="upper") %}
    {{ adapter.dispatch('test_expect_column_to_exist', 'dbt_expectations')(
        model, column_name, column_index, transform
    ) }}
{% endtest %}

{% macro default__test_expect_column_to_exist(model, column_name, column_index, transform) -%}
{%- if execute -%}
    {%- set column_name = [column_name] | map(transform) | first -%}
    {%- set relation_column_names = dbt_expectations._get_column_list(model, transform) -%}
    {%- set matching_column_index = (
        relation_column_names.index(column_name)
        if column_name in relation_column_names else -1
    ) -%}
    {%- if column_index -%}
        {%- set column_index_0 = column_index - 1 if column_index > 0 else 0 -%}
        {%- set column_index_matches = matching_column_index == column_index_0 -%}
    {%- else -%}
        {%- set column_index_matches = true -%}
    {%- endif -%}
with test_data as (
    select
        cast('{{ escape_single_quotes(column_name) }}' as {{ dbt.type_string() }})
        as column_name,
        {{ matching_column_index }} as matching_column_index,
        {{ column_index_matches }} as column_index_matches
)

select *
from test_data
where not(matching_column_index >= 0 and column_index_matches)
{%- endif -%}
{%- endmacro %}
