-- Data-quality report: residence rows that overlapped an earlier-starting interval of the same
-- person (a CPR data error). The earlier interval won; see int_residence_spells.
select
    person_key,
    address_id,
    moved_in,
    moved_out,
    previous_end,
    _load_id,
    _source_file,
    _source_row,
    previous_end >= coalesce(moved_out, date '9999-12-31') as is_fully_covered
from {{ ref('int_residences_address_matched') }}
where previous_end > moved_in
