-- One row is: indicator 14, Disponerede udgifter pr. modtager af hjaelperordning, for a municipality,
-- status date and breakdown: DISP(hjaelperordning, s) / HM(hjaelperordning, s), in total and per paragraph.
{{ udgift_pr_modtager('hjaelperordning', [('total', 'total'), ('paragraf', '95'), ('paragraf', '96')]) }}
