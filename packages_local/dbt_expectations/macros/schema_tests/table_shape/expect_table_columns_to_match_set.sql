{#- Returns one row per listed column missing from the relation and per relation column
    not in the list (order ignored; names passed through `transform`). -#}
{% test expect_table_columns_to_match_set(model, column_list, transform="upper") %}
    {{ adapter.dispatch('test_expect_table_columns_to_match_set', 'dbt_expectations')(
        model, column_list, transform
    ) }}
{% endtest %}

{% macro default__test_expect_table_columns_to_match_set(model, column_list, transform) -%}
{%- if execute -%}
    {%- set column_list = column_list | map(transform) | list -%}
    {%- set relation_column_names = dbt_expectations._get_column_list(model, transform) -%}
with relation_columns as (
    {%- for col_name in relation_column_names %}
    select cast('{{ escape_single_quotes(col_name) }}' as {{ dbt.type_string() }})
        as relation_column
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

input_columns as (
    {%- for col_name in column_list %}
    select cast('{{ escape_single_quotes(col_name) }}' as {{ dbt.type_string() }})
        as input_column
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select *
from relation_columns as r
full outer join input_columns as i
    on r.relation_column = i.input_column
where
    -- listed but not in the relation, or in the relation but not listed
    r.relation_column is null
    or i.input_column is null
{%- endif -%}
{%- endmacro %}
