-- One row is: indicator 04, Antal brugere der modtager hjaelperordninger, for a municipality, status
-- date and breakdown: HM(hjaelperordning, s), in total and per paragraph (95, 96).
{{ optaelling('hjaelperordning', [('total', 'total'), ('paragraf', '95'), ('paragraf', '96')]) }}
union all {{ pr_1000_18_64(optaelling('hjaelperordning', [('total', 'total')])) }}
