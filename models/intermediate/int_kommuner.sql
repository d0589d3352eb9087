-- One row is: a paying municipality (betalingskommune) found in any extract; every indicator
-- gets its total rows for each of them.
with ydelser as (
    select * from {{ ref('stg_ydelser') }}
),
engangsbevillinger as (
    select * from {{ ref('stg_engangsbevillinger') }}
),
anbringelser as (
    select * from {{ ref('stg_anbringelser') }}
),
budget as (
    select * from {{ ref('stg_budget') }}
)
select kommunekode from ydelser
union select kommunekode from engangsbevillinger
union select kommunekode from anbringelser
union select kommunekode from budget
