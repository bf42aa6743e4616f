-- Origin by Danmarks Statistik's rules (criteria.md §2.5), one row per person:
--  * dansk oprindelse (Danish origin): at least one parent is both a Danish citizen and born in
--    Denmark. A parent found in the extract is judged on its own record; a parent known only by
--    the birth country on the child's record counts as Danish when born in Denmark.
--  * indvandrer (immigrant): born abroad, no such parent (unknown parents included);
--    efterkommer (descendant): born in Denmark, no such parent.
--  * oprindelsesland (country of origin): both parents known -> the mother's birth country (her
--    citizenship if she was born in Denmark); one known -> that parent's; none -> own birth
--    country (immigrant) or own citizenship (descendant).
--  * non-western: the origin country is not western in the `countries` seed (unknown = not).
with persons as (
    select * from {{ ref('stg_cpr__persons') }}
),

with_parents as (
    select
        persons.person_key,
        persons.birth_country,
        persons.citizenship,
        mothers.citizenship as mother_citizenship,
        fathers.citizenship as father_citizenship,
        coalesce(mothers.birth_country, persons.mother_birth_country) as mother_birth_country,
        coalesce(fathers.birth_country, persons.father_birth_country) as father_birth_country,
        mothers.person_key is not null as is_mother_in_extract,
        fathers.person_key is not null as is_father_in_extract
    from persons
    left join persons as mothers on persons.mother_person_key = mothers.person_key
    left join persons as fathers on persons.father_person_key = fathers.person_key
),

flags as (
    select
        with_parents.*,
        with_parents.mother_birth_country is not null as is_mother_known,
        with_parents.father_birth_country is not null as is_father_known,
        with_parents.mother_birth_country = 'DK'
        and (not with_parents.is_mother_in_extract or with_parents.mother_citizenship = 'DK')
            as is_mother_danish,
        with_parents.father_birth_country = 'DK'
        and (not with_parents.is_father_in_extract or with_parents.father_citizenship = 'DK')
            as is_father_danish
    from with_parents
),

classified as (
    select
        flags.*,
        case
            when coalesce(flags.is_mother_danish, false) or coalesce(flags.is_father_danish, false)
                then 'dansk'
            when flags.birth_country = 'DK' then 'efterkommer'
            else 'indvandrer'
        end as origin_group,
        case
            when flags.is_mother_known
                then
                    case
                        when flags.mother_birth_country = 'DK'
                            then coalesce(flags.mother_citizenship, 'DK')
                        else flags.mother_birth_country
                    end
            when flags.is_father_known
                then
                    case
                        when flags.father_birth_country = 'DK'
                            then coalesce(flags.father_citizenship, 'DK')
                        else flags.father_birth_country
                    end
            when flags.birth_country = 'DK' then flags.citizenship
            else flags.birth_country
        end as parents_origin_country
    from flags
)

select
    classified.person_key,
    classified.origin_group,
    case
        when classified.origin_group = 'dansk' then 'DK'
        else coalesce(classified.parents_origin_country, 'XX')
    end as origin_country,
    classified.origin_group <> 'dansk'
    and not coalesce(countries.is_western, false) as is_non_western,
    classified.origin_group <> 'dansk' and coalesce(countries.is_menapt, false) as is_menapt
from classified
left join {{ ref('countries') }} as countries
    on coalesce(classified.parents_origin_country, 'XX') = countries.country_code
