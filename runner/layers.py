"""Building a new publication: the models layer by layer into a file beside the published one,
each layer behind its gate, the run's audit, then the file swapped in."""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

from . import (
    baseline,
    connection,
    dag,
    execute,
    gates,
    interrupts,
    publish,
    published,
    record,
    sources,
)
from .compile import Compiler
from .errors import GateFailed, UsageError
from .extracts import load_extracts
from .progress import Progress
from .project import Node, Project

log = logging.getLogger("lis")


def build_layers(  # noqa: PLR0913 - the run's inputs, passed on from build()
    project: Project,
    extracts_dir: Path,
    variables: dict,
    warehouse: Path,
    progress: Progress,
    rec: record.RunRecord,
    allow_any_date: bool,
    signals: interrupts.Interrupts,
) -> None:
    compiler = Compiler(project, variables)
    layers = dag.plan(compiler.compile_all(), project.layers)
    for stale in publish.remove_stale_builds(warehouse):
        log.info("removed %s, left by a build that did not finish", stale.name)
    building = publish.building_path(warehouse, rec.run_id)
    con = None
    umask = publish.private_umask()
    try:
        con = connection.connect(building, project, warehouse)
        execute.load_seeds(con, project.seeds, project.seed_docs)
        with progress.step("load", "extracts") as step:
            step.done(
                sum(
                    load_extracts(
                        con, extracts_dir, project.source_tables(), project.extract_overrides
                    ).values()
                )
            )
        baseline.load(con, project, warehouse, date.fromisoformat(variables["as_of"]))
        for group in layers:
            _run_layer(con, group, rec, progress)
            if not allow_any_date:
                as_of = date.fromisoformat(variables["as_of"])
                _check_status_date(con, group, as_of, sources.first_dates(project.source_tables()))
            _gate(con, compiler, group, rec, progress)
            signals.check()
        rec.finish("success", "published")
        record.write_audit(con, publish.read_journal(warehouse), rec)
        execute.document_tables(con, project.table_docs, [n for group in layers for n in group])
        con.execute("CHECKPOINT")
        con.close()
        publish.swap_in(building, warehouse, umask, signals.last_chance)
    except BaseException:
        if con is not None:
            con.close()
        publish.discard(building)
        raise
    finally:
        os.umask(umask)
    published.remember(warehouse, rec.fingerprints)


def _check_status_date(con, group: list[Node], as_of: date, first_dates: dict[str, str]) -> None:
    """A status date before anything in the extracts began is a mistyped date, not a back-fill:
    every count would be 0. Checked once the staged dates exist; `first_dates` (sources.yml's
    first_date) names where each staging model's dates begin: the first day of a service, a
    placement or a one-off grant."""
    staged = [node for node in group if node.name in first_dates]
    if not staged:
        return
    union = " union all ".join(
        f"select min({first_dates[node.name]}) as first_date from {node.relation}"
        for node in staged
    )
    (first,) = con.execute(f"select min(first_date) from ({union})").fetchone()
    if first is not None and as_of < first:
        raise UsageError(
            f"--as-of {as_of} is before the extracts' first date {first} (the earliest start or "
            "grant date), so every count would be 0: correct the date, or --allow-any-date "
            "builds it anyway"
        )


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
    """Run the layer's expectations; an error-level failure stops the build before the next
    layer."""
    expectations = compiler.expectations(group)
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
