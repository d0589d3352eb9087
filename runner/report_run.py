"""The run's own declaration at the end of each report (when, how much was read, what was
quarantined, the warnings) and what of it each audience may read.

Quarantine counts are run-wide counts of rows, and a row is about a person: on the politicians'
and directors' pages a count below the threshold is shown as <5, and the figures it could be
worked out from (the extract's rows used beside its rows read, the other reasons of its
extract beside their total) are hidden with it. The leaders read the exact counts, and the ids of
their own municipality's grants a warning names (they act on them), never a CPR number.
"""

from __future__ import annotations

import json

from . import discretion
from .privacy import CPR
from .report_labels import Labels
from .report_text import number, run_time

DISCREET = ("politikere", "direktion")
# the extracts whose ids a warning may name, and the column holding them
IDS = (
    ("ydelser", "staging.stg_ydelser", "bevilling_id"),
    ("engangsbevillinger", "staging.stg_engangsbevillinger", "bevilling_id"),
    ("anbringelser", "staging.stg_anbringelser", "anbringelse_id"),
)
SHOWN_IDS = 10  # ids named per warning and municipality; the rest are in the log


def read(con) -> dict:
    """The last successful run's declaration, from the audit tables; the technical text of its
    warnings stays in the log and audit."""
    run = con.execute(
        "select run_id, started_at, status_date, git_revision from audit.runs "
        "where status = 'success' order by started_at desc limit 1"
    ).fetchone()
    run_id = run[0] if run else None
    columns = {
        c for (c,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'audit' and table_name = 'expectation_results'"
        ).fetchall()
    }  # fmt: skip
    examples = "examples" if "examples" in columns else "null"
    warnings = con.execute(
        f"select model, message, {examples} from audit.expectation_results "
        "where run_id = ? and not success order by model, expectation",
        [run_id],
    ).fetchall()
    return {
        "started_at": run_time(run[1]) if run else "ukendt",
        "revision": run[3] if run else None,
        "extracts": con.execute(
            "select extract, rows_in_files, rows_staging, rows_quarantine "
            "from audit.reconciliation order by extract"
        ).fetchall(),
        "quarantine": con.execute(
            "select extract, reason, count(*) from audit.quarantine group by all order by all"
        ).fetchall(),
        "warnings": warnings,
        "ids": _ids(con, warnings),
    }


def _ids(con, warnings: list) -> dict:
    """(column, id) -> (extract, kommunekode) of the staged rows the warnings' examples name."""
    named = {}
    for _model, _message, examples in warnings:
        for example in _examples(examples):
            for column, code in _named(example):
                named.setdefault(column, set()).add(code)
    # staging's models may be views: information_schema lists both
    tables = {
        f"{s}.{t}"
        for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    out = {}
    for extract, table, column in IDS:
        if table in tables and named.get(column):
            found = con.execute(
                f"select {column}, kommunekode from {table} where {column} in "
                "(select unnest(?::varchar[]))",
                [sorted(named[column])],
            ).fetchall()
            out.update({(column, code): (extract, kommune) for code, kommune in found})
    return out


def _named(example: dict) -> list[tuple[str, str]]:
    """The (id column, id) pairs an example row names: a column of IDS by its name, or an `id`
    beside the `extract` it belongs to (audit.reference_errors)."""
    columns = {column for _, _, column in IDS}
    named = [(c, str(v)) for c, v in example.items() if c in columns and v is not None]
    of_extract = {extract: column for extract, _, column in IDS}
    if example.get("id") is not None and example.get("extract") in of_extract:
        named.append((of_extract[example["extract"]], str(example["id"])))
    return named


def _examples(examples: str | None) -> list[dict]:
    """A failed expectation's example rows (an unexpected_rows_expectation's; others give
    values, which name no column)."""
    rows = json.loads(examples) if examples else []
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def view(run: dict, audience: str, threshold: float, labels: Labels) -> dict:
    """The declaration as this audience's page shows it: Danish words, counts as they may read
    them."""
    extracts = [(e, *(n or 0 for n in counts)) for e, *counts in run["extracts"]]
    quarantine = list(run["quarantine"])
    shown = {}
    if audience in DISCREET:
        shown = _discreet(extracts, quarantine, threshold)
    return {
        **run,
        "extracts": [
            (
                labels.word("udtraek", e),
                number(read),
                shown.get((e, "brugt"), number(used)),
                shown.get((e, "karantaene"), number(held)),
            )
            for e, read, used, held in extracts
        ],
        "quarantine": [
            (labels.word("udtraek", e), labels.word("aarsag", r), shown.get((e, r), number(n)))
            for e, r, n in quarantine
        ],
    }


def _discreet(extracts: list, quarantine: list, threshold: float) -> dict:
    """The cells of the run declaration a discreet page hides, as their marks: a count of 1 to
    4 rows reads <5; an extract's rows used are hidden with its quarantine count (read = used +
    quarantined), and an extract's reasons add up to its quarantine count, so where one reason
    is hidden and the count shown, the next smallest reason is hidden too."""
    small, complement = discretion.label(threshold), discretion.COMPLEMENTARY
    marks = {}
    for extract, _read, _used, held in extracts:
        if 0 < held < threshold:
            marks[(extract, "karantaene")] = small
            marks[(extract, "brugt")] = complement
        reasons = sorted((n, r) for e, r, n in quarantine if e == extract)
        hidden = [r for n, r in reasons if n < threshold]
        for r in hidden:
            marks[(extract, r)] = small
        if len(hidden) == 1 and (extract, "karantaene") not in marks:
            others = [r for n, r in reasons if r not in hidden]
            if others:
                marks[(extract, others[0])] = complement
    return marks


def grant_ids(run: dict, kommune: str, labels: Labels) -> list[str]:
    """For the leaders: a sentence per warning whose examples name grants of this municipality,
    with their ids (ids found among the staged rows of the municipality; none that holds a CPR
    number or its mask)."""
    out = []
    for _model, _message, examples in run["warnings"]:
        found = {}
        for example in _examples(examples):
            for column, code in _named(example):
                owner = run["ids"].get((column, code))
                if owner and owner[1] == kommune and _no_cpr(code):
                    found.setdefault(owner[0], []).append(code)
        for extract, codes in sorted(found.items()):
            codes = sorted(set(codes))
            out.append(
                labels.word(
                    "advarsel",
                    "bevillinger",
                    udtraek=labels.word("udtraek", extract).lower(),
                    ids=", ".join(codes[:SHOWN_IDS]),
                )
            )
    return out


def _no_cpr(code: str) -> bool:
    return not CPR.search(code) and "XXXX" not in code
