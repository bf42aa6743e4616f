{#- Bare custom schema names in prod (staging, intermediate, marts, audit); in any other
    target they are prefixed with the target schema, so dev and CI builds never overwrite
    what Power BI reads (GitLab / CalData / Cal-ITP pattern). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name == 'prod' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
