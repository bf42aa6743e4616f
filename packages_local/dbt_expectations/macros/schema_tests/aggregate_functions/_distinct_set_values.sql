{#- Distinct set values for the distinct_values_* tests. quote_values=True emits a bare
    '<v>' literal (no cast, unlike the row-level set tests), which Postgres coerces to the
    column's type. -#}
{% macro _distinct_set_values_union(value_set, quote_values) -%}
    {%- if not value_set -%}
        {{ exceptions.raise_compiler_error("`value_set` must be a non-empty list.") }}
    {%- endif -%}
    {%- for value in value_set %}
    select
        {% if quote_values -%}
        '{{ escape_single_quotes(value | string) }}'
        {%- else -%}
        {{ value }}
        {%- endif %} as value_field
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
