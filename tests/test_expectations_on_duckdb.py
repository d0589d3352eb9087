"""runner.gates against real DuckDB files: every supported expectation type passing and
failing, CPR masking, broken expectations, the GE fix for DuckDB and releasing the file."""

import gc
import json
import logging
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from runner import ge_duckdb
from runner.errors import ProjectError
from runner.gates import run_expectations
from runner.privacy import mask_cpr
from runner.project import Expectation

TABLE = "staging.bevillinger"
# G3 ends before it starts and has no amount; G4 is registered twice, once under paragraph 999.
ROWS = """
    ('G1', '0101801234', '107', 100, 100, DATE '2022-01-01', DATE '2022-03-31'),
    ('G2', '1506054321', '96',  200, 300, DATE '2022-03-11', NULL),
    ('G3', '3103551789', '108', NULL, 50, DATE '2022-01-01', DATE '2021-12-31'),
    ('G4', '2002604567', '85',  50,  60,  DATE '2022-01-01', DATE '2022-02-28'),
    ('G4', '2002604567', '999', 50,  60,  DATE '2022-02-01', DATE '2022-02-01')
"""

PARAGRAFFER = ["85", "96", "107", "108"]
# id: (type, kwargs, success, unexpected_count, examples); for expectations without a count,
# the observed value instead of examples.
CASES = {
    "not_null_pass": (
        "expect_column_values_to_not_be_null",
        {"column": "bevilling_id"},
        True,
        0,
        [],
    ),
    "not_null_fail": ("expect_column_values_to_not_be_null", {"column": "belob"}, False, 1, [None]),
    "unique_pass": ("expect_column_values_to_be_unique", {"column": "paragraf"}, True, 0, []),
    "unique_fail": (
        "expect_column_values_to_be_unique",
        {"column": "bevilling_id"},
        False,
        2,
        ["G4"],
    ),
    "in_set_pass": (
        "expect_column_values_to_be_in_set",
        {"column": "paragraf", "value_set": [*PARAGRAFFER, "999"]},
        True,
        0,
        [],
    ),
    "in_set_fail": (
        "expect_column_values_to_be_in_set",
        {"column": "paragraf", "value_set": PARAGRAFFER},
        False,
        1,
        ["999"],
    ),
    "between_pass": (
        "expect_column_values_to_be_between",
        {"column": "belob", "min_value": 0, "max_value": 1000},
        True,
        0,
        [],
    ),
    "between_fail": (
        "expect_column_values_to_be_between",
        {"column": "belob", "min_value": 0, "max_value": 150},
        False,
        1,
        [200],
    ),
    "regex_pass": (
        "expect_column_values_to_match_regex",
        {"column": "cpr", "regex": r"^\d{10}$"},
        True,
        0,
        [],
    ),
    "regex_fail": (
        "expect_column_values_to_match_regex",
        {"column": "bevilling_id", "regex": "^G[1-3]$"},
        False,
        2,
        ["G4"],
    ),
    # an unanchored regex matches anywhere in the value, as in GE's pandas engine
    "regex_partial": (
        "expect_column_values_to_match_regex",
        {"column": "bevilling_id", "regex": r"\d"},
        True,
        0,
        [],
    ),
    "pair_or_equal_pass": (
        "expect_column_pair_values_a_to_be_greater_than_b",
        {
            "column_A": "loft",
            "column_B": "belob",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        True,
        0,
        [],
    ),
    "pair_strict_fail": (  # G1: loft == belob
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": "loft", "column_B": "belob", "ignore_row_if": "either_value_is_missing"},
        False,
        1,
        [[100, 100]],
    ),
    "pair_dates_fail": (  # G3; G2 has no end date and is ignored
        "expect_column_pair_values_a_to_be_greater_than_b",
        {
            "column_A": "slut_dato",
            "column_B": "start_dato",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        False,
        1,
        [["2021-12-31", "2022-01-01"]],
    ),
    "row_count_pass": (
        "expect_table_row_count_to_be_between",
        {"min_value": 1, "max_value": 10},
        True,
        None,
        5,
    ),
    "row_count_fail": ("expect_table_row_count_to_be_between", {"min_value": 6}, False, None, 5),
    "compound_pass": (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["bevilling_id", "paragraf"]},
        True,
        0,
        [],
    ),
    "compound_fail": (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["bevilling_id", "cpr"]},
        False,
        2,
        [{"bevilling_id": "G4", "cpr": "200260-XXXX"}],
    ),
    "sum_pass": (
        "expect_column_sum_to_be_between",
        {"column": "belob", "min_value": 0, "max_value": 1000},
        True,
        None,
        400,
    ),
    "sum_fail": (
        "expect_column_sum_to_be_between",
        {"column": "belob", "max_value": 300},
        False,
        None,
        400,
    ),
    "rows_pass": (
        "unexpected_rows_expectation",
        {"unexpected_rows_query": "select * from {batch} where belob < 0"},
        True,
        0,
        [],
    ),
    "rows_fail": (
        "unexpected_rows_expectation",
        {
            "unexpected_rows_query": (
                "select bevilling_id, cpr, slut_dato from {batch} where slut_dato < start_dato"
            )
        },
        False,
        1,
        [{"bevilling_id": "G3", "cpr": "310355-XXXX", "slut_dato": "2021-12-31"}],
    ),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    ge_duckdb.import_great_expectations()  # one GE import for the whole module
    con = duckdb.connect(str(tmp_path_factory.mktemp("gates") / "lis.duckdb"))
    con.execute("CREATE SCHEMA staging")
    con.execute(f"""CREATE TABLE {TABLE} (bevilling_id VARCHAR, cpr VARCHAR, paragraf VARCHAR,
                    belob INTEGER, loft INTEGER, start_dato DATE, slut_dato DATE)""")
    con.execute(f"INSERT INTO {TABLE} VALUES {ROWS}")
    # a table of the same name in main, to show the schema is respected
    con.execute("CREATE TABLE main.bevillinger AS SELECT 1 AS id")
    yield con
    con.close()


@pytest.fixture(scope="module")
def case_results(con):
    """All cases in one call, as the runner does: one suite for the table."""
    expectations = [
        Expectation(TABLE, type_, kwargs, description=case)
        for case, (type_, kwargs, *_) in CASES.items()
    ]
    return dict(zip(CASES, run_expectations(con, expectations), strict=True))


@pytest.mark.parametrize("case", CASES)
def test_expectation_types(case_results, case):
    _, _, success, unexpected_count, examples_or_observed = CASES[case]
    result = case_results[case]
    assert result.success is success, result.message
    assert result.unexpected_count == unexpected_count
    if unexpected_count is None:
        assert result.observed_value == examples_or_observed
    else:
        assert result.examples == examples_or_observed
    assert result.message.startswith(f"{TABLE}: {result.expectation.type}(")
    assert result.message.endswith(" passed") == success


def test_failure_message(case_results):
    assert case_results["in_set_fail"].message == (
        "staging.bevillinger: expect_column_values_to_be_in_set(paragraf) failed: "
        "1 unexpected (e.g. '999')"
    )
    assert case_results["sum_fail"].message.endswith("failed: observed 400")


def test_results_are_json_serialisable(case_results):
    # The run record stores observed values and examples as JSON: each must come back from a round
    # trip unchanged (no tuples, dates or Decimals that only a `default=` could write).
    for case, r in case_results.items():
        stored = [r.observed_value, r.unexpected_count, r.examples]
        assert json.loads(json.dumps(stored)) == stored, case
    # dates among them (the pair of dates) are ISO text already
    assert case_results["pair_dates_fail"].examples == [["2021-12-31", "2022-01-01"]]


def test_severity_is_checked():
    with pytest.raises(ProjectError, match="severity"):
        Expectation(
            TABLE, "expect_column_values_to_not_be_null", {"column": "cpr"}, severity="fatal"
        )


def test_cpr_numbers_are_masked(con):
    (unique, rows) = run_expectations(
        con,
        [
            Expectation(TABLE, "expect_column_values_to_be_unique", {"column": "cpr"}),
            Expectation(
                TABLE,
                "unexpected_rows_expectation",
                {"unexpected_rows_query": "select cpr from {batch} where belob is null"},
            ),
        ],
    )
    assert unique.examples == ["200260-XXXX"]
    assert rows.examples == [{"cpr": "310355-XXXX"}]
    assert "2002604567" not in unique.message and "200260-XXXX" in unique.message


def test_batch_is_a_subquery_named_subselect(con):
    """GE replaces {batch} with `(SELECT * FROM t WHERE true) AS subselect`, so a query cannot
    name it again, except in a query with a JOIN, where GE leaves it for the query to name."""

    def rows(query):
        return Expectation(TABLE, "unexpected_rows_expectation", {"unexpected_rows_query": query})

    named, renamed, joined = run_expectations(
        con,
        [
            rows("select subselect.cpr from {batch} where subselect.belob is null"),
            rows("select b.cpr from {batch} b where b.belob is null"),
            rows(
                "select b.cpr from {batch} b join {batch} c using (bevilling_id) "
                "where b.belob is null"
            ),
        ],
    )
    assert named.examples == joined.examples == [{"cpr": "310355-XXXX"}]
    assert "errored: " in renamed.message and "syntax error" in renamed.message


@pytest.mark.parametrize(
    "text, masked",
    [
        ("0101801234", "010180-XXXX"),
        ("cpr 010180-1234.", "cpr 010180-XXXX."),
        ("12345678901", "12345678901"),  # 11 digits: not a CPR number
        ("G4", "G4"),
    ],
)
def test_mask(text, masked):
    assert mask_cpr({"rows": [text]}) == {"rows": [masked]}


def test_broken_expectations_fail_without_raising(con):
    results = run_expectations(
        con,
        [
            Expectation(TABLE, "expect_column_values_to_not_be_null", {"column": "no_such_column"}),
            Expectation(TABLE, "expect_column_values_to_not_be_null", {"colum": "cpr"}),
            Expectation(TABLE, "expect_no_such_thing", {}),
            Expectation(
                TABLE,
                "unexpected_rows_expectation",
                {"unexpected_rows_query": "select * from {batch} where nope"},
            ),
            Expectation(
                "staging.no_such_table", "expect_column_values_to_not_be_null", {"column": "cpr"}
            ),
            Expectation(
                "no_such_schema.t", "expect_column_values_to_not_be_null", {"column": "cpr"}
            ),
            Expectation(TABLE, "expect_column_values_to_not_be_null", {"column": "cpr"}),
        ],
    )
    *broken, fine = results
    for result in broken:
        assert not result.success
        assert " errored: " in result.message and "\n" not in result.message
    assert "no_such_column" in broken[0].message
    assert "nope" in broken[3].message
    assert "no_such_table" in broken[4].message
    assert fine.success  # the broken ones do not take the good one down


def test_sql_error_does_not_fail_the_tables_other_expectations(con):
    """An SQL error must not leave GE's connection in an aborted transaction (it did, with
    duckdb-engine's BEGIN, for the expectations GE evaluated after the broken one)."""
    good = [
        Expectation(TABLE, type_, kwargs)
        for type_, kwargs, success, *_ in CASES.values()
        if success
    ]
    bad = [  # DuckDB compares no VARCHAR with a number
        Expectation(
            TABLE, "expect_column_values_to_be_between", {"column": "bevilling_id", "min_value": 0}
        ),
        Expectation(
            TABLE,
            "unexpected_rows_expectation",
            {"unexpected_rows_query": "select * from {batch} where nope"},
        ),
    ]
    *good_results, between, rows = run_expectations(con, good + bad)
    assert [r.message for r in good_results if not r.success] == []
    assert "errored: " in between.message and "Binder Error" in between.message
    assert "errored: " in rows.message and "nope" in rows.message


def test_ge_fix_for_duckdb_still_applies(con):
    """Guards _fix_ge_for_duckdb, which leans on GE internals: if a GE upgrade moves them,
    this fails. If GE learns duckdb itself, the fix may be dropped."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as sae
    from sqlalchemy.dialects import postgresql

    ge_duckdb.fix_ge_for_duckdb()  # a second application changes nothing
    assert sae._PERSISTED_CONNECTION_DIALECTS.count("duckdb") == 1
    engine = sae.SqlAlchemyExecutionEngine(connection_string="duckdb:///:memory:")
    try:
        with engine.get_connection() as first:
            pass
        with engine.get_connection() as second:
            assert second.exec_driver_sql("SELECT 42").scalar() == 42
        assert first is second, "GE no longer keeps one persisted connection for duckdb"
        assert engine.dialect_module is postgresql, (
            "GE no longer takes the regex dialect from dialect_module"
        )
    finally:
        engine.close()


def test_sees_new_rows_and_releases_the_file(tmp_path, capfd):
    path = tmp_path / "build.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT 1 AS id")
    two_rows = Expectation(
        "marts.t", "expect_table_row_count_to_be_between", {"min_value": 2, "max_value": 2}
    )
    # DuckDB matches no regex on an INTEGER: an SQL error, which GE would log
    sql_error = Expectation(
        "marts.t", "expect_column_values_to_match_regex", {"column": "id", "regex": "1"}
    )

    assert [r.success for r in run_expectations(con, [two_rows, sql_error])] == [False, False]
    con.execute("INSERT INTO marts.t VALUES (2)")  # the runner's connection is still usable
    assert run_expectations(con, [two_rows])[0].success  # a fresh datasource sees the new row
    assert capfd.readouterr() == ("", "")  # no progress bars or prints
    con.close()

    # DuckDB locks the file while any connection to it, or cursor of one, is open.
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; "
            "print(duckdb.connect(sys.argv[1]).execute('SELECT count(*) FROM marts.t')"
            ".fetchall()[0][0])",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert count.stdout.strip() == "2", count.stderr


def test_closes_its_cursors(con):
    gc.collect()
    gc.disable()  # so that only run_expectations, not the collector, can have closed them
    try:
        run_expectations(
            con, [Expectation(TABLE, "expect_column_values_to_not_be_null", {"column": "cpr"})]
        )
        open_cursors = [
            c
            for c in gc.get_objects()
            if isinstance(c, ge_duckdb.autocommit_connection_class()) and not c.closed
        ]
    finally:
        gc.enable()
    assert open_cursors == []


def test_great_expectations_logs_nothing(con):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        run_expectations(
            con,
            [
                Expectation(
                    TABLE, "expect_column_values_to_match_regex", {"column": "belob", "regex": "1"}
                )
            ],
        )
    finally:
        logging.getLogger().removeHandler(handler)
    assert [r.getMessage() for r in records if r.name.startswith("great_expectations")] == []


def test_importing_gates_does_not_import_great_expectations():
    code = "import sys, runner.gates; assert 'great_expectations' not in sys.modules"
    subprocess.run(
        [sys.executable, "-c", code], check=True, timeout=60, cwd=Path(__file__).parents[1]
    )


def _run_counting_statements(con, expectations, **options):
    """run_expectations, and the SQL statements sent to DuckDB meanwhile, by either route (DuckDB's
    own query log, which sees every cursor of the connection)."""
    con.execute("CALL truncate_duckdb_logs(); CALL enable_logging('QueryLog')")
    try:
        results = run_expectations(con, expectations, **options)
    finally:
        con.execute("CALL disable_logging()")
    statements = [
        message
        for (message,) in con.execute(
            "SELECT message FROM duckdb_logs WHERE type = 'QueryLog' ORDER BY timestamp"
        ).fetchall()
    ]
    con.execute("CALL truncate_duckdb_logs()")
    return results, statements[:-1] if statements[-1:] == ["CALL disable_logging()"] else statements


@pytest.mark.parametrize("shortcuts", [True, False])
def test_a_passing_unexpected_rows_query_runs_once(con, shortcuts):
    """GE's own UnexpectedRowsExpectation runs its query twice (rows, then their count); the gates
    count them only, in plain SQL or in GE."""
    query = "select * from {batch} where belob < -1"
    (result,), statements = _run_counting_statements(
        con,
        [Expectation(TABLE, "unexpected_rows_expectation", {"unexpected_rows_query": query})],
        shortcuts=shortcuts,
    )
    assert result.success and result.unexpected_count == 0
    assert sum("belob < -1" in s for s in statements) == 1


def test_columns_are_listed_once_for_a_schemas_tables(con):
    con.execute("CREATE OR REPLACE TABLE staging.andre AS SELECT 1 AS id")
    results, statements = _run_counting_statements(
        con,
        [
            Expectation(TABLE, "expect_column_values_to_not_be_null", {"column": "cpr"}),
            Expectation("staging.andre", "expect_column_values_to_not_be_null", {"column": "id"}),
            Expectation(TABLE, "expect_column_values_to_be_unique", {"column": "paragraf"}),
        ],
        shortcuts=False,  # GE's own expectations: the ones that list columns
    )
    assert [r.success for r in results] == [True, True, True]
    assert sum("information_schema" in s for s in statements) == 1


def test_every_expectation_that_ran_is_timed(con):
    ran, broken = run_expectations(
        con,
        [
            Expectation(TABLE, "expect_column_values_to_not_be_null", {"column": "cpr"}),
            Expectation(TABLE, "expect_no_such_thing", {}),
        ],
    )
    assert ran.success and ran.seconds is not None and ran.seconds >= 0
    assert not broken.success and "errored" in broken.message


def test_uniqueness_decided_by_one_group_by_gives_ge_s_own_results_nulls_included():
    # Two rows share the compound key (NULL, 'c'): GE leaves rows with a NULL key out, so the
    # key is unique; the GROUP BY that decides a pass sees a duplicate and hands over to GE.
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA s; CREATE TABLE s.t AS SELECT * FROM"
            " (VALUES (1, 'a'), (2, 'b'), (NULL, 'c'), (NULL, 'c'), (3, NULL)) v(k, j)"
        )
        k, kj, j = run_expectations(
            con,
            [
                Expectation("s.t", "expect_column_values_to_be_unique", {"column": "k"}),
                Expectation(
                    "s.t", "expect_compound_columns_to_be_unique", {"column_list": ["k", "j"]}
                ),
                Expectation("s.t", "expect_column_values_to_be_unique", {"column": "j"}),
            ],
        )
    assert (k.success, k.unexpected_count, k.examples) == (True, 0, [])
    assert (kj.success, kj.unexpected_count, kj.examples) == (True, 0, [])
    assert (j.success, j.unexpected_count, j.examples) == (False, 2, ["c"])


# Plain SQL decides a passing column expectation (runner/gate_sql.py): each case on the same data
# with and without it must give GE's own result. NULLs, NaN, bounds and an empty table are where
# the two could part.
TRICKY = "s.v"
TRICKY_ROWS = """(1, '001', 0.0, DATE '2022-01-01', DATE '2022-01-01'),
                 (2, 'abc', 1.5, DATE '2022-01-02', DATE '2022-01-01'),
                 (NULL, NULL, NULL, NULL, DATE '2022-01-03'),
                 (3, '12{3}', 'nan'::DOUBLE, DATE '2022-01-04', NULL),
                 (3, 'it''s', 1.0, DATE '2022-01-05', DATE '2022-01-05')"""
SHORTCUT_CASES = [
    ("expect_column_values_to_not_be_null", {"column": "k"}),
    ("expect_column_values_to_not_be_null", {"column": "b"}),
    ("expect_column_values_to_be_in_set", {"column": "t", "value_set": ["001", "abc", "12{3}"]}),
    (
        "expect_column_values_to_be_in_set",
        {"column": "t", "value_set": ["001", "abc", "12{3}", "it's"]},
    ),
    ("expect_column_values_to_be_between", {"column": "x", "min_value": 0}),
    ("expect_column_values_to_be_between", {"column": "x", "min_value": 0, "strict_min": True}),
    ("expect_column_values_to_be_between", {"column": "x", "max_value": 1.5}),
    ("expect_column_values_to_be_between", {"column": "k", "min_value": 1, "max_value": 3}),
    ("expect_column_values_to_be_between", {"column": "k", "max_value": 3, "strict_max": True}),
    ("expect_column_values_to_match_regex", {"column": "t", "regex": "^[0-9]{3}$"}),
    ("expect_column_values_to_match_regex", {"column": "t", "regex": r"[0-9a-z]"}),
    ("expect_column_values_to_match_regex", {"column": "t", "regex": r"\d"}),
    ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "a", "column_B": "b"}),
    (
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": "a", "column_B": "b", "or_equal": True},
    ),
    (
        "expect_column_pair_values_a_to_be_greater_than_b",
        {
            "column_A": "a",
            "column_B": "b",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
    ),
    ("expect_column_values_to_be_unique", {"column": "k"}),
    ("expect_column_values_to_be_unique", {"column": "t"}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["k", "t"]}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["k", "x"]}),
    ("expect_table_row_count_to_be_between", {"min_value": 0, "max_value": 0}),
    ("expect_table_row_count_to_be_between", {"min_value": 2}),
    ("expect_table_row_count_to_be_between", {"max_value": 5}),
    ("expect_table_row_count_to_equal", {"value": 5}),
]


@pytest.mark.parametrize("table", [TRICKY, "s.leer", "s.ordnet"])
def test_plain_sql_shortcuts_give_ge_s_own_results(table):
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA s;"
            " CREATE TABLE s.v (k INTEGER, t VARCHAR, x DOUBLE, a DATE, b DATE);"
            f" INSERT INTO s.v VALUES {TRICKY_ROWS};"
            " CREATE TABLE s.leer AS FROM s.v LIMIT 0;"
            " CREATE TABLE s.ordnet AS FROM s.v WHERE k IN (1, 2)"
        )
        expectations = [Expectation(table, kind, kwargs) for kind, kwargs in SHORTCUT_CASES]
        shortcut = run_expectations(con, expectations)
        own = run_expectations(con, expectations, shortcuts=False)
    for fast, slow in zip(shortcut, own, strict=True):
        assert fast.message == slow.message
        assert (fast.success, fast.unexpected_count, fast.examples, fast.observed_value) == (
            slow.success,
            slow.unexpected_count,
            slow.examples,
            slow.observed_value,
        ), fast.message
    if table == "s.ordnet":  # where most pass: the shortcuts decided them
        assert sum(r.success for r in shortcut) >= 15


def test_a_tables_row_wise_expectations_that_pass_take_one_scan(con):
    expectations = [
        Expectation(TABLE, "expect_column_values_to_not_be_null", {"column": "cpr"}),
        Expectation(
            TABLE, "expect_column_values_to_match_regex", {"column": "cpr", "regex": "^[0-9]{10}$"}
        ),
        Expectation(
            TABLE,
            "expect_column_values_to_be_in_set",
            {"column": "paragraf", "value_set": [*PARAGRAFFER, "999"]},
        ),
        Expectation(
            TABLE, "expect_column_values_to_be_between", {"column": "belob", "min_value": 0}
        ),
    ]
    results, statements = _run_counting_statements(con, expectations)
    assert [r.success for r in results] == [True] * 4
    probe = "SELECT 1 FROM bevillinger LIMIT 1"  # that the table is there, as GE's batch asks
    # and whether the regex's column has few values, by its first rows (few_distinct_query)
    sample = 'SELECT count(DISTINCT v) < 1000 FROM (SELECT "cpr" AS v FROM bevillinger LIMIT 10000)'
    scans = [s for s in statements if "bevillinger" in s and s not in (probe, sample)]
    assert len(scans) == 1, statements
    # the scan's time is shared among the expectations it decided
    assert len({r.seconds for r in results}) == 1 and results[0].seconds >= 0


def test_a_regex_is_matched_once_per_value_of_a_column_with_few(con):
    """A column with few distinct values among its first rows (a municipality code) has its regex
    asked of the values, a column of many (a CPR number) of the rows: the same verdicts, and a
    bad value among many rows still fails, with GE's counts."""
    con.execute(
        "CREATE TABLE staging.mange AS SELECT lpad((i % 3)::varchar, 3, '0') AS kode,"
        " lpad(i::varchar, 10, '0') AS cpr FROM range(20000) t(i)"
    )
    con.execute("INSERT INTO staging.mange VALUES ('1x1', '0000000001'), (NULL, NULL)")
    regex = "expect_column_values_to_match_regex"
    passing = [
        Expectation("staging.mange", regex, {"column": "kode", "regex": "^[0-9]{3}$|^1x1$"}),
        Expectation("staging.mange", regex, {"column": "cpr", "regex": "^[0-9]{10}$"}),
    ]
    failing = Expectation("staging.mange", regex, {"column": "kode", "regex": "^[0-9]{3}$"})
    results, statements = _run_counting_statements(con, [*passing, failing])
    (scan,) = [s for s in statements if s.startswith("(SELECT 1")]
    assert 'unnest(list(DISTINCT "kode"))' in scan and 'list(DISTINCT "cpr")' not in scan
    assert [r.success for r in results] == [True, True, False]
    assert (results[2].unexpected_count, results[2].examples) == (1, ["1x1"])


def _project_expectations(model: str, description_start: str) -> Expectation:
    from datetime import date

    from runner.compile import Compiler, run_vars
    from runner.project import load_project

    project = load_project(Path(__file__).parents[1])
    compiler = Compiler(project, run_vars(project, date(2022, 11, 23), secret=False))
    (found,) = [
        e
        for e in compiler.expectations([project.nodes[model]])
        if (e.description or "").startswith(description_start)
    ]
    return found


# saet_id 1, person x: two periods of one version that overlap on 10 January, and one of a later
# version; person y has one period. Set 2: two periods with a day between them.
X, Y = "0101801234", "0202801234"  # two persons' CPR numbers
PERIODS = [  # saet_id, cpr, kendt_fra, fra, til
    (1, X, "2021-01-31", "2022-01-01", "2022-01-10"),
    (1, X, "2021-01-31", "2022-01-10", "2022-01-20"),
    (1, X, "2022-02-28", "2022-01-05", "2022-01-25"),
    (1, Y, "2021-01-31", "2022-01-10", "2022-01-20"),
    (2, X, "2021-01-31", "2022-01-01", "2022-01-08"),
    (2, X, "2021-01-31", "2022-01-10", "2022-01-20"),
]


def test_the_overlap_checks_find_an_overlap_and_pass_periods_apart():
    periods = _project_expectations("int_modtagerperioder", "no person is counted twice")
    spells = _project_expectations("int_forloeb", "a person's spells of a set in one version")
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA intermediate; CREATE TABLE intermediate.p (saet_id INTEGER, cpr VARCHAR,"
            " kendt_fra DATE, fra DATE, til DATE)"
        )
        con.executemany("INSERT INTO intermediate.p VALUES (?, ?, ?, ?, ?)", PERIODS)
        # int_modtagerperioder holds the CPR number as a number (cpr_nr), int_forloeb as the text
        for saet_id, table, person in (
            (1, "int_modtagerperioder", "cpr::bigint AS cpr_nr"),
            (2, "int_forloeb", "cpr"),
        ):
            con.execute(
                f"CREATE TABLE intermediate.{table} AS SELECT '101' AS kommunekode,"
                " 'alle' AS gruppe, 'total' AS opdeling, '' AS opdeling_vaerdi, saet_id,"
                f" {person}, kendt_fra, fra, til FROM intermediate.p WHERE saet_id = {saet_id}"
            )
        con.execute(
            "CREATE TABLE intermediate.beroering AS FROM intermediate.int_forloeb;"
            " UPDATE intermediate.beroering SET til = '2022-01-09' WHERE fra = '2022-01-01'"
        )
        touching = Expectation("intermediate.beroering", spells.type, spells.kwargs)
        overlapping, apart, touches = run_expectations(con, [periods, spells, touching])
        own = run_expectations(con, [periods, spells, touching], shortcuts=False)
    for fast, slow in zip([overlapping, apart, touches], own, strict=True):
        assert (fast.success, fast.unexpected_count, fast.message) == (
            slow.success,
            slow.unexpected_count,
            slow.message,
        )
    assert (overlapping.success, overlapping.unexpected_count) == (False, 1)
    assert overlapping.examples[0]["fra"] == "2022-01-10"
    assert (apart.success, apart.unexpected_count) == (True, 0)
    assert (touches.success, touches.unexpected_count) == (False, 1)


# int_forloeb's check before it found the versions with several spells by a hash sort: the same rows
SPELLS_JOINED_ON_THE_VERSION = """
    select * from (
      select spell.kommunekode, spell.gruppe, spell.kendt_fra, spell.fra, spell.til,
             lag(coalesce(spell.til, date '9999-12-31')) over (partition by spell.kommunekode,
                 spell.gruppe, spell.cpr, spell.kendt_fra order by spell.fra) as forrige_til
      from {batch} as spell
      semi join (select kommunekode, gruppe, cpr, kendt_fra from {batch} as alle group by all
                 having count(*) > 1) as flere
        using (kommunekode, gruppe, cpr, kendt_fra)) where forrige_til >= fra - 1"""


def test_the_spells_check_finds_the_rows_the_join_on_the_version_found():
    spells = _project_expectations("int_forloeb", "a person's spells of a set in one version")
    before = Expectation(
        "intermediate.int_forloeb",
        "unexpected_rows_expectation",
        {"unexpected_rows_query": SPELLS_JOINED_ON_THE_VERSION},
    )
    # x: an overlap, a touch, an open end after a later spell, one spell in a later version; y: one
    # spell; z: spells apart; versions with a NULL in their columns overlap but are not checked
    rows = [
        ("101", "alle", "x", "2021-01-31", "2022-01-01", "2022-01-10"),
        ("101", "alle", "x", "2021-01-31", "2022-01-05", "2022-01-20"),
        ("101", "alle", "x", "2021-01-31", "2022-01-21", "2022-01-25"),
        ("101", "alle", "x", "2021-01-31", "2022-01-30", None),
        ("101", "alle", "x", "2021-01-31", "2022-03-01", "2022-03-05"),
        ("101", "alle", "x", "2022-02-28", "2022-01-05", "2022-01-25"),
        ("101", "botilbud", "x", "2021-01-31", "2022-01-05", "2022-01-25"),
        ("101", "alle", "y", "2021-01-31", "2022-01-10", "2022-01-20"),
        ("102", "alle", "z", "2021-01-31", "2022-01-01", "2022-01-08"),
        ("102", "alle", "z", "2021-01-31", "2022-01-10", "2022-01-20"),
        ("102", "alle", None, "2021-01-31", "2022-01-01", "2022-01-08"),
        ("102", "alle", None, "2021-01-31", "2022-01-02", "2022-01-20"),
        (None, "alle", "z", "2021-01-31", "2022-01-01", "2022-01-08"),
        (None, "alle", "z", "2021-01-31", "2022-01-02", "2022-01-20"),
        ("102", "alle", "z", None, "2022-01-01", "2022-01-08"),
        ("102", "alle", "z", None, "2022-01-02", "2022-01-20"),
    ]
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA intermediate; CREATE TABLE intermediate.int_forloeb (kommunekode"
            " VARCHAR, gruppe VARCHAR, cpr VARCHAR, kendt_fra DATE, fra DATE, til DATE)"
        )
        con.executemany("INSERT INTO intermediate.int_forloeb VALUES (?, ?, ?, ?, ?, ?)", rows)
        found = {}
        for name, check in (("now", spells), ("before", before)):
            query = check.kwargs["unexpected_rows_query"].replace(
                "{batch}", "intermediate.int_forloeb"
            )
            found[name] = con.execute(f"{query} order by all").fetchall()
        (result,) = run_expectations(con, [spells])
    assert found["now"] == found["before"]
    assert [(str(fra), str(forrige_til)) for *_, fra, _til, forrige_til in found["now"]] == [
        ("2022-01-05", "2022-01-10"),  # overlaps the spell before it
        ("2022-01-21", "2022-01-20"),  # touches it
        ("2022-03-01", "9999-12-31"),  # after an open end
    ]
    assert (result.success, result.unexpected_count) == (False, 3)


def test_the_years_without_refusion_thresholds_are_those_of_the_rows():
    # asked of the distinct status dates: the years the query gave when it read every row
    check = _project_expectations("indicator_values", "the status date's year has refusion")
    before = check.kwargs["unexpected_rows_query"].replace(
        "(SELECT DISTINCT status_date FROM {batch})", "{batch}"
    )
    assert before != check.kwargs["unexpected_rows_query"]
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA seeds; CREATE TABLE seeds.refusionsgraenser AS SELECT '2022' AS aar;"
            " CREATE SCHEMA marts; CREATE TABLE marts.indicator_values AS SELECT * FROM (VALUES"
            " (DATE '2019-12-31'), (DATE '2019-12-31'), (DATE '2022-01-31'), (DATE '2023-01-31'),"
            " (DATE '2023-02-28'), (NULL)) v(status_date)"
        )
        found = [
            con.execute(query.replace("{batch}", "marts.indicator_values")).fetchall()
            for query in (check.kwargs["unexpected_rows_query"], before)
        ]
        (result,) = run_expectations(con, [check])
    assert found[0] == found[1] == [(2019,), (2023,)]
    assert (result.success, result.unexpected_count) == (False, 2)


