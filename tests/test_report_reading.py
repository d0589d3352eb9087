"""lis report read as each audience would, on a hand-made warehouse (tests/report_warehouse.py):
the elements each page promises (tiles, the budget in kroner, team pages, the card of an indicator
that could not be computed), Danish words for every code, fair comparisons and discretion in the
warnings. Figures are hand-computed from the rows written."""

import json
import re
from datetime import UTC, date
from html.parser import HTMLParser

import pytest

from runner.report import _chart, write_reports
from runner.report_charts import line_chart
from runner.report_text import (
    Unit,
    benchmark_sentence,
    formatted,
    long_date,
    number,
    run_time,
    short_month,
)
from tests.headless import Browser
from tests.report_warehouse import declaration, make_warehouse, row

S = date(2026, 11, 30)  # 2026: no refusion thresholds in the seed, so 06 cannot be computed
BEFORE = date(2025, 11, 30)
LONG_ID = "L" * 5000


def _rows():
    rows = []
    for day, scale in ((S, 1.0), (BEFORE, 0.8)):
        for kommune, size in (("101", 1.0), ("751", 2.0), ("851", 4.0)):
            hm = 120.25 * size * scale
            rows += [
                row(kommune, day, "02", "total", "total", hm),
                row(kommune, day, "02", "paragraf", "107", hm - 20),
                row(kommune, day, "02", "paragraf", "108", 20.0),
                row(kommune, day, "02", "maalgruppe", "kognitiv", 60.0),
                row(kommune, day, "02", "pr_1000_18_64", "total", hm * 1000, 10_000 * size),
                row(kommune, day, "03", "total", "total", 40.0 * size),
                # the persons whose money 11 is (its discretion: '09 total', 02's and 03's)
                row(kommune, day, "09", "total", "total", 300.0 * size),
                row(kommune, day, "11", "total", "total", 1_050_000.0 * size, 1_000_000.0 * size),
                row(kommune, day, "11", "omraade", "botilbud", 800_000.0 * size, 700_000.0 * size),
                row(kommune, day, "11", "omraade", "dagtilbud", 250_000.0 * size, 300_000.0 * size),
                row(kommune, day, "F1", "total", "total", 7.0),
                row(kommune, day, "V1", "total", "total", 4000.0, 10.0),
            ]
    for day in (S, BEFORE):
        rows += [
            row("101", day, "08", "total", "total", 30.0, 3.0),
            row("101", day, "08", "sagsbehandler", "S1", 12.0),
            row("101", day, "08", "sagsbehandler", "S2", 8.0),
            row("101", day, "08", "sagsbehandler", LONG_ID, 10.0),
            row("101", day, "08", "team", "Vest", 20.0, 2.0),
            row("101", day, "08", "team", "ukendt", 10.0, 1.0),
            row("101", day, "08", "paragraf:sagsbehandler", "107:S1", 7.0),
            row("101", day, "08", "paragraf:sagsbehandler", "85:S1", 5.0),
            row("101", day, "08", "paragraf:sagsbehandler", "107:S2", 3.0),
            row("101", day, "08", "paragraf:sagsbehandler", "85:S2", 5.0),
            row("101", day, "10", "total", "total", 3_000_000.0, 30.0),
            row("101", day, "10", "sagsbehandler", "S1", 1_200_000.0, 12.0),
            row("101", day, "10", "sagsbehandler", "S2", 1_000_000.0, 8.0),
            row("101", day, "10", "paragraf:sagsbehandler", "107:S1", 840_000.0, 7.0),
            row("101", day, "10", "paragraf:sagsbehandler", "85:S1", 360_000.0, 5.0),
            row("101", day, "10", "paragraf:sagsbehandler", "107:S2", 300_000.0, 3.0),
            row("101", day, "10", "paragraf:sagsbehandler", "85:S2", 700_000.0, 5.0),
        ]
    return rows


