-- One row is: one reference from a staged row to a provider or caseworker that is not in its
-- extract. The row stays in staging (its provider type counts as 'ukendt'); this is the warning's detail.
with refs as (
    select 'ydelser' as extract, bevilling_id as id, _file, _line,
           'leverandoer_id' as reference, leverandoer_id as value
    from {{ ref('stg_ydelser') }}
    union all
    select 'ydelser', bevilling_id, _file, _line, 'sagsbehandler_id', sagsbehandler_id
    from {{ ref('stg_ydelser') }}
    union all
    select 'engangsbevillinger', bevilling_id, _file, _line, 'sagsbehandler_id', sagsbehandler_id
    from {{ ref('stg_engangsbevillinger') }}
    union all
    select 'anbringelser', anbringelse_id, _file, _line, 'leverandoer_id', leverandoer_id
    from {{ ref('stg_anbringelser') }}
),

known as (
    select 'leverandoer_id' as reference, leverandoer_id as value from {{ ref('stg_leverandoerer') }}
    union all
    select 'sagsbehandler_id', sagsbehandler_id from {{ ref('stg_sagsbehandlere') }}
)

select r.extract, {{ maskeret('r.id') }} as id, {{ maskeret('r._file') }} as file, r._line as line, r.reference,
       {{ maskeret('r.value') }} as value
from refs as r
where r.value is not null
  and not exists (select 1 from known as k where k.reference = r.reference and k.value = r.value)
order by extract, file, line, reference