# int_taellesaet with two counting sets of 101: 1 (alle) and 2 (botilbud)
TWO_SETS = (
    "CREATE SCHEMA intermediate;"
    " CREATE TABLE intermediate.int_taellesaet AS SELECT * FROM"
    " (VALUES (1, '101', 'alle', 'total', ''), (2, '101', 'botilbud', 'total', ''))"
    " v(saet_id, kommunekode, gruppe, opdeling, opdeling_vaerdi);"
)


def test_helaarsmodtagere_above_the_sets_persons_are_found():
    # set 1 has two persons over the periods, set 2 one: 1.5 helaarsmodtagere is too many for set 2
    check = _project_expectations("int_helaarsmodtagere", "helaarsmodtagere never above")
    with duckdb.connect() as con:
        con.execute(
            TWO_SETS + " CREATE TABLE intermediate.int_modtagerperioder AS SELECT t.*, cpr_nr FROM"
            " intermediate.int_taellesaet t JOIN (VALUES (1, 101801234), (1, 101801234),"
            " (1, 202801234), (2, 101801234)) p(saet_id, cpr_nr) USING (saet_id);"
            " CREATE TABLE intermediate.int_helaarsmodtagere AS SELECT * FROM"
            " (VALUES ('101', 'alle', 'total', '', 2.0), ('101', 'botilbud', 'total', '', 1.5))"
            " v(kommunekode, gruppe, opdeling, opdeling_vaerdi, helaarsmodtagere)"
        )
        (result,) = run_expectations(con, [check])
    assert (result.success, result.unexpected_count) == (False, 1)
    assert result.examples[0]["gruppe"] == "botilbud"


