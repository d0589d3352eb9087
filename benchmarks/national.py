"""How far `lis build` is from the floor: DuckDB alone loading the same CSV files into typed tables.

Writes a municipality-size extract and national ones (98 municipalities; 1, 3 and 10 million
grants; and 1 million with wide breakdowns, 3,000 caseworkers each in every municipality) with
the synthetic generator, loads each with plain DuckDB (the floor) and builds each with
`lis -v build`. Around the national build: the same models' SQL run bare (no runner, no
gates), the three gates' times from the build's log, two builds of the same extract compared row
for row (determinism), the unchanged municipality extract built once more, and the ten slowest
expectations of the national build (audit.expectation_results). With --before, another checkout
(with its own .venv) builds the same extracts in the same run, each of its builds right after
this checkout's, for issue 22's before/after table.
Every load and build runs in its own process, timed on the wall clock, with its peak RSS. On a
shared machine one run can be 20 % slower than the next, so the municipality and national scales
run in three rounds (RUNS): the floor, then each checkout's build (and bare SQL) in turn. A ratio
is taken within a round and its figure is the median round's; a time's is the median run's, and
every run's seconds are kept beside it (runs_s).

    .venv/bin/python benchmarks/national.py [--scales municipality,national,...] [--before DIR]

Results are merged into benchmarks/results.json by scale, so a long scale can run on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.synth import write_extracts  # noqa: E402

# The floor runs in a child process like the build does, so both pay for starting Python.
# No progress bar: on the 10 M scale it filled results.json's stdout with a terminal animation.
FLOOR = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[2]); "
    "con.execute('SET enable_progress_bar = false'); con.execute(sys.argv[1]); con.close()"
)
FLOOR_RUNS = 3
# Rounds of each scale (one for the scales that take minutes); a figure is the median round's.
RUNS = {"municipality": 3, "national": 3, "national_wide": 3}
TYPES = {"timer_pr_uge": "DOUBLE", "takst": "DOUBLE", "beloeb": "DOUBLE", "aar": "INTEGER"}
# scale: (grants, municipalities, caseworkers working in every municipality: 0 = realistic, about
# one per 150 grants of each municipality)
SCALES = {
    "municipality": (10_000, 1, 0),
    "national": (1_000_000, 98, 0),
    # issue 22's wide breakdowns: the same million grants, 3,000 caseworkers each in every
    # municipality, each grant's drawn from all of them
    "national_wide": (1_000_000, 98, 3_000),
    "national_3m": (3_000_000, 98, 0),
    "national_10m": (10_000_000, 98, 0),
}
# Every model's compiled SQL run in a fresh file after the runner's own load of seeds and
# extracts: no gates, no run record, no publication. Prints the models' seconds.
BARE = """
import sys, time, duckdb
from datetime import date
from pathlib import Path
from runner import build, dag, execute
from runner.compile import Compiler
from runner.extracts import load_extracts
from runner.project import load_project
project = load_project(Path(sys.argv[1]))
compiler = Compiler(project, build.run_vars(project, date.fromisoformat(sys.argv[3])))
layers = dag.plan(compiler.compile_all(), project.layers)
con = duckdb.connect(sys.argv[4], config=project.duckdb_config(Path(sys.argv[4])))
con.execute("SET enable_progress_bar = false")
execute.load_seeds(con, project.seeds)
load_extracts(con, Path(sys.argv[2]), project.source_tables(), project.extract_overrides)
try:
    from runner import baseline
except ImportError:  # a checkout from before marts.aendringer
    baseline = None
if baseline:  # as the build's first publication: nothing before it to compare with
    baseline.load(con, project, Path(sys.argv[4] + ".none"), date.fromisoformat(sys.argv[3]))
started = time.perf_counter()
for group in layers:
    for node in group:
        kind = "VIEW" if node.materialized == "view" else "TABLE"
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {node.schema}")
        con.execute(f"CREATE {kind} {node.relation} AS {node.compiled_sql}")
