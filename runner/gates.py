"""Quality gates: great-expectations (GE) expectations run against DuckDB tables in place.

GE's SQL execution engine runs on a cursor of the runner's own connection: no table is
pulled into pandas, and no second connection to the file is needed (DuckDB would refuse it).
GE 1.24 needs a fix to work on DuckDB at all: that adapter is runner/ge_duckdb.py. Importing
GE takes ≈2.4 s, so it happens only in `run_expectations`, when a gate has expectations to run
(ge_duckdb.import_great_expectations). A column expectation that plain SQL shows to pass,
by one scan of its table or one GROUP BY, is not asked of GE's own (runner/gate_sql.py); the
plain SQL runs in GE too, as an unexpected-rows query.
"""

from __future__ import annotations

import contextlib
import functools
import io
import time
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
    """Results for `expectations`, in their order; one GE datasource per schema, one batch per
    table. With `shortcuts` (the gates), a column expectation that plain SQL shows to pass is not
    asked of GE's own (runner/gate_sql.py); without, every one is GE's own (the tests compare).

    Never raises for a failing or broken expectation: that comes back as success=False with a
    message. GE reads through cursors of `con`, so it sees committed rows only.
    """
    if not expectations:
        return []
    gx = ge_duckdb.import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")  # in memory: writes no files
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # else on stderr
    # After every add_* an ephemeral context "saves" by dumping its whole config as YAML to
    # memory: ≈8 ms a table for nothing.
    context._save_project_config = lambda: None

    by_schema: dict[str, dict[str, list[int]]] = {}
    for i, expectation in enumerate(expectations):
        schema, _, table = expectation.model.rpartition(".")
        by_schema.setdefault(schema or "main", {}).setdefault(table, []).append(i)
    results: dict[int, ExpectationResult] = {}
    # GE prints advice on stdout (an unexpected-rows query of other tables than {batch}: the gates
    # mean them); a nightly job's stdout belongs to its own log
    with contextlib.redirect_stdout(io.StringIO()):
        for schema, tables in by_schema.items():
            results.update(_validate_schema(context, con, schema, tables, expectations, shortcuts))
    return [results[i] for i in range(len(expectations))]


def _validate_schema(
    context, con, schema: str, tables: dict[str, list[int]], expectations, shortcuts: bool
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
            validated = _validate_table(datasource, table, group, shortcuts)
            results.update(zip(indices, validated, strict=True))
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


def _validate_table(
    datasource, table: str, group: list[Expectation], shortcuts: bool
) -> list[ExpectationResult]:
    """Validate one table's expectations on one batch, each on its own and timed (a suite's
    validation would give one time for all); with `shortcuts`, those plain SQL shows to pass
    first (runner/gate_sql.py)."""
    try:
        # The table name alone: the cursor's search_path supplies the schema
        # (see ge_duckdb.cursor_for).
        asset = datasource.add_table_asset(name=table, table_name=table)
        batch = asset.add_batch_definition_whole_table("whole table").get_batch()
    except Exception as exc:  # missing table: every expectation of the table fails
        return [_error(expectation, exc) for expectation in group]
    passed = _passed_in_plain_sql(batch, group) if shortcuts else {}
    return [passed.get(i) or _validate(batch, e) for i, e in enumerate(group)]


def _passed_in_plain_sql(batch, group: list[Expectation]) -> dict[int, ExpectationResult]:
    """The expectations of `group` (by position) that plain SQL shows to pass: the row-wise ones
    by one scan of the table (each gets an equal share of its time), each uniqueness one by a
    GROUP BY. The queries run in GE, as unexpected-rows queries; what they cannot show to pass is
    left to GE's own expectation."""
    passed: dict[int, ExpectationResult] = {}
    scanned = {
        i: condition
        for i, e in enumerate(group)
        if (condition := gate_sql.row_condition(e)) is not None
    }
    if scanned:
        started = time.perf_counter()
        if _no_rows(batch, gate_sql.scan_query(list(scanned.values()))):
            share = (time.perf_counter() - started) / len(scanned)
            passed.update((i, _passed(group[i], share)) for i in scanned)
    for i, expectation in enumerate(group):
        if (query := gate_sql.duplicates_query(expectation)) is not None:
            started = time.perf_counter()
            if _no_rows(batch, query):
                passed[i] = _passed(expectation, time.perf_counter() - started)
    return passed


def _no_rows(batch, query: str) -> bool:
    """Whether an unexpected-rows query returns no rows (False on any error: GE's own decides)."""
    try:
        result = batch.validate(
            _counted_unexpected_rows()(unexpected_rows_query=query), result_format="BOOLEAN_ONLY"
        )
    except Exception:
        return False
    return bool(result.success) and not _exception_message(result.exception_info)


def _passed(expectation: Expectation, seconds: float) -> ExpectationResult:
    """What GE's own gives for a column expectation that passed with nothing unexpected."""
    message = f"{_label(expectation)} passed"
    return ExpectationResult(expectation, True, None, 0, [], message, round(seconds, 4))


def _validate(batch, expectation: Expectation) -> ExpectationResult:
    started = time.perf_counter()
    try:
        ge_result = batch.validate(_to_ge(expectation), result_format=_RESULT_FORMAT)
    except Exception as exc:  # unknown type, bad kwargs
        return _error(expectation, exc, time.perf_counter() - started)
    return _result(expectation, ge_result, batch, time.perf_counter() - started)


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

    label = _label(expectation)
    if ge_result.success:
        message = f"{label} passed"
    elif unexpected is not None:
        shown = ", ".join(map(repr, examples))
        message = f"{label} failed: {unexpected} unexpected" + (f" (e.g. {shown})" if shown else "")
    else:
        message = f"{label} failed: observed {observed!r}"
    return ExpectationResult(
        expectation, ge_result.success, observed, unexpected, examples, message, round(seconds, 4)
    )


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
