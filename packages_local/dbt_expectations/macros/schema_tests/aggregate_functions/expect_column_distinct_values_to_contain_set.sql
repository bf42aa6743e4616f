{#- Returns each value_set member that does not occur in the column. NULLs in the column
    are irrelevant (they can never equal a set member). -#}
{% test expect_column_distinct_values_to_contain_set(
    model,
    column_name,
    value_set,
    quote_values=True,
    row_condition=None
) %}
    {{ adapter.dispatch(
        'test_expect_column_distinct_values_to_contain_set', 'dbt_expectations'
    )(model, column_name, value_set, quote_values, row_condition) }}
{% endtest %}

{% macro default__test_expect_column_distinct_values_to_contain_set(
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
    -- set members that do not occur in the model
    select s.value_field
    from unique_set_values as s
    left join all_values as v
        on s.value_field = v.value_field
    where v.value_field is null
)

select *
from validation_errors
{%- endmacro %}
