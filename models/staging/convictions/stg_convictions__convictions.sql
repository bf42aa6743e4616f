-- Guilty decisions; only the three laws of almenboligloven § 61 a count (other values are
-- kept but flagged). One row per person, decision date and law.
with latest as (
    {{ dedupe_latest(source('raw', 'convictions'), ['person_key', 'decision_date', 'law']) }}
)

select
    person_key,
    decision_date,
    _load_id,
    _source_file,
    _source_row,
    lower(trim(law)) as law,
    lower(trim(law)) in (
        'straffeloven', 'vaabenloven', 'lov_om_euforiserende_stoffer'
    ) as is_criterion_law
from latest
