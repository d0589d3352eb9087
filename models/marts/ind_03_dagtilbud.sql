-- One row is: indicator 03, Antal brugere i dagforanstaltning, for a municipality, status date and
-- breakdown: the punkttaelling PT(dagtilbud, s), in total, per paragraph and per target group (each on
-- its own services).
{{ optaelling_opdelt('dagtilbud', ['103', '104'], maal='punkttaelling') }}
