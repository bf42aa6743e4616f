{#- Fails every distinct column value that is not in value_set; a NULL distinct value
    fails (NULL never matches the left join). -#}
{% test expect_column_distinct_values_to_be_in_set(
    model,
    column_name,
    value_set,
    quote_values=True,
    row_condition=None
) %}
    {{ adapter.dispatch(
        'test_expect_column_distinct_values_to_be_in_set', 'dbt_expectations'
    )(model, column_name, value_set, quote_values, row_condition) }}
{% endtest %}

{% macro default__test_expect_column_distinct_values_to_be_in_set(
    model,
    column_name,
    value_set,
    quote_values,
    row_condition
) -%}
with all_values as (
    select distinct {{ column_name }} as value_field
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
    -- distinct values from the model that are not in the set
    select v.value_field
    from all_values as v
    left join unique_set_values as s
        on v.value_field = s.value_field
    where s.value_field is null
)

select *
from validation_errors
{%- endmacro %}