DECLARATIONS = [
    declaration("02", "Antal brugere i botilbud og botilbudslignende tilbud"),
    declaration("03", "Antal brugere i dagforanstaltning"),
    declaration("05", "Antal brugere der modtager omfattende støtteforanstaltninger"),
    declaration("06", "Antal refusionsberettigede sager"),
    declaration("08", "Antal sager pr. sagsbehandler"),
    declaration("10", "Udgifter pr. ydelse fordelt på sagsbehandlere", "kr"),
    declaration("11", "Disponerede udgifter som andel af budget", "andel"),
    declaration("F1", "Tilgang: nye modtagere i måneden"),
    declaration("V1", "Varighed af igangværende forløb", "dage"),
]
WARNINGS = [
    (
        "marts.ind_08_sager_pr_sagsbehandler",
        "marts.ind_08_sager_pr_sagsbehandler: unexpected_rows_expectation(persons with an active "
        "service and no caseworker) failed: 5 unexpected (e.g. {'kommunekode': '751', "
        "'personer_uden_sagsbehandler': 2}, {'bevilling_id': 'B-77'})",
    ),
    ("staging.stg_anbringelser", "staging.stg_anbringelser: anbringelse_id A-12 failed"),
    (
        "staging.stg_ydelser",
        "staging.stg_ydelser: unexpected_rows_expectation(a service ends on or after its first "
        "day) failed: 4 unexpected",
        json.dumps(
            [
                {"bevilling_id": "B-101-7", "slutdato": "2026-01-01"},
                {"bevilling_id": "B-751-9", "slutdato": "2026-02-01"},
                {"bevilling_id": "0101801234", "slutdato": "2026-03-01"},
                {"bevilling_id": "B-101-8", "slutdato": "2026-04-01"},
            ]
        ),
    ),
]
WARNINGS.append(
    (
        "audit.reference_errors",
        "audit.reference_errors: 1 unexpected",
        json.dumps([{"extract": "ydelser", "id": "B-101-9", "reference": "leverandoer_id"}]),
    )
)
# the staged grants the warnings' examples name: two of 101's, one of 751's, and an id holding a
# CPR number (as a staged id should never be, but a page must not show it whatever staging did)
GRANTS = [
    ("B-101-7", "101"),
    ("B-101-8", "101"),
    ("B-101-9", "101"),
    ("B-751-9", "751"),
    ("0101801234", "101"),
]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("reading")
    warehouse = make_warehouse(
        root / "lis.duckdb",
        _rows(),
        DECLARATIONS,
        caseworkers=[
            ("S1", "Mette Hansen", "Vest"),
            ("S2", "Søren Bæk", "Vest"),
            (LONG_ID, None, "ukendt"),
        ],
        without_caseworker={("101", S): 3, ("751", S): 123},
        groups=[("101", "Storby"), ("851", "Storby")],
        warnings=WARNINGS,
        status_date=S,
        reconciliation=[("anbringelser", 50, 48, 2), ("ydelser", 1000, 988, 12)],
        quarantine=[
            ("anbringelser", "date_invalid", 2),
            ("ydelser", "before_birth", 3),
            ("ydelser", "missing_required", 9),
        ],
        grants=GRANTS,
    )
    write_reports(warehouse, root / "reports", 5)
    return {p.name: p.read_text(encoding="utf-8") for p in (root / "reports").glob("*.html")}


class _Text(HTMLParser):
    """The text a reader sees, and the same without the text inside <code>."""

    def __init__(self):
        super().__init__()
        self.all, self.outside_code, self._skip, self._code = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self._code += tag == "code"

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")
        self._code -= tag == "code"

    def handle_data(self, data):
        if not self._skip:
            self.all.append(data)
            if not self._code:
                self.outside_code.append(data)


def visible(html: str, outside_code: bool = False) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"[ \n\t]+", " ", " ".join(parser.outside_code if outside_code else parser.all))


REASON_CODES = (
    "missing_required", "cpr_invalid", "date_invalid", "period_invalid", "before_birth",
    "paragraf_unknown", "kommune_invalid", "number_invalid", "unit_invalid", "boolean_invalid",
    "duplicate_conflict", "duplicate_exact",
)  # fmt: skip
IDENTIFIER = re.compile(
    r"\b[a-z0-9]+_[a-z0-9_]+\b|\bind_|\bstg_|\b(?:" + "|".join(REASON_CODES) + r")\b", re.I
)


def identifiers(name: str, html: str) -> list[str]:
    """Identifier-looking tokens a reader would see: anywhere in an audience's page, outside the
    code blocks in the varedeklaration."""
    return IDENTIFIER.findall(visible(html, outside_code=name == "varedeklaration.html"))


def test_no_identifier_in_any_page(pages):
    assert set(pages) >= {"politikere_101.html", "varedeklaration.html", "team_101_vest.html"}
    for name, html in pages.items():
        assert identifiers(name, html) == [], name


