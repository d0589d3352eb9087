"""runner/extracts.py: every dialect of the input contract lands in raw.<extract> as the same
text."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from runner.extract_files import ExtractError, extract_files
from runner.extracts import load_extracts
from runner.project import load_project

ROOT = Path(__file__).resolve().parent.parent
SOURCES = load_project(ROOT).source_tables()
# the required extracts with a header only, so that a test can write just the file it is about
MINIMAL = {
    "leverandoerer.csv": "leverandoer_id;navn;leverandoertype\n",
    "sagsbehandlere.csv": "sagsbehandler_id;navn;team\n",
    "budget.csv": "aar;betalingskommune;omraade;beloeb\n",
    "ydelser.csv": "bevilling_id;cpr;paragraf;startdato;betalingskommune\n",
}
# Header-only files stand in for the extracts a test is not about: let them be empty.
EMPTY_OK = {name.split(".")[0]: {"may_be_empty": True} for name in MINIMAL}


def folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """An extracts folder with the given files; a required extract not there yet gets a
    header-only file."""
    for name, content in files.items():
        (tmp_path / name).write_bytes(
            content if isinstance(content, bytes) else content.encode("utf-8")
        )
    for name, content in MINIMAL.items():
        if not any(p.name.startswith(name.split(".")[0]) for p in tmp_path.iterdir()):
            (tmp_path / name).write_text(content)
    return tmp_path


def load(
    extracts_dir: Path, overrides: dict | None = None
) -> tuple[duckdb.DuckDBPyConnection, dict]:
    con = duckdb.connect()
    settings = {
        name: {**EMPTY_OK.get(name, {}), **(overrides or {}).get(name, {})}
        for name in {*EMPTY_OK, *(overrides or {})}
    }
    return con, load_extracts(con, extracts_dir, SOURCES, settings)


def rows(con, extract: str, columns: str) -> list[tuple]:
    return con.execute(f"SELECT {columns} FROM raw.{extract} ORDER BY _file, _line").fetchall()


def test_utf8_with_bom_semicolons_quotes_and_crlf(tmp_path):
    text = (
        "\ufeffleverandoer_id;navn;leverandoertype\r\n"
        'L1;"Bo; og Ærø";egen\r\n'
        'L2;"Sagt ""nej""";privat\r\n'
    )
    con, counts = load(folder(tmp_path, {"leverandoerer.csv": text.encode("utf-8")}))
    assert counts["leverandoerer"] == 2
    assert rows(con, "leverandoerer", "leverandoer_id, navn, leverandoertype, _file, _line") == [
        ("L1", "Bo; og Ærø", "egen", "leverandoerer.csv", 2),
        ("L2", 'Sagt "nej"', "privat", "leverandoerer.csv", 3),
    ]


def test_windows_1252_without_and_with_bytes_latin_1_reads_differently(tmp_path):
    # 'Søren Æbelø' has no byte in 0x80-0x9F (read as Latin-1); the en dash is 0x96 (transcoded).
    con, _ = load(
        folder(
            tmp_path,
            {
                "sagsbehandlere.csv": (
                    "sagsbehandler_id,navn,team\r\nS1,Søren Æbelø,Vest\r\n".encode("cp1252")
                ),
                "leverandoerer.csv": (
                    "leverandoer_id;navn;leverandoertype\r\nL1;Åen – bofællesskab;privat\r\n"
                ).encode("cp1252"),
            },
        )
    )
    assert rows(con, "sagsbehandlere", "sagsbehandler_id, navn, team") == [
        ("S1", "Søren Æbelø", "Vest")
    ]
    assert rows(con, "leverandoerer", "navn, _line") == [("Åen – bofællesskab", 2)]


