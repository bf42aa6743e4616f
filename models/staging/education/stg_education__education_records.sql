-- Highest completed education per person and status date (latest delivery wins).
with latest as (
    {{ dedupe_latest(source('raw', 'education'), ['person_key', 'as_of_date']) }}
)

select
    person_key,
    as_of_date,
    lower(trim(highest_level)) as highest_level,
    completed_in_denmark,
    coalesce(is_in_education, false) as is_in_education,
    _load_id,
    _source_file,
    _source_row
from latest
