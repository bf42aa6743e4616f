{#- Bare custom schema names in prod (staging, intermediate, marts, audit); in any other
    target they are prefixed with the target schema, so dev and CI builds never overwrite
    what Power BI reads (GitLab / CalData / Cal-ITP pattern).
    The `marts` schema can be redirected with the var `marts_schema` (default `marts`):
    `boligmon refresh` builds and tests the marts in `marts_next` and then swaps the schemas
    in one transaction (safe publication, docs/operations.md). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set name = custom_schema_name | trim if custom_schema_name is not none else none -%}
    {%- if name == 'marts' -%}
        {%- set name = var('marts_schema', 'marts') | trim -%}
    {%- endif -%}
    {%- if name is none -%}
        {{ target.schema }}
    {%- elif target.name == 'prod' -%}
        {{ name }}
    {%- else -%}
        {{ target.schema }}_{{ name }}
    {%- endif -%}
{%- endmacro %}