def test_windows_1252_bytes_before_the_first_that_is_not_utf_8_are_read_as_windows_1252(tmp_path):
    # The first 4 MB read as UTF-8 ('Å' is C3 85 there); the 'ø' after them (F8) does not: the
    # file is Windows-1252 throughout, so C3 85 is 'Ã…' (0x85 is '…' there, not Latin-1's control
    # character), and a byte Windows-1252 lacks (0x81) in those first megabytes is still found.
    padding = "".join(f"S{i};x;Vest\r\n" for i in range(2, 500_000)).encode("ascii")
    assert len(padding) > 1 << 22

    def extract(first: str) -> bytes:
        return (
            b"sagsbehandler_id;navn;team\r\nS1;"
            + first.encode("utf-8")
            + b";Vest\r\n"
            + padding
            + "S0;Søren;Øst\r\n".encode("cp1252")
        )

    con, _ = load(folder(tmp_path, {"sagsbehandlere.csv": extract("Åen")}))
    assert rows(con, "sagsbehandlere", "navn")[0] == ("Ã…en",)
    assert rows(con, "sagsbehandlere", "navn")[-1] == ("Søren",)
    (tmp_path / "sagsbehandlere.csv").write_bytes(extract("Áen"))  # C3 81
    with pytest.raises(ExtractError, match=r"neither UTF-8 nor Windows-1252 \(byte 0x81 "):
        load(tmp_path)


def test_comma_delimiter_header_case_extra_and_missing_optional_columns(tmp_path):
    text = (
        "Sagsbehandler_ID, NAVN ,Afdeling\n"  # no 'team' (optional), an extra column
        "S1,  Anne  ,Nord\n"
        "S2,,Syd\n"
    )
    con, _ = load(folder(tmp_path, {"sagsbehandlere.csv": text}))
    # values trimmed, empty text is NULL, the missing optional column is NULL, the extra one is
    # dropped
    assert rows(con, "sagsbehandlere", "*") == [
        ("S1", "Anne", None, "sagsbehandlere.csv", 2),
        ("S2", None, None, "sagsbehandlere.csv", 3),
    ]


def test_an_extract_split_over_files_of_every_kind(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["bevilling_id", "cpr", "paragraf", "startdato", "betalingskommune", "takst"])
    sheet.append(["X1", 101801234, 107, datetime.datetime(2022, 3, 1), 751, 2500.5])
    sheet.append([])  # an empty row is skipped ...
    sheet.append(
        ["X2", "0101801234", "§ 85", "01-03-2022", 101, 2500.0]
    )  # ... and numbering goes on
    workbook.save(tmp_path / "ydelser_2023.xlsx")
    duckdb.execute(f"""COPY (SELECT * FROM (VALUES
                                 ('P1', '0101801234', 108, DATE '2022-01-31', 75, 1300000.0),
                                 ('P2', '0101801234', 85, DATE '2021-12-01', 751, 99.25))
                             t(bevilling_id, cpr, paragraf, startdato, betalingskommune, takst))
                       TO '{tmp_path / "ydelser-del2.parquet"}' (FORMAT parquet)""")
    files = {
        "ydelser.csv": (
            "bevilling_id;cpr;paragraf;startdato;betalingskommune\n"
            "C1;0101801234;107;2022-01-01;751\n"
        )
    }
    con, counts = load(folder(tmp_path, files))
    assert counts["ydelser"] == 5
    assert rows(
        con,
        "ydelser",
        "_file, _line, bevilling_id, cpr, paragraf, startdato, betalingskommune, takst",
    ) == [
        ("ydelser-del2.parquet", 1, "P1", "0101801234", "108", "2022-01-31", "075", "1300000"),
        ("ydelser-del2.parquet", 2, "P2", "0101801234", "85", "2021-12-01", "751", "99.25"),
        ("ydelser.csv", 2, "C1", "0101801234", "107", "2022-01-01", "751", None),
        # numbers in xlsx lose leading zeros: cpr and betalingskommune get them back
        ("ydelser_2023.xlsx", 2, "X1", "0101801234", "107", "2022-03-01", "751", "2500.5"),
        ("ydelser_2023.xlsx", 4, "X2", "0101801234", "§ 85", "01-03-2022", "101", "2500"),
    ]


def test_files_belong_to_the_longest_extract_name_they_start_with(tmp_path):
    for name in [
        "ydelser.csv",
        "ydelser_historik.csv",
        "Ydelser_2023.CSV",
        "ydelser.csv.bak",
        "ydelserne.txt",
        "budget.xlsx",
        "notes.csv",
    ]:
        (tmp_path / name).write_text("x")
    found = extract_files(tmp_path, ["ydelser", "ydelser_historik", "budget"])
    assert {name: [p.name for p in paths] for name, paths in found.items()} == {
        "ydelser": ["Ydelser_2023.CSV", "ydelser.csv"],
        "ydelser_historik": ["ydelser_historik.csv"],
        "budget": ["budget.xlsx"],
    }


