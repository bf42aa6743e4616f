-- Highest completed education per person and status date (latest delivery wins).
with latest as (
    {{ dedupe_latest(source('raw', 'education'), ['person_key', 'as_of_date']) }}
)

select
    person_key,
    as_of_date,
    completed_in_denmark,
    _load_id,
    _source_file,
    _source_row,
    lower(trim(highest_level)) as highest_level,
    coalesce(is_in_education, false) as is_in_education
from latest
