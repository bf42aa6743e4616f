-- FLIS person-level measures, long format: one row per person, month and measure.
with latest as (
    {{ dedupe_latest(source('raw', 'flis'), ['person_key', 'period', 'measure']) }}
)

select
    person_key,
    period as period_month,
    value as measure_value,
    _load_id,
    _source_file,
    _source_row,
    (to_date(period || '-01', 'YYYY-MM-DD') + interval '1 month' - interval '1 day')::date
        as period_end_date,
    lower(trim(measure)) as measure
from latest
