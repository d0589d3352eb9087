"""A newcomer's two changes, as README's "Add an indicator" and "Add an extract" walk them: in a
copy of the project, a toy extract (its sources.yml entry, its parsed_/stg_ models, a CSV) and a
toy indicator (one SQL file and its YAML entry) are built by the real `lis build` and published;
without its discretion declaration the indicator is refused. sources.yml is the one place that
says what an extract is: the lists elsewhere are read from it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from runner import sources
from runner.errors import ProjectError
from runner.project import load_project
from tests.small_build import AS_OF, LIS, SMALL
from tools.synth import EXTRACTS

ROOT = Path(__file__).resolve().parents[1]

# The toy extract: complaints about decisions (klager), one row per complaint.
KLAGER_SOURCE = {
    "name": "klager",
    "required": False,
    "reasons": [
        "missing_required",
        "date_invalid",
        "kommune_invalid",
        "duplicate_conflict",
        "duplicate_exact",
    ],
    "columns": [
        {"name": "klage_id", "type": "text", "required": True},
        {"name": "betalingskommune", "type": "text", "required": True, "width": 3},
        {"name": "modtaget", "type": "date", "required": True},
        {"name": "afgjort", "type": "date"},
    ],
}
PARSED_KLAGER = """\
-- One row is: one row of the klager extract files (raw.klager), parsed into types, with the first
-- rule of the input contract it breaks as `reason` (NULL: it is staged).
{% set columns = source_columns('klager') %}
{% set required = required_columns('klager') -%}
with typed as (
    select
        *,
        {{ parse_kommune('betalingskommune') }} as betalingskommune_p,
        {{ parse_date('modtaget') }} as modtaget_p,
        {{ parse_date('afgjort') }} as afgjort_p
    from {{ source('extracts', 'klager') }}
),

duplicates as (
    {{ duplicate_rows(source('extracts', 'klager'), columns, id='klage_id') }}
),

checked as (
    select
        typed.*,
        case
            when {{ any_missing(required) }} then 'missing_required'
            when {{ any_unparsed(['modtaget', 'afgjort']) }} then 'date_invalid'
            when betalingskommune_p is null then 'kommune_invalid'
            else duplicates.duplicate
        end as reason
    from typed
    left join duplicates using (_file, _line)
)

select
    {{ uden_cpr('klage_id') }} as klage_id,
    betalingskommune_p as kommunekode,
    modtaget_p as modtaget,
    afgjort_p as afgjort,
    {{ quarantine_columns(columns) }}
from checked
"""
STG_KLAGER = """\
-- One row is: one complaint that breaks no rule of the input contract.
select klage_id, kommunekode, modtaget, afgjort
from {{ ref('parsed_klager') }}
where reason is null
"""
KLAGER_COLUMNS = [
    {"name": "klage_id", "description": "The complaint's id."},
    {"name": "kommunekode", "description": "Paying municipality, 3 digits."},
    {"name": "modtaget", "description": "The day the complaint was received."},
    {"name": "afgjort", "description": "The day it was decided; NULL while open."},
]
KLAGER_YML = {
    "version": 2,
    "models": [
        {
            "name": "parsed_klager",
            "description": "Every raw klager row, parsed, with the reason it is quarantined.",
            "columns": [
                *KLAGER_COLUMNS,
                {"name": "_file", "description": "The extract file."},
                {"name": "_line", "description": "The row's line in it."},
                {"name": "reason", "description": "The reason code; NULL = staged."},
                {"name": "raw_row", "description": "The quarantined row as text, CPR masked."},
            ],
            "expectations": [
                {
                    "expect_column_values_to_be_in_set": {
                        "column": "reason",
                        "value_set": "{{ reason_codes('klager') }}",
                    }
                }
            ],
        },
        {
            "name": "stg_klager",
            "description": "Complaints that break no rule of the input contract.",
            "columns": KLAGER_COLUMNS,
        },
    ],
}
# The toy indicator: complaints received from 1 January to the status date.
IND_KLAGER = """\
-- One row is: toy indicator T1, complaints received from 1 January to the status date, for a
-- paying municipality and status date.
with klager as (
    select * from {{ ref('stg_klager') }}
),

