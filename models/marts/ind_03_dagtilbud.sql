-- One row is: indicator 03, Antal brugere i dagforanstaltning, for a municipality, status date and
-- breakdown: the punkttaelling PT(dagtilbud, s), in total and per paragraph.
{{ optaelling('dagtilbud', [('total', 'total'), ('paragraf', '103'), ('paragraf', '104')], maal='punkttaelling') }}
union all {{ pr_1000_18_64(optaelling('dagtilbud', [('total', 'total')], maal='punkttaelling')) }}
