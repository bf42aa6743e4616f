{#- Fails (one row) when max(cast(column as timestamp)), over rows not later than now,
    is older than now - <interval> <datepart>. "now" is dbt_expectations.now(), the wall
    clock in var('dbt_date:time_zone') (default Europe/Copenhagen). NULL values are
    ignored by max(); if no row qualifies the max is coalesced to 1970-01-01, so an empty,
    all-NULL or fully filtered column FAILS. -#}
{% test expect_row_values_to_have_recent_data(
    model,
    column_name,
    datepart,
    interval,
    row_condition=None
) %}
    {{ adapter.dispatch('test_expect_row_values_to_have_recent_data', 'dbt_expectations')(
        model, column_name, datepart, interval, row_condition
    ) }}
{% endtest %}

{% macro default__test_expect_row_values_to_have_recent_data(
    model,
    column_name,
    datepart,
    interval,
    row_condition
) -%}
    {%- set ts_type = dbt_expectations.type_timestamp() -%}
    {%- set now = dbt_expectations.now() | trim -%}
    {%- set cutoff = dbt.dateadd(datepart, interval * -1, now) | trim -%}
    {%- set default_start_date = '1970-01-01' -%}
with max_recency as (
    select max(cast({{ column_name }} as {{ ts_type }})) as max_timestamp
    from {{ model }}
    where
        -- exclude erroneous future dates
        cast({{ column_name }} as {{ ts_type }})
        <= {{ now }}
        {%- if row_condition %}
        and {{ row_condition }}
        {%- endif %}
)

select *
from max_recency
where
    -- if no row qualifies, compare a default date so that the test fails
    coalesce(max_timestamp, cast('{{ default_start_date }}' as {{ ts_type }}))
    < cast({{ cutoff }} as {{ ts_type }})
{%- endmacro %}
