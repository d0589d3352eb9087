"""lis report: the sentences and numbers (hand-computed), the report set on a built demo rendered in
headless Chromium, and discretion in everything that leaves the warehouse."""

import csv
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from runner.cli import main
from runner.errors import InputError, UsageError
from runner.report import write_reports
from runner.report_text import Unit, same_time_last_year, sentence
from tests.headless import Browser, chromium, screenshot_of
from tests.test_report_reading import identifiers
from tools.synth import write_extracts

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

AS_OF = date(2022, 11, 30)  # a year with refusion thresholds, so 06 is in the reports too
BOTILBUD = "Antallet af helårsmodtagere i botilbud"
ANTAL, ANDEL = Unit("antal", 1), Unit("andel", 1)
CPR = re.compile(r"(?<![0-9])[0-3][0-9][01][0-9]{3}-?[0-9]{4}(?![0-9])")
# Whom a cell counts (indicators.md): the numerator of a count, the denominator of an average.
COUNTS = {"02", "03", "04", "05", "06", "07", "08", "09", "A1"}
AVERAGES = {"01", "10", "12", "13", "14", "15"}


# The words and numbers, hand-computed.


def test_the_sentence_says_the_change_against_the_same_time_last_year_in_whole_percent():
    assert sentence(BOTILBUD, 104.0, 100.0, ANTAL) == (
        "Antallet af helårsmodtagere i botilbud er 4\u00a0% højere end samme tid sidste år."
    )
    assert sentence(BOTILBUD, 48.0, 50.0, ANTAL) == (
        "Antallet af helårsmodtagere i botilbud er 4\u00a0% lavere end samme tid sidste år."
    )
    # 102.5 / 100: 2.5 % rounds half away from zero, to 3 %
    assert "er 3\u00a0% højere" in sentence(BOTILBUD, 102.5, 100.0, ANTAL)
    assert sentence(BOTILBUD, 100.4, 100.0, ANTAL) == (
        "Antallet af helårsmodtagere i botilbud er på niveau med samme tid sidste år."
    )
    assert "kan ikke sammenlignes" in sentence(BOTILBUD, 3.0, 0.0, ANTAL)
    assert "kan ikke sammenlignes" in sentence(BOTILBUD, None, 10.0, ANTAL)


def test_a_share_of_budget_changes_in_percentage_points():
    assert sentence("Andelen", 0.93, 0.88, ANDEL) == (
        "Andelen er 5,0\u00a0procentpoint højere end samme tid sidste år."
    )


def test_the_same_time_last_year_is_the_same_day_or_that_months_end():
    assert same_time_last_year(date(2026, 11, 30), {date(2025, 11, 30)}) == date(2025, 11, 30)
    assert same_time_last_year(date(2026, 11, 15), {date(2025, 11, 30)}) == date(2025, 11, 30)
    assert same_time_last_year(date(2024, 2, 29), {date(2023, 2, 28)}) == date(2023, 2, 28)


# The report set of a built demo with two municipalities.


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    extracts, warehouse = root / "extracts", root / "lis.duckdb"
    write_extracts(extracts, grants=2000, municipalities=2, seed=5, as_of=AS_OF, dirty=True)
    assert main(["build", "--extracts", str(extracts), "--as-of", str(AS_OF),
                 "--warehouse", str(warehouse)]) == 0  # fmt: skip
    assert main(["report", "--warehouse", str(warehouse), "--out", str(root / "reports")]) == 0
    export = ["export", "--warehouse", str(warehouse), "--discreet", "--format", "csv"]
    assert main([*export, "--out", str(root / "discreet")]) == 0
    return root


def test_the_set_has_three_audiences_per_municipality_the_varedeklaration_and_an_index(built):
    names = sorted(p.name for p in (built / "reports").iterdir())
    assert [n for n in names if not n.startswith("team_")] == [
        ".lis-written",  # the set's list of its files: what the next report may replace
        "direktion_101.html",
        "direktion_751.html",
        "index.html",
        "ledere_101.html",
        "ledere_751.html",
        "politikere_101.html",
        "politikere_751.html",
        "varedeklaration.html",
    ]
    with duckdb.connect(str(built / "lis.duckdb"), read_only=True) as con:
        teams = con.execute(
            "select count(distinct team) from intermediate.int_sagsbehandlere"
        ).fetchone()[0]
    # a page per team and municipality that has caseworkers in it
    assert {n.split("_")[1] for n in names if n.startswith("team_")} == {"101", "751"}
    assert teams <= len([n for n in names if n.startswith("team_101_")]) + 1
    assert not [p for p in built.iterdir() if p.name.startswith(".reports.")]


