-- One row is: indicator 07, Antal brugere i botilbud fordelt paa egne og eksterne tilbud, for a
-- municipality, status date and breakdown: HM(botilbud, s), each provider type on its own services.
{{ optaelling('botilbud', [('total', 'total'), ('leverandoertype', 'egen'), ('leverandoertype', 'ekstern'), ('leverandoertype', 'ukendt')]) }}
