-- One row is: one row of the leverandoerer extract files (raw.leverandoerer), with the first rule
-- of the input contract it breaks as `reason` (NULL: it is staged).
{% set columns = source_columns('leverandoerer') %}
{% set required = required_columns('leverandoerer') -%}
with leverandoerer as (
    select * from {{ source('extracts', 'leverandoerer') }}
),

leverandoertyper as (
    select * from {{ ref('leverandoertyper') }}
),

duplicates as (
    {{ duplicate_rows(source('extracts', 'leverandoerer'), columns, id='leverandoer_id') }}
),

checked as (
    select
        leverandoerer.*,
        -- A type outside the catalogue does not drop the provider: its services count as 'ukendt'.
        coalesce(leverandoertyper.leverandoertype, 'ukendt') as leverandoertype_p,
        {{ parse_kommune('leverandoerer.ejerkommune') }} as ejerkommune_p,
        case
            when {{ any_missing(required) }} then 'missing_required'
            -- extracts.md: an ejerkommune that is not a municipality code
            when leverandoerer.ejerkommune is not null and {{ parse_kommune('leverandoerer.ejerkommune') }} is null
                then 'kommune_invalid'
            else duplicates.duplicate
        end as reason
    from leverandoerer
    left join duplicates using (_file, _line)
    left join leverandoertyper on leverandoertyper.leverandoertype = lower(leverandoerer.leverandoertype)
)

select
    {{ uden_cpr('leverandoer_id') }} as leverandoer_id,
    navn,
    leverandoertype_p as leverandoertype,
    ejerkommune_p as ejerkommune,
    {{ quarantine_columns(columns) }}
from checked