print(time.perf_counter() - started)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales", default=",".join(SCALES), help="comma-separated, of " + ", ".join(SCALES)
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lis-bench"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    # A fixed date, so runs compare, in a year the refusion seed covers, so indicator 06 is
    # computed too.
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2022, 11, 23))
    parser.add_argument(
        "--before", type=Path, help="another checkout of lis, with .venv, built beside this one"
    )
    args = parser.parse_args()
    scales = args.scales.split(",")
    if unknown := set(scales) - set(SCALES):
        parser.error(f"unknown scale(s): {', '.join(sorted(unknown))}")

    report = json.loads(args.out.read_text()) if args.out.is_file() else {}
    report.update(
        {
            "as_of": args.as_of.isoformat(),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "duckdb": duckdb.__version__,
            },
        }
    )
    for scale in scales:
        report[scale] = measure(scale, *SCALES[scale], args)
        report[scale]["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nwritten to {args.out}")
    failed = [
        run_
        for scale in scales
        for checkout in ("after", "before")
        for run_ in (
            report[scale].get(checkout, {}).get("build"),
            report[scale].get(checkout, {}).get("rebuild"),
        )
        if run_ and (run_["returncode"] or not run_.get("all_succeeded", True))
    ]
    return 1 if failed or report.get("national", {}).get("deterministic") is False else 0


