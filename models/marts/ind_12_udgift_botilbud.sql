-- One row is: indicator 12, Disponerede udgifter pr. bruger i botilbud, for a municipality, status date
-- and breakdown: DISP(botilbud, s) / HM(botilbud, s), in total and per paragraph.
{{ udgift_pr_modtager('botilbud', [('total', 'total'), ('paragraf', '107'), ('paragraf', '108'), ('paragraf', '85')]) }}
