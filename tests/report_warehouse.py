"""A hand-made published warehouse for report tests: the tables `lis report` reads (marts'
indicator_values and varedeklaration, the project's seeds, the caseworkers, the audit of the run)
written directly, so a test states exactly the rows a page must show, also rows the marts will
only carry after the third wave (08 by team, per capita, F1/F2/V1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DECLARATION_COLUMNS = (
    "indicator", "model", "navn", "emne", "enhed", "formaal", "formel", "taellemaade",
    "opdelinger", "kilder", "forbehold", "laeses",
)  # fmt: skip


def declaration(indicator: str, navn: str, enhed: str = "antal") -> tuple:
    return (
        indicator,
        f"ind_{indicator.lower()}",
        navn,
        f"Antallet i {navn.lower()}",
        enhed,
        "Formålet.",
        "HM(botilbud, s)",
        "helårsmodtagere",
        "paragraf",
        "ydelser: cpr, paragraf, startdato, oprettet_dato",
        "Ingen forbehold.",
        "månedligt",
    )


def row(kommune, day, indicator, breakdown, value_code, numerator, denominator=None):
    value = numerator if denominator is None else (numerator / denominator if denominator else None)
    return (kommune, day, indicator, breakdown, value_code, numerator, denominator, value)


def make_warehouse(
    path: Path,
    rows: list[tuple],
    declarations: list[tuple],
    caseworkers: list[tuple] = (),
    without_caseworker: dict | None = None,
    groups: list[tuple] = (),
    warnings: list[tuple] = (),
    status_date: date = date(2026, 11, 30),
    reconciliation: list[tuple] = (("ydelser", 100, 98, 2),),
    quarantine: list[tuple] = (("ydelser", "missing_required", 1), ("ydelser", "before_birth", 1)),
    grants: list[tuple] = (),
) -> Path:
    """rows: indicator_values tuples (see row()); caseworkers: (id, navn, team);
    without_caseworker: {(kommunekode, status_date): persons}; groups: (kommunekode, gruppe);
    warnings: (model, message) or (model, message, examples as JSON) of failed warning-level
    expectations; reconciliation: (extract, rows read, used, quarantined); quarantine: (extract,
    reason, rows); grants: (bevilling_id, kommunekode) of the staged ydelser."""
    with duckdb.connect(str(path)) as con:

        def insert(sql: str, values: list) -> None:
            if values:
                con.executemany(sql, values)

        for schema in ("marts", "seeds", "audit", "intermediate"):
            con.execute(f"create schema {schema}")
        for seed in sorted(SEEDS.glob("*.csv")):
            if seed.stem == "sammenligningsgrupper":
                continue
            con.execute(
                f"create table seeds.{seed.stem} as select * from read_csv(?, all_varchar = true, "
                "header = true)",
                [str(seed)],
            )
        con.execute(
            "create table seeds.sammenligningsgrupper (kommunekode varchar, gruppe varchar)"
        )
        insert("insert into seeds.sammenligningsgrupper values (?, ?)", list(groups))
        con.execute(
            "create table marts.indicator_values (kommunekode varchar, status_date date, "
            "indicator varchar, breakdown varchar, breakdown_value varchar, numerator double, "
            "denominator double, value double)"
        )
        con.executemany("insert into marts.indicator_values values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        columns = ", ".join(f"{c} varchar" for c in DECLARATION_COLUMNS)
        con.execute(f"create table marts.varedeklaration ({columns})")
        marks = ", ".join("?" for _ in DECLARATION_COLUMNS)
        con.executemany(f"insert into marts.varedeklaration values ({marks})", declarations)
        con.execute(
            "create table intermediate.int_sagsbehandlere "
            "(sagsbehandler_id varchar, navn varchar, team varchar)"
        )
        insert("insert into intermediate.int_sagsbehandlere values (?, ?, ?)", list(caseworkers))
        con.execute(
            "create table intermediate.int_helaarsmodtagere (kommunekode varchar, "
            "status_date date, gruppe varchar, opdeling varchar, opdeling_vaerdi varchar, "
            "punkttaelling bigint)"
        )
        insert(
            "insert into intermediate.int_helaarsmodtagere "
            "values (?, ?, 'alle', 'sagsbehandler', '', ?)",
            [(k, d, n) for (k, d), n in (without_caseworker or {}).items()],
        )
        con.execute(
            "create table audit.runs (run_id varchar, started_at timestamptz, status_date date, "
            "status varchar, git_revision varchar)"
        )
        con.execute(
            "insert into audit.runs values ('r1', ?, ?, 'success', null)",
            [datetime(2026, 12, 1, 1, 30, tzinfo=UTC), status_date],
        )
        con.execute(
            "create table audit.reconciliation (extract varchar, rows_in_files bigint, "
            "rows_staging bigint, rows_quarantine bigint)"
        )
        insert("insert into audit.reconciliation values (?, ?, ?, ?)", list(reconciliation))
        con.execute("create table audit.quarantine (extract varchar, reason varchar)")
        insert(
            "insert into audit.quarantine select ?, ? from range(?)",
            [list(q) for q in quarantine],
        )
        con.execute("create schema staging")
        # staging's models are views in a published warehouse
        con.execute("create table staging.ydelser (bevilling_id varchar, kommunekode varchar)")
        insert("insert into staging.ydelser values (?, ?)", list(grants))
        con.execute("create view staging.stg_ydelser as select * from staging.ydelser")
        con.execute(
            "create table audit.expectation_results (run_id varchar, model varchar, "
            "expectation varchar, success boolean, message varchar, examples varchar)"
        )
        insert(
            "insert into audit.expectation_results values ('r1', ?, 'unexpected_rows_expectation', "
            "false, ?, ?)",
            [(*w, None)[:3] for w in warnings],
        )
    return path
