{#- Fails each value that is in the column but not in value_set, and each set member that
    does not occur in the column (full outer join). A NULL in the column fails. -#}
{% test expect_column_distinct_values_to_equal_set(
    model,
    column_name,
    value_set,
    quote_values=True,
    row_condition=None
) %}
    {{ adapter.dispatch(
        'test_expect_column_distinct_values_to_equal_set', 'dbt_expectations'
    )(model, column_name, value_set, quote_values, row_condition) }}
{% endtest %}

{% macro default__test_expect_column_distinct_values_to_equal_set(
    model,
    column_name,
    value_set,
    quote_values,
    row_condition
) -%}
with all_values as (
    select distinct {{ column_name }} as column_value
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
),

set_values as (
    {{ dbt_expectations._distinct_set_values_union(value_set, quote_values) }}
),

unique_set_values as (
    select distinct value_field
    from set_values
),

validation_errors as (
    select *
    from all_values as v
    full outer join unique_set_values as s
        on v.column_value = s.value_field
    where
        v.column_value is null
        or s.value_field is null
)

select *
from validation_errors
{%- endmacro %}