def test_the_identifier_check_catches_a_code_a_reason_and_a_model():
    html = "<p>§ 107 Midlertidigt botilbud: stoette_i_eget_hjem, before_birth, ind_08</p>"
    assert identifiers("ledere.html", html) == ["stoette_i_eget_hjem", "before_birth", "ind_08"]
    assert identifiers("varedeklaration.html", "<p><code>timer_pr_uge</code></p>") == []


def test_politicians_get_tiles_first_and_the_word_helaarsmodtagere_explained(pages):
    html = pages["politikere_101.html"]
    first = html.index('class="fliser"')
    assert first < html.index('id="i02"') and first < html.index('id="budget"')
    tiles = re.findall(r'<a class="flise[^"]*"', html)
    assert len(tiles) == 4  # 02, 03, 05 (missing), 11 of the headline set in this warehouse
    text = visible(html)
    # 02: 120.25 helårsmodtagere now, 96.2 a year before: +25 %
    assert "120,3" in text and "▲ +25\u00a0% mod samme tid sidste år" in text
    assert "Helårsmodtagere tæller, hvor stor en del af året" in text
    # 11: 105.0 % now and a year before: ±0.0 percentage points
    assert "105,0\u00a0%" in text and "±0,0\u00a0procentpoint" in text


def test_directors_and_leaders_get_the_budget_in_kroner_with_areas_over_budget_marked(pages):
    for name in ("direktion_101.html", "ledere_101.html"):
        html = pages[name]
        budget = html[html.index('id="budget"') : html.index("</table>", html.index('id="budget"'))]
        assert "Budget (kr.)" in budget and "Disponeret (kr.)" in budget
        # botilbud: 700,000 budget, 800,000 disposed, -100,000, 114.3 %: marked
        assert re.search(
            r'<tr class="over"><td>Botilbud \(over budget\)</td><td>700\.000</td>'
            r"<td>800\.000</td><td>−100\.000</td><td>114,3\u00a0%</td>",
            budget,
        ), budget
        assert "<td>Dagtilbud</td><td>300.000</td><td>250.000</td><td>50.000</td>" in budget


def _card(html: str, indicator: str) -> str:
    return html.split(f'id="i{indicator}"')[1].split("</section>")[0]


def test_an_indicator_that_cannot_be_computed_gets_its_card_with_reason_and_remedy(pages):
    for name in ("direktion_101.html", "ledere_101.html"):
        card = visible(_card(pages[name], "06"))
        assert "Kunne ikke beregnes for 30. november 2026." in card
        assert (
            "Refusionsgrænserne for 2026 mangler i seeds/refusionsgraenser.csv; indsæt årets "
            "satser fra Social- og Boligministeriets satsoversigt"
        ) in card
    # 05 has no rows at all: its card says so, and its tile too
    assert "Kunne ikke beregnes" in _card(pages["politikere_101.html"], "05")
    assert "kunne ikke beregnes" in visible(pages["politikere_101.html"].split("</section>")[0])


def test_leaders_see_caseworkers_by_name_grouped_by_team_with_means_and_team_pages(pages):
    html = pages["ledere_101.html"]
    text = visible(html)
    assert "Team Vest" in text and "Sagsbehandlere uden team" in text
    vest = html[html.index("Team Vest</h3>") :]
    # sorted by name; 08's team row: 20 / 2 caseworkers = 10.0; 10 over the shown caseworkers:
    # 2,200,000 kr. / 20 persons = 110,000 kr.
    assert vest.index("Mette Hansen") < vest.index("Søren Bæk")
    assert "<td>10,0</td>" in vest and "over 2 sagsbehandlere" in vest
    assert "110.000\u00a0kr." in vest and "<td>20</td>" in vest
    assert 'href="team_101_vest.html"' in html
    team = visible(pages["team_101_vest.html"])
    assert "Mette Hansen" in team and "Københavns Kommune" in team
    assert "Borgere med en aktiv ydelse uden en sagsbehandler: <5" in text
    # 08: 30 pairs / 3 caseworkers; 10: 3,000,000 kr. / 30 persons
    assert (
        "Hele kommunen: 10,0\u00a0sager pr. sagsbehandler i gennemsnit over 3 sagsbehandlere; "
        "100.000\u00a0kr. pr. modtager i gennemsnit over 30 modtagere."
    ) in text


