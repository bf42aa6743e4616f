-- Every code in the loaded BBR data is in the BBR code lists (seed bbr_codes). A failure lists
-- each unknown code with its column, code list and number of unit versions.
select
    column_name,
    kodeliste,
    code,
    unit_versions
from {{ ref('int_bbr_unknown_codes') }}
