-- One row is: a paying municipality (betalingskommune) found in any extract; every indicator
-- gets its total rows for each of them.
SELECT kommunekode FROM {{ ref('stg_ydelser') }}
UNION SELECT kommunekode FROM {{ ref('stg_engangsbevillinger') }}
UNION SELECT kommunekode FROM {{ ref('stg_anbringelser') }}
UNION SELECT kommunekode FROM {{ ref('stg_budget') }}