def _paragraph_rows(html: str) -> list[list[str]]:
    """The rows of the first table of caseworkers by paragraph after the team's heading, as
    their cells' text."""
    table = html[html.index("pr-paragraf") :]
    table = table[: table.index("</table>")]
    return [
        [visible(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        for tr in re.findall(r"<tr data-key[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_leaders_see_each_caseworkers_cases_and_expenses_by_paragraph_with_the_persons_behind(
    pages,
):
    # 10 by paragraph and caseworker: S1's § 107 840,000 kr. / 7 persons = 120,000 kr.; § 85
    # 360,000 kr. / 5 = 72,000 kr.; S2's § 107 300,000 kr. over 3 persons: an average over fewer
    # than 5 persons is hidden, and S2's 08 row of 3 cases too; S2's § 85 money with them (S2's
    # 1,000,000 kr. = 300,000 + 700,000 is published), not its cases (a person may be under both
    # paragraphs: 08's rows by paragraph add up to nothing)
    for name in ("ledere_101.html", "team_101_vest.html"):
        html = pages[name]
        vest = html[html.index("Team Vest") :] if name.startswith("ledere") else html
        rows = _paragraph_rows(vest)
        assert [[cell.replace("\u00a0", " ") for cell in r] for r in rows] == [
            ["Mette Hansen", "§ 85 Socialpædagogisk støtte", "5", "72.000 kr.", "5"],
            ["", "§ 107 Midlertidigt botilbud", "7", "120.000 kr.", "7"],
            ["Søren Bæk", "§ 85 Socialpædagogisk støtte", "5", "x", "x"],
            ["", "§ 107 Midlertidigt botilbud", "<5", "<5", "<5"],
        ], name
    assert "pr-paragraf" not in pages["direktion_101.html"]
    assert "pr-paragraf" not in pages["politikere_101.html"]


def test_quarantine_counts_below_the_threshold_are_hidden_for_politicians_and_directors(pages):
    # ydelser: 1000 read, 988 used, 12 quarantined (9 missing_required, 3 before_birth):
    # 3 reads <5 and 9 = 12 - 3 is hidden with it; anbringelser: 2 of 50 quarantined reads <5,
    # and the 48 used with it (50 - 48 = 2)
    for name in ("politikere_101.html", "direktion_101.html"):
        text = visible(pages[name].split('id="om-tallene"')[1])
        assert "Ydelser 1.000 988 12" in text, name
        assert "Anbringelser 50 x <5" in text, name
        assert "Anbringelser Ugyldig dato <5" in text, name
        assert "Ydelser Start før fødselsdatoen <5" in text, name
        assert "Ydelser Manglende obligatorisk felt x" in text, name
    text = visible(pages["ledere_101.html"].split('id="om-tallene"')[1])
    assert "Anbringelser 50 48 2" in text and "Anbringelser Ugyldig dato 2" in text
    assert "Ydelser Start før fødselsdatoen 3" in text
    assert "Ydelser Manglende obligatorisk felt 9" in text


def test_leaders_warnings_name_their_own_grants_ids_and_no_other_page_names_ids(pages):
    leaders = visible(pages["ledere_101.html"])
    assert "B-101-7, B-101-8" in leaders
    assert "B-101-9" in leaders  # an id beside its extract (audit.reference_errors)
    assert "B-751-9" not in leaders  # another municipality's grant
    assert "0101801234" not in leaders and "010180" not in leaders
    assert "B-751-9" in visible(pages["ledere_751.html"])
    for name, html in pages.items():
        if not name.startswith("ledere"):
            assert "B-101" not in html and "B-751" not in html, name


def test_a_5000_character_id_is_cut_visibly(pages):
    html = pages["ledere_101.html"]
    assert LONG_ID not in html and "L" * 39 + "…" in html


def test_leaders_get_target_groups_flows_and_durations(pages):
    text = visible(pages["ledere_101.html"])
    assert "Kognitiv funktionsnedsættelse" in text
    assert "F1 · Tilgang: nye modtagere i måneden" in text
    v1 = visible(_card(pages["ledere_101.html"], "V1"))
    assert "V1 · Varighed af igangværende forløb" in text and "400" in v1 and "dage" in v1


def test_counts_are_compared_per_capita_within_the_comparison_group(pages):
    text = visible(pages["politikere_101.html"]).replace("\u00a0", " ")
    # 02 per 1,000 aged 18-64: 101: 120,250 / 10,000 = 12.0; 851, the other in its group:
    # 481,000 / 40,000 = 12.0
    assert (
        "Pr. 1.000 indbyggere 18–64 år: 12,0 ligger på niveau med den anden kommune i "
        "sammenligningsgruppen Storby, 12,0." in text
    )
    # 03 has no per-capita rows: a raw count is never set beside another municipality's
    section = visible(pages["direktion_101.html"].split('id="i03"')[1].split("</section>")[0])
    assert "medianen" not in section


def test_without_a_group_all_other_municipalities_are_the_comparison(pages):
    text = visible(pages["direktion_751.html"]).replace("\u00a0", " ")
    assert "de øvrige 2 kommuner i opgørelsen" in text


def test_warnings_carry_no_other_municipality_no_small_count_and_no_id(pages):
    for name in ("politikere_101.html", "direktion_101.html", "ledere_101.html"):
        text = visible(pages[name])
        assert "123" not in text, name  # 751's count
        assert "B-77" not in text and "A-12" not in text, name
        assert "unexpected" not in text and "kommunekode" not in text, name
    assert "<5 borgere har en aktiv ydelse uden en sagsbehandler" in visible(
        pages["direktion_101.html"]
    )
    assert "123 borgere har en aktiv ydelse uden en sagsbehandler." in visible(
        pages["direktion_751.html"]
    )
    quarantine = visible(pages["politikere_101.html"])
    assert "Manglende obligatorisk felt" in quarantine and "Start før fødselsdatoen" in quarantine


def test_municipalities_by_name_and_the_run_time_with_its_zone(pages):
    text = visible(pages["politikere_751.html"])
    assert "Aarhus Kommune" in text and "Kommune 751" not in text
    assert "1. december 2026 kl. 02:30 Centraleuropæisk normaltid" in text


# Numbers and words, hand-computed.


def test_one_rule_for_decimals_per_figure():
    helaarsmodtagere, persons = Unit("antal", 1, "helårsmodtagere"), Unit("antal", 0, "personer")
    assert formatted(2255.0, helaarsmodtagere) == "2.255,0"  # one decimal, also when whole
    assert formatted(2248.75, helaarsmodtagere) == "2.248,8"  # half away from zero
    assert formatted(572.0, persons) == "572"
    assert formatted(1056878.4, Unit("kr", 0)) == "1.056.878\u00a0kr."
    assert formatted(0.975, Unit("andel", 1)) == "97,5\u00a0%"
    assert number(0.25, 1) == "0,3"  # Babel would round half to even: 0,2
    assert long_date(date(2026, 12, 2)) == "2. december 2026"


def test_a_run_time_is_shown_in_danish_time_with_its_zone():
    from datetime import datetime

    summer = datetime(2026, 7, 1, 22, 15, tzinfo=UTC)
    assert run_time(summer) == "2. juli 2026 kl. 00:15 Centraleuropæisk sommertid"


def test_the_benchmark_names_its_group_and_figure():
    per_1000 = Unit("antal", 1)
    assert benchmark_sentence(10.0, [20.0, 4.0, 8.0], per_1000, "Pr. indbygger", None) == (
        "Pr. indbygger: 10,0 ligger over medianen for de øvrige 3 kommuner i opgørelsen, 8,0 "
        "(fra 4,0 til 20,0)."
    )
    assert benchmark_sentence(5.0, [], per_1000, "x", None) is None


def test_a_5000_character_id_does_not_widen_the_leaders_page_on_screen_or_on_a4(pages, tmp_path):
    (tmp_path / "ledere.html").write_text(pages["ledere_101.html"], encoding="utf-8")
    browser = Browser()
    try:
        result = browser.open(
            (tmp_path / "ledere.html").as_uri(),
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth",
            pdf=True,
        )
    finally:
        browser.close()
    assert result.evaluated is True
    assert re.search(rb"/MediaBox \[0 0 59[45][.0-9]* 84[12][.0-9]*\]", result.pdf)


def test_every_printed_page_is_headed_with_municipality_audience_and_status_date(pages):
    for name in ("politikere_101.html", "ledere_751.html", "team_101_vest.html"):
        page_rule = re.search(r"@page \{.*?@top-left \{ content: (\"[^\"]*\")", pages[name], re.S)
        assert page_rule, name
        header = page_rule.group(1)
        assert "30. november 2026" in header, name
        assert ("Københavns Kommune" if "101" in name else "Aarhus Kommune") in header, name
    assert "Politikere (udvalget)" in pages["politikere_101.html"].split("@top-left")[1][:120]


def _svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_charts_tick_in_round_steps_with_one_unit_per_axis():
    months = [short_month(m) for m in range(1, 13)]
    # 1,199,760 kr.: the axis in millions, 0 to 1.5 in steps of 0.5, every tick with one decimal
    svg = line_chart("11", Unit("kr", 0), {1: 1_199_760.0, 2: 900_000.0}, {1: 1e6}, (2026, 2025))
    assert _svg_texts(svg) == [*months, "0,0", "0,5", "1,0", "1,5", "mio. kr.", "2025", "2026"]
    # 1,227.5 helårsmodtagere: 0 to 1,500 in steps of 500
    svg = line_chart("05", Unit("antal", 1, "helårsmodtagere"), {1: 1227.5}, {1: 969.8}, (1, 0))
    assert _svg_texts(svg)[12:17] == ["0", "500", "1.000", "1.500", "helårsmodtagere"]
    # a share in percent; a hidden month (None) is a gap, and the chart names itself
    svg = line_chart("Andel", Unit("andel", 1), {1: 0.975, 2: None}, {}, (2026, 2025))
    assert _svg_texts(svg)[12:19] == ["0", "20", "40", "60", "80", "100", "%"]
    assert svg.startswith('<svg class="chart"') and "<title>Andel</title>" in svg


def test_the_same_warehouse_gives_the_same_pages_byte_for_byte(pages, tmp_path):
    warehouse = make_warehouse(tmp_path / "lis.duckdb", _rows(), DECLARATIONS, status_date=S)
    first = {p.name: p.read_bytes() for p in write_reports(warehouse, tmp_path / "a", 5)}
    _chart.cache_clear()  # drawn anew, not taken from the first run's cache
    second = {p.name: p.read_bytes() for p in write_reports(warehouse, tmp_path / "b", 5)}
    assert first == second


def test_a_month_begun_is_not_compared_with_a_whole_month_a_year_before(tmp_path):
    # F1 on 2 December: 1 new recipient in two days against 6 in all of December 2025 would read
    # "100 % lower"; 02 (a stock) is compared with 31 December as before
    day, year_before = date(2026, 12, 2), date(2025, 12, 31)
    rows = [
        row("101", day, "F1", "total", "total", 0.0),
        row("101", year_before, "F1", "total", "total", 6.0),
        row("101", day, "02", "total", "total", 110.0),
        row("101", year_before, "02", "total", "total", 100.0),
    ]
    warehouse = make_warehouse(
        tmp_path / "lis.duckdb", rows, [DECLARATIONS[0], DECLARATIONS[7]], status_date=day
    )
    write_reports(warehouse, tmp_path / "reports", 5)
    html = (tmp_path / "reports" / "ledere.html").read_text(encoding="utf-8")
    f1, o2 = visible(_card(html, "F1")), visible(_card(html, "02"))
    assert (
        "Måneden er ikke slut: tallet dækker 1.–2. december og sammenlignes ikke med en hel "
        "måned sidste år." in f1
    )
    assert "lavere" not in f1 and "samme tid sidste år (31. december 2025): –" in f1
    assert "10\u00a0% højere end samme tid sidste år" in o2


def test_a_varedeklaration_line_that_yaml_reads_as_a_mapping_is_a_project_error(tmp_path):
    # `- pr_1000_18_64: totalen × 1000 / ...` unquoted is a mapping: the page showed its repr
    import yaml

    from runner.errors import ProjectError
    from runner.project import load_project
    from runner.varedeklaration import entries
    from tests.tiny_project import write_project

    text = "[x: totalen × 1000 / indbyggere 18–64 år, paragraf (107, 108, 85)]"
    fields = ("navn", "emne", "formaal", "formel", "taellemaade", "kilder", "forbehold", "laeses")
    declared = {"indikator": "02", "enhed": "antal", **{f: "Tekst." for f in fields}}
    declared["opdelinger"] = yaml.safe_load(text)
    root = write_project(
        tmp_path,
        {"marts/ind_02": "select 1 as x"},
        yml={
            "marts": [
                {
                    "name": "ind_02",
                    "meta": {"varedeklaration": declared, "discretion": {"public": "a test's"}},
                }
            ]
        },
    )
    with pytest.raises(ProjectError, match="ind_02: varedeklaration opdelinger holds an entry"):
        entries(load_project(root))
