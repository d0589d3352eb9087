-- One row is: one reference from a staged row to a provider or caseworker that is not in its
-- extract. The row stays in staging (its provider type counts as 'ukendt'); this is the warning's detail.
with ydelser as (
    select * from {{ ref('stg_ydelser') }}
),

engangsbevillinger as (
    select * from {{ ref('stg_engangsbevillinger') }}
),

anbringelser as (
    select * from {{ ref('stg_anbringelser') }}
),

leverandoerer as (
    select * from {{ ref('stg_leverandoerer') }}
),

sagsbehandlere as (
    select * from {{ ref('stg_sagsbehandlere') }}
),

refs as (
    select 'ydelser' as extract, bevilling_id as id, _file, _line,
           'leverandoer_id' as reference, leverandoer_id as value
    from ydelser
    union all
    select 'ydelser', bevilling_id, _file, _line, 'sagsbehandler_id', sagsbehandler_id
    from ydelser
    union all
    select 'engangsbevillinger', bevilling_id, _file, _line, 'sagsbehandler_id', sagsbehandler_id
    from engangsbevillinger
    union all
    select 'anbringelser', anbringelse_id, _file, _line, 'leverandoer_id', leverandoer_id
    from anbringelser
),

known as (
    select 'leverandoer_id' as reference, leverandoer_id as value from leverandoerer
    union all
    select 'sagsbehandler_id', sagsbehandler_id from sagsbehandlere
)

select refs.extract, {{ maskeret('refs.id') }} as id, {{ maskeret('refs._file') }} as file, refs._line as line,
       refs.reference, {{ maskeret('refs.value') }} as value
from refs
where refs.value is not null
  and not exists (select 1 from known where known.reference = refs.reference and known.value = refs.value)
order by extract, file, line, reference