def test_a_period_of_a_set_int_taellesaet_does_not_know_is_found():
    # set 3 is no counting set: the models that join int_taellesaet for the texts would lose its
    # two periods from their counts; it is one unexpected row however many periods it has
    check = _project_expectations("int_modtagerperioder", "every period's set is a counting set")
    with duckdb.connect() as con:
        con.execute(
            TWO_SETS + " CREATE TABLE intermediate.int_modtagerperioder AS SELECT * FROM"
            " (VALUES (1, 101801234), (2, 101801234), (3, 101801234), (3, 202801234))"
            " p(saet_id, cpr_nr)"
        )
        (found,) = run_expectations(con, [check])
        con.execute("DELETE FROM intermediate.int_modtagerperioder WHERE saet_id = 3")
        (known,) = run_expectations(con, [check])
    assert (found.success, found.unexpected_count) == (False, 1)
    assert found.examples == [{"saet_id": 3}]
    assert (known.success, known.unexpected_count) == (True, 0)


def test_a_caseload_above_the_municipalitys_persons_is_found():
    # 101 has 3 persons on the day: S1's 3 and S1's 107 caseload of 2 fit, S2's 4 does not; 102's
    # caseworker has 5 of its 5; the team and total rows are not caseloads
    check = _project_expectations("ind_08_sager_pr_sagsbehandler", "a caseworker's persons on s")
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA intermediate; CREATE SCHEMA marts;"
            " CREATE TABLE intermediate.int_helaarsmodtagere AS SELECT * FROM (VALUES"
            " ('101', DATE '2022-11-23', 'alle', 'total', 'total', 3),"
            " ('101', DATE '2022-11-23', 'alle', 'sagsbehandler', '', 9),"
            " ('102', DATE '2022-11-23', 'alle', 'total', 'total', 5))"
            " v(kommunekode, status_date, gruppe, opdeling, opdeling_vaerdi, punkttaelling);"
            " CREATE TABLE marts.ind_08_sager_pr_sagsbehandler AS SELECT * FROM (VALUES"
            " ('101', DATE '2022-11-23', 'sagsbehandler', 'S1', 3.0),"
            " ('101', DATE '2022-11-23', 'paragraf:sagsbehandler', '107:S1', 2.0),"
            " ('101', DATE '2022-11-23', 'sagsbehandler', 'S2', 4.0),"
            " ('101', DATE '2022-11-23', 'team', 'A', 7.0),"
            " ('101', DATE '2022-11-23', 'total', 'total', 7.0),"
            " ('102', DATE '2022-11-23', 'sagsbehandler', 'S3', 5.0))"
            " v(kommunekode, status_date, opdeling, opdeling_vaerdi, taeller)"
        )
        (result,) = run_expectations(con, [check])
    assert (result.success, result.unexpected_count) == (False, 1)
    assert (result.examples[0]["taeller"], result.examples[0]["punkttaelling"]) == (4.0, 3)


