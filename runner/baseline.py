"""The baseline of marts.aendringer (indicators.md, "Changes since the previous month"): which
grant snapshot this build compares with, taken from the publication it replaces.

Every publication carries its own grant snapshot (intermediate.int_bevillingsfoto) and the
baseline it compared with (intermediate.int_aendringer_grundlag). A build in the same month as
the publication it replaces carries that baseline forward; a build in a later month takes that
publication's snapshot. The publication is attached read-only (an analyst may hold it open
read-only too) and detached before any model runs, so the rename that publishes is unaffected;
the baseline lives only inside the published file, so a failed or killed build leaves it as it
was. Whatever goes wrong here gives no comparison and a warning, never a failed build.

The up-to-date shortcut needs nothing more: a publication with the same fingerprints has the
same status date, so its rebuild would carry its own baseline forward and compare the same grants.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from .project import Project
from .sql import literal

log = logging.getLogger("lis")

SOURCE = "publikation"
GRUNDLAG, KILDE = "aendringer_grundlag", "aendringer_kilde"
SNAPSHOT = "intermediate.int_bevillingsfoto"
CARRIED = "intermediate.int_aendringer_grundlag"
_ATTACHED = "lis_forrige_publikation"


@dataclass(frozen=True)
class Choice:
    kilde: str  # forrige_maaned, fremfoert, or why there is no comparison
    publikation_status_date: date | None  # the status date of the publication replaced
    grundlag_status_date: date | None  # s0, when there is a baseline
    begrundelse: str  # Danish, for readers of the table and the reports

    @property
    def compares(self) -> bool:
        return self.grundlag_status_date is not None


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _columns(project: Project, table: str) -> list[dict]:
    return next(t for t in project.sources[SOURCE]["tables"] if t["name"] == table)["columns"]


def load(con, project: Project, warehouse: Path, as_of: date) -> Choice | None:
    """Write raw.aendringer_grundlag (the baseline's grants) and raw.aendringer_kilde (where it
    came from) into the build's raw database; log a warning when there is nothing to compare.
    A project that declares no such source (a test's tiny project) has nothing to load."""
    if SOURCE not in project.sources:
        return None
    started = time.perf_counter()
    schema = project.sources[SOURCE]["schema"]
    for table in (GRUNDLAG, KILDE):
        columns = ", ".join(f"{c['name']} {c['type']}" for c in _columns(project, table))
        con.execute(f"create or replace table {schema}.{table} ({columns})")
    grundlag = [c["name"] for c in _columns(project, GRUNDLAG)]
    choice = _choose(con, warehouse, as_of, f"{schema}.{GRUNDLAG}", grundlag)
    con.execute(
        f"insert into {schema}.{KILDE} values (?, ?, ?, ?, ?)",
        [
            as_of,
            choice.publikation_status_date,
            choice.grundlag_status_date,
            choice.kilde,
            choice.begrundelse,
        ],
    )
    if choice.compares:
        log.info(
            "marts.aendringer compares with %s (%s); baseline read in %.2f s",
            choice.grundlag_status_date,
            choice.kilde,
            time.perf_counter() - started,
        )
    else:
        log.warning("marts.aendringer has no rows: %s (%s)", choice.kilde, choice.begrundelse)
    return choice


def _choose(con, warehouse: Path, as_of: date, target: str, columns: list[str]) -> Choice:
    if not warehouse.is_file():
        return Choice(
            "foerste_publikation",
            None,
            None,
            "Første publikation: der er ingen tidligere publikation at sammenligne med.",
        )
    try:
        con.execute(f"attach {literal(warehouse)} as {_ATTACHED} (read_only)")
    except duckdb.Error as error:
        reason = (str(error).splitlines() or [""])[0]
        return Choice(
            "ulaeselig",
            None,
            None,
            "Den publicerede fil kunne ikke læses (holder et andet program den åben til "
            f"skrivning?): {reason}",
        )
    try:
        return _copy(con, as_of, target, columns)
    except duckdb.Error as error:
        reason = (str(error).splitlines() or [""])[0]
        return Choice("ulaeselig", None, None, f"Den publicerede fil kunne ikke læses: {reason}")
    finally:
        con.execute(f"detach {_ATTACHED}")


def _copy(con, as_of: date, target: str, columns: list[str]) -> Choice:
    tables = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ?",
            [_ATTACHED],
        ).fetchall()
    }
    published = None
    if "intermediate.int_statusdatoer" in tables:
        (published,) = con.execute(
            f"select max(status_date) from {_ATTACHED}.intermediate.int_statusdatoer"
        ).fetchone()
    if published is None:
        return Choice(
            "uden_grundlag",
            None,
            None,
            "Den publikation, der erstattes, har hverken statusdato eller bevillinger at "
            "sammenligne med (bygget af en ældre lis).",
        )
    if _month(published) > _month(as_of):
        return Choice(
            "tilbagedatering",
            published,
            None,
            f"Tilbagedatering: statusdatoen {as_of} ligger i en tidligere måned end den "
            f"publicerede {published}.",
        )
    same_month = _month(published) == _month(as_of)
    source = CARRIED if same_month else SNAPSHOT
    if source not in tables:
        return Choice(
            "uden_grundlag",
            published,
            None,
            f"Den publikation, der erstattes ({published}), har intet grundlag at føre videre "
            "(bygget af en ældre lis).",
        )
    names = ", ".join(columns)
    con.execute(f"insert into {target} ({names}) select {names} from {_ATTACHED}.{source}")
    (s0,) = con.execute(f"select max(status_date) from {target}").fetchone()
    if s0 is None:
        return Choice(
            "uden_grundlag",
            published,
            None,
            f"Den publikation, der erstattes ({published}), havde selv intet grundlag "
            "(den første i sin måned efter en første publikation eller en tilbagedatering).",
        )
    if same_month:
        return Choice(
            "fremfoert",
            published,
            s0,
            f"Grundlaget fra {s0} føres videre fra publikationen {published} i samme måned.",
        )
    return Choice(
        "forrige_maaned",
        published,
        s0,
        f"Grundlaget er publikationen {s0}, den sidste i en tidligere måned.",
    )
