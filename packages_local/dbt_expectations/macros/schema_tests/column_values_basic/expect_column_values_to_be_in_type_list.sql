{#- Compares the catalog type of the column (adapter.get_columns_in_relation; on Postgres
    information_schema.columns.data_type) upper-cased against column_type_list upper-cased.
    Like upstream, a column that is not found in the relation returns no rows (passes). -#}
{% test expect_column_values_to_be_in_type_list(model, column_name, column_type_list) %}
    {{ adapter.dispatch('test_expect_column_values_to_be_in_type_list', 'dbt_expectations')(
        model, column_name, column_type_list
    ) }}
{% endtest %}

{% macro default__test_expect_column_values_to_be_in_type_list(
    model,
    column_name,
    column_type_list
) -%}
{%- if execute -%}
    {%- set column_name = column_name | upper -%}
    {%- set columns_in_relation = adapter.get_columns_in_relation(model) -%}
    {%- set column_type_list = column_type_list | map("upper") | list -%}
with relation_columns as (
    {%- for column in columns_in_relation %}
    select
        cast('{{ escape_single_quotes(column.name | upper) }}' as {{ dbt.type_string() }})
        as relation_column,
        cast('{{ escape_single_quotes(column.dtype | upper) }}' as {{ dbt.type_string() }})
        as relation_column_type
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

test_data as (
    select *
    from relation_columns
    where
        relation_column = '{{ escape_single_quotes(column_name) }}'
        and relation_column_type not in (
            {%- for column_type in column_type_list %}
            '{{ escape_single_quotes(column_type) }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )
)

select *
from test_data
{%- endif -%}
{%- endmacro %}