@pytest.mark.parametrize(
    "suffix, options", [("csv", "HEADER, DELIMITER ';'"), ("parquet", "ROW_GROUP_SIZE 2048")]
)
def test_line_numbers_follow_the_file_on_a_multi_megabyte_file_read_by_two_threads(
    tmp_path, suffix, options
):
    path = tmp_path / f"ydelser.{suffix}"
    duckdb.execute(f"""COPY (SELECT 'G' || i AS bevilling_id, '0101801234' AS cpr,
                                    '107' AS paragraf, '2022-01-01' AS startdato,
                                    '751' AS betalingskommune, md5(CAST(i AS VARCHAR)) AS fyld
                             FROM range(200000) t(i))
                       TO '{path}' ({options})""")
    assert path.stat().st_size > 2_000_000
    con = duckdb.connect(config={"threads": 2})
    load_extracts(con, folder(tmp_path, {}), SOURCES, EMPTY_OK)
    first = 2 if suffix == "csv" else 1  # the header is line 1; parquet has none
    misplaced = con.execute(
        f"SELECT count(*) FROM raw.ydelser WHERE bevilling_id <> 'G' || (_line - {first})"
    )
    assert misplaced.fetchall() == [(0,)]


def test_a_missing_optional_extract_is_empty(tmp_path):
    con, counts = load(folder(tmp_path, {}))
    assert counts["anbringelser"] == 0 and counts["engangsbevillinger"] == 0
    assert [d[0] for d in con.execute("SELECT * FROM raw.anbringelser").description][-2:] == [
        "_file",
        "_line",
    ]


def test_a_missing_required_extract_names_the_file_it_expected(tmp_path):
    folder(tmp_path, {})
    (tmp_path / "budget.csv").unlink()
    with pytest.raises(
        ExtractError, match=r"budget\*\.csv\|\.parquet\|\.xlsx: the required extract 'budget'"
    ):
        load(tmp_path)


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"ydelser.csv": "bevilling_id;CPR;paragraf;betalingskommune\nG1;0101801234;107;751\n"},
            r"^ydelser\.csv: the required column 'startdato' of extract 'ydelser' is missing",
        ),
        (
            {"budget_2023.csv": "aar,omraade,beloeb\n2023,botilbud,1\n"},
            r"^budget_2023\.csv: the required column 'betalingskommune'",
        ),
        ({"sagsbehandlere.csv": ""}, r"^sagsbehandlere\.csv: the file is empty"),
        (
            {"sagsbehandlere.csv": "sagsbehandler_id;navn\nS1;0101801234;b\n"},
            (
                r"^sagsbehandlere\.csv, line 2: cannot be read: "
                r"Expected Number of Columns: 2 Found: 3$"
            ),
        ),
        (
            {"sagsbehandlere.csv": "sagsbehandler_id;navn;Navn\nS1;a;b\n"},
            r"^sagsbehandlere\.csv: the column 'navn' appears twice in the header",
        ),
        (
            {"sagsbehandlere.csv": b"sagsbehandler_id;navn\nS1;\x81\n"},
            r"^sagsbehandlere\.csv: neither UTF-8 nor Windows-1252",
        ),
        (
            {"leverandoerer.xlsx": b"not a zip file"},
            r"^leverandoerer\.xlsx: cannot be read as an xlsx workbook",
        ),
        ({"leverandoerer.parquet": b"not parquet"}, r"^leverandoerer\.parquet: cannot be read"),
    ],
)
def test_a_file_that_cannot_be_used_stops_the_load_with_one_line_naming_it(
    tmp_path, files, message
):
    with pytest.raises(ExtractError, match=message) as raised:
        load(folder(tmp_path, files))
    assert "\n" not in str(raised.value) and "0101801234" not in str(raised.value)


