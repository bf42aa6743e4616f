{#- Fails every row whose value is not in value_set. NULL never matches the left join,
    so NULL values FAIL (unlike dbt's accepted_values). -#}
{% test expect_column_values_to_be_in_set(
    model,
    column_name,
    value_set,
    quote_values=True,
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_column_values_to_be_in_set', 'dbt_expectations')(
        model, column_name, value_set, quote_values, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_column_values_to_be_in_set(
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
    -- values from the model that are not in the set
    select v.value_field
    from all_values as v
    left join set_values as s
        on v.value_field = s.value_field
    where s.value_field is null
)

select *
from validation_errors
{%- endmacro %}
