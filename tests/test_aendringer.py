"""marts.aendringer (indicators.md, "Changes since the previous month"): two small extracts a
month apart with one grant of each cause, the amounts worked out by hand below; the baseline
carried forward in the same month, dropped by a back-fill, and untouched by a killed build."""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from runner import discretion
from runner.cli import main
from runner.discretion import COMPLEMENTARY
from tests.extract_builder import Extracts, cpr

pytestmark = pytest.mark.e2e

S0, S1 = "2022-03-31", "2022-04-30"
K, K2 = "101", "147"


def extracts(month: int) -> Extracts:
    """month 3: as known on 31 March 2022; month 4: as known on 30 April. Every service runs in
    2022 (N = 365) with a rate per day unless said, so a cost is days x rate."""
    ex = Extracts()
    person = iter(cpr(date(1980, 1, 1), n) for n in range(100))
    march = month == 3
    if not march:  # ny: 1 Apr - 31 Dec = 275 days x 1,000 = 275,000 (botilbud)
        ex.ydelse(
            K, next(person), "107", "2022-04-01", takst=1000, takst_enhed="dag", bevilling_id="NY"
        )
    if march:  # bortfaldet: 365 x 500 = 182,500 (botilbud), gone in April
        ex.ydelse(
            K, next(person), "108", "2022-01-01", takst=500, takst_enhed="dag", bevilling_id="BORT"
        )
    # periode: open (365 x 200 = 73,000), then ends 30 June (181 x 200 = 36,200) (dagtilbud)
    ex.ydelse(
        K,
        next(person),
        "104",
        "2022-01-01",
        None if march else "2022-06-30",
        takst=200,
        takst_enhed="dag",
        bevilling_id="KORT",
    )
    # pris: 30,000 a month x 12 = 360,000, then 33,000 x 12 = 396,000 (hjaelperordning)
    ex.ydelse(
        K,
        next(person),
        "95",
        "2022-01-01",
        takst=30000 if march else 33000,
        takst_enhed="maaned",
        bevilling_id="PRIS",
    )
    # omklassificeret: §104 at 100 a day (36,500, dagtilbud) becomes §108 at 120 (43,800, botilbud)
    ex.ydelse(
        K,
        next(person),
        "104" if march else "108",
        "2022-01-01",
        takst=100 if march else 120,
        takst_enhed="dag",
        bevilling_id="FLYT",
    )
    # omklassificeret: paid by 101, then by 147: 365 x 300 = 109,500 (botilbud)
    ex.ydelse(
        K if march else K2,
        next(person),
        "107",
        "2022-01-01",
        takst=300,
        takst_enhed="dag",
        bevilling_id="KOMMUNE",
    )
    # bortfaldet: known since 10 January, then registered 15 May (after s1): 365 x 50 = 18,250
    ex.ydelse(
        K,
        next(person),
        "83",
        "2022-01-01",
        takst=50,
        takst_enhed="dag",
        oprettet_dato="2022-01-10" if march else "2022-05-15",
        bevilling_id="SEN",
    )
    # unchanged: 365 x 400 = 146,000 (botilbud)
    ex.ydelse(
        K, next(person), "108", "2022-01-01", takst=400, takst_enhed="dag", bevilling_id="SAMME"
    )
    # periode: a one-off grant of 10,000 dated 15 March, re-dated 20 December 2021 (not in Y)
    ex.engangsbevilling(
        K, next(person), "112", "2022-03-15" if march else "2021-12-20", 10000, bevilling_id="DATO"
    )
    return ex


# (kommune, omraade) -> {aarsag: (beloeb, bevillinger)}; rows not given are (0, 0).
EXPECTED = {
    (K, "total"): {
        "forrige": (
            935750,
            8,
        ),  # 182,500 + 73,000 + 360,000 + 36,500 + 109,500 + 10,000 + 18,250 + 146,000
        "ny": (275000, 1),
        "bortfaldet": (-200750, 2),  # -182,500 - 18,250
        "periode": (-46800, 2),  # -36,800 (KORT) - 10,000 (DATO)
        "pris": (36000, 1),
        "omklassificeret": (-102200, 2),  # FLYT nets +7,300 in 101; KOMMUNE -109,500
        "nu": (897000, 5),  # 275,000 + 36,200 + 396,000 + 43,800 + 146,000
    },
    (K, "botilbud"): {
        "forrige": (438000, 3),  # BORT, KOMMUNE, SAMME
        "ny": (275000, 1),
        "bortfaldet": (-182500, 1),
        "omklassificeret": (-65700, 2),  # +43,800 (FLYT in) - 109,500 (KOMMUNE out)
        "nu": (464800, 3),  # NY, FLYT, SAMME
    },
    (K, "dagtilbud"): {
        "forrige": (109500, 2),
        "periode": (-36800, 1),
        "omklassificeret": (-36500, 1),
        "nu": (36200, 1),
    },
    (K, "hjaelperordning"): {"forrige": (360000, 1), "pris": (36000, 1), "nu": (396000, 1)},
    (K, "stoette_i_eget_hjem"): {"forrige": (18250, 1), "bortfaldet": (-18250, 1)},
    (K, "merudgift_hjaelpemidler"): {"forrige": (10000, 1), "periode": (-10000, 1)},
    (K2, "total"): {"omklassificeret": (109500, 1), "nu": (109500, 1)},
    (K2, "botilbud"): {"omklassificeret": (109500, 1), "nu": (109500, 1)},
}
AREAS = (
    "total",
    "botilbud",
    "dagtilbud",
    "hjaelperordning",
    "stoette_i_eget_hjem",
    "merudgift_hjaelpemidler",
)
CAUSES = ("forrige", "ny", "bortfaldet", "periode", "pris", "omklassificeret", "nu")


