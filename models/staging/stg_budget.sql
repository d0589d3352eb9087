-- One row is: one budget line for a year, a paying municipality and an area that breaks no rule of the contract.
select aar, kommunekode, omraade, beloeb
from {{ ref('parsed_budget') }}
where reason is null