skelet as (
    {{ indikator_skelet([('total', 'total')]) }}
),

final as (
    select
        skelet.kommunekode,
        skelet.status_date,
        skelet.opdeling,
        skelet.opdeling_vaerdi,
        count(klager.klage_id)::double as taeller,
        null::double as naevner,
        count(klager.klage_id)::double as vaerdi
    from skelet
    left join klager
        on klager.kommunekode = skelet.kommunekode
        and klager.modtaget between date_trunc('year', skelet.status_date) and skelet.status_date
    group by all
)

select * from final
"""
IND_KLAGER_YML = {
    "name": "ind_t1_klager",
    "shape": "indikator",
    "description": "Toy indicator T1: complaints received from 1 January to the status date.",
    "meta": {
        "varedeklaration": {
            "indikator": "T1",
            "navn": "Modtagne klager",
            "emne": "Antal klager over afgørelser",
            "enhed": "antal",
            "formaal": "Viser, hvor mange afgørelser der klages over.",
            "formel": "Klager modtaget fra 1. januar til statusdatoen.",
            "taellemaade": "optælling",
            "opdelinger": ["ingen"],
            "kilder": ["klager: klage_id, betalingskommune, modtaget"],
            "forbehold": ["Et legetøjseksempel."],
            "laeses": "månedligt",
        },
        "discretion": {"counts": {"taeller": "persons"}},
    },
    "columns": [
        {"name": "taeller", "description": "Complaints received from 1 January to s."},
        {"name": "naevner", "description": "NULL (a count)."},
        {"name": "vaerdi", "description": "The count."},
    ],
}
KLAGER_CSV = """\
klage_id;betalingskommune;modtaget;afgjort
K1;751;2022-01-10;2022-02-01
K2;751;2022-02-15;
K3;751;15-03-2022;
K4;751;2021-12-30;2022-01-05
"""


def _project(folder: Path) -> Path:
    """A copy of the project (its file, models, macros and seeds) in `folder`."""
    project = folder / "project"
    project.mkdir()
    shutil.copy(ROOT / "lis_project.yml", project)
    for part in ("models", "macros", "seeds"):
        shutil.copytree(ROOT / part, project / part)
    return project


def _with_sources(project: Path, change) -> None:
    """sources.yml's extracts changed in place by `change(tables)`."""
    sources_yml = project / "models" / "sources.yml"
    contract = yaml.safe_load(sources_yml.read_text(encoding="utf-8"))
    change(contract["sources"][0]["tables"])
    sources_yml.write_text(yaml.safe_dump(contract, allow_unicode=True), encoding="utf-8")


