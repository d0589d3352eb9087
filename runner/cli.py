"""The `lis` command: arguments, logging, progress and exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from .errors import LisError
from .privacy import MaskCpr, mask_cpr

log = logging.getLogger("lis")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _yesterday() -> date:
    return date.today() - timedelta(days=1)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lis",
        description="Management information for the disability area: "
        "raw extracts to KL's indicators in a published DuckDB warehouse.",
    )
    parser.add_argument(
        "--project", type=Path, help="the project folder (default: found from the current folder)"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log every step, also when not on a terminal"
    )
    parser.add_argument("--log-file", type=Path, help="also append the log to this file")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="build every layer, gate it, and publish the warehouse",
        description="Read the extracts, build every layer behind its gates and publish "
        "the warehouse atomically. Exit 0 when published (or already up to date).",
    )
    build.add_argument("--extracts", type=Path, required=True, help="folder with the extract files")
    _common_build_args(build)

    demo = commands.add_parser(
        "demo",
        help="write synthetic extracts for a fictional municipality and build them",
        description="Write synthetic extracts (the contract's Danish dialect) and build them.",
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("demo/extracts"),
        help="where to write the extracts (default demo/extracts)",
    )
    demo.add_argument("--grants", type=int, default=10_000, help="number of grants (default 10000)")
    demo.add_argument(
        "--municipalities", type=int, default=1, help="number of paying municipalities (default 1)"
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument(
        "--dirty", action="store_true", help="include rows that break the contract's rules"
    )
    _common_build_args(demo)

    export = commands.add_parser(
        "export",
        help="export the published marts as parquet, csv or xlsx",
        description="Write every table of schema marts of the published warehouse to a "
        "folder: parquet, csv for Danish Excel (';', decimal comma, UTF-8 with BOM) or xlsx.",
    )
    export.add_argument(
        "--format", choices=("parquet", "csv", "xlsx"), default="parquet", help="default parquet"
    )
    export.add_argument(
        "--out", type=Path, default=Path("exports"), help="folder to write to (default exports)"
    )
    export.add_argument(
        "--warehouse",
        type=Path,
        help="the published file (default warehouse/lis.duckdb in the project)",
    )

    commands.add_parser(
        "ls", help="list the models in run order", description="List the models in run order."
    )

    compile_ = commands.add_parser(
        "compile", help="print a model's compiled SQL", description="Print a model's compiled SQL."
    )
    compile_.add_argument("model")
    compile_.add_argument(
        "--as-of", type=_date, default=None, help="status date (default: yesterday)"
    )

    test = commands.add_parser(
        "test",
        help="run the gates against the published warehouse without rebuilding",
        description="Run every expectation against the published warehouse, read-only.",
    )
    test.add_argument(
        "--warehouse",
        type=Path,
        help="the published file (default warehouse/lis.duckdb in the project)",
    )
    return parser


def _common_build_args(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--as-of", type=_date, default=None, help="status date YYYY-MM-DD (default: yesterday)"
    )
    sub.add_argument(
        "--warehouse",
        type=Path,
        help="file to publish (default warehouse/lis.duckdb in the project)",
    )
    sub.add_argument(
        "--full-refresh", action="store_true", help="rebuild even when nothing changed"
    )


def _setup_logging(verbose: bool, log_file: Path | None) -> None:
    tty = sys.stderr.isatty()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(
            "%(levelname)s: %(message)s" if tty else "%(asctime)s %(levelname)s %(message)s"
        )
    )
    handlers = [handler]
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handlers.append(file_handler)
    for each in handlers:
        each.addFilter(MaskCpr())  # a message may quote file content
    log.handlers[:] = handlers
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    log.propagate = False


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's timeout): unwind like Ctrl-C, so the build cleans up and is journalled.
    A KeyboardInterrupt, because libraries (DuckDB among them) let that through or stop on it."""


_received: list[int] = []


def _terminate(signum, frame):
    _received.append(signum)
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose, args.log_file)
    previous = signal.signal(signal.SIGTERM, _terminate)
    _received.clear()
    try:
        return _COMMANDS[args.command](args)
    except BaseException as error:
        # Whatever a library made of the signal on its way out, a terminated run says so.
        if _received or isinstance(error, KeyboardInterrupt):
            print(
                f"lis: {'terminated' if _received else 'interrupted'}; nothing more was published",
                file=sys.stderr,
            )
            return 143 if _received else 130
        if isinstance(error, LisError):
            print(f"lis: {error}", file=sys.stderr)
            return error.exit_code
        if not isinstance(error, Exception):
            raise
        # a bug: still one line for the scheduler, the traceback in the -v log
        log.debug("internal error", exc_info=True)
        print(
            f"lis: internal error: {type(error).__name__}: "
            + mask_cpr((str(error).splitlines() or [""])[0]),
            file=sys.stderr,
        )
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


