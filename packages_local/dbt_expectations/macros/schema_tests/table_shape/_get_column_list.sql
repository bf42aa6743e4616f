{#- Column names of a relation, passed through the jinja filter `transform`. -#}
{% macro _get_column_list(model, transform="upper") -%}
    {%- set relation_columns = adapter.get_columns_in_relation(model) -%}
    {%- set names = relation_columns | map(attribute="name") | map(transform) | list -%}
    {%- do return(names) -%}
{%- endmacro %}
