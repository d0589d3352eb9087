"""Plain SQL that decides an expectation without great-expectations' (GE's) own machinery.

GE's built-in column expectations each cost a validation graph and a query of their own (about 20
ms of CPU even on a small table), and importing GE costs seconds; a gate asks many of them of one
table. Here the row-wise ones of a table (not null, in a set, between, matching a regex, a column
pair in order) become one condition each, and one query asks whether any row meets any condition
(each condition on its own, so that DuckDB can push it into the scan; a regex of a column with few
values, of its distinct values); a uniqueness expectation
becomes one sort of a hash of its key; a row-count one compares the table's count. Each condition
flags at least every row GE would count as unexpected (a NULL where GE ignores it may be flagged
too), so an empty answer means GE's own expectation would pass with nothing unexpected. Any row
flagged, or an error, hands the expectations concerned to GE's own, which decides them and gives
the counts and examples of a failure. An unexpected-rows query runs as GE would run it
(batch_query, count_query): its verdict is the rows it returns.
tests/test_expectations_on_duckdb.py holds both routes to the same verdicts.

The queries name the table alone: the cursor's search_path supplies the schema, as for GE.
"""

from __future__ import annotations

import re
from numbers import Real

from .project import Expectation
from .sql import literal


def row_condition(expectation: Expectation) -> str | None:
    """A condition on a row that holds for every row GE's expectation could count as unexpected;
    None where the expectation is not one of the row-wise checks known here (GE's own decides)."""
    kwargs, kind = expectation.kwargs, expectation.type
    if kind == "expect_column_values_to_not_be_null" and set(kwargs) == {"column"}:
        return f"{quoted(kwargs['column'])} IS NULL"
    if kind == "expect_column_values_to_be_in_set" and set(kwargs) == {"column", "value_set"}:
        values = kwargs["value_set"]
        if not values or not all(isinstance(v, str) for v in values):
            return None
        return f"{quoted(kwargs['column'])} NOT IN ({', '.join(map(literal, values))})"
    if kind == "expect_column_values_to_be_between" and set(kwargs) <= {
        "column",
        "min_value",
        "max_value",
        "strict_min",
        "strict_max",
    }:
        return _outside(kwargs)
    if kind == "expect_column_values_to_match_regex" and set(kwargs) == {"column", "regex"}:
        if not isinstance(kwargs["regex"], str):
            return None
        # GE's own SQL on this dialect (PostgreSQL's, see ge_duckdb) is `column ~ regex`
        return f"NOT ({quoted(kwargs['column'])} ~ {literal(kwargs['regex'])})"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b" and set(kwargs) <= {
        "column_A",
        "column_B",
        "or_equal",
        "ignore_row_if",
    }:
        if not isinstance(kwargs.get("or_equal", False), bool):
            return None
        a, b = quoted(kwargs["column_A"]), quoted(kwargs["column_B"])
        in_order = f"{a} >= {b}" if kwargs.get("or_equal") else f"{a} > {b}"
        # a NULL on either side is flagged whatever ignore_row_if says: GE's own decides it
        return f"{a} IS NULL OR {b} IS NULL OR NOT ({in_order})"
    return None


def _outside(kwargs: dict) -> str | None:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    strict = (kwargs.get("strict_min", False), kwargs.get("strict_max", False))
    bounds = [b for b in (low, high) if b is not None]
    if not bounds or not all(isinstance(b, Real) and not isinstance(b, bool) for b in bounds):
        return None
    if not all(isinstance(s, bool) for s in strict):
        return None
    column = quoted(kwargs["column"])
    # NULL compares to NULL: not flagged, as GE leaves a NULL value out of this check
    outside = []
    if low is not None:
        outside.append(f"{column} {'<=' if strict[0] else '<'} {low!r}")
    if high is not None:
        outside.append(f"{column} {'>=' if strict[1] else '>'} {high!r}")
    return " OR ".join(outside)


