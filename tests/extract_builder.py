"""Write tiny extract folders in the input contract's format (extracts.md) for tests that run the
real build, and read the published warehouse back.

Rows are dicts; a column that is not given is written empty. Files use `;` and ISO dates,
like the worked example in tests/fixtures/small/extracts.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb

from runner import sources
from runner.project import load_project

# The extracts, their columns and which extracts are required: the input contract, sources.yml.
_TABLES = load_project(Path(__file__).resolve().parents[1]).source_tables()
COLUMNS = {table["name"]: sources.columns(table) for table in _TABLES}
REQUIRED = tuple(table["name"] for table in _TABLES if table.get("required"))


def cpr(born: date, serial: int = 0) -> str:
    """A CPR number (10 digits, no dash) whose birth date the contract's century rule reads as
    `born`.

    The 7th digit: 0-3 for the 1900s; 4 for 2000-2036. `serial` (0..999) keeps numbers apart.
    """
    if 1900 <= born.year <= 1999:
        first = 1
    elif 2000 <= born.year <= 2036:
        first = 4
    else:
        raise ValueError(f"no century digit chosen for {born}")
    assert 0 <= serial <= 999
    return f"{born:%d%m%y}{first}{serial:03d}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Extracts:
    """Collects rows of every extract and writes them as a folder of `;`-separated CSV files."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in COLUMNS}
        self._ids: dict[str, int] = {}

    def _next_id(self, prefix: str) -> str:
        self._ids[prefix] = self._ids.get(prefix, 0) + 1
        return f"{prefix}{self._ids[prefix]:04d}"

    def ydelse(self, kommune: str, cpr: str, paragraf: str, start, slut=None, **kw) -> str:
        """One granted service; returns its bevilling_id. kw: any other column of `ydelser`."""
        row = {
            "bevilling_id": kw.pop("bevilling_id", None) or self._next_id("Y"),
            "cpr": cpr,
            "paragraf": paragraf,
            "startdato": start,
            "slutdato": slut,
            "betalingskommune": kommune,
            **kw,
        }
        self._add("ydelser", row)
        return row["bevilling_id"]

    def engangsbevilling(
        self, kommune: str, cpr: str, paragraf: str, bevillingsdato, beloeb, **kw
    ) -> str:
        row = {
            "bevilling_id": kw.pop("bevilling_id", None) or self._next_id("E"),
            "cpr": cpr,
            "paragraf": paragraf,
            "bevillingsdato": bevillingsdato,
            "beloeb": beloeb,
            "betalingskommune": kommune,
            **kw,
        }
        self._add("engangsbevillinger", row)
        return row["bevilling_id"]

    def anbringelse(
        self, kommune: str, cpr: str, anbringelsestype: str, start, slut=None, **kw
    ) -> str:
        row = {
            "anbringelse_id": kw.pop("anbringelse_id", None) or self._next_id("A"),
            "cpr": cpr,
            "anbringelsestype": anbringelsestype,
            "startdato": start,
            "slutdato": slut,
            "betalingskommune": kommune,
            **kw,
        }
        self._add("anbringelser", row)
        return row["anbringelse_id"]

    def leverandoer(
        self,
        leverandoer_id: str,
        leverandoertype: str,
        navn: str | None = None,
        ejerkommune: str | None = None,
    ) -> None:
        self._add(
            "leverandoerer",
            {
                "leverandoer_id": leverandoer_id,
                "navn": navn or f"Tilbud {leverandoer_id}",
                "leverandoertype": leverandoertype,
                "ejerkommune": ejerkommune,
            },
        )

    def sagsbehandler(
        self, sagsbehandler_id: str, navn: str | None = None, team: str = "Voksen"
    ) -> None:
        self._add(
            "sagsbehandlere",
            {
                "sagsbehandler_id": sagsbehandler_id,
                "navn": navn or f"Sagsbehandler {sagsbehandler_id}",
                "team": team,
            },
        )

    def budget(self, kommune: str, aar: int, omraade: str, beloeb) -> None:
        self._add(
            "budget",
            {"aar": aar, "betalingskommune": kommune, "omraade": omraade, "beloeb": beloeb},
        )

    def _add(self, extract: str, row: dict) -> None:
        unknown = set(row) - set(COLUMNS[extract])
        if unknown:
            raise KeyError(f"{extract} has no column(s) {sorted(unknown)}")
        self.rows[extract].append(row)

    def cprs(self) -> set[str]:
        return {
            row["cpr"]
            for name in ("ydelser", "engangsbevillinger", "anbringelser")
            for row in self.rows[name]
        }

    def write(self, folder: Path) -> Path:
        """Write the required extracts always (header only when empty), optional ones when they
        have rows."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, columns in COLUMNS.items():
            if not self.rows[name] and name not in REQUIRED:
                continue
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\n")
                writer.writerow(columns)
                for row in self.rows[name]:
                    writer.writerow([_text(row.get(column)) for column in columns])
        return folder


def build(extracts_dir: Path, as_of: str, warehouse: Path) -> Path:
    """Run the real `lis build`; fail the test with the build's exit code if nothing was
    published."""
    from runner.cli import main

    rc = main(
        ["build", "--extracts", str(extracts_dir), "--as-of", as_of, "--warehouse", str(warehouse)]
    )
    assert rc == 0, f"lis build --extracts {extracts_dir} --as-of {as_of} exited {rc}"
    return warehouse


class Warehouse:
    """Read-only access to a published warehouse's marts.indicator_values."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True)

    def query(self, sql: str, params=None) -> list[tuple]:
        with self.connect() as con:
            return con.execute(sql, params or []).fetchall()

    def rows(
        self,
        kommune: str | None = None,
        status_date: str | None = None,
        indicator: str | None = None,
    ) -> dict:
        """{(kommune, status_date, indicator, breakdown, breakdown_value):
        (numerator, denominator, value)}"""
        where, params = [], []
        for column, wanted in (
            ("kommunekode", kommune),
            ("status_date", status_date),
            ("indicator", indicator),
        ):
            if wanted is not None:
                where.append(f"{column} = ?")
                params.append(wanted)
        sql = (
            "SELECT kommunekode, status_date::VARCHAR, indicator, breakdown, breakdown_value, "
            "numerator, denominator, value FROM marts.indicator_values"
            + (" WHERE " + " AND ".join(where) if where else "")
        )
        return {tuple(r[:5]): tuple(r[5:]) for r in self.query(sql, params)}

    def row(
        self,
        kommune: str,
        status_date: str,
        indicator: str,
        breakdown: str = "total",
        breakdown_value: str = "total",
    ) -> tuple | None:
        """(numerator, denominator, value) of one row, or None when the build has no such row."""
        found = self.query(
            "SELECT numerator, denominator, value FROM marts.indicator_values "
            "WHERE kommunekode = ? AND status_date = ?::DATE AND indicator = ? AND breakdown = ? "
            "AND breakdown_value = ?",
            [kommune, status_date, indicator, breakdown, breakdown_value],
        )
        assert len(found) <= 1, (
            f"more than one row for {kommune} {status_date} {indicator} "
            f"{breakdown}={breakdown_value}"
        )
        return found[0] if found else None