def test_the_project_may_fix_a_delimiter_and_an_encoding(tmp_path):
    # A '|' file whose header has more commas than bars would be read with ',' by the detection.
    text = "sagsbehandler_id|navn|team\nS1|Hansen, Åse|Vest\n"
    con, _ = load(
        folder(tmp_path, {"sagsbehandlere.csv": text.encode("cp1252")}),
        {"sagsbehandlere": {"delimiter": "|", "encoding": "windows-1252"}},
    )
    assert rows(con, "sagsbehandlere", "navn") == [("Hansen, Åse",)]
    with pytest.raises(ExtractError, match="extracts.sagsbehandlere: encoding 'ebcdic'"):
        load(tmp_path, {"sagsbehandlere": {"encoding": "ebcdic"}})
    with pytest.raises(ExtractError, match="unknown option"):
        load(tmp_path, {"sagsbehandlere": {"quote": "'"}})


def test_raw_lives_beside_the_warehouse_not_in_it(tmp_path):
    (tmp_path / "extracts").mkdir()
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    load_extracts(con, folder(tmp_path / "extracts", {}), SOURCES, EMPTY_OK)
    assert con.execute("SELECT count(*) FROM raw.ydelser").fetchall() == [(0,)]
    con.close()
    tables = (
        duckdb.connect(str(warehouse)).execute("SELECT count(*) FROM duckdb_tables()").fetchall()
    )
    assert tables == [(0,)]


def test_parquet_numbers_reach_raw_whole_and_a_non_finite_takst_is_one_bad_value(tmp_path):
    # An 11-digit CPR number, a 4-digit kommune code, NaN and infinity must reach staging as they
    # are, to be quarantined there (cpr_invalid, kommune_invalid, number_invalid), not cut or fail.
    duckdb.execute(f"""COPY (SELECT * FROM (VALUES
                             ('G1', 12345678901, '107', DATE '2022-01-01', 7510, 'nan'::DOUBLE),
                             ('G2', 101801234, '107', DATE '2022-01-01', 751, 'inf'::DOUBLE),
                             ('G3', 101801234, '107', DATE '2022-01-01', 1, 2500.0))
                             t(bevilling_id, cpr, paragraf, startdato, betalingskommune, takst))
                       TO '{tmp_path / "ydelser.parquet"}'""")
    con, _ = load(folder(tmp_path, {}))
    assert rows(con, "ydelser", "bevilling_id, cpr, betalingskommune, takst") == [
        ("G1", "12345678901", "7510", "nan"),
        ("G2", "0101801234", "751", "inf"),
        ("G3", "0101801234", "001", "2500"),
    ]


def test_a_required_extract_with_a_header_only_is_broken_unless_the_project_allows_it(
    tmp_path,
):
    extracts = folder(tmp_path, {})
    con = duckdb.connect()
    with pytest.raises(
        ExtractError,
        match=r"^budget\.csv: the required extract 'budget' has no data rows .*"
        r"extracts\.budget\.may_be_empty: true in lis_project\.yml$",
    ):
        load_extracts(con, extracts, SOURCES, {**EMPTY_OK, "budget": {}})
    assert load_extracts(con, extracts, SOURCES, EMPTY_OK)["budget"] == 0


SAGSBEHANDLERE = "sagsbehandler_id;navn;team"


@pytest.mark.parametrize(
    "content",
    [
        f"{SAGSBEHANDLERE}\rS1;a;Vest\rS2;b;Øst\r".encode(),  # CR only (old Mac)
        f"{SAGSBEHANDLERE}\r\nS1;a;Vest\nS2;b;Øst\r\n".encode(),  # CRLF with one LF line
        f"{SAGSBEHANDLERE}\nS1;a;Vest\r\nS2;b;Øst\n".encode(),  # LF with one CRLF line
        f"{SAGSBEHANDLERE}\r\nS1;a;Vest\nS2;b;Øst\r\nS3;–;Nord\r\n".encode("cp1252"),
    ],
    ids=["cr", "crlf-with-lf", "lf-with-crlf", "cp1252-mixed"],
)
def test_every_line_ending_and_a_mix_of_them_is_read(tmp_path, content):
    con, _ = load(folder(tmp_path, {"sagsbehandlere.csv": content}))
    assert rows(con, "sagsbehandlere", "sagsbehandler_id, team, _line")[:2] == [
        ("S1", "Vest", 2),
        ("S2", "Øst", 3),
    ]


