{#- Returns one row per duplicated combination of column_list (the key columns plus
    n_records). Rows are skipped per ignore_row_if: "all_values_are_missing" (default) skips
    rows whose key columns are all NULL, "any_value_is_missing" skips rows with any NULL. -#}
{% test expect_compound_columns_to_be_unique(
    model,
    column_list,
    quote_columns=False,
    ignore_row_if="all_values_are_missing",
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_compound_columns_to_be_unique', 'dbt_expectations')(
        model, column_list, quote_columns, ignore_row_if, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_compound_columns_to_be_unique(
    model,
    column_list,
    quote_columns,
    ignore_row_if,
    row_condition
) -%}
    {%- if not column_list -%}
        {{ exceptions.raise_compiler_error(
            "`column_list` must be specified as a list of columns. Got: '"
            ~ column_list ~ "'."
        ) }}
    {%- endif -%}
    {%- if quote_columns not in [true, false] -%}
        {{ exceptions.raise_compiler_error(
            "`quote_columns` argument for expect_compound_columns_to_be_unique test must be"
            ~ " one of [True, False] Got: '" ~ quote_columns ~ "'."
        ) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in column_list -%}
        {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
    {%- endfor -%}
with validation_errors as (
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        count(*) as {{ adapter.quote("n_records") }}
    from {{ model }}
    where
        1 = 1
        {%- if row_condition %}
        and {{ row_condition }}
        {%- endif %}
        and {{ dbt_expectations.ignore_row_if_expression(ignore_row_if, columns) }}
    group by
        {%- for column in columns %}
        {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    having count(*) > 1
)

select *
from validation_errors
{%- endmacro %}
