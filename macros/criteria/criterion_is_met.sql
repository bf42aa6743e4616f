{#- Is a criterion met? `operator` is a column or literal holding gt | ge | lt (seed
    criteria_thresholds). Callers pass exact, cross-multiplied operands
    (value_num * threshold_den vs threshold_num * value_den) so no division or rounding
    happens before the comparison. NULL in, NULL out: a missing value is never "not met". -#}
{% macro criterion_is_met(value, operator, threshold) -%}
    case {{ operator }}
        when 'gt' then ({{ value }}) > ({{ threshold }})
        when 'ge' then ({{ value }}) >= ({{ threshold }})
        when 'lt' then ({{ value }}) < ({{ threshold }})
    end
{%- endmacro %}
