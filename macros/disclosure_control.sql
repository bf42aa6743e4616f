{#-
    Disclosure control for a table of counts (criteria.md §7, docs/privacy.md).
    relation        a relation with columns: the cell keys, `numerator`, `denominator`,
                    `numerator_persons` (persons behind the numerator) and an `is_eligible`
                    flag (false = the whole area is below the publication floor)
    cell_keys       list of key columns of one cell
    additive_key    the column whose values add up to its 'all' row (e.g. tenure)
    total_value     the value of additive_key that holds the total ('all')
    min_cell        smallest count that may be shown
    Returns the cells with numerator/denominator/share set to NULL when suppressed, plus
    `is_suppressed` and `suppression_reason` (never 0 in place of a hidden value):
      area_below_floor     the area has too few residents or households to publish at all
      small_numerator      1..min_cell-1 persons behind the numerator
      small_complement     1..min_cell-1 persons in the complement (denominator - numerator)
      small_denominator    fewer than min_cell persons in the denominator
      complementary        hidden so that a single suppressed cell of the additive group
                           cannot be recovered as total minus the visible cells
-#}
{% macro disclosure_control(relation, cell_keys, additive_key, total_value, min_cell) -%}
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
        end as primary_reason
    from {{ relation }} as cells
),

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
        {% for k in group_keys %}cells.{{ k }}, {% endfor %}cells.denominator, cells.{{ additive_key }}
)

select
    {% for k in cell_keys %}cells.{{ k }},
    {% endfor -%}
    case when reason.suppression_reason is null then cells.numerator end as numerator,
    case when reason.suppression_reason is null then cells.denominator end as denominator,
    case when reason.suppression_reason is null then cells.share end as share,
    reason.suppression_reason is not null as is_suppressed,
    reason.suppression_reason
from cells
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
{%- endmacro %}
