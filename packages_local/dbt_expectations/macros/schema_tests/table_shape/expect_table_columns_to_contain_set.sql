{#- Returns one row per listed column that is missing from the relation. Names on both
    sides are passed through the jinja filter `transform` (default "upper"). -#}
{% test expect_table_columns_to_contain_set(model, column_list, transform="upper") %}
    {{ adapter.dispatch('test_expect_table_columns_to_contain_set', 'dbt_expectations')(
        model, column_list, transform
    ) }}
{% endtest %}

{% macro default__test_expect_table_columns_to_contain_set(model, column_list, transform) -%}
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
from input_columns as i
left join relation_columns as r
    on i.input_column = r.relation_column
where
    -- every listed column that is not a column of the relation
    r.relation_column is null
{%- endif -%}
{%- endmacro %}