def test_lf_lines_after_megabytes_of_cr_lines_are_a_mix(tmp_path):
    # Line endings are counted by chunks of 4 MB (1 << 22 bytes): here the first chunk is CR
    # lines only, the next LF lines only, whose LFs must be counted too.
    head = (SAGSBEHANDLERE + "\r" + "".join(f"S{i};a;Vest\r" for i in range(1, 250_000))).encode()
    last = b"S0;" + b"x" * ((1 << 22) - len(head) - len(b"S0;;Nord\r")) + b";Nord\r"
    assert len(head + last) == 1 << 22
    con, counts = load(folder(tmp_path, {"sagsbehandlere.csv": head + last + b"S9;c;Syd\n" * 9}))
    assert counts["sagsbehandlere"] == 250_000 + 9
    assert rows(con, "sagsbehandlere", "sagsbehandler_id, team, _line")[-11:-8] == [
        ("S249999", "Vest", 250_000),
        ("S0", "Nord", 250_001),
        ("S9", "Syd", 250_002),
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            f"{SAGSBEHANDLERE}\nS1;a;Vest\n".encode("utf-16"),
            r"^sagsbehandlere\.csv, line 1: UTF-16 or a NUL byte; the contract allows UTF-8 or "
            r"Windows-1252$",
        ),
        (
            (
                f"{SAGSBEHANDLERE}\n" + "S1;a;Vest\n" * 10_000 + "S2;0101801234;" + "x" * 5_000_000
            ).encode(),
            r"^sagsbehandlere\.csv, line 10002: cannot be read: Maximum line size of \d+ bytes "
            r"exceeded",
        ),
        (
            (
                f"{SAGSBEHANDLERE}\n" + "S1;a;Vest\n" * 10_000 + 'S2;"0101801234;Vest\nS3;b;c\n'
            ).encode(),
            r"^sagsbehandlere\.csv, line 10002: cannot be read: Value with unterminated quote",
        ),
        (
            (f"{SAGSBEHANDLERE}\r\n" + "S1;a;Vest\r\n" * 10 + "S2;0101801234;Vest;x\n").encode(),
            (
                r"^sagsbehandlere\.csv, line 12: cannot be read: "
                r"Expected Number of Columns: 3 Found: 4$"
            ),
        ),
    ],
    ids=["utf-16", "5-mb-field", "unterminated-quote", "mixed-endings-bad-row"],
)
def test_an_unreadable_file_names_the_file_the_line_and_the_reason(tmp_path, content, message):
    with pytest.raises(ExtractError, match=message) as raised:
        load(folder(tmp_path, {"sagsbehandlere.csv": content}))
    assert "\n" not in str(raised.value) and "0101801234" not in str(raised.value)


def test_a_killed_load_leaves_no_clear_text_copy_of_a_windows_1252_file(tmp_path):
    (tmp_path / "tmp").mkdir()
    row = "G1;0101801234;107;2022-01-01;751;Åen – bofællesskab\n"  # '–' is 0x96: transcoded
    text = "bevilling_id;cpr;paragraf;startdato;betalingskommune;leverandoer_id\n" + row * 400_000
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    folder(extracts, {"ydelser.csv": text.encode("cp1252")})
    loader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            "from runner.extracts import load_extracts\n"
            "from runner.project import load_project\n"
            f"project = load_project(__import__('pathlib').Path({str(ROOT)!r}))\n"
            "con = duckdb.connect(config={'threads': 1})\n"
            f"load_extracts(con, __import__('pathlib').Path({str(extracts)!r}), "
            f"project.source_tables(), {EMPTY_OK!r})\n"
            "print('loaded', flush=True)\n",
        ],
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not any((tmp_path / "tmp").glob("lis-*/*")):
            assert loader.poll() is None and time.monotonic() < deadline, "no scratch file seen"
            time.sleep(0.01)
        loader.kill()
        loader.wait()
    finally:
        loader.kill()
    left = [path for path in (tmp_path / "tmp").rglob("*") if path.is_file()]
    assert left == []  # at most an empty pipe: is_file() is False for a FIFO
