{#- Fails every row whose value is in value_set (inner join), so NULL values pass. -#}
{% test expect_column_values_to_not_be_in_set(
    model,
    column_name,
    value_set,
    quote_values=True,
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_column_values_to_not_be_in_set', 'dbt_expectations')(
        model, column_name, value_set, quote_values, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_column_values_to_not_be_in_set(
    model,
    column_name,
    value_set,
    quote_values,
    row_condition
) -%}
with all_values as (
    select {{ column_name }} as value_field
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
),

set_values as (
    {{ dbt_expectations._set_values_union(value_set, quote_values) }}
),

validation_errors as (
    -- values from the model that match the set
    select v.value_field
    from all_values as v
    inner join set_values as s
        on v.value_field = s.value_field
)

select *
from validation_errors
{%- endmacro %}
