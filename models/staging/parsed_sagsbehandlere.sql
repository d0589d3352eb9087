-- One row is: one row of the sagsbehandlere extract files (raw.sagsbehandlere), with the first rule
-- of the input contract it breaks as `reason` (NULL: it is staged).
{% set columns = source_columns('sagsbehandlere') %}
{% set required = required_columns('sagsbehandlere') -%}
with sagsbehandlere as (
    select * from {{ source('extracts', 'sagsbehandlere') }}
),

duplicates as (
    {{ duplicate_rows(source('extracts', 'sagsbehandlere'), columns, id='sagsbehandler_id') }}
),

checked as (
    select
        sagsbehandlere.*,
        case
            when {{ any_missing(required) }} then 'missing_required'
            else duplicates.duplicate
        end as reason
    from sagsbehandlere
    left join duplicates using (_file, _line)
)

select
    {{ uden_cpr('sagsbehandler_id') }} as sagsbehandler_id,
    navn,
    team,
    {{ quarantine_columns(columns) }}
from checked
