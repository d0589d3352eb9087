-- One row is: indicator 09, Aldersfordeling af modtagere, for a municipality, status date and breakdown:
-- persons with any active service on s by age group (age on s); and the same for botilbud, dagtilbud
-- and hjaelperordning as breakdowns aldersgruppe:<gruppe>.
with optalt as (
    select kommunekode, status_date,
           case gruppe when 'alle' then 'aldersgruppe' else 'aldersgruppe:' || gruppe end as opdeling,
           aldersgruppe as opdeling_vaerdi, personer as antal
    from {{ ref('int_modtagere_efter_alder') }}
    union all
    select kommunekode, status_date, 'total', 'total', punkttaelling
    from {{ ref('int_helaarsmodtagere') }}
    where opdeling = 'total' and gruppe = 'alle'
),
skelet as (
    select kommunekode, status_date, 'total' as opdeling, 'total' as opdeling_vaerdi
    from ({{ indikator_skelet([('total', 'total')]) }})
    union all
    select k.kommunekode, k.status_date, o.opdeling, a.aldersgruppe
    from ({{ indikator_skelet([('total', 'total')]) }}) k
    cross join (values ('aldersgruppe'), ('aldersgruppe:botilbud'), ('aldersgruppe:dagtilbud'), ('aldersgruppe:hjaelperordning')) as o(opdeling)
    cross join {{ ref('aldersgrupper') }} a
)
select s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(sum(o.antal), 0)::double as taeller, null::double as naevner, coalesce(sum(o.antal), 0)::double as vaerdi
from skelet s
left join optalt o using (kommunekode, status_date, opdeling, opdeling_vaerdi)
group by all