def regex_column(expectation: Expectation) -> str | None:
    """The column of a regex expectation row_condition decides: its condition reads that column
    alone, so it may be asked of the column's distinct values instead of its rows."""
    if expectation.type == "expect_column_values_to_match_regex" and row_condition(expectation):
        return expectation.kwargs["column"]
    return None


# A regex is matched once per row (≈60 ns); a column with few distinct values (a municipality
# code) is cheaper searched value by value. Whether it has few is judged by its first rows.
SAMPLE_ROWS, FEW_DISTINCT = 10_000, 1_000


def few_distinct_query(table: str, column: str) -> str:
    """True when the first SAMPLE_ROWS rows hold fewer than FEW_DISTINCT values of the column."""
    sample = f"SELECT {quoted(column)} AS v FROM {table_name(table)} LIMIT {SAMPLE_ROWS}"
    return f"SELECT count(DISTINCT v) < {FEW_DISTINCT} FROM ({sample})"


def scan_arm(table: str, condition: str, distinct_column: str | None = None) -> str:
    """A row when some row meets the condition, stopping at the first. With `distinct_column`, a
    condition on that column alone is asked of its distinct values: a value meets it exactly when
    its rows do. They are unnested from a list, so that DuckDB cannot push the condition below
    the DISTINCT (and match it on every row again): on the national data's 3.5 M indicator_values
    the regex of kommunekode measured 0.20 CPU s on the rows, 0.02 on the values."""
    name = table_name(table)
    if distinct_column is None:
        return f"SELECT 1 FROM {name} WHERE {condition} LIMIT 1"
    column = quoted(distinct_column)
    values = f"SELECT unnest(list(DISTINCT {column})) AS {column} FROM {name}"
    return f"SELECT 1 FROM ({values}) WHERE {condition} LIMIT 1"


def scan_query(arms: list[str]) -> str:
    """A row when any of the arms (scan_arm) gives one: each condition asked on its own, stopping
    at its first row. One WHERE of the conditions OR'ed would read every column in one pass, but
    keeps DuckDB from pushing each condition into the scan (a column whose statistics rule it
    out is not read at all): on the 23.5 M rows of the wide data's indicator_values the OR'ed
    scan measured 1.4 CPU s, the conditions on their own 0.67."""
    if len(arms) == 1:
        return arms[0]
    return " UNION ALL ".join(f"({arm})" for arm in arms) + " LIMIT 1"


def flagged_query(table: str, conditions: list[str]) -> str:
    """One scan of the table: for each condition, whether some row meets it (true), or none
    (false or NULL), for a table where scan_query found a row."""
    flags = ", ".join(f"bool_or({c})" for c in conditions)
    return f"SELECT {flags} FROM {table_name(table)}"


def duplicates_query(table: str, expectation: Expectation) -> str | None:
    """A row when a key of a uniqueness expectation might occur twice: the keys' hashes sorted,
    each compared with the one before it. Equal keys have equal hashes, which sort side by side,
    so no hash equal to its neighbour means no key twice (a collision of two different keys only
    hands the decision to GE's own). None for other expectations.

    Sorting the hashes, not grouping them: a GROUP BY of 16-24 M distinct hashes builds a hash
    table as large as the table, which costs about twice the sort (wide data: int_helaarsmodtagere
    6.4 against 3.0 CPU s, indicator_values 9.3 against 5.2).

    Stricter than GE where a key holds NULLs: GE ignores a NULL column value, and leaves out a
    compound key's rows with a NULL; here a compound key's NULLs hash alike, so a duplicate among
    them goes to GE to decide."""
    kwargs = expectation.kwargs
    if expectation.type == "expect_column_values_to_be_unique" and set(kwargs) == {"column"}:
        column = quoted(kwargs["column"])
        key, where = f"hash({column})", f" WHERE {column} IS NOT NULL"
    elif expectation.type == "expect_compound_columns_to_be_unique" and set(kwargs) == {
        "column_list"
    }:
        key, where = f"hash({', '.join(map(quoted, kwargs['column_list']))})", ""
    else:
        return None
    hashes = f"SELECT {key} AS h FROM {table_name(table)}{where}"
    return (
        f"SELECT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS vorige FROM ({hashes}))"
        " WHERE h = vorige LIMIT 1"
    )


