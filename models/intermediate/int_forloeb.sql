-- One row is: a spell (forloeb) of a person in a set, in one paying municipality: a maximal run of
-- days on which the person has an active known service of the set (botilbud, dagtilbud,
-- hjaelperordning; alle = any ydelse), from its first day `fra` to its last day `til` (NULL:
-- open-ended), as known from status date `kendt_fra` up to (not including) `kendt_til` (NULL:
-- still). Services with no day between them (one ends on d, the next starts on d+1) are one spell.
-- Spells are not clipped to the reporting window: a spell's length counts from its first day.
-- The terms of F1, F2 and V1 (indicators.md "Spells").
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
bevillinger as (
    select * from {{ ref('int_bevillinger') }}
),
ydelsesgrupper as (
    select * from {{ ref('ydelsesgrupper') }}
),
vindue as (
    select date_trunc('month', min(status_date))::date as fra, min(status_date) as foerste,
           max(status_date) as sidste
    from statusdatoer
),
-- The groups numbered, so that a set (municipality and group) is one integer, the municipality's
-- 3-digit code times the number of groups plus the group's number, and a spell's set and person one
-- integer (saet_person) while merging: no set's texts are joined on, and both are given back from it.
grupper as (
    select gruppe, row_number() over (order by gruppe) - 1 as nr, count(*) over () as antal
    from (select gruppe from ydelsesgrupper where gruppe in ('botilbud', 'dagtilbud', 'hjaelperordning')
          union select 'alle')
),
ydelsesgrupper_nr as (
    select ydelsesgrupper.paragraf, ydelsesgrupper.kun_botilbudslignende, grupper.nr as gruppe_nr
    from ydelsesgrupper
    join grupper using (gruppe)
    where grupper.gruppe <> 'alle'
),
i_saet as (
    select bevillinger.*, ydelsesgrupper_nr.gruppe_nr
    from bevillinger
    join ydelsesgrupper_nr on {{ i_ydelsesgruppe('bevillinger', 'ydelsesgrupper_nr') }}
    union all
    select bevillinger.*, grupper.nr from bevillinger join grupper on grupper.gruppe = 'alle'
),
-- A service unknown at s changes no spell's F1, F2 or V1 at s unless it starts by s + 1 (it could
-- carry on a spell ending on s). One registered before the day it starts is unknown at s only if it
-- starts after s + 1, so it is taken as known from the first status date; only the others make
-- versions. Services starting after the given date + 1 touch no status date. Open-ended services
-- run to 9999-12-31 while merging.
ydelser as (
    select {{ saet_person('(i_saet.kommunekode::bigint * (select max(antal) from grupper) + i_saet.gruppe_nr)', 'i_saet.cpr') }} as saet_person,
           i_saet.foedselsdato,
           i_saet.startdato as fra, coalesce(i_saet.slutdato, date '9999-12-31') as til,
           case when i_saet.oprettet_dato < i_saet.startdato then vindue.foerste
                else i_saet.kendt_fra_status end as kendt_fra
    from i_saet
    cross join vindue
    where i_saet.kendt_fra_status is not null
      and i_saet.startdato <= vindue.sidste + 1
),
-- Persons with a late registration in a set need versions; all others have one, from the start.
sene as (
    select distinct ydelser.saet_person
    from ydelser cross join vindue
    where ydelser.kendt_fra > vindue.foerste
),
enkle as (
    select ydelser.saet_person, ydelser.foedselsdato, ydelser.fra, ydelser.til
    from ydelser anti join sene using (saet_person)
),
versioner as (
    select saet_person, kendt_fra,
           lead(kendt_fra) over (partition by saet_person order by kendt_fra) as kendt_til
    from (select distinct ydelser.saet_person, ydelser.kendt_fra from ydelser semi join sene using (saet_person))
),
versionerede as (
    select versioner.saet_person, ydelser.foedselsdato, versioner.kendt_fra, versioner.kendt_til,
           ydelser.fra, ydelser.til
    from versioner
    join ydelser using (saet_person)
    where ydelser.kendt_fra <= versioner.kendt_fra
),
forloeb as (
    select enkle_forloeb.*, vindue.foerste as kendt_fra, null::date as kendt_til
    from ({{ sammenhaengende_perioder('enkle', ['saet_person'], med=['foedselsdato']) }}) as enkle_forloeb
    cross join vindue
    union all
    select saet_person, foedselsdato, fra, til, kendt_fra, kendt_til
    from ({{ sammenhaengende_perioder('versionerede', ['saet_person', 'kendt_fra'], med=['kendt_til', 'foedselsdato']) }})
)
-- Only spells that can count on a status date: begun by the given date and not ended before the
-- month of the first status date.
select lpad(({{ saet_af('forloeb.saet_person') }} // grupper.antal)::varchar, 3, '0') as kommunekode,
       grupper.gruppe, {{ cpr_af('forloeb.saet_person') }} as cpr, forloeb.foedselsdato,
       forloeb.fra, nullif(forloeb.til, date '9999-12-31') as til, forloeb.kendt_fra, forloeb.kendt_til
from forloeb
join grupper on grupper.nr = {{ saet_af('forloeb.saet_person') }} % grupper.antal
cross join vindue
where forloeb.fra <= vindue.sidste
  and forloeb.til >= vindue.fra
