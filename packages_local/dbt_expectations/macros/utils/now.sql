{#- Replacement for dbt_date.now() (the upstream package depends on godatadriven/dbt_date).
    Returns the current wall-clock time in time zone `tz`, which defaults to
    var('dbt_date:time_zone'), itself defaulting to 'Europe/Copenhagen', as a
    timestamp without time zone. -#}

{% macro time_zone(tz=none) -%}
    {{ return(tz if tz else var('dbt_date:time_zone', 'Europe/Copenhagen')) }}
{%- endmacro %}

{% macro now(tz=none) -%}
    {{ return(adapter.dispatch('now', 'dbt_expectations')(dbt_expectations.time_zone(tz))) }}
{%- endmacro %}

{% macro default__now(tz) -%}
    cast(
        {{ dbt.current_timestamp() }} at time zone '{{ tz }}'
        as {{ dbt_expectations.type_timestamp() }}
    )
{%- endmacro %}

{#- Postgres: now() is a timestamptz, so `at time zone` yields the local time in `tz`
    whatever the session's TimeZone setting is. -#}
{% macro postgres__now(tz) -%}
    cast(now() at time zone '{{ tz }}' as {{ dbt_expectations.type_timestamp() }})
{%- endmacro %}
