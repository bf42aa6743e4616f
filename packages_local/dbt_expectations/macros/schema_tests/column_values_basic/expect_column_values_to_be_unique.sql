{#- Delegates to expect_compound_columns_to_be_unique([column_name]); NULLs are ignored. -#}
{% test expect_column_values_to_be_unique(model, column_name, row_condition=None) %}
    {{ adapter.dispatch('test_expect_column_values_to_be_unique', 'dbt_expectations')(
        model, column_name, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_column_values_to_be_unique(model, column_name, row_condition) -%}
    {{ dbt_expectations.test_expect_compound_columns_to_be_unique(
        model, [column_name], row_condition=row_condition
    ) }}
{%- endmacro %}
