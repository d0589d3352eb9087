-- One row is: indicator 04, Antal brugere der modtager hjaelperordninger, for a municipality, status
-- date and breakdown: HM(hjaelperordning, s), in total, per paragraph (95, 96) and per target group
-- (each on its own services).
{{ optaelling_opdelt('hjaelperordning', ['95', '96']) }}
