{#- Join condition on equal key columns: `l.a = r.a and l.b = r.b ...`. -#}
{% macro criteria_join_on(left, right, columns) -%}
    {%- for col in columns %}{{ left }}.{{ col }} = {{ right }}.{{ col }}{{ ' and ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- Column list with a table alias: `t.a, t.b`. -#}
{% macro criteria_cols(alias, columns) -%}
    {%- for col in columns %}{{ alias }}.{{ col }}{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- The grain of one assessment: one area (level, id) and tenure, one list year, one regime. -#}
{% macro criteria_assessment_keys() -%}
    {{ return(['area_level', 'area_id', 'tenure', 'regime_id', 'list_year']) }}
{%- endmacro %}

{#- `where regime_id in (...)` when var criteria_regimes restricts the regimes. -#}
{% macro criteria_regime_filter(alias) -%}
    {%- set regimes = var('criteria_regimes', []) -%}
    {%- if regimes %}
    where {{ alias }}.regime_id in (
        {%- for r in regimes %}'{{ r }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
    {%- endif -%}
{%- endmacro %}
