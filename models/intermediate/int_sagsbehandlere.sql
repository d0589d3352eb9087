-- One row is: a caseworker of the sagsbehandlere extract with the name and team the leaders'
-- reports show (the team as indicator 08's team rows name it: trimmed, ukendt when empty).
with sagsbehandlere as (
    select * from {{ ref('stg_sagsbehandlere') }}
),

final as (
    select
        sagsbehandler_id,
        nullif(trim(navn), '') as navn,
        coalesce(nullif(trim(team), ''), 'ukendt') as team
    from sagsbehandlere
)

select * from final
