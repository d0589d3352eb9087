-- One row is: one caseworker that breaks no rule of the input contract.
select sagsbehandler_id, navn, team
from {{ ref('parsed_sagsbehandlere') }}
where reason is null
