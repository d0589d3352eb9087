"""How far `lis build` is from the floor: DuckDB alone loading the same CSV files into typed tables.

Writes a national extract (98 municipalities) and a municipality-size one with the synthetic
generator, loads each with plain DuckDB (the floor), builds each with `lis build`, then builds
the unchanged municipality extract once more. Every load and build runs in its own process,
timed on the wall clock, with that process's peak RSS.

    .venv/bin/python benchmarks/national.py [--grants 1000000] [--municipalities 98]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
from runner.synth import write_extracts  # noqa: E402

LIS = Path(sys.executable).parent / "lis"
# The floor runs in a child process like the build does, so both pay for starting Python.
FLOOR = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[2]); con.execute(sys.argv[1]); con.close()"
)
TYPES = {"timer_pr_uge": "DOUBLE", "takst": "DOUBLE", "beloeb": "DOUBLE", "aar": "INTEGER"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grants", type=int, default=1_000_000)
    parser.add_argument("--municipalities", type=int, default=98)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lis-bench"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    # A fixed date, so runs compare, in a year the refusion seed covers, so indicator 06 is computed too.
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2022, 11, 23))
    args = parser.parse_args()

    scales = {"national": (args.grants, args.municipalities), "municipality": (10_000, 1)}
    results = {}
    for scale, (grants, municipalities) in scales.items():
        extracts, warehouse = args.workdir / scale / "extracts", args.workdir / scale / "lis.duckdb"
        started = time.perf_counter()
        rows = write_extracts(
            extracts, grants=grants, municipalities=municipalities, as_of=args.as_of
        )
        written = time.perf_counter() - started
        floor_file = fresh(args.workdir / scale / "floor.duckdb")
        floor = run([sys.executable, "-c", FLOOR, floor_sql(extracts), str(floor_file)])
        floor["loaded_every_row"] = floor["returncode"] == 0 and loaded(floor_file) == rows
        build = run(
            [
                str(LIS),
                "build",
                "--extracts",
                str(extracts),
                "--as-of",
                args.as_of.isoformat(),
                "--warehouse",
                str(fresh(warehouse)),
            ]
        )
        results[scale] = {
            "grants": grants,
            "municipalities": municipalities,
            "rows": rows,
            "extract_mb": round(sum(f.stat().st_size for f in extracts.glob("*.csv")) / 1e6, 1),
            "write_s": round(written, 2),
            "floor": floor,
            "build": build,
            "build_over_floor": ratio(build, floor),
        }
    municipality = results["municipality"]
    municipality["rebuild"] = run(
        [
            str(LIS),
            "build",
            "--extracts",
            str(args.workdir / "municipality" / "extracts"),
            "--as-of",
            args.as_of.isoformat(),
            "--warehouse",
            str(args.workdir / "municipality" / "lis.duckdb"),
        ]
    )
    municipality["rebuild_over_floor"] = ratio(municipality["rebuild"], municipality["floor"])

    report = {
        "as_of": args.as_of.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
        },
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(results)
    print(f"\nwritten to {args.out}")
    builds = [r["build"] for r in results.values()] + [municipality["rebuild"]]
    return 1 if any(b["returncode"] for b in builds) else 0


def floor_sql(extracts: Path) -> str:
    """CREATE TABLE per extract from read_csv with the dialect and the contract's types spelled out."""
    contract = yaml.safe_load((ROOT / "models" / "sources.yml").read_text())["sources"][0]["tables"]
    statements = []
    for table in contract:
        columns = {
            c["name"]: "DATE" if c["name"].endswith("dato") else TYPES.get(c["name"], "VARCHAR")
            for c in table["columns"]
        }
        select = (
            "* REPLACE (botilbudslignende = 'ja' AS botilbudslignende)"
            if "botilbudslignende" in columns
            else "*"
        )
        path = str(extracts / f"{table['name']}.csv").replace("'", "''")
        statements.append(
            f"CREATE TABLE {table['name']} AS SELECT {select} FROM read_csv("
            f"'{path}', header = true, delim = ';', encoding = 'latin-1', dateformat = '%d-%m-%Y', "
            f"decimal_separator = ',', columns = {columns!r});"
        )
    return "\n".join(statements)


def loaded(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def run(command: list[str]) -> dict:
    """Run a command in its own process: wall seconds, its peak RSS, exit status, last line of stderr.

    The peak is the child's VmHWM, polled: its rusage would report at least this process's size,
    which a forked child inherits into ru_maxrss.
    """
    peak_kb = 0
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stderr:
        with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr) as child:
            while child.poll() is None:
                peak_kb = max(peak_kb, high_water_kb(child.pid))
                time.sleep(0.02)
        seconds = time.perf_counter() - started
        stderr.seek(0)
        lines = stderr.read().strip().splitlines()
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024),
        "returncode": child.returncode,
        "stderr_last_line": lines[-1] if lines else "",
    }


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


def print_table(results: dict) -> None:
    print(
        f"{'step':<22}{'rows':>11}{'MB':>8}{'write s':>9}{'floor s':>9}{'build s':>9}{'build/floor':>13}"
        f"{'floor RSS':>11}{'build RSS':>11}"
    )
    for scale, r in results.items():
        print(
            f"{scale:<22}{r['rows']['ydelser']:>11,}{r['extract_mb']:>8}{r['write_s']:>9}{r['floor']['seconds']:>9}"
            f"{r['build']['seconds']:>9}{str(r['build_over_floor']):>13}{r['floor']['peak_rss_mb']:>11}"
            f"{r['build']['peak_rss_mb']:>11}"
        )
    rebuild = results["municipality"]["rebuild"]
    print(
        f"{'municipality rebuild':<22}{'':>11}{'':>8}{'':>9}{'':>9}{rebuild['seconds']:>9}"
        f"{str(results['municipality']['rebuild_over_floor']):>13}{'':>11}{rebuild['peak_rss_mb']:>11}"
    )
    for name, r in [(s, results[s]["build"]) for s in results] + [
        ("municipality rebuild", rebuild)
    ]:
        if r["returncode"]:
            print(f"{name}: lis build failed ({r['returncode']}): {r['stderr_last_line']}")


if __name__ == "__main__":
    sys.exit(main())
