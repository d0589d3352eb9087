"""The run record: audit tables in the published file, and dbt-style run_results.json beside it."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .privacy import mask_cpr
from .sql import literal

if TYPE_CHECKING:
    import duckdb


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def git_revision(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def new_run_id(at: datetime, suffix: str) -> str:
    """'20261201T234001_2824e2'. Not '-' before the suffix: '234001-2824' would read as a CPR
    number, and be masked in every message and refused by the gates."""
    return f"{at:%Y%m%dT%H%M%S}_{suffix}"


@dataclass(frozen=True)
class Column:
    """A column of a table the runner writes itself (its description is in
    models/_run_record.yml, beside the models')."""

    name: str
    type: str  # in DuckDB; the journal keeps TIMESTAMPTZ and DATE as ISO text
    required: bool = False  # a journal line without it is not a run
    json: bool = False  # VARCHAR holding JSON; run_results.json carries it parsed


# The one definition of the runner's tables: the journal's lines are checked against it
# (publish.read_journal), audit.* are created from it, and run_results.json names its fields.
RUNS = (
    Column("run_id", "VARCHAR", required=True),
    Column("started_at", "TIMESTAMPTZ"),
    Column("ended_at", "TIMESTAMPTZ"),
    Column("status", "VARCHAR", required=True),
    Column("status_date", "DATE"),
    Column("extracts_dir", "VARCHAR"),
    Column("git_revision", "VARCHAR"),
    Column("message", "VARCHAR"),
)
# One entry of a run's `models` (audit.model_runs, with the run's run_id first).
MODEL_RUNS = (
    Column("model", "VARCHAR"),
    Column("layer", "VARCHAR"),
    Column("materialized", "VARCHAR"),
    Column("rows", "BIGINT"),
    Column("seconds", "DOUBLE"),
    Column("started_at", "TIMESTAMPTZ"),
    Column("status", "VARCHAR"),
)
# One entry of a run's `expectations` (audit.expectation_results, with run_id first).
EXPECTATION_RESULTS = (
    Column("model", "VARCHAR"),
    Column("expectation", "VARCHAR"),
    Column("kwargs", "VARCHAR", json=True),
    Column("severity", "VARCHAR"),
    Column("success", "BOOLEAN"),
    Column("observed_value", "VARCHAR", json=True),
    Column("unexpected_count", "BIGINT"),
    Column("examples", "VARCHAR", json=True),
    Column("message", "VARCHAR"),
    Column("seconds", "DOUBLE"),
)
# This run's fingerprints (a run's `fingerprints`: kind -> hash).
FINGERPRINTS = (Column("kind", "VARCHAR"), Column("fingerprint", "VARCHAR"))
# A run's lists of entries: the key in the journal line -> its table and columns.
ENTRIES = {
    "models": ("model_runs", MODEL_RUNS),
    "expectations": ("expectation_results", EXPECTATION_RESULTS),
}


@dataclass
class RunRecord:
    status_date: str
    extracts_dir: str
    git_revision: str | None
    run_id: str = field(default_factory=lambda: new_run_id(datetime.now(), uuid.uuid4().hex[:6]))
    started_at: str = field(default_factory=now)
    ended_at: str | None = None
    status: str = "running"
    message: str = ""
    models: list = field(default_factory=list)
    expectations: list = field(default_factory=list)
    fingerprints: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.extracts_dir = mask_cpr(self.extracts_dir)  # a folder may be named after a person

    def add_model(
        self,
        name: str,
        layer: str,
        materialized: str,
        rows: int | None,
        seconds: float,
        started_at: str,
        status: str = "success",
    ) -> None:
        self.models.append(
            _entry(
                MODEL_RUNS,
                model=name,
                layer=layer,
                materialized=materialized,
                rows=rows,
                seconds=round(seconds, 4),
                started_at=started_at,
                status=status,
            )
        )

    def add_expectation(self, result) -> None:
        e = result.expectation
        self.expectations.append(
            _entry(
                EXPECTATION_RESULTS,
                model=e.model,
                expectation=e.type,
                kwargs=_json(e.kwargs),
                severity=e.severity,
                success=result.success,
                observed_value=_json(result.observed_value),
                unexpected_count=result.unexpected_count,
                examples=_json(result.examples),
                message=result.message,
                seconds=result.seconds,
            )
        )

    def finish(self, status: str, message: str = "") -> None:
        self.status, self.message, self.ended_at = status, mask_cpr(message), now()

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _entry(columns: tuple[Column, ...], **values) -> dict:
    """An entry with exactly the table's columns, in their order."""
    if set(values) != {c.name for c in columns}:
        raise ValueError(f"entry fields {sorted(values)} are not the table's columns")
    return {c.name: values[c.name] for c in columns}


def _json(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _is_iso(value) -> bool:
    try:
        return value is None or bool(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return False


_PYTHON_TYPES = {"VARCHAR": str, "BIGINT": int, "DOUBLE": (int, float), "BOOLEAN": bool}


def fits(item, columns: tuple[Column, ...]) -> bool:
    """Whether a journal entry (a run, or one of its models or expectations) holds what the
    table's columns can take: a missing key reads as NULL, a required one must be there."""
    if not isinstance(item, dict):
        return False
    for column in columns:
        value = item.get(column.name)
        if value is None:
            if column.required:
                return False
        elif column.type in ("TIMESTAMPTZ", "DATE"):
            if not _is_iso(value):
                return False
        elif not isinstance(value, _PYTHON_TYPES[column.type]) or (
            column.type != "BOOLEAN" and isinstance(value, bool)
        ):
            return False
    return True


def is_run(record) -> bool:
    """Whether a journal line is a run that audit.* can hold."""
    return fits(record, RUNS) and all(
        isinstance(record.get(key, []), list) and all(fits(item, columns) for item in record[key])
        for key, (_, columns) in ENTRIES.items()
        if key in record
    )


def _read_type(column: Column) -> str:
    """How read_json reads the column: times as text, cast afterwards."""
    return "VARCHAR" if column.type in ("TIMESTAMPTZ", "DATE") else column.type


def _selected(columns: tuple[Column, ...], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{c.name}"::{c.type} AS "{c.name}"' for c in columns)


def _records_columns() -> str:
    """read_json's `columns` for a journal line: a run, its models and its expectations."""

    def struct(columns):
        return "STRUCT(" + ", ".join(f'"{c.name}" {_read_type(c)}' for c in columns) + ")[]"

    fields = [f"{c.name}: '{_read_type(c)}'" for c in RUNS]
    fields += [f"{key}: '{struct(columns)}'" for key, (_, columns) in ENTRIES.items()]
    return "{" + ", ".join(fields) + "}"


def _audit_tables() -> dict[str, str]:
    tables = {"runs": f"SELECT {_selected(RUNS)} FROM records"}
    for key, (table, columns) in ENTRIES.items():
        tables[table] = (
            f"SELECT run_id, {_selected(columns, 'e.')}"
            f" FROM (SELECT run_id, unnest({key}) AS e FROM records)"
        )
    return tables


def write_audit(con: duckdb.DuckDBPyConnection, history: list[dict], current: RunRecord) -> None:
    """audit.runs, model_runs and expectation_results hold every run in the journal plus this
    one; audit.fingerprints this run's fingerprints."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in [*history, current.as_dict()]:
                # a journal line may predate masking, or be edited: every text in it is masked
                record = mask_cpr(record)
                handle.write(_json(record) + "\n")
        con.execute(
            "CREATE OR REPLACE TEMP VIEW records AS SELECT * FROM "
            f"read_json({literal(path)}, format = 'newline_delimited', "
            f"columns = {_records_columns()})"
        )
        for table, query in _audit_tables().items():
            con.execute(f"CREATE OR REPLACE TABLE audit.{table} AS {query}")
        con.execute("DROP VIEW records")
    columns = ", ".join(f'"{c.name}" {c.type}' for c in FINGERPRINTS)
    con.execute(f"CREATE OR REPLACE TABLE audit.fingerprints ({columns})")
    con.executemany(
        "INSERT INTO audit.fingerprints VALUES (?, ?)", sorted(current.fingerprints.items())
    )


def run_results_path(warehouse: Path) -> Path:
    """Beside the warehouse it describes, like the journal: a test warehouse's failed build must
    not overwrite what the production job's monitor reads."""
    return warehouse.with_name(warehouse.name + ".run_results.json")


# audit.expectation_results' columns that run_results.json gives in dbt's own fields (unique_id,
# status, execution_time, failures, message)
_IN_DBT_FIELDS = {"model", "expectation", "success", "seconds", "unexpected_count", "message"}


def write_run_results(path: Path, record: RunRecord, args: dict) -> Path:
    """The last run with dbt's field names, so schedulers and tools can read it; swapped in whole,
    so a monitor never reads half a file."""
    results = [
        {
            "unique_id": f"model.lis.{m['model']}",
            "status": m["status"],
            "timing": [{"name": "execute", "started_at": m["started_at"]}],
            "execution_time": m["seconds"],
            "failures": None,
            "message": f"{m['materialized'].upper()} ({m['rows']} rows)"
            if m["rows"] is not None
            else m["materialized"].upper(),
            "adapter_response": {"rows_affected": m["rows"]},
        }
        for m in record.models
    ]
    results += [
        {
            "unique_id": f"test.lis.{e['model']}.{e['expectation']}",
            "status": "pass" if e["success"] else ("fail" if e["severity"] == "error" else "warn"),
            "timing": [],
            "execution_time": e["seconds"],
            "failures": e["unexpected_count"],
            "message": e["message"],
            # the columns of audit.expectation_results that dbt has no field for, JSON parsed
            **{
                c.name: json.loads(e[c.name]) if c.json else e[c.name]
                for c in EXPECTATION_RESULTS
                if c.name not in _IN_DBT_FIELDS
            },
        }
        for e in record.expectations
    ]
    started = datetime.fromisoformat(record.started_at)
    ended = datetime.fromisoformat(record.ended_at or now())
    document = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
            "generated_at": now(),
            "invocation_id": record.run_id,
        },
        "status": record.status,
        "message": record.message,
        "elapsed_time": (ended - started).total_seconds(),
        "args": mask_cpr(args),
        "results": results,
    }
    partial = path.with_name(f".{path.name}.{record.run_id}")
    try:
        partial.write_text(
            json.dumps(document, indent=2, default=str, ensure_ascii=False), encoding="utf-8"
        )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