def _copy_project(folder: Path, discretion: bool = True) -> tuple[Path, Path]:
    """The project with the toy extract and indicator added, and an extract folder holding the
    worked example plus klager.csv."""
    project = _project(folder)
    # the extract: its sources.yml entry, its two models and their YAML
    _with_sources(project, lambda tables: tables.append(KLAGER_SOURCE))
    staging = project / "models" / "staging"
    (staging / "parsed_klager.sql").write_text(PARSED_KLAGER, encoding="utf-8")
    (staging / "stg_klager.sql").write_text(STG_KLAGER, encoding="utf-8")
    (staging / "_klager.yml").write_text(yaml.safe_dump(KLAGER_YML, allow_unicode=True))
    # the indicator: one SQL file and its YAML entry
    marts = project / "models" / "marts"
    (marts / "ind_t1_klager.sql").write_text(IND_KLAGER, encoding="utf-8")
    entry = dict(IND_KLAGER_YML, meta=dict(IND_KLAGER_YML["meta"]))
    if not discretion:
        del entry["meta"]["discretion"]
    # the last models: list of _marts.yml, whose shapes the entry uses
    item = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    with (marts / "_marts.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + "".join(f"  {line}\n" for line in item.splitlines()))
    extracts = shutil.copytree(SMALL, folder / "extracts")
    (extracts / "klager.csv").write_text(KLAGER_CSV, encoding="utf-8")
    return project, extracts


def _lis(project: Path, *args: str) -> subprocess.CompletedProcess:
    """The real lis command on the copied project, from this checkout's folder."""
    return subprocess.run(
        [str(LIS), "--project", str(project), *args], capture_output=True, text=True, cwd=ROOT
    )


def _lis_build(project: Path, extracts: Path, warehouse: Path) -> subprocess.CompletedProcess:
    args = ["build", "--extracts", str(extracts), "--as-of", AS_OF, "--warehouse", str(warehouse)]
    return _lis(project, *args)


@pytest.mark.e2e
def test_a_toy_extract_and_indicator_are_built_and_published(tmp_path):
    project, extracts = _copy_project(tmp_path)
    warehouse = tmp_path / "lis.duckdb"
    done = _lis_build(project, extracts, warehouse)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = con.execute(
            "select status_date, numerator from marts.indicator_values "
            "where indicator = 'T1' and kommunekode = '751' and breakdown = 'total' "
            "order by status_date"
        ).fetchall()
        reconciled = con.execute(
            "select rows_in_files, rows_staging, rows_quarantine from audit.reconciliation "
            "where extract = 'klager'"
        ).fetchall()
        declared = con.execute(
            "select navn from marts.varedeklaration where indicator = 'T1'"
        ).fetchall()
    # by 31 March 2022: K1, K2 and K3 (DD-MM-YYYY is the contract's too); K4 is 2021's
    assert dict(values)[date.fromisoformat(AS_OF)] == 3
    assert reconciled == [(4, 4, 0)]
    assert declared == [("Modtagne klager",)]
    # the report reads the named project's discretion declarations, the toy's among them
    reports = tmp_path / "reports"
    done = _lis(project, "report", "--warehouse", str(warehouse), "--out", str(reports))
    assert done.returncode == 0, done.stderr
    assert "Modtagne klager" in (reports / "varedeklaration.html").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_a_toy_indicator_without_its_discretion_declaration_is_refused(tmp_path):
    project, extracts = _copy_project(tmp_path, discretion=False)
    warehouse = tmp_path / "lis.duckdb"
    done = _lis_build(project, extracts, warehouse)
    assert done.returncode == 2
    assert "ind_t1_klager" in done.stderr and "discretion" in done.stderr
    assert not warehouse.exists()


def test_the_generator_breaks_the_required_and_date_columns_sources_yml_declares():
    """tools/synth.py still spells its dirt's columns (three branches edit it this round); this
    holds them to the contract until the generator reads them from sources.yml."""
    tables = load_project(ROOT).source_tables()
    for name, extract in EXTRACTS.items():
        entry = sources.table(tables, name)
        assert list(extract.required) == sources.columns(entry, required=True), name
        assert list(extract.dates) == sources.columns(entry, of_type="date"), name
        assert extract.dates[0] == entry["first_date"], name


@pytest.mark.parametrize(
    ("column", "error"),
    [
        ({"name": "x", "type": "number"}, "type 'number' is not one of text, date"),
        ({"name": "x", "width": "3"}, "width must be a whole number"),
        ({"name": "x", "requried": True}, "unknown key"),
    ],
)
def test_a_column_sources_yml_cannot_mean_is_refused(tmp_path, column, error):
    project = _project(tmp_path)
    _with_sources(project, lambda tables: tables[0]["columns"].append(column))
    with pytest.raises(ProjectError, match=error):
        load_project(project)


def test_the_quarantine_holds_every_code_an_extract_can_earn_in_the_contracts_order():
    tables = load_project(ROOT).source_tables()
    codes = sources.reason_codes(tables)
    assert set(codes) == {c for t in tables for c in sources.reason_codes(tables, t["name"])}
    for table in tables:
        mine = sources.reason_codes(tables, table["name"])
        assert mine == sorted(mine, key=codes.index), table["name"]
