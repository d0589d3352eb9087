"""Quality gates: expectations run against DuckDB tables in place, in plain SQL where that
decides them, else by great-expectations (GE).

Plain SQL first, on a cursor of the runner's own connection (runner/gate_sql.py):
- a table's row-wise column expectations by one query, each uniqueness one by a sort of hashes: an
  empty answer is a pass; anything else (rows found, an error) leaves the expectation to GE's own,
  which judges it and gives a failure's counts, examples and message;
- an unexpected_rows_expectation (its query returns the bad rows) wholly: the same SQL GE runs
  (GE's rendering of `{batch}`, GE's count), a pass when it returns no rows, else a failure with
  their number and the first rows, as GE's own gives them. A query that errors, or that GE would
  not run as written, is GE's own (GE words the error).
GE is imported (≈4 s, ge_duckdb.import_great_expectations) only when an expectation is left to
GE's own; a build whose column checks pass never imports it. GE's SQL execution engine runs on a
cursor of the same connection: no table is pulled into pandas, and no second connection to the
file is needed (DuckDB would refuse it). GE 1.24 needs a fix to work on DuckDB at all: that
adapter is runner/ge_duckdb.py.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import functools
import io
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from . import gate_sql, ge_duckdb
from .privacy import mask_cpr
from .project import Expectation

if TYPE_CHECKING:
    import duckdb

_EXAMPLES = 3  # unexpected values/rows kept per result
# BASIC still gives unexpected_count and the first few unexpected values; SUMMARY adds value
# counts and index lists a gate does not use (measured ≈10 % slower on small tables).
_RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": _EXAMPLES}


@dataclass(frozen=True)
class ExpectationResult:
    expectation: Expectation
    success: bool
    observed_value: object  # JSON-serialisable
    unexpected_count: int | None
    examples: list  # a few unexpected values/rows, JSON-serialisable, CPR numbers masked
    message: str  # one line for humans
    seconds: float | None = None  # wall time of its validation; None where it never ran


def run_expectations(
    con: duckdb.DuckDBPyConnection, expectations: Sequence[Expectation], *, shortcuts: bool = True
) -> list[ExpectationResult]:
    """Results for `expectations`, in their order. With `shortcuts` (the gates), plain SQL decides
    what it can (see the module's docstring) and GE's own the rest, one GE datasource per schema,
    one batch per table; without, every one is GE's own (the tests compare the two).

    Never raises for a failing or broken expectation: that comes back as success=False with a
    message. Both routes read through cursors of `con`, so they see committed rows only.
    """
    by_schema: dict[str, dict[str, list[int]]] = {}
    for i, expectation in enumerate(expectations):
        schema, _, table = expectation.model.rpartition(".")
        by_schema.setdefault(schema or "main", {}).setdefault(table, []).append(i)
    results: dict[int, ExpectationResult] = {}
    if shortcuts:
        for schema, tables in by_schema.items():
            results.update(_decided_in_plain_sql(con, schema, tables, expectations))
    left = {
        schema: remaining
        for schema, tables in by_schema.items()
        if (
            remaining := {
                table: kept
                for table, indices in tables.items()
                if (kept := [i for i in indices if i not in results])
            }
        )
    }
    if left:
        results.update(_validate_in_ge(con, left, expectations))
    return [results[i] for i in range(len(expectations))]


def _decided_in_plain_sql(
    con, schema: str, tables: dict[str, list[int]], expectations
) -> dict[int, ExpectationResult]:
    """The expectations of a schema's tables (by index) that plain SQL decides, on a cursor of
    `con` whose search_path is the schema, as GE's (ge_duckdb.cursor_for)."""
    decided: dict[int, ExpectationResult] = {}
    with contextlib.closing(con.cursor()) as cursor:
        try:
            cursor.execute("SET search_path = ?", [schema])
        except Exception:  # no such schema: GE's own reports it
            return decided
        for table, indices in tables.items():
            group = {i: expectations[i] for i in indices}
            decided.update(_decided_for_table(cursor, table, group))
    return decided


def _decided_for_table(cursor, table: str, group: dict[int, Expectation]):
    """Of one table's expectations: those plain SQL shows to pass, and the unexpected-rows ones
    whose query runs."""
    try:  # as GE's batch does: a missing table is GE's own to report, whatever a query reads
        first = cursor.execute(f"SELECT 1 FROM {gate_sql.table_name(table)} LIMIT 1").fetchone()
    except Exception:
        return {}
    shown = (
        _passed_by_scan(cursor, table, group)
        | _passed_by_count(cursor, table, group)
        | _passed_by_group_by(cursor, table, group)
    )
    decided = {
        i: _passed(group[i], seconds, observed, empty=first is None)
        for i, (seconds, observed) in shown.items()
    }
    for i, expectation in group.items():
        if expectation.type == "unexpected_rows_expectation":
            if (result := _unexpected_rows_in_plain_sql(cursor, table, expectation)) is not None:
                decided[i] = result
    return decided


def _passed_by_scan(cursor, table: str, group: dict[int, Expectation]) -> dict:
    """The row-wise expectations one scan shows to pass (a second where a row is flagged), each
    with an equal share of their time."""
    scanned = {
        i: condition
        for i, e in group.items()
        if (condition := gate_sql.row_condition(e)) is not None
    }
    if not scanned:
        return {}
    started = time.perf_counter()
    arms = [
        gate_sql.scan_arm(table, condition, _distinct_column(cursor, table, group[i]))
        for i, condition in scanned.items()
    ]
    if _no_rows(cursor, gate_sql.scan_query(arms)):
        share = (time.perf_counter() - started) / len(scanned)
        return {i: (share, None) for i in scanned}
    # some row is flagged: which conditions flag none, by a second scan
    try:
        flags = cursor.execute(gate_sql.flagged_query(table, list(scanned.values()))).fetchone()
    except Exception:
        return {}
    share = (time.perf_counter() - started) / len(scanned)
    return {i: (share, None) for i, flag in zip(scanned, flags, strict=True) if flag is not True}


def _distinct_column(cursor, table: str, expectation: Expectation) -> str | None:
    """The column whose distinct values the expectation's condition may be asked of instead of
    its rows (gate_sql.scan_arm), where its first rows show it has few; else None."""
    if (column := gate_sql.regex_column(expectation)) is None:
        return None
    try:
        (few,) = cursor.execute(gate_sql.few_distinct_query(table, column)).fetchone()
    except Exception:  # GE's own decides, as for any error of the scan
        return None
    return column if few else None


def _passed_by_count(cursor, table: str, group: dict[int, Expectation]) -> dict:
    """The row-count expectations the table's count passes, that count observed."""
    counted = [i for i, e in group.items() if gate_sql.is_row_count(e)]
    if not counted:
        return {}
    started = time.perf_counter()
    (count,) = cursor.execute(f"SELECT count(*) FROM {gate_sql.table_name(table)}").fetchone()
    share = (time.perf_counter() - started) / len(counted)
    return {i: (share, count) for i in counted if gate_sql.row_count_passes(group[i], count)}


def _passed_by_group_by(cursor, table: str, group: dict[int, Expectation]) -> dict:
    """The uniqueness expectations a sort of their keys' hashes each shows to pass."""
    shown = {}
    for i, expectation in group.items():
        if (query := gate_sql.duplicates_query(table, expectation)) is not None:
            started = time.perf_counter()
            if _no_rows(cursor, query):
                shown[i] = (time.perf_counter() - started, None)
    return shown


def _passed(
    expectation: Expectation, seconds: float, observed: object, *, empty: bool
) -> ExpectationResult:
    """What GE's own gives for an expectation that passed with nothing unexpected."""
    if gate_sql.is_row_count(expectation):
        unexpected = None
    else:
        unexpected = gate_sql.unexpected_on_empty_table(expectation) if empty else 0
    message = f"{_label(expectation)} passed"
    return ExpectationResult(
        expectation, True, observed, unexpected, [], message, round(seconds, 4)
    )


def _no_rows(cursor, query: str) -> bool:
    """Whether a query returns no rows (False on any error: GE's own decides)."""
    try:
        return cursor.execute(query).fetchone() is None
    except Exception:
        return False


def _unexpected_rows_in_plain_sql(
    cursor, table: str, expectation: Expectation
) -> ExpectationResult | None:
    """GE's verdict on an unexpected_rows_expectation, by the SQL GE runs: its count of the rows
    the query returns, then, for a failure, the query's first rows (GE fetches them by running it
    again). None where GE's own must decide: a query GE would not run as written, an SQL error,
    a value GE does not serialise."""
    query = expectation.kwargs.get("unexpected_rows_query")
    if set(expectation.kwargs) != {"unexpected_rows_query"} or not isinstance(query, str):
        return None
    if (sql := gate_sql.batch_query(query, table)) is None:
        return None
    started = time.perf_counter()
    try:
        (count,) = cursor.execute(gate_sql.count_query(sql)).fetchone()
        examples = []
        if count:
            cursor.execute(sql)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchmany(_EXAMPLES)
            examples = mask_cpr([_json_value(dict(zip(names, row, strict=True))) for row in rows])
    except Exception:
        return None
    success = count == 0
    return ExpectationResult(
        expectation,
        success,
        count,
        count,
        examples,
        _message(expectation, success, count, count, examples),
        round(time.perf_counter() - started, 4),
    )


def _json_value(value):
    """`value` as GE's result (convert_to_json_serializable) gives a value a DuckDB cursor
    returns; a TypeError for one GE would not serialise either."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_value(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, bytes)):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{value!r} is of type {type(value).__name__}")


def _validate_in_ge(con, by_schema: dict[str, dict[str, list[int]]], expectations):
    """GE's own verdicts on the expectations (by index) of `by_schema`."""
    gx = ge_duckdb.import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")  # in memory: writes no files
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # else on stderr
    # After every add_* an ephemeral context "saves" by dumping its whole config as YAML to
    # memory: ≈8 ms a table for nothing.
    context._save_project_config = lambda: None
    results: dict[int, ExpectationResult] = {}
    # GE prints advice on stdout (an unexpected-rows query of other tables than {batch}: the gates
    # mean them); a nightly job's stdout belongs to its own log
    with contextlib.redirect_stdout(io.StringIO()):
        for schema, tables in by_schema.items():
            results.update(_validate_schema(context, con, schema, tables, expectations))
    return results


def _validate_schema(
    context, con, schema: str, tables: dict[str, list[int]], expectations
) -> dict[int, ExpectationResult]:
    """Validate a schema's tables on one datasource.

    The datasource is bound to this call's `con` and the schema (see ge_duckdb.cursor_for), so it
    is never reused. Its engines are disposed afterwards, which closes GE's cursors now rather than
    whenever the garbage collector gets to them.
    """
    results: dict[int, ExpectationResult] = {}
    datasource = None
    try:
        datasource = context.data_sources.add_sql(
            name=schema,
            connection_string="duckdb:///:memory:",  # picks the dialect; the creator connects
            kwargs={"creator": functools.partial(ge_duckdb.cursor_for, con, schema)},
        )
        ge_duckdb.reflect_from_information_schema(datasource.get_execution_engine().engine.dialect)
        for table, indices in tables.items():
            group = [expectations[i] for i in indices]
            results.update(zip(indices, _validate_table(datasource, table, group), strict=True))
    except Exception as exc:  # no such schema: every expectation of it fails
        results.update(
            (i, _error(expectations[i], exc))
            for indices in tables.values()
            for i in indices
            if i not in results
        )
    finally:
        if datasource is not None:
            datasource.get_execution_engine().close()
            datasource.get_engine().dispose()
    return results


def _validate_table(datasource, table: str, group: list[Expectation]) -> list[ExpectationResult]:
    """Validate one table's expectations on one batch, each on its own and timed (a suite's
    validation would give one time for all)."""
    try:
        # The table name alone: the cursor's search_path supplies the schema
        # (see ge_duckdb.cursor_for).
        asset = datasource.add_table_asset(name=table, table_name=table)
        batch = asset.add_batch_definition_whole_table("whole table").get_batch()
    except Exception as exc:  # missing table: every expectation of the table fails
        return [_error(expectation, exc) for expectation in group]
    return [_validate(batch, e) for e in group]


def _validate(batch, expectation: Expectation) -> ExpectationResult:
    started = time.perf_counter()
    try:
        ge_result = batch.validate(_to_ge(expectation), result_format=_RESULT_FORMAT)
    except Exception as exc:  # unknown type, bad kwargs
        return _error(expectation, exc, time.perf_counter() - started)
    try:
        return _result(expectation, ge_result, batch, time.perf_counter() - started)
    except Exception as exc:  # a value GE cannot serialise: this one fails, not the table's rest
        return _error(expectation, exc, time.perf_counter() - started)


def _to_ge(expectation: Expectation):
    from great_expectations.expectations.registry import get_expectation_impl

    if expectation.type == "unexpected_rows_expectation":
        return _counted_unexpected_rows()(**expectation.kwargs)
    return get_expectation_impl(expectation.type)(**expectation.kwargs)


@functools.cache
def _counted_unexpected_rows():
    """GE's UnexpectedRowsExpectation, asking GE for the number of rows its query returns only.

    GE's own computes two metrics: the rows (the query run and up to 200 rows fetched) and their
    number (the query run again, counted), then reports the rows only in COMPLETE format. A gate
    needs the number; a failure's example rows are asked for afterwards (_unexpected_rows). So
    a passing check runs its query once instead of twice.
    """
    from great_expectations.expectations.core.unexpected_rows_expectation import (
        UnexpectedRowsExpectation,
    )

    class CountedUnexpectedRowsExpectation(UnexpectedRowsExpectation):
        metric_dependencies: ClassVar[tuple[str, ...]] = ("unexpected_rows_query.row_count",)

        def _validate(self, metrics, runtime_configuration=None, execution_engine=None):
            count = metrics["unexpected_rows_query.row_count"]
            return {"success": count == 0, "result": {"observed_value": count}}

    return CountedUnexpectedRowsExpectation


def _result(expectation: Expectation, ge_result, batch, seconds: float) -> ExpectationResult:
    if error := _exception_message(ge_result.exception_info):
        return _error(expectation, error, seconds)
    result = mask_cpr(ge_result.to_json_dict().get("result") or {})
    observed = result.get("observed_value")
    unexpected = result.get("unexpected_count")
    examples = _distinct(result.get("partial_unexpected_list", []))
    if expectation.type == "unexpected_rows_expectation":
        unexpected = observed  # GE reports the number of rows the query returned as observed
        if not ge_result.success:
            examples = _unexpected_rows(batch, expectation)

    message = _message(expectation, ge_result.success, observed, unexpected, examples)
    return ExpectationResult(
        expectation, ge_result.success, observed, unexpected, examples, message, round(seconds, 4)
    )


def _message(expectation: Expectation, success: bool, observed, unexpected, examples) -> str:
    label = _label(expectation)
    if success:
        return f"{label} passed"
    if unexpected is not None:
        shown = ", ".join(map(repr, examples))
        return f"{label} failed: {unexpected} unexpected" + (f" (e.g. {shown})" if shown else "")
    return f"{label} failed: observed {observed!r}"


def _unexpected_rows(batch, expectation: Expectation) -> list:
    """The first rows a failing unexpected_rows_query returned: GE's own expectation, asked on
    its own in COMPLETE format, the one that lists them (for the table's other expectations it
    would list every unexpected value)."""
    from great_expectations.expectations.registry import get_expectation_impl

    ge_expectation = get_expectation_impl(expectation.type)(**expectation.kwargs)
    complete = batch.validate(ge_expectation, result_format="COMPLETE").to_json_dict()
    rows = (complete.get("result") or {}).get("details", {}).get("unexpected_rows", [])
    return mask_cpr(rows[:_EXAMPLES])


def _error(
    expectation: Expectation, exc: BaseException | str, seconds: float | None = None
) -> ExpectationResult:
    text = str(exc).split("\n[SQL:")[0]  # SQLAlchemy appends the statement and a help link
    text = " ".join(text.split()) or type(exc).__name__
    if len(text) > 300:
        text = text[:299] + "…"
    message = f"{_label(expectation)} errored: {mask_cpr(text)}"
    return ExpectationResult(
        expectation, False, None, None, [], message, None if seconds is None else round(seconds, 4)
    )


def _exception_message(info: dict | None) -> str | None:
    """The message of the first exception GE caught; `info` is flat or keyed by metric."""
    if not info:
        return None
    if "raised_exception" in info:
        return info["exception_message"] if info["raised_exception"] else None
    return next(filter(None, map(_exception_message, info.values())), None)


def _label(expectation: Expectation) -> str:
    kwargs = expectation.kwargs
    columns = [
        kwargs.get("column"),
        kwargs.get("column_A"),
        kwargs.get("column_B"),
        *kwargs.get("column_list", []),
    ]
    subject = ", ".join(c for c in columns if c) or expectation.description
    return f"{expectation.model}: {expectation.type}({subject})"


def _distinct(values: list) -> list:
    # not a set: values may be lists or dicts (column pairs, compound keys)
    out: list = []
    for value in values:
        if value not in out:
            out.append(value)
    return out
