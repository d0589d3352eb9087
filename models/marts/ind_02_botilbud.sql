-- One row is: indicator 02, Antal brugere i botilbud og botilbudslignende tilbud, for a municipality,
-- status date and breakdown: helaarsmodtagere HM(botilbud, s), in total, per paragraph and per target
-- group (seed maalgrupper; each on its own services, so the groups need not add up to the total).
{{ optaelling_opdelt('botilbud', ['107', '108', '85']) }}
