{#- One definition of the yearly legal measures (NW, K1-K4), shared by the area aggregates
    (int_area_year_measures) and the person-level measures of the movement marts
    (int_person_measures). -#}

{#- The cohort: residents on each 1 January with their year-t attributes (criteria.md §2-§3). -#}
{% macro legal_measure_cohort() -%}
    select
        snapshots.period_date as cohort_date,
        snapshots.person_key,
        snapshots.address_id,
        snapshots.tenure,
        snapshots.is_non_western,
        years.data_year,
        years.age_years,
        years.k1_fte,
        years.is_convicted,
        years.has_education_record,
        years.highest_level,
        years.completed_in_denmark,
        years.gross_income_dkk,
        years.is_taxpayer,
        {% if var('criteria_k4_in_education_rule', 'income_is_student') == 'education_status' -%}
            years.is_in_education
        {%- else -%}
            years.is_student as is_in_education
        {%- endif %}
    from {{ ref('int_resident_snapshots') }} as snapshots
    inner join {{ ref('int_person_years_measured') }} as years
        on
            snapshots.person_key = years.person_key
            and snapshots.period_date = years.cohort_date
    where snapshots.is_cohort_date and snapshots.is_resident
{%- endmacro %}

{#- A person's value of measure `measure_column` from a cohort row aliased `cohort`:
    1/0 for counts, FTE for K1, DKK for K4. K3: r2018+ Danish-only rule (no record, unknown or
    not completed in Denmark counts as basic) and the r2013 rule (basic or unknown). -#}
{% macro legal_measure_value(cohort, measure_column) -%}
    case {{ measure_column }}
        when 'residents' then 1
        when 'nw' then {{ cohort }}.is_non_western::int
        when 'k1' then {{ cohort }}.k1_fte
        when 'k2' then {{ cohort }}.is_convicted::int
        when 'k3_dk_only'
            then (
                not {{ cohort }}.has_education_record
                or {{ cohort }}.highest_level in ('grundskole', 'unknown')
                or {{ cohort }}.completed_in_denmark is not true
            )::int
        when 'k3_unknown_basic'
            then (
                not {{ cohort }}.has_education_record
                or {{ cohort }}.highest_level in ('grundskole', 'unknown')
            )::int
        when 'k4_income' then {{ cohort }}.gross_income_dkk
    end::numeric
{%- endmacro %}
