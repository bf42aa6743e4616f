{#- Position-of-match helper used by the regex tests. Returns 0 when there is no match.
    On Postgres the result is the number of capture groups of the first match (1 when the
    pattern has none), and 0 for no match *or a NULL input* (coalesce), so regex tests
    fail NULL values on Postgres, like upstream (calogica/dbt-expectations#249). -#}

{% macro regexp_instr(source_value, regexp, position=1, occurrence=1, is_raw=False, flags="") -%}
    {{ adapter.dispatch('regexp_instr', 'dbt_expectations')(
        source_value, regexp, position, occurrence, is_raw, flags
    ) }}
{%- endmacro %}

{% macro default__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if is_raw or flags -%}
        {{ exceptions.warn(
            "dbt_expectations: is_raw and flags are not supported on this adapter; ignored."
        ) }}
    {%- endif -%}
    regexp_instr({{ source_value }}, '{{ regexp }}', {{ position }}, {{ occurrence }})
{%- endmacro %}

{#- Postgres needs no raw-string escaping, so is_raw has no effect. -#}
{% macro postgres__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) -%}
    {%- if flags -%}{{ dbt_expectations._validate_flags(flags, 'bcegimnpqstwx') }}{%- endif -%}
    coalesce(
        array_length(
            (select regexp_matches({{ source_value }}, '{{ regexp }}', '{{ flags }}')),
            1
        ),
        0
    )
{%- endmacro %}

{#- Unknown flags only warn (a compile error would also break disabled tests). -#}
{% macro _validate_flags(flags, alphabet) -%}
    {%- for flag in flags -%}
        {%- if flag not in alphabet -%}
            {{ exceptions.warn(
                "dbt_expectations: regex flag '" ~ flag ~ "' is not one of the flags allowed"
                ~ " for this adapter: " ~ (alphabet | list | join(", "))
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