CHARTS = """JSON.stringify({
  charts: document.querySelectorAll('svg.chart').length,
  drawn: [...document.querySelectorAll('svg.chart')].filter(
    s => s.querySelector('g[id^="line2d"] path') && s.getBoundingClientRect().height > 100
  ).length,
  figures: document.querySelectorAll('section.indikator figure').length,
  sections: document.querySelectorAll('section.indikator').length,
  declaration: !!document.querySelector('a[href="varedeklaration.html"]'),
  wide: document.documentElement.scrollWidth > document.documentElement.clientWidth
})"""


def test_every_report_renders_in_chromium_with_its_charts_and_nothing_fetched(
    built, tmp_path, chromium_installed
):
    assert chromium(), "headless Chromium is needed: apt-get install chromium"
    seen = {}
    browser = Browser()
    try:
        for page in sorted((built / "reports").glob("*.html")):
            result = browser.open(page.resolve().as_uri(), CHARTS, pdf=page.stem == "ledere_101")
            assert result.errors == [], page.name
            assert result.requests == [], page.name
            assert result.screenshot[:8] == b"\x89PNG\r\n\x1a\n", page.name
            assert len(result.screenshot) > 20_000, page.name
            (tmp_path / f"{page.stem}.png").write_bytes(result.screenshot)
            seen[page.stem] = json.loads(result.evaluated)
            if result.pdf:
                pdf = result.pdf
    finally:
        browser.close()
    for name, page in seen.items():
        assert page["wide"] is False, name
        if name.split("_")[0] in ("politikere", "direktion", "ledere"):
            assert page["charts"] == page["drawn"] == page["figures"] == page["sections"], name
            assert page["declaration"], name
    # A4 portrait (595 x 842 points), several pages
    assert pdf.startswith(b"%PDF") and re.search(
        rb"/MediaBox \[0 0 59[45][.0-9]* 84[12][.0-9]*\]", pdf
    )
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 3
    # politikere: 05 with 02-04, 11, 12-14, A1; ledere: all fifteen, A1, F1, F2 and V1
    assert seen["politikere_101"]["charts"] == 9 and seen["ledere_101"]["charts"] == 19


def test_a_page_with_a_console_error_a_request_or_no_chart_is_caught(tmp_path, chromium_installed):
    page = tmp_path / "bad.html"
    page.write_text(
        '<img src="http://example.invalid/x.png"><script>console.error("boom")</script>',
        encoding="utf-8",
    )
    result = screenshot_of(page, "document.querySelectorAll('svg.chart').length")
    assert result.requests == ["http://example.invalid/x.png"]
    assert any("boom" in error for error in result.errors)
    assert result.evaluated == 0


def _warehouse_rows(built):
    with duckdb.connect(str(built / "lis.duckdb"), read_only=True) as con:
        return con.execute(
            "select kommunekode, indicator, breakdown, breakdown_value, numerator, denominator "
            "from marts.indicator_values where status_date = ?",
            [AS_OF],
        ).fetchall()


def _persons(indicator, numerator, denominator):
    return numerator if indicator in COUNTS else denominator if indicator in AVERAGES else None


class _Cells(HTMLParser):
    """The shown figure of every element with a data-key (totals and breakdown rows)."""

    def __init__(self):
        super().__init__()
        self.cells, self._key, self._take = {}, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-key" in attrs:
            self._key = attrs["data-key"]
            self._take = tag == "span"
        elif self._key and attrs.get("class") == "nu":
            self._take = True

    def handle_data(self, data):
        if self._take:
            self.cells[self._key] = data.strip()
            self._take, self._key = False, None


def test_no_small_count_in_a_report(built):
    exact = {(k, i, b, v): _persons(i, n, d) for k, i, b, v, n, d in _warehouse_rows(built)}
    small = {key for key, persons in exact.items() if persons and 0 < persons < 5}
    assert small, "the demo has small cells, so this test tests something"
    checked = 0
    for page in (built / "reports").glob("*_*.html"):
        kommune = page.stem.split("_")[1]
        parser = _Cells()
        parser.feed(page.read_text(encoding="utf-8"))
        for key, shown in parser.cells.items():
            cell = (kommune, *key.split("|"))
            if cell in small:
                assert shown == "<5", (page.name, key, shown)
                checked += 1
    assert checked > 0


def test_caseworkers_only_in_the_leaders_report_and_the_team_pages(built):
    ids = {v for _, i, b, v, _, _ in _warehouse_rows(built) if b == "sagsbehandler"}
    assert ids
    for page in (built / "reports").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        shown = {i for i in ids if f">{i}<" in text}
        assert bool(shown) == page.name.startswith(("ledere", "team_")), page.name


def test_no_identifier_in_any_page_of_a_dirty_build(built):
    pages = sorted((built / "reports").glob("*.html"))
    assert len(pages) > 8
    for page in pages:
        assert identifiers(page.name, page.read_text(encoding="utf-8")) == [], page.name