def test_a_cpr_number_in_a_breakdown_value_is_found_in_every_row_that_holds_it():
    # the check searches each distinct value once: every row with such a value is still one row
    # of its answer (two rows share 'S-010180-1234'); 11 digits and NULL hold none
    check = _project_expectations("indicator_values", "no CPR number in the published")
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA marts; CREATE TABLE marts.indicator_values AS SELECT * FROM (VALUES"
            " ('101', '08', 'sagsbehandler', 'S-010180-1234'),"
            " ('102', '08', 'sagsbehandler', 'S-010180-1234'),"
            " ('101', '08', 'team', '0101801234x'), ('101', '08', 'total', 'total'),"
            " ('101', '10', 'sagsbehandler', '01018012345'), ('101', '10', 'total', NULL))"
            " v(kommunekode, indicator, breakdown, breakdown_value)"
        )
        (result,) = run_expectations(con, [check])
        (own,) = run_expectations(con, [check], shortcuts=False)
    assert (result.success, result.unexpected_count) == (False, 3)
    assert sorted(e["breakdown"] for e in result.examples) == ["sagsbehandler"] * 2 + ["team"]
    assert (own.success, own.unexpected_count, own.message) == (False, 3, result.message)


def test_persons_without_a_caseworker_are_one_row_each_where_08_has_the_municipality():
    check = _project_expectations("ind_08_sager_pr_sagsbehandler", "persons with an active")
    with duckdb.connect() as con:
        con.execute(
            "CREATE SCHEMA intermediate; CREATE SCHEMA marts;"
            " CREATE TABLE intermediate.int_statusdatoer AS SELECT * FROM (VALUES"
            " (DATE '2022-10-31', false), (DATE '2022-11-23', true)) v(status_date, er_givet);"
            " CREATE TABLE intermediate.int_helaarsmodtagere AS SELECT * FROM (VALUES"
            " ('101', DATE '2022-11-23', 'alle', 'sagsbehandler', '', 2),"
            " ('101', DATE '2022-11-23', 'alle', 'sagsbehandler', 'S1', 5),"
            " ('101', DATE '2022-11-23', 'botilbud', 'sagsbehandler', '', 7),"
            " ('101', DATE '2022-10-31', 'alle', 'sagsbehandler', '', 4),"
            " ('102', DATE '2022-11-23', 'alle', 'sagsbehandler', '', 3))"
            " v(kommunekode, status_date, gruppe, opdeling, opdeling_vaerdi, punkttaelling);"
            # 102 has no 08 on the given date: its persons are nobody's to miss there
            " CREATE TABLE marts.ind_08_sager_pr_sagsbehandler AS SELECT * FROM (VALUES"
            " ('101', DATE '2022-11-23', 'total', 'total'),"
            " ('102', DATE '2022-10-31', 'total', 'total'))"
            " v(kommunekode, status_date, opdeling, opdeling_vaerdi)"
        )
        (result,) = run_expectations(con, [check])
        (own,) = run_expectations(con, [check], shortcuts=False)
    row = {"kommunekode": "101", "status_date": "2022-11-23", "personer_uden_sagsbehandler": 2}
    assert (result.success, result.unexpected_count, result.examples) == (False, 2, [row, row])
    assert (own.success, own.unexpected_count, own.message) == (False, 2, result.message)