def _project(args):
    from .project import find_root, load_project

    return load_project(find_root(args.project) if args.project else None)


def _build(args, extracts_dir: Path) -> int:
    from .build import build
    from .progress import Progress

    project = _project(args)
    warehouse = (args.warehouse or project.warehouse).resolve()
    as_of = args.as_of or _yesterday()
    started = time.perf_counter()
    log.info("building status date %s from %s into %s", as_of, extracts_dir, warehouse)
    outcome = build(
        project, extracts_dir.resolve(), as_of, warehouse, args.full_refresh, Progress()
    )
    if outcome.status == "up_to_date":
        log.info(
            "up to date: %s was built from these extracts, models and status date (use --full-refresh to rebuild)",
            warehouse,
        )
    else:
        warnings = sum(1 for e in outcome.record.expectations if not e["success"])
        log.info(
            "published %s in %.1fs (%d models, %d expectations, %d warnings)",
            warehouse,
            time.perf_counter() - started,
            len(outcome.record.models),
            len(outcome.record.expectations),
            warnings,
        )
    return 0


def cmd_build(args) -> int:
    return _build(args, args.extracts)


def cmd_demo(args) -> int:
    from .synth import write_extracts

    as_of = args.as_of or _yesterday()
    counts = write_extracts(
        args.out,
        grants=args.grants,
        municipalities=args.municipalities,
        seed=args.seed,
        as_of=as_of,
        dirty=args.dirty,
    )
    log.info(
        "wrote synthetic extracts to %s (%s)",
        args.out,
        ", ".join(f"{k} {v:,}" for k, v in counts.items() if ":" not in k),
    )
    args.as_of = as_of
    code = _build(args, args.out)
    warehouse = (args.warehouse or _project(args).warehouse).resolve()
    print(
        f"The warehouse is {warehouse}\nOpen it read-only with:\n"
        f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{warehouse}', read_only=True)"
        f".sql('select * from marts.indicator_values limit 20'))\""
    )
    return code


def cmd_ls(args) -> int:
    from . import dag
    from .compile import Compiler

    project = _project(args)
    compiler = Compiler(project, {"as_of": _yesterday().isoformat(), "pseudonym_key": ""})
    for group in dag.plan(compiler.compile_all(), project.layers):
        for node in group:
            parents = ", ".join(sorted(node.depends_on)) or "-"
            print(f"{node.layer:<13} {node.relation:<45} {node.materialized:<6} <- {parents}")
    return 0


def cmd_compile(args) -> int:
    from .compile import Compiler
    from .errors import ProjectError

    project = _project(args)
    if args.model not in project.nodes:
        raise ProjectError(f"no model named {args.model} (see lis ls)")
    compiler = Compiler(
        project,
        {"as_of": (args.as_of or _yesterday()).isoformat(), "pseudonym_key": "<LIS_PSEUDONYM_KEY>"},
    )
    print(compiler.compile_node(project.nodes[args.model]).compiled_sql)
    return 0


def cmd_test(args) -> int:
    from .check import check_published

    project = _project(args)
    return check_published(project, (args.warehouse or project.warehouse).resolve())


def cmd_export(args) -> int:
    from .export import export_marts

    warehouse = (args.warehouse or _project(args).warehouse).resolve()
    files = export_marts(warehouse, args.out, args.format)
    log.info("exported %d tables of %s to %s", len(files), warehouse, args.out)
    return 0


_COMMANDS = {
    "build": cmd_build,
    "demo": cmd_demo,
    "ls": cmd_ls,
    "compile": cmd_compile,
    "test": cmd_test,
    "export": cmd_export,
}


def entry() -> None:
    """The console script. Exits without interpreter teardown: with duckdb 2.0, great-expectations'
    duckdb-engine import makes nanobind print hundreds of 'leaked instance' lines at shutdown,
    which would bury the one-line reason a scheduler needs. Everything is closed and flushed by then."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)
