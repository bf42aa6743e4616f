-- Yearly gross income per person (latest delivery per person and year).
with latest as (
    {{ dedupe_latest(source('raw', 'income'), ['person_key', 'income_year']) }}
)

select
    person_key,
    income_year,
    gross_income_dkk,
    _load_id,
    _source_file,
    _source_row,
    coalesce(is_taxpayer, false) as is_taxpayer,
    coalesce(is_student, false) as is_student
from latest