def test_a_query_of_another_table_prints_nothing_on_stdout(con, capfd):
    # GE prints a note on stdout for an unexpected-rows query without {batch}; the gates' queries
    # of other tables are meant, and a nightly job's stdout is its log's, not GE's
    query = "SELECT * FROM main.bevillinger WHERE id > 1"
    [result] = run_expectations(
        con, [Expectation(TABLE, "unexpected_rows_expectation", {"unexpected_rows_query": query})]
    )
    assert result.success
    assert capfd.readouterr().out == ""


# An unexpected_rows_expectation is decided in plain SQL, pass and fail, by the SQL GE runs: on
# the same data each must give GE's own result. GE's rendering of {batch} (a subquery named
# subselect, or left for a JOIN to name), its braces, its handling of a trailing semicolon, the
# values it serialises (DECIMAL, DATE, LIST, STRUCT, NaN) and its errors are where they could part.
ROWS_QUERIES = {
    "passes": "select * from {batch} where belob < 0",
    "a_cpr_number": "select bevilling_id, cpr, slut_dato from {batch} where slut_dato < start_dato",
    "values": (
        "select cpr, belob::decimal(9, 2) as belob, start_dato, [paragraf] as l,"
        " {{'loft': loft}} as s, 'nan'::double as f from {batch} where bevilling_id = 'G4'"
    ),
    "four_rows": "select bevilling_id from {batch} where belob > 0 order by bevilling_id desc",
    "subselect": "select subselect.cpr from {batch} where subselect.belob is null",
    "join": "select b.cpr from {batch} b join {batch} c using (bevilling_id) where b.belob is null",
    "other_table": "select * from main.bevillinger where id = 1;  ",
    "doubled_braces": "select '{{x}}' as t, paragraf from {batch} where paragraf = '999'",
    "error": "select * from {batch} where nope",
    "renamed_batch": "select b.cpr from {batch} b where b.belob is null",
    "bind_parameter": "select ':t' as t from {batch}",  # SQLAlchemy's text(): a parameter
    "stray_brace": "select '{' as t from {batch}",
}
ERRORS = {"error", "renamed_batch", "bind_parameter", "stray_brace"}


