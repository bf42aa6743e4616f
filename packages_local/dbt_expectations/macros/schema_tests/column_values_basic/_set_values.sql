{#- One `select <value> as value_field` per value, joined with union all.
    quote_values=True emits cast('<v>' as <string type>) (escaped); False emits v raw. -#}
{% macro _set_values_union(value_set, quote_values) -%}
    {%- if not value_set -%}
        {{ exceptions.raise_compiler_error("`value_set` must be a non-empty list.") }}
    {%- endif -%}
    {%- for value in value_set %}
    select
        {% if quote_values -%}
        cast('{{ escape_single_quotes(value | string) }}' as {{ dbt.type_string() }})
        {%- else -%}
        {{ value }}
        {%- endif %} as value_field
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
