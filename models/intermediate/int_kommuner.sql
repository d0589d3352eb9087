-- One row is: a paying municipality (betalingskommune) found in any extract; every indicator
-- gets its total rows for each of them.
select kommunekode from {{ ref('stg_ydelser') }}
union select kommunekode from {{ ref('stg_engangsbevillinger') }}
union select kommunekode from {{ ref('stg_anbringelser') }}
union select kommunekode from {{ ref('stg_budget') }}