def measure(scale: str, grants: int, municipalities: int, everywhere: int, args) -> dict:
    """Write the scale's extract, load it with DuckDB alone, build it; more around 1 M grants."""
    extracts, warehouse = args.workdir / scale / "extracts", args.workdir / scale / "lis.duckdb"
    started = time.perf_counter()
    rows = write_extracts(
        extracts,
        grants=grants,
        municipalities=municipalities,
        as_of=args.as_of,
        caseworkers_everywhere=everywhere,
    )
    written = time.perf_counter() - started
    result = {
        "grants": grants,
        "municipalities": municipalities,
        "caseworkers_everywhere": everywhere,
        "rows": rows,
        "extract_mb": round(sum(f.stat().st_size for f in extracts.glob("*.csv")) / 1e6, 1),
        "write_s": round(written, 2),
    }
    checkouts = {"after": ROOT, "before": args.before.resolve()} if args.before else {"after": ROOT}
    rounds = RUNS.get(scale, 1)
    files = {
        name: [
            warehouse.with_name(f"{'lis' if name == 'after' else name}.{i}.duckdb")
            for i in range(rounds)
        ]
        for name in checkouts
    }
    # Rounds: the floor, then each checkout's build (and, national, its bare SQL) in turn, so that
    # a slow spell of the machine hits both checkouts and a ratio's two runs alike. Each ratio is
    # taken within its round, and its figure is the median round's.
    floors, runs, bares = [], {name: [] for name in checkouts}, {name: [] for name in checkouts}
    for i in range(rounds):
        floor_file = args.workdir / scale / "floor.duckdb"
        floors.append(measure_floor(extracts, floor_file, rows, max(1, FLOOR_RUNS // rounds)))
        for name, checkout in checkouts.items():
            build = lis_build(checkout, extracts, args.as_of, fresh(files[name][i]))
            runs[name].append(run(build, checkout))
            if scale == "national":
                bares[name].append(bare_sql(checkout, extracts, args.as_of, files[name][i]))
    result["floor"] = lean(median(floors))
    result["floor"]["runs_s"] = [seconds for floor in floors for seconds in floor["runs_s"]]
    result["floor"]["loaded_every_row"] = all(floor["loaded_every_row"] for floor in floors)
    for name, checkout in checkouts.items():
        result[name] = builds(scale, checkout, extracts, runs[name], files[name][0], args)
        result[name]["build_over_floor"], result[name]["build_over_floor_rounds"] = ratios(
            runs[name], floors
        )
        if scale == "national":
            result[name]["bare_sql"] = lean(median(bares[name]))
            result[name]["build_over_bare"], result[name]["build_over_bare_rounds"] = ratios(
                runs[name], bares[name]
            )
    if scale == "national":
        result["slowest_expectations"] = slowest_expectations(files["after"][0])
        result["differing_marts"] = differing_marts(*files["after"][:2])
        result["deterministic"] = result["differing_marts"] == []
    return result


def median(runs: list[dict]) -> dict:
    """The run of median seconds, with every run's seconds as runs_s and whether all succeeded."""
    chosen = dict(sorted(runs, key=lambda run_: run_["seconds"])[len(runs) // 2])
    chosen["runs_s"] = [run_["seconds"] for run_ in runs]
    chosen["all_succeeded"] = all(run_["returncode"] == 0 for run_ in runs)
    return chosen


def measure_floor(extracts: Path, floor_file: Path, rows: dict[str, int], loads: int) -> dict:
    """The median of `loads` loads of the extracts with DuckDB alone, each into a fresh file."""
    runs = []
    for _ in range(loads):
        load = run([sys.executable, "-c", FLOOR, floor_sql(extracts), str(fresh(floor_file))])
        load["loaded_every_row"] = load["returncode"] == 0 and loaded(floor_file) == rows
        runs.append(load)
    floor_file.unlink(missing_ok=True)
    floor = median(runs)
    floor["loaded_every_row"] = all(load["loaded_every_row"] for load in runs)
    return floor


def builds(
    scale: str, checkout: Path, extracts: Path, runs: list[dict], warehouse: Path, args
) -> dict:
    """One checkout's builds of the extracts (their median), and around them what the scale
    measures; `warehouse` is the first build's."""
    build = median(runs)
    gates = gate_seconds(build["stderr"])
    result = {
        "build": lean(build),
        "slowest_models": slowest_models(build["stderr"]),
        "build_s_per_million_grants": round(build["seconds"] / SCALES[scale][0] * 1e6, 2),
        "gates_s": gates,
        "gates_share": round(sum(gates.values()) / build["seconds"], 3) if gates else None,
    }
    if scale == "municipality":
        result["ge_import_s"] = ge_import_seconds(checkout)
        rebuild = lis_build(checkout, extracts, args.as_of, warehouse)
        result["rebuild"] = lean(median([run(rebuild, checkout) for _ in range(RUNS[scale])]))
    return result


def lean(run_: dict) -> dict:
    """A run without its output (the logs are read where measured, not kept)."""
    return {key: value for key, value in run_.items() if key not in ("stderr", "stdout")}


def ratios(runs: list[dict], others: list[dict]) -> tuple[float | None, list[float | None]]:
    """Each round's run over the other run of its round, and the median of them (None if a run
    of any round failed)."""
    found = [ratio(run_, other) for run_, other in zip(runs, others, strict=True)]
    if None in found:
        return None, found
    return sorted(found)[len(found) // 2], found


def bare_sql(checkout: Path, extracts: Path, as_of: date, warehouse: Path) -> dict:
    """The checkout's models' SQL run bare (BARE) into a fresh file beside the warehouse."""
    bare_file = fresh(warehouse.with_name(warehouse.stem + ".bare.duckdb"))
    python = str(checkout / ".venv" / "bin" / "python")
    command = [python, "-c", BARE, str(checkout), str(extracts), as_of.isoformat(), str(bare_file)]
    bare = run(command, checkout)
    bare["models_s"] = round(float((bare.pop("stdout") or "nan").splitlines()[-1]), 2)
    bare_file.unlink(missing_ok=True)
    return bare


def slowest_expectations(warehouse: Path, count: int = 10) -> list[list]:
    """The build's slowest expectations: [seconds, relation, type, description or column]."""
    if not warehouse.is_file():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            list(row)
            for row in con.execute(
                "SELECT seconds, model, expectation, left(message, 90)"
                " FROM audit.expectation_results WHERE run_id = (SELECT run_id FROM audit.runs"
                " WHERE status = 'success' ORDER BY started_at DESC LIMIT 1)"
                " AND seconds IS NOT NULL ORDER BY seconds DESC LIMIT ?",
                [count],
            ).fetchall()
        ]


def lis_build(checkout: Path, extracts: Path, as_of: date, warehouse: Path) -> list[str]:
    return [
        str(checkout / ".venv" / "bin" / "lis"),
        "-v",
        "build",
        "--extracts",
        str(extracts),
        "--as-of",
        as_of.isoformat(),
        "--warehouse",
        str(warehouse),
    ]


def gate_seconds(log: str) -> dict[str, float]:
    """The gates' times from a `lis -v build` log: {layer: seconds}."""
    found = re.findall(r"DEBUG (\w+)\s+gate \(\d+ expectations\)\s+([\d.]+)s", log)
    return {layer: float(seconds) for layer, seconds in found}


def slowest_models(log: str, count: int = 8) -> list[list]:
    """The build's slowest models from a `lis -v build` log: [seconds, model, rows]."""
    found = re.findall(
        r"DEBUG (?:staging|intermediate|marts)\s+(\w+)\s+([\d,]+) rows\s+([\d.]+)s", log
    )
    ranked = sorted(((float(s), m, int(r.replace(",", ""))) for m, r, s in found), reverse=True)
    return [list(row) for row in ranked[:count]]


def ge_import_seconds(checkout: Path) -> float:
    code = (
        "import time; t = time.perf_counter(); from runner import ge_duckdb;"
        " ge_duckdb.import_great_expectations(); print(time.perf_counter() - t)"
    )
    python = str(checkout / ".venv" / "bin" / "python")
    out = subprocess.run([python, "-c", code], cwd=checkout, capture_output=True, text=True)
    return round(float(out.stdout.strip() or "nan"), 2)


def differing_marts(first: Path, second: Path) -> list[str] | None:
    """The marts tables whose rows differ between two warehouses (EXCEPT ALL both ways);
    None when a build did not publish."""
    if not (first.is_file() and second.is_file()):
        return None
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{first}' AS a (READ_ONLY); ATTACH '{second}' AS b (READ_ONLY)")
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables()"
            " WHERE database_name = 'a' AND schema_name = 'marts' ORDER BY 1"
        ).fetchall()
        return [
            t
            for (t,) in tables
            if con.execute(
                f"SELECT count(*) FROM ((FROM a.marts.{t} EXCEPT ALL FROM b.marts.{t})"
                f" UNION ALL (FROM b.marts.{t} EXCEPT ALL FROM a.marts.{t}))"
            ).fetchone()[0]
        ]


def floor_sql(extracts: Path) -> str:
    """CREATE TABLE per extract from read_csv, with the dialect and the contract's types spelled
    out."""
    contract = yaml.safe_load((ROOT / "models" / "sources.yml").read_text())["sources"][0]["tables"]
    statements = []
    for table in contract:
        path = extracts / f"{table['name']}.csv"
        # every column of the file's header (befolkning's FOLK1A shape has more than the
        # contract reads), typed as the contract types it
        with path.open(encoding="latin-1") as file:
            header = file.readline().strip().split(";")
        columns = {
            name: "DATE" if name.endswith("dato") else TYPES.get(name, "VARCHAR") for name in header
        }
        select = (
            "* REPLACE (botilbudslignende = 'ja' AS botilbudslignende)"
            if "botilbudslignende" in columns
            else "*"
        )
        csv = str(path).replace("'", "''")
        statements.append(
            f"CREATE TABLE {table['name']} AS SELECT {select} FROM read_csv("
            f"'{csv}', header = true, delim = ';', encoding = 'latin-1', dateformat = '%d-%m-%Y', "
            f"decimal_separator = ',', columns = {columns!r});"
        )
    return "\n".join(statements)


def loaded(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def run(command: list[str], cwd: Path = ROOT) -> dict:
    """Run a command in its own process: wall and CPU seconds (user + system: on a shared machine
    less disturbed than wall time), its peak RSS, exit status, last line of stderr.

    The peak is the child's VmHWM, polled: its rusage would report at least this process's size,
    which a forked child inherits into ru_maxrss.
    """
    peak_kb = 0
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        with subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, text=True) as child:
            while child.poll() is None:
                peak_kb = max(peak_kb, high_water_kb(child.pid))
                time.sleep(0.02)
        seconds = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        out, log = stdout.read(), stderr.read()
    lines = [line for line in log.strip().splitlines() if "nanobind" not in line]
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(children_cpu_seconds() - cpu_before, 2),
        "peak_rss_mb": round(peak_kb / 1024),
        "returncode": child.returncode,
        "stderr_last_line": lines[-1] if lines else "",
        "stdout": out.strip(),
        "stderr": log,
    }


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # already gone
        return 0
    return next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0
    )


def fresh(path: Path) -> Path:
    """The path with no file of an earlier run at it or beside it (WAL, run record)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return path


def ratio(run_: dict, floor: dict) -> float | None:
    ok = run_["returncode"] == 0 and floor["returncode"] == 0
    return round(run_["seconds"] / floor["seconds"], 2) if ok else None


def print_table(report: dict) -> None:
    """Issue 22's targets, each with its figure before and after (before: the --before checkout,
    built in the same run), then the national build's ten slowest expectations."""

    def get(scale, checkout, *keys):
        value = report.get(scale, {}).get(checkout, {})
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def gates(scale, checkout):
        found = get(scale, checkout, "gates_s") or {}
        return round(sum(found.values()), 2) if found else None

    def wide(checkout):
        """The wide build over the realistic one, wall and CPU, and indicator_values' rows."""
        w, n = get("national_wide", checkout, "build"), get("national", checkout, "build")
        if not (w and n) or w["returncode"] or n["returncode"]:
            return f"{w and w['seconds']} s ({w and w['stderr_last_line'][-40:]})"
        return (
            f"{w['seconds']} s = {w['seconds'] / n['seconds']:.2f}x"
            f" (CPU {w['cpu_seconds'] / n['cpu_seconds']:.2f}x), peak {w['peak_rss_mb']} MB"
        )

    def figures(checkout):
        n, m = "national", "municipality"
        build = get(n, checkout, "build", "seconds")
        return [
            f"{get(n, checkout, 'build_over_bare')}x (rounds"
            f" {get(n, checkout, 'build_over_bare_rounds')};"
            f" bare {get(n, checkout, 'bare_sql', 'seconds')} s)",
            f"{gates(n, checkout)} s = {get(n, checkout, 'gates_share')} of the build",
            f"{get(n, checkout, 'build_over_floor')}x (rounds"
            f" {get(n, checkout, 'build_over_floor_rounds')}; build {build} s)",
            wide(checkout),
            f"{get(m, checkout, 'build', 'seconds')} s (GE import {get(m, checkout, 'ge_import_s')}"
            f" s, gates {gates(m, checkout)} s)",
            f"{get(m, checkout, 'rebuild', 'seconds')} s",
            *(
                f"{get(s, checkout, 'build', 'seconds')} s, peak"
                f" {get(s, checkout, 'build', 'peak_rss_mb')} MB"
                for s in ("national_3m", "national_10m")
                if s in report
            ),
        ]

    names = [
        "national build / same models' SQL run bare",
        "gates (GE import included) / national build",
        "national build / floor",
        "wide breakdowns / realistic national",
        "municipality build (10,000 grants)",
        "municipality, unchanged",
        *(
            f"{report[s]['grants']:,} grants"
            for s in ("national_3m", "national_10m")
            if s in report
        ),
    ]
    targets = ["<= 1.3x", "<= 15 %", "<= 10x", "<= 2x", "<= 8 s", "<= 0.5 s", "<= 3 GB", "<= 3 GB"]
    before, after = figures("before"), figures("after")
    width = max(map(len, names))
    print(f"{'':<{width}}  {'before':<44}  {'after':<44}  target")
    for row in zip(names, before, after, targets, strict=False):
        print(f"{row[0]:<{width}}  {row[1]:<44}  {row[2]:<44}  {row[3]}")
    _print_third_wave(report)
    _print_runs(report)
    loads = {s: report[s].get("load_average_after") for s in SCALES if s in report}
    print(f"load average (1, 5, 15 min) after each scale: {loads}")
    differing = report.get("national", {}).get("differing_marts")
    print(
        f"determinism, two national builds: {report.get('national', {}).get('deterministic')}"
        + (f" (differ: {', '.join(differing)})" if differing else "")
    )
    for seconds, model, expectation, message in report.get("national", {}).get(
        "slowest_expectations", []
    ):
        print(f"  {seconds:7.3f} s  {model}  {expectation}  {message}")
    _print_slowest_models(report)
    _print_failures(report)


def _print_third_wave(report: dict) -> None:
    """Issue 18: what the national build costs more than the before checkout's (run with
    --before the third wave), as a share of the build; target at most 15 %."""
    national = report.get("national", {})
    after, before = (national.get(c, {}).get("build") for c in ("after", "before"))
    if not (after and before) or after["returncode"] or before["returncode"]:
        return
    for unit in ("seconds", "cpu_seconds"):
        extra = after[unit] - before[unit]
        print(
            f"national build over the before checkout ({unit}): {before[unit]} -> {after[unit]}"
            f" = {extra / after[unit]:.0%} of the build (issue 18: <= 15 %)"
        )


def _print_runs(report: dict) -> None:
    """Every run behind a median of the national scales, so that the spread shows."""
    for scale in ("national", "national_wide"):
        found = report.get(scale, {})
        print(f"{scale} runs (s), floor: {found.get('floor', {}).get('runs_s')}", end="")
        for checkout in ("after", "before"):
            for step in ("build", "bare_sql"):
                runs = found.get(checkout, {}).get(step, {}).get("runs_s")
                if runs:
                    print(f"; {checkout} {step}: {runs}", end="")
        print()


def _print_slowest_models(report: dict) -> None:
    for scale in ("national", "national_wide"):
        for seconds, model, rows in (
            report.get(scale, {}).get("after", {}).get("slowest_models", [])
        ):
            print(f"  {scale}: {seconds:7.2f} s  {model}  {rows:,} rows")


def _print_failures(report: dict) -> None:
    for scale in SCALES:
        for checkout in ("after", "before"):
            for step in ("build", "rebuild"):
                r = report.get(scale, {}).get(checkout, {}).get(step)
                if r and r["returncode"]:
                    print(
                        f"{scale} {checkout} {step}: lis build failed ({r['returncode']}):"
                        f" {r['stderr_last_line']}"
                    )


if __name__ == "__main__":
    sys.exit(main())
