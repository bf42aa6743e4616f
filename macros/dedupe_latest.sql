{#- One row per key from a raw table: the row of the latest delivery (highest _load_id),
    ties inside one file broken by the last row. Older deliveries stay in raw (history). -#}
{% macro dedupe_latest(relation, key_columns) -%}
    select distinct on ({{ key_columns | join(', ') }}) *
    from {{ relation }}
    order by {{ key_columns | join(', ') }}, _load_id desc, _source_row desc
{%- endmacro %}
