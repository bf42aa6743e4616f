{#- Cross-database timestamp types, as in upstream macros/utils/datatypes.sql.
    On Postgres both are `timestamp without time zone`. -#}

{% macro type_timestamp() -%}
    {{ return(adapter.dispatch('type_timestamp', 'dbt_expectations')()) }}
{%- endmacro %}

{% macro default__type_timestamp() -%}
    timestamp
{%- endmacro %}

{% macro postgres__type_timestamp() -%}
    timestamp without time zone
{%- endmacro %}


{% macro type_datetime() -%}
    {{ return(adapter.dispatch('type_datetime', 'dbt_expectations')()) }}
{%- endmacro %}

{% macro default__type_datetime() -%}
    datetime
{%- endmacro %}

{% macro postgres__type_datetime() -%}
    timestamp without time zone
{%- endmacro %}
