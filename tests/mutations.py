"""The mutation check: do the tests catch what they claim to?

Each mutation below is a deliberate, realistic bug in a model, macro, seed or project setting:
a file, the exact text it replaces (it must occur exactly once), the replacement, and the tests
that should fail because of it. Each is applied alone to a copy of the project (the work tree
without .venv, .git and build output), the named tests run there with `pytest -x`, and the
mutation is *killed* when they fail, *survived* when they pass. Before the mutations, the union
of the named tests runs once on the unmutated copy: a test that already fails would kill all.

Run on demand, not in every CI run (a mutation costs a build or two):

    .venv/bin/python -m tests.mutations                    # every mutation, then a summary table
    .venv/bin/python -m tests.mutations helmaaned_30 ...   # only these
    .venv/bin/python -m tests.mutations --list             # names, files, whether each applies

Exit status 0 when every mutation was killed; 1 when one survived, did not apply (its text is no
longer in the file: update the mutation with the code), or the baseline failed. When a defect is
fixed, add its mutation here with the test that now catches it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Left out of the copy: the environment (the copy runs with this interpreter) and build output.
IGNORED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "warehouse",
    "target",
    "demo",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
)

IND = "tests/test_indicators.py::"
STG = "tests/test_staging.py::"
FP = "tests/test_fingerprint.py::test_a_change_to_an_input_gives_a_new_fingerprint"


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str


MUTATIONS = [
    # -- the seven of issue 15: four that got through every test, three only the reference caught --
    Mutation(
        "anbringelse_oprettet_unchecked",
        "models/staging/parsed_anbringelser.sql",
        "any_unparsed(['startdato', 'slutdato', 'oprettet_dato'])",
        "any_unparsed(['startdato', 'slutdato'])",
        (STG + "test_every_date_column_of_every_extract_is_checked",),
        "a placement's oprettet_dato is not checked as a date",
    ),
    Mutation(
        "helmaaned_30",
        "models/marts/helmaanedsmodtagere.sql",
        "/ any_value(maaned.dage) as helmaanedsmodtagere",
        "/ 30 as helmaanedsmodtagere",
        (IND + "test_helmaanedsmodtagere_divide_by_the_days_of_the_month",),
        "helmaanedsmodtagere divided by 30, not the days of the month",
    ),
    Mutation(
        "kommuner_without_budget",
        "models/intermediate/int_kommuner.sql",
        "\nunion select kommunekode from budget",
        "",
        (IND + "test_a_municipality_only_in_the_budget_gets_every_total_row",),
        "a municipality found only in budget gets no rows",
    ),
    Mutation(
        "seed_97_dagtilbud",
        "seeds/paragraffer.csv",
        "97,ydelser,Ledsageordning,stoette_i_eget_hjem",
        "97,ydelser,Ledsageordning,dagtilbud",
        (IND + "test_11_puts_each_paragraph_in_its_budget_area",),
        "§97 in the dagtilbud budget area",
    ),
    Mutation(
        "engangs_before_s",
        "models/intermediate/int_engangsudgifter.sql",
        "bevillingsdato between statusdatoer.periode_start and statusdatoer.status_date",
        "bevillingsdato >= statusdatoer.periode_start\n"
        "    and engangsbevillinger.bevillingsdato < statusdatoer.status_date",
        (IND + "test_one_off_grants_dated_in_j_to_s_both_included",),
        "a one-off grant dated on s is left out (< s, not <= s)",
    ),
    Mutation(
        "ind10_zero_cost_in_total",
        "models/marts/ind_10_udgifter_pr_sagsbehandler.sql",
        "count(*) filter (where udgift_7n > 0) as personer",
        "count(*) as personer",
        (IND + "test_indicator_10_counts_only_persons_whose_cost_is_above_zero",),
        "10's total counts persons whose cost is 0",
    ),
    Mutation(
        "apt_month_end_rule",
        "models/intermediate/int_helaarsmodtagere.sql",
        "least(last_day(dag), date",
        "least(last_day(dag + 1), date",
        (IND + "test_13_point_on_a_month_end_needs_the_service_on_that_day",),
        "13's point count: a period ending before a month end still counts on it",
    ),
    # -- thirteen more, across the layers --
    Mutation(
        "ind10_zero_cost_per_caseworker",
        "models/marts/ind_10_udgifter_pr_sagsbehandler.sql",
        "count(*) filter (where udgift_7n_ind_10 > 0) as personer",
        "count(*) as personer",
        (IND + "test_indicator_10_counts_only_persons_whose_cost_is_above_zero",),
        "10's caseworker rows count persons whose cost is 0",
    ),
    Mutation(
        "active_on_s_strict",
        "models/intermediate/int_helaarsmodtagere.sql",
        "periode_start, til + 1, -1 from dele",
        "periode_start, til, -1 from dele",
        (IND + "test_grant_ending_on_s_counts_and_one_starting_the_day_after_does_not",),
        "a service ending on s is not active on s (< instead of <=)",
    ),
    Mutation(
        "seed_104_botilbud",
        "seeds/ydelsesgrupper.csv",
        "dagtilbud,104,false",
        "botilbud,104,false",
        (IND + "test_grant_ending_on_s_counts_and_one_starting_the_day_after_does_not",),
        "§104 in the botilbud group",
    ),
    Mutation(
        "ind15_person_twice",
        "models/marts/ind_15_udgift_merudgift.sql",
        "select kommunekode, status_date, count(distinct cpr) as personer\n    from (",
        "select kommunekode, status_date, count(cpr) as personer\n    from (",
        (IND + "test_15_counts_a_person_once_in_each_part_and_in_the_total",),
        "15's total counts a person in both parts twice (DISTINCT missing)",
    ),
    Mutation(
        "leap_year_365",
        "models/intermediate/int_udgifter_pr_bevilling.sql",
        "{{ dage_i_aar('periode_start') }} as dage_i_aar",
        "365 as dage_i_aar",
        (IND + "test_leap_year",),
        "a leap year has 365 days in the daily cost",
    ),
    Mutation(
        "provider_join_key",
        "models/intermediate/int_bevillinger.sql",
        "on leverandoerer.leverandoer_id = ydelser.leverandoer_id",
        "on leverandoerer.leverandoer_id = ydelser.sagsbehandler_id",
        (IND + "test_overlapping_grants_count_once_per_day",),
        "providers joined on the wrong key: every provider type unknown",
    ),
    Mutation(
        "quarantine_limit_50",
        "lis_project.yml",
        "quarantine_max_share: 0.05",
        "quarantine_max_share: 0.5",
        (STG + "test_the_extract_is_broken_above_5_percent_quarantined",),
        "the quarantine limit read as 50 %",
    ),
    Mutation(
        "duplicate_keeps_last",
        "macros/quarantine_rules.sql",
        "({{ copies }} order by _file, _line) > 1",
        "({{ copies }} order by _file, _line desc) > 1",
        (STG + "test_every_row_gets_the_first_reason_code_it_earns",),
        "of exact copies the last is kept, not the first",
    ),
    Mutation(
        "refusion_age_67",
        "models/marts/ind_06_refusion.sql",
        "}} >= 67\n",
        "}} > 67\n",
        (IND + "test_refusion_thresholds_and_age_67",),
        "06 counts persons aged 67",
    ),
    Mutation(
        "refusion_threshold_inclusive",
        "models/marts/ind_06_refusion.sql",
        "graense.graense_25 as decimal(18, 6)) + 0.005",
        "graense.graense_25 as decimal(18, 6)) - 0.005",
        (IND + "test_refusion_at_2021_thresholds_with_yearly_takst",),
        "expenses equal to the lower threshold count as exceeding it",
    ),
    Mutation(
        "cpr_century_37",
        "macros/parsing.sql",
        "case when {{ yy }} <= 36 then 2000 else 1900 end",
        "case when {{ yy }} <= 37 then 2000 else 1900 end",
        (STG + "test_the_birth_date_follows_the_century_rule",),
        "7th digit 4 or 9 with YY = 37 read as the 2000s",
    ),
    Mutation(
        "known_on_as_of_excluded",
        "macros/perioder.sql",
        "case when {{ oprettet_dato }} > date '{{ var(\"as_of\") }}' then null",
        "case when {{ oprettet_dato }} >= date '{{ var(\"as_of\") }}' then null",
        (IND + "test_registered_after_status_date",),
        "a row registered on the status date is not known at it",
    ),
    Mutation(
        "status_dates_this_year_only",
        "models/intermediate/int_statusdatoer.sql",
        "generate_series(make_date(year(s) - 1, 1, 1)::timestamp",
        "generate_series(make_date(year(s), 1, 1)::timestamp",
        (IND + "test_every_total_row_for_every_status_date",),
        "status dates start in January of the status date's year, not the year before",
    ),  # -- issue 21, what forces a rebuild: each input missing from the fingerprint --
    Mutation(
        "fingerprint_without_code",
        "runner/fingerprint.py",
        '"code": _hash_files(code, CODE),',
        '"code": "",',
        (FP,),
        "a change to the runner's code is not rebuilt",
    ),
    Mutation(
        "fingerprint_without_vars",
        "runner/fingerprint.py",
        'settings = sorted((k, v) for k, v in run_vars.items() if k != "pseudonym_key") + versions',
        "settings = versions",
        (FP,),
        "another status date is taken as up to date",
    ),
    Mutation(
        "fingerprint_without_versions",
        "runner/fingerprint.py",
        '_PACKAGES = ("duckdb", "great-expectations", "sqlglot")',
        "_PACKAGES = ()",
        (FP,),
        "a new DuckDB or great-expectations is taken as up to date",
    ),
    Mutation(
        "model_sources_without_sql",
        "runner/fingerprint.py",
        "paths = [node.path for node in project.nodes.values()]",
        "paths = []",
        (FP,),
        "an edited model is taken as up to date: its rendering is skipped",
    ),
    Mutation(
        "model_sources_without_yaml",
        "runner/fingerprint.py",
        'paths += [*project.macro_paths, *project.root.joinpath("models").rglob("*.yml")]',
        "paths += [*project.macro_paths]",
        (FP,),
        "an edited model YAML (expectations, configuration) is taken as up to date",
    ),
]


def copy_project(destination: Path) -> Path:
    shutil.copytree(ROOT, destination, ignore=IGNORED)
    return destination


def apply(mutation: Mutation, project: Path) -> None:
    """Edit the copy; ValueError when the text is not in the file exactly once."""
    path = project / mutation.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutation.old)
    if found != 1:
        raise ValueError(f"{mutation.file}: the text to replace occurs {found} times, not once")
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")


def run_tests(project: Path, tests: tuple[str, ...]) -> tuple[int, float, str]:
    """pytest -x on `tests` in the copy, with this interpreter: the exit code, the seconds, and the
    first failure (or pytest's last line)."""
    env = dict(os.environ, PYTHONPATH=str(project), PYTHONDONTWRITEBYTECODE="1")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    last = (failed or lines or [done.stderr[-200:]])[-1 if not failed else 0]
    return done.returncode, time.monotonic() - started, last[:200]


def check(mutation: Mutation, workdir: Path) -> tuple[str, float, str]:
    """('killed' | 'survived' | 'not applied' | 'error', seconds, detail) of one mutation."""
    project = copy_project(workdir / mutation.name)
    try:
        apply(mutation, project)
    except ValueError as exc:
        return "not applied", 0.0, str(exc)
    try:
        code, seconds, last = run_tests(project, mutation.tests)
    finally:
        shutil.rmtree(project, ignore_errors=True)
    # pytest: 0 all passed, 1 some test failed; anything else is not a verdict
    status = {0: "survived", 1: "killed"}.get(code, "error")
    return status, seconds, last if status != "error" else f"pytest exited {code}: {last}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these mutations (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip running the tests on the unmutated copy"
    )
    args = parser.parse_args(argv)
    by_name = {m.name: m for m in MUTATIONS}
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"no such mutation: {', '.join(unknown)} (see --list)")
    chosen = [by_name[n] for n in args.names] if args.names else MUTATIONS
    if args.list:
        for m in chosen:
            path = ROOT / m.file
            found = path.read_text(encoding="utf-8").count(m.old) if path.exists() else 0
            state = "applies" if found == 1 else f"STALE ({found} matches)"
            print(f"{m.name:32} {state:8} {m.file:52} {m.why}")
        return 0

    with tempfile.TemporaryDirectory(prefix="lis-mutations-") as tmp:
        workdir = Path(tmp)
        if not args.no_baseline:
            tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
            project = copy_project(workdir / "baseline")
            code, seconds, last = run_tests(project, tests)
            shutil.rmtree(project, ignore_errors=True)
            print(f"baseline: {len(tests)} tests on the unmutated copy, {seconds:.0f} s: {last}")
            if code != 0:
                print("the baseline fails: fix the tests before judging mutations")
                return 1
        results = []
        for m in chosen:
            status, seconds, detail = check(m, workdir)
            results.append((m, status, seconds, detail))
            print(f"{status:11} {m.name} ({seconds:.0f} s): {detail}", flush=True)

    print()
    print("| mutation | file | status | killed by |")
    print("|---|---|---|---|")
    for m, status, _, _ in results:
        tests = ", ".join(t.split("::")[-1] for t in m.tests)
        print(f"| `{m.name}`: {m.why} | `{m.file}` | {status} | `{tests}` |")
    killed = sum(status == "killed" for _, status, _, _ in results)
    print(f"\n{killed} of {len(results)} mutations killed")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
