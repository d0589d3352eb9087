-- One row is: one row of the population extract files (raw.befolkning: Statistics Denmark's FOLK1A),
-- parsed into types, with the first rule of the input contract it breaks as `reason` (NULL: it is
-- staged). Extra columns (koen, omraade ...) are not read.
{% set columns = source_columns('befolkning') %}
{% set required = required_columns('befolkning') -%}
with befolkning as (
    select * from {{ source('extracts', 'befolkning') }}
),
typed as (
    select
        *,
        {{ parse_year('aar') }} as aar_p,
        {{ parse_kommune('kommunekode') }} as kommunekode_p,
        {{ parse_alder('alder') }} as alder_p,
        {{ parse_antal('antal') }} as antal_p
    from befolkning
),
-- No duplicate rule: rows of the same year, municipality and age are summed (FOLK1A gives one row
-- per sex), so two equal rows are two parts of a population, not a copy.
checked as (
    select
        typed.*,
        case
            when {{ any_missing(required) }} then 'missing_required'
            when kommunekode_p is null then 'kommune_invalid'
            when {{ any_unparsed(['aar', 'alder', 'antal']) }} then 'number_invalid'
        end as reason
    from typed
)

select
    aar_p as aar,
    kommunekode_p as kommunekode,
    alder_p as alder,
    antal_p as antal,
    {{ quarantine_columns(columns) }}
from checked
