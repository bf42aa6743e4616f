{#- Exact floor(a / b) and ceil(a / b) for numeric a and b > 0, via div() and mod(), which
    are exact on numeric (no rounding of a non-terminating quotient). -#}
{% macro exact_floor_div(a, b) -%}
    (div(({{ a }}), ({{ b }})) - case when mod(({{ a }}), ({{ b }})) < 0 then 1 else 0 end)
{%- endmacro %}

{% macro exact_ceil_div(a, b) -%}
    (div(({{ a }}), ({{ b }})) + case when mod(({{ a }}), ({{ b }})) > 0 then 1 else 0 end)
{%- endmacro %}