def build(folder: Path, warehouse: Path, as_of: str, *extra: str) -> int:
    return main(
        [
            "build",
            "--extracts",
            str(folder),
            "--as-of",
            as_of,
            "--warehouse",
            str(warehouse),
            *extra,
        ]
    )


def rows(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select kommunekode, omraade, aarsag, beloeb, bevillinger, forrige_status_date, "
            "status_date from marts.aendringer"
        ).fetchall()
    return {(k, o, a): (b, n, str(s0), str(s1)) for k, o, a, b, n, s0, s1 in found}


def kilde(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select kilde from intermediate.int_aendringer_kilde").fetchone()[0]


def expected(s0: str, s1: str) -> dict:
    return {
        (k, o, a): (*EXPECTED.get((k, o), {}).get(a, (0, 0)), s0, s1)
        for k in (K, K2)
        for o in AREAS
        for a in CAUSES
    }


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("aendringer")
    return extracts(3).write(root / "marts"), extracts(4).write(root / "april")


@pytest.fixture(scope="module")
def april(folders, tmp_path_factory):
    """A warehouse published on 31 March (its first) and then on 30 April."""
    march_folder, april_folder = folders
    warehouse = tmp_path_factory.mktemp("pub") / "lis.duckdb"
    assert build(march_folder, warehouse, S0) == 0
    assert rows(warehouse) == {}
    assert kilde(warehouse) == "foerste_publikation"
    assert build(april_folder, warehouse, S1) == 0
    return warehouse


def copy(warehouse: Path, tmp_path: Path) -> Path:
    target = tmp_path / "lis.duckdb"
    shutil.copy(warehouse, target)
    return target


def test_each_cause_is_worked_out_grant_by_grant_and_sums_exactly(april):
    assert rows(april) == expected(S0, S1)
    assert kilde(april) == "forrige_maaned"
    with duckdb.connect(str(april), read_only=True) as con:
        eleven = dict(
            con.execute(
                "select kommunekode, taeller from marts.ind_11_udgifter_budget "
                f"where status_date = '{S1}' and opdeling = 'total'"
            ).fetchall()
        )
    assert eleven == {K: 897000, K2: 109500}


def test_a_second_build_of_the_month_carries_the_baseline_forward(april, folders, tmp_path):
    warehouse = copy(april, tmp_path)
    assert build(folders[1], warehouse, "2022-04-29") == 0
    assert kilde(warehouse) == "fremfoert"
    assert rows(warehouse) == expected(S0, "2022-04-29")  # still against 31 March


def test_a_back_fill_gives_no_rows_and_the_next_month_compares_with_it(
    april, folders, tmp_path, capsys
):
    warehouse = copy(april, tmp_path)
    assert build(folders[0], warehouse, "2022-03-30") == 0
    assert rows(warehouse) == {}
    assert kilde(warehouse) == "tilbagedatering"
    assert "marts.aendringer has no rows: tilbagedatering" in capsys.readouterr().err
    # The next build in April takes the back-filled publication as its baseline.
    assert build(folders[1], warehouse, S1) == 0
    assert rows(warehouse) == expected("2022-03-30", S1)


def test_a_first_month_after_the_first_publication_has_no_baseline_to_carry(folders, tmp_path):
    warehouse = tmp_path / "lis.duckdb"
    assert build(folders[0], warehouse, "2022-03-30") == 0
    assert build(folders[0], warehouse, S0) == 0
    assert (rows(warehouse), kilde(warehouse)) == ({}, "uden_grundlag")


def test_a_killed_build_leaves_the_published_baseline_and_an_open_reader_is_no_obstacle(
    april, folders, tmp_path
):
    warehouse = copy(april, tmp_path)
    before = warehouse.read_bytes()
    lis = Path(sys.executable).with_name("lis")
    process = subprocess.Popen(
        [
            str(lis),
            "build",
            "--extracts",
            str(folders[1]),
            "--as-of",
            "2022-05-31",
            "--warehouse",
            str(warehouse),
        ],
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(".building-" in p.name for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and process.poll() is None, "the build never started"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert warehouse.read_bytes() == before
    # An analyst holds the publication open read-only: the build reads its baseline all the same.
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; "
            f"c = duckdb.connect({str(warehouse)!r}, read_only=True); print('open', flush=True); "
            "time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        assert build(folders[1], warehouse, S1, "--full-refresh") == 0
    finally:
        reader.kill()
        reader.wait()
    assert kilde(warehouse) == "fremfoert"
    assert rows(warehouse) == expected(S0, S1)


def test_the_reports_show_the_waterfall_its_table_and_the_sentence(april, tmp_path):
    from runner.report import write_reports

    write_reports(april, tmp_path / "r", 1)
    # The page shows the warehouse's one pattern (the discreet export's, the audit's): in this
    # warehouse of eight grants and no budget it hides the total's periode and pris and the nu
    # of botilbud, dagtilbud and hjaelperordning (11's figures of those areas) as complements
    with duckdb.connect(str(april), read_only=True) as con:
        hidden = {
            (cell.breakdown, cell.value)
            for (kommune, cell), _ in discretion.discreet_pattern(con, 1)[1].items()
            if kommune == K and cell.mart == "aendringer"
        }
    assert {("total", "periode"), ("total", "pris"), ("botilbud", "nu")} <= hidden
    total = (
        "Siden 31. marts er de disponerede udgifter faldet 39.000 kr.: nye bevillinger "
        "+275.000 kr., ophørte −201.000 kr., flyttet mellem områder eller kommuner −102.000 kr."
    )
    botilbud = (
        "Ændringen i de disponerede udgifter til botilbud siden 31. marts vises ikke, fordi den "
        "gælder for få personer."
    )
    for audience in ("direktion", "ledere"):
        page = (tmp_path / "r" / f"{audience}_101.html").read_text(encoding="utf-8")
        section = page[
            page.index('id="aendringer"') : page.index("</section>", page.index('id="aendringer"'))
        ]
        assert total in section and botilbud in section
        # the total and each area whose nu is shown (a cause moved every area here)
        assert section.count("<svg") == 1 + sum(
            1
            for area in (
                "botilbud",
                "dagtilbud",
                "hjaelperordning",
                "stoette_i_eget_hjem",
                "merudgift_hjaelpemidler",
            )
            if (area, "nu") not in hidden
        )
        assert "−200.750" in section  # the table: bortfaldet on total, to the krone
    page = (tmp_path / "r" / "politikere_101.html").read_text(encoding="utf-8")
    section = page[
        page.index('id="aendringer"') : page.index("</section>", page.index('id="aendringer"'))
    ]
    assert total in section and "<svg" not in section and "botilbud" not in section


def test_a_grant_id_holding_a_cpr_number_is_kept_as_its_pseudonym_in_the_snapshot(tmp_path):
    ex = extracts(3)
    ex.ydelse(K, cpr(date(1981, 2, 2), 7), "107", "2022-01-01", bevilling_id="CPR 010180-1111")
    folder = ex.write(tmp_path / "extracts")
    warehouse = tmp_path / "lis.duckdb"
    assert build(folder, warehouse, S0) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ids = [
            i
            for (i,) in con.execute(
                "select bevilling_id from intermediate.int_bevillingsfoto"
            ).fetchall()
        ]
    assert len(ids) == 9 and not any("010180" in i or "0101801111" in i for i in ids)
    assert sum(i.startswith("pseudonym-") for i in ids) == 1


def aendringer_pattern(causes: dict, elleve: tuple, omraade: str = "botilbud") -> tuple:
    """The warehouse's pattern over one area's causes (aarsag -> (beloeb, bevillinger)) and 11's
    figure of that area ((disposed, budget, persons)): the marts' rows, their marks, the audit."""
    from runner.disclosure_audit import audit
    from runner.discretion import indicator_cells, mart_cells, pattern
    from runner.discretion_policy import Policy
    from runner.project import load_project

    policy = Policy.of(load_project())
    s0, s1 = date.fromisoformat(S0), date.fromisoformat(S1)
    rows = [
        {"kommunekode": K, "forrige_status_date": s0, "status_date": s1, "omraade": omraade,
         "aarsag": aarsag, "beloeb": float(beloeb), "bevillinger": bevillinger}
        for aarsag, (beloeb, bevillinger) in causes.items()
    ]  # fmt: skip
    disposed, budget, persons = elleve
    units = indicator_cells(
        [
            {
                "kommunekode": K,
                "status_date": s1,
                "indicator": indicator,
                "breakdown": breakdown,
                "breakdown_value": value,
                "numerator": float(n),
                "denominator": d,
                "value": v,
            }
            for indicator, breakdown, value, n, d, v in (
                ("02", "total", "total", persons, None, persons),
                (
                    "11",
                    *(("total", "total") if omraade == "total" else ("omraade", omraade)),
                    disposed,
                    float(budget),
                    disposed / budget,
                ),
            )
        ]  # fmt: skip
    )
    mart_cells(policy.by_model["aendringer"], rows, units)
    return rows, pattern(units, policy, 5), audit(units, policy, 5, 1)


def test_a_lone_hidden_cause_beside_causes_of_no_grants_is_protected_by_the_pattern():
    # 3 new grants of 58,632 kr. and no other cause: with the others shown as 0, the hidden amount
    # would be nu - forrige; the warehouse's pattern hides a second cell and the audit proves it
    rows, marks, findings = aendringer_pattern(
        {"forrige": (1_000_000, 40), "ny": (58_632, 3), "bortfaldet": (0, 0), "periode": (0, 0),
         "pris": (0, 0), "omklassificeret": (0, 0), "nu": (1_058_632, 43)},
        (1_058_632, 2_000_000, 43),
    )  # fmt: skip
    hidden = {cell.value: mark for (_, cell), mark in marks.items() if cell.mart == "aendringer"}
    assert hidden["ny"] == "<5" and len(hidden) >= 2
    # last month's figure was published last month: hiding it now would protect nothing
    assert "forrige" not in hidden
    assert findings == []


def test_the_total_waterfalls_ends_stay_shown_and_a_cause_of_no_grants_protects_the_few():
    # the demo's municipality 101: 3 new grants over 1,148 million kr.; the total's nu is 11's
    # total on the same page and forrige last month's, so hiding either protects nothing
    rows, marks, findings = aendringer_pattern(
        {"forrige": (1_148_120_592, 3953), "ny": (58_632, 3), "bortfaldet": (0, 0),
         "periode": (0, 0), "pris": (0, 0), "omklassificeret": (0, 0),
         "nu": (1_148_179_224, 3956)},
        (1_148_179_224, 1_150_662_000, 3956),
        omraade="total",
    )  # fmt: skip
    hidden = {(cell.mart, cell.value): mark for (_, cell), mark in marks.items()}
    assert hidden[("aendringer", "ny")] == "<5"
    assert not {("aendringer", "nu"), ("aendringer", "forrige")} & set(hidden)
    assert COMPLEMENTARY in hidden.values()
    assert findings == []


def test_the_reports_waterfall_shows_the_pattern_and_hides_a_figure_of_few_persons():
    # 11's botilbud is the money of 3 persons, hidden; nu is the same figure (same_as), so the
    # waterfall of botilbud must not show it: the page shows the marks, no chart, no amount
    from runner.report_aendringer import page, read
    from runner.report_labels import read_labels

    rows, marks, findings = aendringer_pattern(
        {"forrige": (900_000, 3), "ny": (0, 0), "bortfaldet": (0, 0), "periode": (0, 0),
         "pris": (100_000, 3), "omklassificeret": (0, 0), "nu": (1_000_000, 3)},
        (1_000_000, 2_000_000, 3),
    )  # fmt: skip
    assert findings == []
    con = duckdb.connect()
    con.execute("create schema marts; create schema seeds")
    con.execute(
        "create table seeds.budgetomraader as select 'botilbud' as omraade, 'Botilbud' as navn"
    )
    con.execute(
        "create table marts.aendringer (kommunekode varchar, forrige_status_date date, "
        "status_date date, omraade varchar, aarsag varchar, beloeb double, bevillinger integer)"
    )
    con.executemany(
        "insert into marts.aendringer values (?, ?, ?, ?, ?, ?, ?)",
        [list(r.values()) for r in rows],
    )
    cells = read(con, marks)["kommuner"][K]["cells"]
    assert cells["botilbud", "nu"].hidden and cells["botilbud", "forrige"].hidden
    shown = page(read(con, marks), K, "direktion", read_labels(con))["omraader"][0]
    assert shown["chart"] is None
    assert "1.000.000" not in shown["saetning"] and "vises ikke" in shown["saetning"]
    assert all("1.000" not in amount for _, amount, _ in shown["raekker"])