def unexpected_on_empty_table(expectation: Expectation) -> int | None:
    """The unexpected count GE's own gives a row-wise or uniqueness expectation that passes on an
    empty table: none for a single column's values, 0 for a column pair's and a key's."""
    if expectation.type in (
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
    ):
        return 0
    return None


def row_count_passes(expectation: Expectation, count: int) -> bool:
    """Whether a row-count expectation passes on a table of `count` rows; False where it is not
    one known here (GE's own decides)."""
    kwargs, kind = expectation.kwargs, expectation.type
    if kind == "expect_table_row_count_to_equal" and set(kwargs) == {"value"}:
        return _is_number(kwargs["value"]) and count == kwargs["value"]
    if kind == "expect_table_row_count_to_be_between" and set(kwargs) <= {
        "min_value",
        "max_value",
    }:
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        bounds = [b for b in (low, high) if b is not None]
        return (
            bool(bounds)
            and all(map(_is_number, bounds))
            and (low is None or low <= count)
            and (high is None or count <= high)
        )
    return False


def is_row_count(expectation: Expectation) -> bool:
    return expectation.type in (
        "expect_table_row_count_to_equal",
        "expect_table_row_count_to_be_between",
    )


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def batch_query(query: str, table: str) -> str | None:
    """`query`, an unexpected-rows query, as GE runs it on the table `table` (GE 1.24's
    QueryMetricProvider): trailing semicolons and blanks cut, `{batch}` replaced by the whole
    table as a subquery, named `subselect` unless the query has a JOIN (then the query names it),
    and the table named alone (the cursor's search_path supplies its schema).

    None where GE would not run it as it stands (a brace that is no `{batch}`, or what SQLAlchemy's
    text() reads as a bind parameter): GE's own decides those, with its own error."""
    query = query.rstrip("; \t\r\n\v\f")
    subquery = f"(SELECT * \nFROM {table_name(table)} \nWHERE true)"
    batch = subquery if _has_join(query) else f"{subquery} AS subselect"
    try:
        substituted = query.format(batch=batch)
    except Exception:  # a brace that is no {batch}: GE's own error
        return None
    if _BIND_PARAMETER.search(substituted) or _ESCAPED_COLON.search(substituted):
        return None
    return substituted


def table_name(table: str) -> str:
    """The table as GE's SQL names it: alone, quoted where it is no plain lower-case name."""
    return table if _PLAIN_NAME.fullmatch(table) else quoted(table)


def count_query(query: str) -> str:
    """How GE counts the rows of a substituted unexpected-rows query."""
    return f"SELECT COUNT(*) as unexpected_row_count FROM ({query}) AS substituted_batch_subquery"


_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# SQLAlchemy 2's text(): `:name` is a bind parameter, `\:` an escaped colon
_BIND_PARAMETER = re.compile(r"(?<![:\w\x5c]):(\w+)(?![:\w])")
_ESCAPED_COLON = re.compile(r"\x5c(:\w*)(?![:\w])")
# GE's test for a JOIN: outside quotes and comments, under both readings of a backslash in a
# string literal
_QUOTED_IDENTIFIER_OR_COMMENT = r'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/'
_QUOTED_OR_COMMENT = (
    re.compile(r"'(?:[^']|'')*'" + _QUOTED_IDENTIFIER_OR_COMMENT, re.DOTALL),
    re.compile(r"'(?:[^'\\]|\\.|'')*'" + _QUOTED_IDENTIFIER_OR_COMMENT, re.DOTALL),
)
_JOIN = re.compile(r"\bJOIN\b", re.IGNORECASE)


def _has_join(query: str) -> bool:
    return all(_JOIN.search(masking.sub(" ", query)) for masking in _QUOTED_OR_COMMENT)


def quoted(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'
