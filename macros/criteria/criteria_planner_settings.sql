{#- Pre-hook for the criteria marts. Each mart is one long CTE chain (so that it can be
    unit-tested from its true inputs); joins on the six assessment keys between CTEs get
    row estimates of 1, which makes the planner choose nested loops (minutes instead of
    seconds on a municipality), and JIT compilation of the wide expressions costs more than
    the query. `set local` lasts for the model's transaction only. -#}
{% macro criteria_planner_settings() -%}
    set local enable_nestloop = off; set local jit = off
{%- endmacro %}