def _rows_check(query: str, table: str = TABLE) -> Expectation:
    return Expectation(table, "unexpected_rows_expectation", {"unexpected_rows_query": query})


def test_unexpected_rows_in_plain_sql_give_ge_s_own_results(con):
    expectations = [_rows_check(q) for q in ROWS_QUERIES.values()]
    # a query of another table on a table that is not there: GE's batch refuses it
    expectations.append(_rows_check("select * from main.bevillinger", "staging.no_such_table"))
    direct = run_expectations(con, expectations)
    own = run_expectations(con, expectations, shortcuts=False)
    for fast, slow in zip(direct, own, strict=True):
        assert (
            fast.success,
            fast.observed_value,
            fast.unexpected_count,
            fast.examples,
            fast.message,
        ) == (slow.success, slow.observed_value, slow.unexpected_count, slow.examples, slow.message)
        assert (fast.seconds is None) == (slow.seconds is None)  # None: it never ran
    results = dict(zip(ROWS_QUERIES, direct, strict=False))
    assert results["passes"].success and results["passes"].unexpected_count == 0
    assert results["a_cpr_number"].examples == [
        {"bevilling_id": "G3", "cpr": "310355-XXXX", "slut_dato": "2021-12-31"}
    ]
    assert results["values"].examples[0] == {
        "cpr": "200260-XXXX",
        "belob": 50.0,
        "start_dato": "2022-01-01",
        "l": ["85"],
        "s": {"loft": 60},
        "f": None,
    }
    assert (results["four_rows"].unexpected_count, len(results["four_rows"].examples)) == (4, 3)
    assert not results["other_table"].success
    assert all(" errored: " in results[case].message for case in ERRORS)
    assert " errored: " in direct[-1].message and "no_such_table" in direct[-1].message


