-- One row is: an unbroken period in which a person received services of one counting set
-- (int_taellesaet), overlapping services merged, clipped to the reporting window, as known from
-- status date `kendt_fra` up to (not including) `kendt_til` (NULL: still).
-- Services registered late (after they started) make a new version of a person's periods from
-- the status date they became known; each status date reads the version it knew. Every count
-- of persons and days comes from here.
with vindue as (
    select min(periode_start) as fra, max(status_date) as til, min(status_date) as foerste
    from {{ ref('int_statusdatoer') }}
),
spells as (
    select distinct s.saet_id, g.cpr, g.foedselsdato,
           greatest(g.startdato, v.fra) as fra,
           least(coalesce(g.slutdato, v.til), v.til) as til,
           g.kendt_fra_taelling as kendt_fra
    from {{ ref('int_bevilling_grupper') }} g
    join {{ ref('int_taellesaet') }} s using (kommunekode, gruppe, opdeling, opdeling_vaerdi) cross join vindue v
    where g.kendt_fra_taelling is not null
      and g.startdato <= v.til
      and coalesce(g.slutdato, v.til) >= v.fra
),
-- Persons with a late registration in a set need versions; all others have one, from the start.
sene as (
    select distinct s.saet_id, s.cpr from spells s cross join vindue v where s.kendt_fra > v.foerste
),
enkle as (
    select s.saet_id, s.cpr, s.foedselsdato, s.fra, s.til
    from spells s anti join sene using (saet_id, cpr)
),
versioner as (
    select saet_id, cpr, kendt_fra,
           lead(kendt_fra) over (partition by saet_id, cpr order by kendt_fra) as kendt_til
    from (select distinct s.saet_id, s.cpr, s.kendt_fra from spells s semi join sene using (saet_id, cpr))
),
versionerede as (
    select distinct v.saet_id, v.cpr, s.foedselsdato, v.kendt_fra, v.kendt_til, s.fra, s.til
    from versioner v
    join spells s using (saet_id, cpr)
    where s.kendt_fra <= v.kendt_fra
),
perioder as (
    select p.*, v.foerste as kendt_fra, null::date as kendt_til
    from ({{ sammenhaengende_perioder('enkle', ['saet_id', 'cpr', 'foedselsdato']) }}) p cross join vindue v
    union all
    select saet_id, cpr, foedselsdato, fra, til, kendt_fra, kendt_til
    from ({{ sammenhaengende_perioder('versionerede', ['saet_id', 'cpr', 'foedselsdato', 'kendt_fra', 'kendt_til']) }})
)
select t.kommunekode, t.gruppe, t.opdeling, t.opdeling_vaerdi, p.cpr, p.foedselsdato,
       p.kendt_fra, p.kendt_til, p.fra, p.til, p.saet_id
from perioder p join {{ ref('int_taellesaet') }} t using (saet_id)
