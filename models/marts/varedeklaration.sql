-- One row is: an indicator's varedeklaration: what it is for, how it is computed and counted, its
-- breakdowns, the extracts and columns it rests on, its known caveats and how often it is read.
-- Rendered from the `meta: varedeklaration:` of each indicator model's YAML (the one source).
{%- for deklaration in varedeklaration() %}
select
    {{ tekst(deklaration.indikator) }} as indicator,
    {{ tekst(deklaration.model) }} as model,
    {{ tekst(deklaration.navn) }} as navn,
    {{ tekst(deklaration.emne) }} as emne,
    {{ tekst(deklaration.enhed) }} as enhed,
    {{ tekst(deklaration.formaal) }} as formaal,
    {{ tekst(deklaration.formel) }} as formel,
    {{ tekst(deklaration.taellemaade) }} as taellemaade,
    {{ tekst(deklaration.opdelinger) }} as opdelinger,
    {{ tekst(deklaration.kilder) }} as kilder,
    {{ tekst(deklaration.forbehold) }} as forbehold,
    {{ tekst(deklaration.laeses) }} as laeses
{{ "union all" if not loop.last }}
{%- endfor %}
order by indicator
