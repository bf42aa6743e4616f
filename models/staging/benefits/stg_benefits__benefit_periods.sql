-- Benefit periods per person; inclusive [period_start, period_end]. A later delivery of the
-- same person, start date and code replaces the earlier one. fte_share NULL means 1.
with latest as (
    {{ dedupe_latest(source('raw', 'benefits'), ['person_key', 'period_start', 'benefit_code']) }}
)

select
    person_key,
    period_start,
    period_end,
    _load_id,
    _source_file,
    _source_row,
    trim(benefit_code) as benefit_code,
    coalesce(fte_share, 1)::numeric as fte_share
from latest
