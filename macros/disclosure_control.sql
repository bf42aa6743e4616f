{#-
    Disclosure control for a table of counts (criteria.md §7, docs/privacy.md).
    relation        a relation with columns: the cell keys, `numerator`, `denominator`,
                    `numerator_persons` (persons behind the numerator) and an `is_eligible`
                    flag (false = the whole area is below the publication floor)
    cell_keys       list of key columns of one cell
    additive_key    the column whose values add up to its 'all' row (e.g. tenure)
    total_value     the value of additive_key that holds the total ('all')
    min_cell        smallest count that may be shown
    extra_counts    (optional, default []) further count columns of the relation that are
                    published: each is suppressed with the cell (NULL) and a value of
                    1..min_cell-1 is itself a primary reason `small_<column>` (e.g. the
                    households of a flow whose persons are numerator)
    complement_order (optional, default 'denominator') the column by which the smallest other
                    cell is chosen for complementary suppression (flows: 'numerator', as all
                    destinations of an origin share its total as denominator)
    additive_key may be none: the cells have no additive group, so there is no
    complementary suppression (e.g. mover groups that do not add up to a total).
    Returns the cells with numerator/denominator/share set to NULL when suppressed, plus
    `is_suppressed` and `suppression_reason` (never 0 in place of a hidden value):
      area_below_floor     the area has too few residents or households to publish at all
      small_numerator      1..min_cell-1 persons behind the numerator
      small_complement     1..min_cell-1 persons in the complement (denominator - numerator)
      small_denominator    fewer than min_cell persons in the denominator
      complementary        hidden so that a single suppressed cell of the additive group
                           cannot be recovered as total minus the visible cells
-#}
{% macro disclosure_control(
    relation, cell_keys, additive_key, total_value, min_cell, extra_counts=[],
    complement_order='denominator'
) -%}
{%- set group_keys = cell_keys | reject('equalto', additive_key) | list -%}
with cells as (
    select
        cells.*,
        case
            when not cells.is_eligible then 'area_below_floor'
            when cells.denominator > 0 and cells.denominator < {{ min_cell }}
                then 'small_denominator'
            when cells.numerator_persons between 1 and {{ min_cell }} - 1 then 'small_numerator'
            when cells.numerator_persons is not null
                and cells.denominator - cells.numerator_persons between 1 and {{ min_cell }} - 1
                then 'small_complement'
            {%- for c in extra_counts %}
            when cells.{{ c }} between 1 and {{ min_cell }} - 1 then 'small_{{ c }}'
            {%- endfor %}
        end as primary_reason
    from {{ relation }} as cells
)
{%- if additive_key is not none %},

groups as (
    select
        {{ group_keys | join(', ') }},
        count(*) filter (
            where primary_reason is not null and {{ additive_key }} <> '{{ total_value }}'
        ) as n_suppressed_parts
    from cells
    group by {{ group_keys | join(', ') }}
),

complementary as (
    select distinct on ({% for k in group_keys %}cells.{{ k }}{% if not loop.last %}, {% endif %}{% endfor %})
        {% for k in cell_keys %}cells.{{ k }}{% if not loop.last %},
        {% endif %}{% endfor %}
    from cells
    inner join groups
        on {% for k in group_keys %}cells.{{ k }} = groups.{{ k }}{% if not loop.last %}
        and {% endif %}{% endfor %}
    where
        groups.n_suppressed_parts = 1
        and cells.primary_reason is null
        and cells.{{ additive_key }} <> '{{ total_value }}'
        and cells.denominator > 0
    order by
        {% for k in group_keys %}cells.{{ k }}, {% endfor %}cells.{{ complement_order }}, cells.{{ additive_key }}
)
{%- endif %}

select
    {% for k in cell_keys %}cells.{{ k }},
    {% endfor -%}
    case when reason.suppression_reason is null then cells.numerator end as numerator,
    case when reason.suppression_reason is null then cells.denominator end as denominator,
    case when reason.suppression_reason is null then cells.share end as share,
    {%- for c in extra_counts %}
    case when reason.suppression_reason is null then cells.{{ c }} end as {{ c }},
    {%- endfor %}
    reason.suppression_reason is not null as is_suppressed,
    reason.suppression_reason
from cells
{%- if additive_key is not none %}
left join complementary
    on {% for k in cell_keys %}cells.{{ k }} = complementary.{{ k }}{% if not loop.last %}
    and {% endif %}{% endfor %}
cross join lateral (
    select
        coalesce(
            cells.primary_reason,
            case when complementary.{{ cell_keys[0] }} is not null then 'complementary' end
        ) as suppression_reason
) as reason
{%- else %}
cross join lateral (select cells.primary_reason as suppression_reason) as reason
{%- endif %}
{%- endmacro %}