def test_no_cpr_number_person_key_or_small_count_leaves_in_a_report_or_discreet_export(built):
    with duckdb.connect(str(built / "lis.duckdb"), read_only=True) as con:
        keys = {
            k
            for (k,) in con.execute(
                "select distinct person_key from staging.stg_ydelser"
            ).fetchall()
        }
    files = [*(built / "reports").glob("*.html"), *(built / "discreet" / "latest").glob("*.csv")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not CPR.search(text), (path.name, CPR.search(text))
        assert not [k for k in keys if k in text], path.name
    exact = {(k, i, b, v): _persons(i, n, d) for k, i, b, v, n, d in _warehouse_rows(built)}
    with (built / "discreet" / "latest" / "indicator_values.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["status_date"] == str(AS_OF)]
    assert rows and not [r for r in rows if r["breakdown"] == "sagsbehandler"]
    for row in rows:
        persons = exact[
            row["kommunekode"], row["indicator"], row["breakdown"], row["breakdown_value"]
        ]
        if persons and 0 < persons < 5:
            assert row["undertrykt"] == "<5" and row["value"] == row["numerator"] == "", row
        if row["undertrykt"]:
            assert row["value"] == row["numerator"] == row["denominator"] == "", row


def test_no_sum_in_the_discreet_export_has_exactly_one_hidden_cell(built):
    with (built / "discreet" / "latest" / "indicator_values.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    sums = {}
    for row in rows:
        # the breakdowns that add up to their total (target groups and per-capita rows do not)
        adds_up = row["breakdown"] in ("total", "paragraf", "leverandoertype", "anbringelsestype")
        # 09's and V1's age bands add up to their total, which may be the bands' complement
        by_age = row["indicator"] in ("09", "V1") and row["breakdown"] == "total"
        if (
            (row["indicator"] in ("02", "03", "04", "07", "A1") and adds_up)
            or by_age
            or row["breakdown"] in ("aldersgruppe", "refusionssats")
        ):
            table = (row["kommunekode"], row["status_date"], row["indicator"])
            sums.setdefault(table, []).append(bool(row["undertrykt"]))
    assert any(any(hidden) for hidden in sums.values()), "the demo has hidden cells"
    assert not [table for table, hidden in sums.items() if sum(hidden) == 1]


def test_a_failed_report_run_leaves_the_last_set_as_it_was(built, tmp_path):
    out = tmp_path / "reports"
    write_reports(built / "lis.duckdb", out, 5)
    (out / "stale.html").write_text("from an older run", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(InputError, match="varedeklaration"):
        write_reports(empty, out, 5)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    with pytest.raises(UsageError, match="stale.html"):
        write_reports(built / "lis.duckdb", out, 5)  # a file it did not write: refused
    (out / "stale.html").unlink()
    write_reports(built / "lis.duckdb", out, 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.duckdb", "reports"]


def test_the_varedeklaration_page_and_table_state_the_caveats(built):
    page = (built / "reports" / "varedeklaration.html").read_text(encoding="utf-8")
    assert "overvurderer det gennemsnittet" in page  # 12-14: whole-year expenses, HM to date
    assert "sammen med en punkttælling (03)" in page  # 05 adds HM to a point count
    with duckdb.connect(str(built / "lis.duckdb"), read_only=True) as con:
        indicators = [
            r[0] for r in con.execute("select indicator from marts.varedeklaration").fetchall()
        ]
    assert indicators == [f"{i:02d}" for i in range(1, 16)] + ["A1", "F1", "F2", "V1"]


def test_each_report_carries_the_runs_declaration(built):
    with duckdb.connect(str(built / "lis.duckdb"), read_only=True) as con:
        quarantined = con.execute("select count(*) from audit.quarantine").fetchone()[0]
        reasons = {
            r for (r,) in con.execute("select distinct reason from audit.quarantine").fetchall()
        }
        words = dict(
            con.execute("select kode, tekst from seeds.etiketter where felt = 'aarsag'").fetchall()
        )
    assert quarantined > 0
    page = Path(built / "reports" / "politikere_101.html").read_text(encoding="utf-8")
    assert "status pr. 30. november 2022" in page
    # every reason in its Danish words (seed etiketter), none as its code
    assert all(f">{words[reason]}</td>" in page for reason in reasons)
    assert not [reason for reason in reasons if reason in page]


def test_no_caseworker_or_team_row_in_the_discreet_export(built):
    """A team of one caseworker publishes that caseworker's caseload: team rows go with the
    caseworkers' (the review's one-caseworker team 'Solo' showed 08;team;Solo;6;1;6)."""
    with (built / "discreet" / "latest" / "indicator_values.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        breakdowns = {r["breakdown"] for r in csv.DictReader(handle, delimiter=";")}
    assert "paragraf" in breakdowns
    assert not breakdowns & {"sagsbehandler", "paragraf:sagsbehandler", "team"}
