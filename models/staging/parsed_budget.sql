-- One row is: one row of the budget extract files (raw.budget), parsed into types, with the first
-- rule of the input contract it breaks as `reason` (NULL: it is staged).
{% set columns = source_columns('budget') %}
{% set required = required_columns('budget') -%}
with typed as (
    select
        *,
        {{ parse_year('aar') }} as aar_p,
        {{ parse_kommune('betalingskommune') }} as betalingskommune_p,
        {{ parse_decimal('beloeb') }} as beloeb_p
    from {{ source('extracts', 'budget') }}
),

-- Budget lines have no id: only an exact copy of a line is a duplicate.
duplicates as (
    {{ duplicate_rows(source('extracts', 'budget'), columns) }}
),

checked as (
    select
        typed.*,
        case
            when {{ any_missing(required) }} then 'missing_required'
            when betalingskommune_p is null then 'kommune_invalid'
            when {{ any_unparsed(['aar', 'beloeb']) }} or {{ any_out_of_range(['beloeb']) }} then 'number_invalid'
            else duplicates.duplicate
        end as reason
    from typed
    left join duplicates using (_file, _line)
)

select
    aar_p as aar,
    betalingskommune_p as kommunekode,
    lower(omraade) as omraade,
    beloeb_p as beloeb,
    {{ quarantine_columns(columns) }}
from checked