def test_what_plain_sql_decides_asks_nothing_of_great_expectations(con):
    """Passing and failing unexpected-rows checks, and column checks that pass: GE's datasource
    is never made (it would ask for the current schema), nor its queries run."""
    rows = [_rows_check(q) for case, q in ROWS_QUERIES.items() if case not in ERRORS]
    # not the column pair: G3's NULL belob is flagged, GE's own decides it
    passing = ["not_null_pass", "unique_pass", "in_set_pass", "between_pass", "regex_pass"]
    passing += ["regex_partial", "row_count_pass", "compound_pass"]
    columns = [Expectation(TABLE, *CASES[case][:2]) for case in passing]
    results, statements = _run_counting_statements(con, rows + columns)
    assert [r.success for r in results[:2]] == [True, False]
    assert all(r.success for r in results[len(rows) :])
    assert not [s for s in statements if "current_schema()" in s or "ROLLBACK" in s], statements


def test_a_failing_row_wise_check_leaves_the_tables_others_to_plain_sql(con):
    """One condition that flags rows sends only its own expectation to GE's own (which gives the
    counts and examples), not the rest of the table's scan."""
    failing = Expectation(TABLE, *CASES["in_set_fail"][:2])
    passing = [Expectation(TABLE, *CASES[case][:2]) for case in ("not_null_pass", "regex_pass")]
    (fails, *passed), statements = _run_counting_statements(con, [failing, *passing])
    assert (fails.success, fails.unexpected_count, fails.examples) == (False, 1, ["999"])
    assert [r.success for r in passed] == [True, True]
    ge_queries = [s for s in statements if "AS anon_1" in s]  # GE's own, on its batch subquery
    assert ge_queries and all('"cpr"' not in s and "cpr " not in s for s in ge_queries), ge_queries
