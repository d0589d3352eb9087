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

import duckdb

from .privacy import mask_cpr
from .sql import literal


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
            {
                "model": name,
                "layer": layer,
                "materialized": materialized,
                "rows": rows,
                "seconds": round(seconds, 4),
                "started_at": started_at,
                "status": status,
            }
        )

    def add_expectation(self, result) -> None:
        e = result.expectation
        self.expectations.append(
            {
                "model": e.model,
                "expectation": e.type,
                "kwargs": json.dumps(e.kwargs, default=str, ensure_ascii=False),
                "severity": e.severity,
                "success": result.success,
                "observed_value": json.dumps(
                    result.observed_value, default=str, ensure_ascii=False
                ),
                "unexpected_count": result.unexpected_count,
                "examples": json.dumps(result.examples, default=str, ensure_ascii=False),
                "message": result.message,
            }
        )

    def finish(self, status: str, message: str = "") -> None:
        self.status, self.message, self.ended_at = status, mask_cpr(message), now()

    def as_dict(self) -> dict:
        return dict(self.__dict__)


_AUDIT_TABLES = {
    "runs": """SELECT run_id, started_at::TIMESTAMPTZ AS started_at,
                      ended_at::TIMESTAMPTZ AS ended_at, status, status_date::DATE AS status_date,
                      extracts_dir, git_revision, message
               FROM records""",
    "model_runs": """SELECT run_id, m.model, m.layer, m.materialized, m.rows::BIGINT AS rows,
                            m.seconds::DOUBLE AS seconds, m.status
                     FROM (SELECT run_id, unnest(models) AS m FROM records)""",
    "expectation_results": """SELECT run_id, e.model, e.expectation, e.kwargs, e.severity,
                                     e.success::BOOLEAN AS success, e.observed_value,
                                     e.unexpected_count::BIGINT AS unexpected_count,
                                     e.examples, e.message
                              FROM (SELECT run_id, unnest(expectations) AS e FROM records)""",
}


def write_audit(con: duckdb.DuckDBPyConnection, history: list[dict], current: RunRecord) -> None:
    """audit.runs, model_runs and expectation_results hold every run in the journal plus this
    one."""
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in [*history, current.as_dict()]:
                # a journal line may predate masking, or be edited: every text in it is masked
                record = mask_cpr(record)
                handle.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
        con.execute(
            "CREATE OR REPLACE TEMP VIEW records AS SELECT * FROM "
            f"read_json({literal(path)}, format = 'newline_delimited', "
            "columns = {run_id: 'VARCHAR', started_at: 'VARCHAR', ended_at: 'VARCHAR', "
            "status: 'VARCHAR', status_date: 'VARCHAR', extracts_dir: 'VARCHAR', "
            "git_revision: 'VARCHAR', message: 'VARCHAR', "
            "models: 'STRUCT(model VARCHAR, layer VARCHAR, materialized VARCHAR, "
            '"rows" BIGINT, seconds DOUBLE, '
            "started_at VARCHAR, status VARCHAR)[]', "
            "expectations: 'STRUCT(model VARCHAR, expectation VARCHAR, kwargs VARCHAR, "
            "severity VARCHAR, success BOOLEAN, observed_value VARCHAR, unexpected_count BIGINT, "
            "examples VARCHAR, message VARCHAR)[]'})"
        )
        for table, query in _AUDIT_TABLES.items():
            con.execute(f"CREATE OR REPLACE TABLE audit.{table} AS {query}")
        con.execute("DROP VIEW records")
    con.execute("CREATE OR REPLACE TABLE audit.fingerprints (kind VARCHAR, fingerprint VARCHAR)")
    con.executemany(
        "INSERT INTO audit.fingerprints VALUES (?, ?)", sorted(current.fingerprints.items())
    )


def run_results_path(warehouse: Path) -> Path:
    """Beside the warehouse it describes, like the journal: a test warehouse's failed build must
    not overwrite what the production job's monitor reads."""
    return warehouse.with_name(warehouse.name + ".run_results.json")


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
            "execution_time": None,
            "failures": e["unexpected_count"],
            "message": e["message"],
            "severity": e["severity"],
            "kwargs": json.loads(e["kwargs"]),
            "observed_value": json.loads(e["observed_value"]),
            "examples": json.loads(e["examples"]),
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
