"""Which reason code wins, duplicates that differ in one column, and codes at the edge of their
format: the staging layer alone, built in memory from rows written by hand.

extracts.md: "a row that breaks several rules gets the first code here that it earns". For every
extract and every pair of codes one row can earn at once, a row is written that earns both, and
the earlier code must win. Each way of breaking a rule is also tried alone, so a pair test cannot
pass because one of its two breaks did nothing.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import pytest

from runner import dag, execute
from runner.compile import Compiler
from runner.extracts import load_extracts
from runner.project import load_project

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small" / "extracts"

# The contract's order (extracts.md, "Bad input").
ORDER = [
    "missing_required",
    "cpr_invalid",
    "date_invalid",
    "period_invalid",
    "before_birth",
    "paragraf_unknown",
    "kommune_invalid",
    "number_invalid",
    "unit_invalid",
    "boolean_invalid",
    "duplicate_conflict",
    "duplicate_exact",
]
BORN_2023 = "0101234234"  # 7th digit 4 and YY 23 <= 36: born 1 January 2023

# Per extract: its id column (None: no id), a valid row, and for each code it can earn the ways
# of earning it, each a set of column values. A pair uses the first ways whose columns differ.
EXTRACTS = {
    "ydelser": (
        "bevilling_id",
        {
            "cpr": "0101801234",
            "paragraf": "107",
            "startdato": "2022-01-01",
            "betalingskommune": "751",
            "takst": "100",
            "takst_enhed": "dag",
        },
        {
            "missing_required": [
                {"paragraf": ""},
                {"betalingskommune": ""},
                {"cpr": ""},
            ],
            "cpr_invalid": [{"cpr": "3102801234"}],
            "date_invalid": [{"oprettet_dato": "2022-02-30"}],
            "period_invalid": [{"slutdato": "2021-12-31"}],
            "before_birth": [{"cpr": BORN_2023}, {"startdato": "1979-06-01"}],
            "paragraf_unknown": [{"paragraf": "110"}],
            "kommune_invalid": [{"betalingskommune": "75"}],
            "number_invalid": [{"takst": "-5"}, {"timer_pr_uge": "ca. 5"}],
            "unit_invalid": [{"takst_enhed": "uge"}],
            "boolean_invalid": [{"botilbudslignende": "måske"}],
        },
    ),
    "engangsbevillinger": (
        "bevilling_id",
        {
            "cpr": "0101801234",
            "paragraf": "112",
            "bevillingsdato": "2022-02-01",
            "beloeb": "1000",
            "betalingskommune": "751",
        },
        {
            "missing_required": [{"paragraf": ""}, {"betalingskommune": ""}, {"beloeb": ""}],
            "cpr_invalid": [{"cpr": "3102801234"}],
            "date_invalid": [{"oprettet_dato": "2022-02-30"}],
            "before_birth": [{"cpr": BORN_2023}, {"bevillingsdato": "1979-06-01"}],
            "paragraf_unknown": [{"paragraf": "107"}],
            "kommune_invalid": [{"betalingskommune": "75"}],
            "number_invalid": [{"beloeb": "-5"}],
        },
    ),
    "anbringelser": (
        "anbringelse_id",
        {
            "cpr": "0101801234",
            "anbringelsestype": "plejefamilie",
            "startdato": "2022-01-01",
            "betalingskommune": "751",
            "takst": "100",
            "takst_enhed": "dag",
        },
        {
            "missing_required": [
                {"anbringelsestype": ""},
                {"betalingskommune": ""},
                {"cpr": ""},
            ],
            "cpr_invalid": [{"cpr": "3102801234"}],
            "date_invalid": [{"oprettet_dato": "2022-02-30"}],
            "period_invalid": [{"slutdato": "2021-12-31"}],
            "before_birth": [{"cpr": BORN_2023}, {"startdato": "1979-06-01"}],
            "kommune_invalid": [{"betalingskommune": "75"}],
            "number_invalid": [{"takst": "-5"}],
            "unit_invalid": [{"takst_enhed": "uge"}],
        },
    ),
    "budget": (
        None,
        {"aar": "2022", "betalingskommune": "751", "omraade": "botilbud", "beloeb": "1000"},
        {
            "missing_required": [{"omraade": ""}, {"aar": ""}],
            "kommune_invalid": [{"betalingskommune": "75"}],
            "number_invalid": [{"beloeb": "-5"}, {"aar": "20x2"}],
        },
    ),
    "leverandoerer": (
        "leverandoer_id",
        {"navn": "Bostedet", "leverandoertype": "egen", "ejerkommune": "751"},
        {
            "missing_required": [{"leverandoer_id": ""}],
            "kommune_invalid": [{"ejerkommune": "75"}],
        },
    ),
    "befolkning": (
        None,
        {"aar": "2022", "kommunekode": "751", "koen": "M", "alder": "30", "antal": "100"},
        {
            "missing_required": [{"antal": ""}, {"alder": ""}],
            "kommune_invalid": [{"kommunekode": "75"}],
            "number_invalid": [{"antal": "-5"}, {"alder": "tredive"}],
        },
    ),
    "sagsbehandlere": (
        "sagsbehandler_id",
        {"navn": "Anne", "team": "Voksen"},
        {"missing_required": [{"sagsbehandler_id": ""}]},
    ),
}


@pytest.fixture(scope="module")
def staging_nodes():
    project = load_project(ROOT)
    compiler = Compiler(project, {"as_of": "2022-03-31", "pseudonym_key": "test-key"})
    nodes = {
        name: compiler.compile_node(node)
        for name, node in project.nodes.items()
        if node.layer == "staging"
    }
    return project, dag.plan(nodes, project.layers)[0]


def columns_of(extract: str) -> list[str]:
    return (SMALL / f"{extract}.csv").read_text(encoding="utf-8").splitlines()[0].split(";")


def stage(staging_nodes, tmp_path: Path, extract: str, rows: list[dict]) -> dict[int, str | None]:
    """Write `rows` as the extract (the worked example's other files beside it), build staging,
    and give each row's reason code by its line in the file (None: staged)."""
    project, nodes = staging_nodes
    folder = tmp_path / "extracts"
    folder.mkdir()
    for other in SMALL.iterdir():
        if other.name != f"{extract}.csv":
            (folder / other.name).write_bytes(other.read_bytes())
    header = columns_of(extract)
    lines = [";".join(header)] + [";".join(row.get(c, "") for c in header) for row in rows]
    (folder / f"{extract}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect()
    execute.load_seeds(con, project.seeds)
    load_extracts(con, folder, project.source_tables(), project.extract_overrides)
    for node in nodes:
        execute.run_model(con, node)
    quarantined = dict(
        con.execute(
            "select line, reason from audit.quarantine where extract = ?", [extract]
        ).fetchall()
    )
    return {line: quarantined.get(line) for line in range(2, len(rows) + 2)}


def row_of(extract: str, number: int, *changes: dict) -> dict:
    id_column, base, _ = EXTRACTS[extract]
    row = {id_column: f"P{number:03d}"} if id_column else {}
    row |= base
    for change in changes:
        row |= change
    return row


def disjoint(ways_a: list[dict], ways_b: list[dict]) -> tuple[dict, dict]:
    for a, b in itertools.product(ways_a, ways_b):
        if not set(a) & set(b):
            return a, b
    raise AssertionError(f"no two ways with different columns: {ways_a} {ways_b}")


def pairs(extract: str):
    codes = [code for code in ORDER if code in EXTRACTS[extract][2]]
    return list(itertools.combinations(codes, 2))


@pytest.mark.parametrize("extract", EXTRACTS)
def test_each_way_of_breaking_a_rule_earns_its_code_alone(staging_nodes, tmp_path, extract):
    ways = [(code, way) for code, all_ways in EXTRACTS[extract][2].items() for way in all_ways]
    rows = [row_of(extract, 1)] + [row_of(extract, n + 2, way) for n, (_, way) in enumerate(ways)]
    got = stage(staging_nodes, tmp_path, extract, rows)
    assert got[2] is None, f"the valid {extract} row was quarantined as {got[2]}"
    want = {n + 3: code for n, (code, _) in enumerate(ways)}
    assert {line: got[line] for line in want} == want


@pytest.mark.parametrize("extract", EXTRACTS)
def test_the_earlier_of_two_codes_wins(staging_nodes, tmp_path, extract):
    rules = EXTRACTS[extract][2]
    cases = pairs(extract)
    rows = [row_of(extract, n + 1, *disjoint(rules[a], rules[b])) for n, (a, b) in enumerate(cases)]
    got = stage(staging_nodes, tmp_path, extract, rows)
    wrong = {f"{a} + {b}": got[n + 2] for n, (a, b) in enumerate(cases) if got[n + 2] != a}
    assert not wrong, f"{extract}: the later code won (pair: code given) {wrong}"


@pytest.mark.parametrize(
    "extract,other",
    [("ydelser", "takst"), ("anbringelser", "takst"), ("engangsbevillinger", "beloeb")],
)
def test_a_rule_broken_wins_over_the_duplicate_rules(staging_nodes, tmp_path, extract, other):
    """A row that breaks a rule and shares its id with a row that differs, or copies an earlier
    row exactly, gets the rule's code: the duplicate rules come last."""
    rules = EXTRACTS[extract][2]
    rows, want = [], {}
    for n, (code, ways) in enumerate(rules.items()):
        broken = row_of(extract, 100 + n, ways[0])
        rows.append(broken)
        want[len(rows) + 1] = code
        rows.append(broken)  # an exact copy, which the duplicate rule alone would send away
        want[len(rows) + 1] = code
        rows.append(row_of(extract, 100 + n, {other: "200"}))  # same id, another amount
        want[len(rows) + 1] = "duplicate_conflict"
    got = stage(staging_nodes, tmp_path, extract, rows)
    assert got == want


# Every column of each extract that can differ between two rows of the same id, with a second
# valid value. Two such rows are both duplicate_conflict; two rows of budget (no id) that differ
# in one column are two budget lines, both staged.
OTHER_VALUE = {
    "ydelser": {
        "cpr": "1506054321",
        "paragraf": "108",
        "startdato": "2022-01-02",
        "slutdato": "2022-12-31",
        "betalingskommune": "101",
        "leverandoer_id": "L1",
        "sagsbehandler_id": "S1",
        "timer_pr_uge": "10",
        "takst": "101",
        "takst_enhed": "maaned",
        "botilbudslignende": "nej",
        "maalgruppe": "autisme",
        "oprettet_dato": "2022-01-01",
    },
    "engangsbevillinger": {
        "cpr": "1506054321",
        "paragraf": "114",
        "bevillingsdato": "2022-02-02",
        "beloeb": "1001",
        "betalingskommune": "101",
        "sagsbehandler_id": "S1",
        "kategori": "kørestol",
        "oprettet_dato": "2022-01-01",
    },
    "anbringelser": {
        "cpr": "1506054321",
        "anbringelsestype": "opholdssted",
        "startdato": "2022-01-02",
        "slutdato": "2022-12-31",
        "betalingskommune": "101",
        "leverandoer_id": "L1",
        "takst": "101",
        "takst_enhed": "maaned",
        "oprettet_dato": "2022-01-01",
    },
    "leverandoerer": {"navn": "Andet navn", "leverandoertype": "privat", "ejerkommune": "101"},
    "sagsbehandlere": {"navn": "Bente", "team": "Børn"},
    "budget": {"aar": "2023", "betalingskommune": "101", "omraade": "dagtilbud", "beloeb": "1001"},
}


@pytest.mark.parametrize("extract", OTHER_VALUE)
def test_two_rows_that_differ_in_one_column(staging_nodes, tmp_path, extract):
    id_column = EXTRACTS[extract][0]
    header = [c for c in columns_of(extract) if c != id_column]
    assert set(OTHER_VALUE[extract]) == set(header), "a column of the extract has no case"
    rows, want = [], {}
    for n, column in enumerate(header):
        first = row_of(extract, n + 1)
        if id_column is None:  # every budget pair its own year, so pairs do not meet each other
            first["aar"] = str(2000 + n)
        second = first | {column: OTHER_VALUE[extract][column]}
        rows += [first, second]
        code = "duplicate_conflict" if id_column else None
        want[len(rows)] = want[len(rows) + 1] = code
    got = stage(staging_nodes, tmp_path, extract, rows)
    assert got == want


# -- codes at the edge of their format --------------------------------------------------------

KOMMUNER = [
    ("751", "751"),
    (" 751 ", "751"),
    ("0751", "751"),
    ("0101", "101"),
    ("00751", None),  # two leading zeros: not a 3-digit code after the one allowed
    ("1751", None),  # four digits that do not start with 0
    ("75", None),
    ("075", "075"),  # three digits: kept as written, leading zero included
    ("7 51", None),
    ("751a", None),
]


def test_municipality_codes_at_the_edge(staging_nodes, tmp_path):
    rows = [
        row_of("ydelser", n + 1, {"betalingskommune": text}) for n, (text, _) in enumerate(KOMMUNER)
    ]
    got = stage(staging_nodes, tmp_path, "ydelser", rows)
    assert [got[n + 2] for n in range(len(rows))] == [
        None if code else "kommune_invalid" for _, code in KOMMUNER
    ]


PARAGRAFFER = [
    ("107", "107"),
    ("§107", "107"),
    ("SEL § 107", "107"),
    ("107 stk. 1", "107"),
    ("§ 107, stk. 2", "107"),
    ("sel §107", "107"),
    ("§ 82 a", "82a"),
    ("82 A", "82a"),
    ("107 midlertidigt botilbud", None),  # words after the paragraph: not a paragraph
    ("botilbud 107", None),
    ("1077", None),
    ("§ 10 7", None),
]


def test_paragraph_strings_at_the_edge(staging_nodes, tmp_path):
    rows = [row_of("ydelser", n + 1, {"paragraf": text}) for n, (text, _) in enumerate(PARAGRAFFER)]
    got = stage(staging_nodes, tmp_path, "ydelser", rows)
    assert [got[n + 2] for n in range(len(rows))] == [
        None if paragraf else "paragraf_unknown" for _, paragraf in PARAGRAFFER
    ]


# The century of a CPR number's birth date at every boundary of the 7th digit (extracts.md): 0-3
# the 1900s; 4 and 9 the 2000s up to YY 36, else the 1900s; 5-8 the 2000s up to YY 57, else the
# 1800s. (digit, YY, the year of birth)
CENTURIES = [
    *((d, yy, 1900 + yy) for d in (0, 1, 2, 3) for yy in (0, 36, 37, 57, 58, 99)),
    *((d, yy, (2000 if yy <= 36 else 1900) + yy) for d in (4, 9) for yy in (0, 36, 37, 99)),
    *((d, yy, (2000 if yy <= 57 else 1800) + yy) for d in (5, 6, 7, 8) for yy in (0, 57, 58, 99)),
]


def test_cpr_centuries_at_every_boundary_of_the_7th_digit(staging_nodes, tmp_path):
    """The birth date shows in before_birth: a service starting the day before the birthday is
    quarantined, one starting on it is staged."""
    rows = []
    for n, (digit, yy, year) in enumerate(CENTURIES):
        cpr = f"0101{yy:02d}{digit}234"
        rows.append(row_of("ydelser", 2 * n, {"cpr": cpr, "startdato": f"{year - 1}-12-31"}))
        rows.append(row_of("ydelser", 2 * n + 1, {"cpr": cpr, "startdato": f"{year}-01-01"}))
    got = stage(staging_nodes, tmp_path, "ydelser", rows)
    wrong = [
        (f"0101{yy:02d}{digit}234", year)
        for n, (digit, yy, year) in enumerate(CENTURIES)
        if (got[2 * n + 2], got[2 * n + 3]) != ("before_birth", None)
    ]
    assert not wrong, f"born in another year than the contract says: {wrong}"
