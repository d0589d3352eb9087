"""The build: load the project, compile and plan, build layer by layer behind its gates, publish."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from . import dag, execute, fingerprint, gates, publish, record
from .compile import Compiler
from .errors import ExecutionError, GateFailed, InputError, LisError
from .extracts import load_extracts
from .progress import Progress
from .project import Node, Project

log = logging.getLogger("lis")


@dataclass(frozen=True)
class BuildOutcome:
    status: str  # "published" or "up_to_date"
    record: record.RunRecord


def run_vars(project: Project, as_of: date) -> dict:
    key = os.environ.get("LIS_PSEUDONYM_KEY")
    if not key:
        key = project.vars.get("pseudonym_key", "")
        log.warning("LIS_PSEUDONYM_KEY is not set: person keys use the project's demo key")
    return {"as_of": as_of.isoformat(), "pseudonym_key": key}


def expectations_of(compiler: Compiler, nodes) -> list[gates.Expectation]:
    """The nodes' declared expectations, with refs in their queries rendered."""
    found = []
    for node in nodes:
        for spec in node.expectations:
            kwargs = dict(spec.kwargs)
            if "unexpected_rows_query" in kwargs:
                kwargs["unexpected_rows_query"], _ = compiler.render(
                    kwargs["unexpected_rows_query"], f"{node.path.name} expectation"
                )
            found.append(
                gates.Expectation(node.relation, spec.type, kwargs, spec.severity, spec.description)
            )
    return found


def build(
    project: Project,
    extracts_dir: Path,
    as_of: date,
    warehouse: Path,
    full_refresh: bool = False,
    progress: Progress | None = None,
) -> BuildOutcome:
    """Build and publish; every run, whatever its end, is journalled and described in target/run_results.json."""
    variables = run_vars(project, as_of)
    rec = record.RunRecord(
        status_date=as_of.isoformat(),
        extracts_dir=str(extracts_dir),
        git_revision=record.git_revision(project.root),
    )
    try:
        with publish.exclusive(warehouse):
            try:
                status = _build(
                    project,
                    extracts_dir,
                    variables,
                    warehouse,
                    full_refresh,
                    progress or Progress(enabled=False),
                    rec,
                )
            except BaseException as error:
                rec.finish(
                    "error",
                    str(error)
                    if isinstance(error, LisError)
                    else f"{type(error).__name__}: {error}",
                )
                raise
            finally:
                _keep_record(
                    project,
                    warehouse,
                    rec,
                    {
                        "as_of": as_of.isoformat(),
                        "extracts": str(extracts_dir),
                        "warehouse": str(warehouse),
                    },
                )
    except Exception as error:
        if isinstance(error, LisError):
            raise
        first_line = (str(error).splitlines() or [""])[0]
        kind = ExecutionError if isinstance(error, duckdb.Error) else LisError
        raise kind(
            f"{'' if kind is ExecutionError else 'internal error: '}{type(error).__name__}: {first_line}"
        ) from error
    return BuildOutcome(status, rec)


def _keep_record(project: Project, warehouse: Path, rec: record.RunRecord, args: dict) -> None:
    """Journal the run and write run_results.json. Neither may turn a published build into a failure,
    nor hide why a build failed, so a failure here is logged, not raised."""
    for write in (
        lambda: publish.append_journal(warehouse, rec.as_dict()),
        lambda: record.write_run_results(project.root / "target", rec, args),
    ):
        try:
            write()
        except OSError as error:
            log.warning("could not keep the run record: %s", error)


def _build(
    project: Project,
    extracts_dir: Path,
    variables: dict,
    warehouse: Path,
    full_refresh: bool,
    progress: Progress,
    rec: record.RunRecord,
) -> str:
    if not extracts_dir.is_dir():
        raise InputError(f"{extracts_dir}: the extracts folder does not exist")
    rec.fingerprints = fingerprint.compute(project, extracts_dir, variables)
    if not full_refresh and publish.published_fingerprints(warehouse) == rec.fingerprints:
        rec.finish(
            "up_to_date",
            "extracts, seeds, models, code and status date are those of the publication",
        )
        return "up_to_date"

    compiler = Compiler(project, variables)
    layers = dag.plan(compiler.compile_all(), project.layers)
    for stale in publish.remove_stale_builds(warehouse):
        log.info("removed %s, left by a build that did not finish", stale.name)
    building = publish.building_path(warehouse, rec.run_id)
    con = None
    try:
        con = duckdb.connect(str(building), config=project.duckdb_config(warehouse))
        execute.load_seeds(con, project.seeds)
        with progress.step("load", "extracts") as step:
            step.done(
                sum(
                    load_extracts(
                        con, extracts_dir, project.source_tables(), project.extract_overrides
                    ).values()
                )
            )
        for group in layers:
            _run_layer(con, group, rec, progress)
            _gate(con, compiler, group, rec, progress)
        rec.finish("success", "published")
        record.write_audit(con, publish.read_journal(warehouse), rec)
        con.execute("CHECKPOINT")
        con.close()
        publish.swap_in(building, warehouse)
    except BaseException:
        if con is not None:
            con.close()
        publish.discard(building)
        raise
    return "published"


def _run_layer(con, group: list[Node], rec: record.RunRecord, progress: Progress) -> None:
    for node in group:
        with progress.step(node.layer, node.name) as step:
            started = record.now()
            result = execute.run_model(con, node)
            step.done(result.rows)
        rec.add_model(
            node.name, node.layer, node.materialized, result.rows, result.seconds, started
        )


def _gate(
    con, compiler: Compiler, group: list[Node], rec: record.RunRecord, progress: Progress
) -> None:
    """Run the layer's expectations; an error-level failure stops the build before the next layer."""
    expectations = expectations_of(compiler, group)
    if not expectations:
        return
    layer = group[0].layer
    with progress.step(layer, f"gate ({len(expectations)} expectations)") as step:
        results = gates.run_expectations(con, expectations)
        step.done(None)
    for result in results:
        rec.add_expectation(result)
    for result in results:
        if not result.success and result.expectation.severity == "warn":
            log.warning("%s", result.message)
    failed = [r for r in results if not r.success and r.expectation.severity == "error"]
    if failed:
        for result in failed:
            log.error("%s", result.message)
        raise GateFailed(
            f"the {layer} gate failed: {failed[0].message}"
            + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else "")
        )
