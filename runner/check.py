"""`lis test`: every expectation of every model, run read-only against the published warehouse, and
the disclosure audit of what its reports and discreet exports show (runner/disclosure_audit.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from . import gates
from .compile import Compiler, run_vars
from .disclosure_audit import audit_warehouse
from .discretion_policy import Policy
from .errors import GateFailed, InputError
from .project import Project

log = logging.getLogger("lis")


def check_published(project: Project, warehouse: Path) -> int:
    if not warehouse.is_file():
        raise InputError(f"{warehouse}: no published warehouse (run lis build first)")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (as_of,) = con.execute(
            "SELECT status_date FROM audit.runs WHERE status = 'success' "
            "ORDER BY ended_at DESC LIMIT 1"
        ).fetchone()
        compiler = Compiler(project, run_vars(project, as_of))
        nodes = [n for n in project.nodes.values()]
        results = gates.run_expectations(con, compiler.expectations(nodes))
        disclosures = audit_warehouse(
            con,
            Policy.of(project),
            project.vars["discretion_min_persons"],
            project.vars.get("discretion_protection", 1),
        )
    finally:
        con.close()
    failed = [r for r in results if not r.success and r.expectation.severity == "error"]
    warned = [r for r in results if not r.success and r.expectation.severity == "warn"]
    for result in warned:
        log.warning("%s", result.message)
    for result in failed:
        log.error("%s", result.message)
    log.info(
        "%d expectations on %s (status date %s): %d passed, %d failed, %d warnings",
        len(results),
        warehouse,
        as_of,
        len(results) - len(failed) - len(warned),
        len(failed),
        len(warned),
    )
    for finding in disclosures:
        log.error("disclosure: %s", finding)
    log.info("disclosure audit: %d hidden counts a reader could work out", len(disclosures))
    if disclosures:
        raise GateFailed(
            f"{len(disclosures)} hidden counts of the reports and discreet exports can be worked "
            f"out: {disclosures[0]}"
        )
    if failed:
        raise GateFailed(f"{len(failed)} expectations failed on {warehouse}: {failed[0].message}")
    return 0
