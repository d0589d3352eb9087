-- One row is: indicator 02, Antal brugere i botilbud og botilbudslignende tilbud, for a municipality,
-- status date and breakdown: helaarsmodtagere HM(botilbud, s), in total and per paragraph.
{{ optaelling('botilbud', [('total', 'total'), ('paragraf', '107'), ('paragraf', '108'), ('paragraf', '85')]) }}
union all {{ pr_1000_18_64(optaelling('botilbud', [('total', 'total')])) }}
