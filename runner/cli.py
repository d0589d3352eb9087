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

from . import interrupts, logs
from .errors import (
    EnvironmentProblem,
    LisError,
    UsageError,
    WarehouseInUse,
    environment_error,
)
from .privacy import mask_cpr

log = logging.getLogger("lis")

DEMO_EXTRACTS = Path("demo/extracts")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _formats(text: str) -> tuple[str, ...]:
    from .export import parse_formats

    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _yesterday() -> date:
    return date.today() - timedelta(days=1)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 64 (EX_USAGE), apart from the project errors' 2."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(UsageError.exit_code, f"{self.prog}: error: {message}\n")


def versions() -> str:
    """From the installed packages' metadata: no import of DuckDB or great-expectations."""
    from importlib import metadata

    lines = []
    for label, distribution in (
        ("lis", "lis"),
        ("DuckDB", "duckdb"),
        ("great-expectations", "great-expectations"),
    ):
        try:
            lines.append(f"{label} {metadata.version(distribution)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{label} (not installed)")
    return "\n".join(lines)


class _Versions(argparse.Action):
    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(
            option_strings,
            dest=argparse.SUPPRESS,
            default=argparse.SUPPRESS,
            nargs=0,
            help="print the versions of lis, DuckDB and great-expectations",
        )

    def __call__(self, parser, namespace, values, option_string=None):
        print(versions())
        parser.exit()


def _global_options(top: bool) -> argparse.ArgumentParser:
    """Options that work before or after the command; given after it, they override."""
    options = _Parser(add_help=False)

    def default(value):
        return value if top else argparse.SUPPRESS

    options.add_argument(
        "--project",
        type=Path,
        default=default(None),
        help="the project folder, holding lis_project.yml (default: $LIS_PROJECT_DIR, else found "
        "from the current folder)",
    )
    options.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="log every step, also when not on a terminal; tracebacks on stderr",
    )
    options.add_argument(
        "--log-file", type=Path, default=default(None), help="also append the log to this file"
    )
    options.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        default=default("text"),
        help="text (default) or json: one JSON object per line, for log collectors",
    )
    return options


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lis",
        description="Management information for the disability area: "
        "raw extracts to KL's indicators in a published DuckDB warehouse.",
        parents=[_global_options(top=True)],
    )
    parser.add_argument("--version", action=_Versions)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_build, _add_demo, _add_export, _add_report, _add_ls, _add_compile, _add_test):
        add(commands)
    return parser


def _command(commands, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A command's parser; the global options work after its name too."""
    return commands.add_parser(
        name, parents=[_global_options(top=False)], help=summary, description=description
    )


def _add_build(commands) -> None:
    build = _command(
        commands,
        "build",
        "build every layer, gate it, and publish the warehouse",
        "Read the extracts, build every layer behind its gates and publish "
        "the warehouse atomically. Exit 0 when published (or already up to date).",
    )
    build.add_argument("--extracts", type=Path, required=True, help="folder with the extract files")
    _build_options(build)


def _add_demo(commands) -> None:
    demo = _command(
        commands,
        "demo",
        "write synthetic extracts for a fictional municipality and build them",
        "Write synthetic extracts (the contract's Danish dialect) and build them.",
    )
    demo.add_argument(
        "--out",
        type=Path,
        help="where to write the extracts (default demo/extracts); given, the warehouse "
        "goes there too (OUT/lis.duckdb) unless --warehouse says otherwise",
    )
    demo.add_argument("--grants", type=int, default=10_000, help="number of grants (default 10000)")
    demo.add_argument(
        "--municipalities", type=int, default=1, help="number of paying municipalities (default 1)"
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.add_argument(
        "--dirty", action="store_true", help="include rows that break the contract's rules"
    )
    _build_options(demo)


def _build_options(sub: argparse.ArgumentParser) -> None:
    """What lis build and lis demo share: everything but where the extracts come from."""
    sub.add_argument(
        "--as-of", type=_date, default=None, help="status date YYYY-MM-DD (default: yesterday)"
    )
    _warehouse_option(sub, "file to publish")
    sub.add_argument(
        "--full-refresh", action="store_true", help="rebuild even when nothing changed"
    )
    sub.add_argument(
        "--allow-any-date",
        action="store_true",
        help="accept an --as-of in the future or before the extracts' first date (back-filling)",
    )
    sub.add_argument(
        "--export",
        type=_formats,
        metavar="FORMAT[,FORMAT]",
        help="after publishing, export the marts as with lis export --format",
    )
    sub.add_argument(
        "--export-dir",
        type=Path,
        default=Path("exports"),
        help="where --export writes (default exports)",
    )


def _warehouse_option(sub: argparse.ArgumentParser, what: str = "the published file") -> None:
    sub.add_argument(
        "--warehouse", type=Path, help=f"{what} (default warehouse/lis.duckdb in the project)"
    )


def _add_export(commands) -> None:
    export = _command(
        commands,
        "export",
        "export the published marts as parquet, csv or xlsx",
        "Write every table of schema marts of the published warehouse to a "
        "folder: parquet, csv for Danish Excel (';', decimal comma, UTF-8 with BOM) or xlsx.",
    )
    export.add_argument(
        "--format",
        type=_formats,
        default=("parquet",),
        metavar="FORMAT[,FORMAT]",
        help="parquet, csv and/or xlsx, comma-separated (default parquet)",
    )
    export.add_argument(
        "--out",
        type=Path,
        default=Path("exports"),
        help="folder to write to (default exports): OUT/<status date>/, and OUT/latest links to it",
    )
    _warehouse_option(export)
    export.add_argument(
        "--discreet",
        action="store_true",
        help="suppress counts under var discretion_min_persons (and the cells revealing them)",
    )


def _add_report(commands) -> None:
    report = _command(
        commands,
        "report",
        "write the HTML reports for politikere, direktion and ledere, and the varedeklaration",
        "Write one self-contained HTML report per audience and the varedeklaration "
        "for the warehouse's latest status date, to a new folder swapped in whole.",
    )
    _warehouse_option(report)
    report.add_argument(
        "--out", type=Path, help="folder to write to (default reports/ in the project)"
    )


def _add_ls(commands) -> None:
    _command(
        commands,
        "ls",
        "list the models in run order",
        "List the models in run order, by the names lis compile takes.",
    )


def _add_compile(commands) -> None:
    compile_ = _command(
        commands, "compile", "print a model's compiled SQL", "Print a model's compiled SQL."
    )
    compile_.add_argument("model")
    compile_.add_argument(
        "--as-of", type=_date, default=None, help="status date (default: yesterday)"
    )


def _add_test(commands) -> None:
    test = _command(
        commands,
        "test",
        "run the gates against the published warehouse without rebuilding",
        "Run every expectation against the published warehouse, read-only.",
    )
    _warehouse_option(test)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.run_id.set(None)
    signals = interrupts.watch()
    try:
        logs.setup(args.verbose, args.log_file, args.log_format)
        return _COMMANDS[args.command](args)
    except BaseException as error:
        return _failed(args, error, signals)
    finally:
        signals.restore()


def _failed(args, error: BaseException, signals: interrupts.Interrupts) -> int:
    """The exit code of a command that raised, and its one-line reason."""
    # Whatever a library made of the signal on its way out, a terminated run says so.
    if signals.received or isinstance(error, KeyboardInterrupt):
        return _end(
            args,
            f"{'terminated' if signals.terminated else 'interrupted'}; nothing more was published",
            143 if signals.terminated else 130,
        )
    if isinstance(error, BrokenPipeError):
        # stdout's reader has gone (lis ls | head): quiet, like the shell's tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    if isinstance(error, (EnvironmentProblem, WarehouseInUse)):
        return _end(args, str(error), error.exit_code, error)
    if isinstance(error, LisError):
        return _end(args, str(error), error.exit_code)
    problem = environment_error(error)
    if problem is not None:
        return _end(args, str(problem), problem.exit_code, error)
    if not isinstance(error, Exception):
        raise error
    # a bug: still one line for the scheduler; the traceback in the -v log and the log file
    first_line = (str(error).splitlines() or [""])[0]
    return _end(args, f"internal error: {type(error).__name__}: {first_line}", 1, error)


def _end(args, message: str, code: int, error: BaseException | None = None) -> int:
    """Log the reason; in text mode it is also stderr's last line, for the scheduler's mail."""
    message = mask_cpr(message)  # a message may quote file content
    logs.reason(message, code, error)
    if args.log_format == "text":
        print(f"lis: {message}", file=sys.stderr)
    return code


def _project(args):
    from .project import find_root, load_project

    return load_project(find_root(args.project))


def _warehouse(args, project) -> Path:
    """The warehouse a command reads or publishes: --warehouse, or the project's."""
    return (args.warehouse or project.warehouse).resolve()


def _status_date(args) -> date:
    """--as-of, or yesterday; refused in the future, and refused with a --warehouse in a folder
    that does not exist (a typo, which would otherwise publish somewhere unexpected)."""
    if args.warehouse and not args.warehouse.resolve().parent.is_dir():
        raise UsageError(
            f"--warehouse {args.warehouse}: the folder {args.warehouse.resolve().parent} does "
            "not exist (create it, or correct the path)"
        )
    as_of = args.as_of or _yesterday()
    if as_of > date.today() and not args.allow_any_date:
        raise UsageError(
            f"--as-of {as_of} is in the future (today is {date.today()}): a status date's "
            "counts would be incomplete; --allow-any-date builds it anyway"
        )
    return as_of


def _build(args, project, extracts_dir: Path, as_of: date, warehouse: Path) -> int:
    """Build and publish, then export if asked (lis build and lis demo)."""
    from .build import build
    from .progress import Progress

    started = time.perf_counter()
    log.info("building status date %s from %s into %s", as_of, extracts_dir, warehouse)
    outcome = build(
        project,
        extracts_dir.resolve(),
        as_of,
        warehouse,
        args.full_refresh,
        # JSON lines only: the terminal's progress lines become DEBUG log records.
        Progress(enabled=False if args.log_format == "json" else None),
        allow_any_date=args.allow_any_date,
    )
    if outcome.status == "up_to_date":
        log.info(
            "up to date: %s was built from these extracts, models and status date "
            "(use --full-refresh to rebuild)",
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
    if args.export:
        return _export(project, warehouse, args.export, args.export_dir)
    return 0


def cmd_build(args) -> int:
    project = _project(args)
    return _build(args, project, args.extracts, _status_date(args), _warehouse(args, project))


def cmd_demo(args) -> int:
    from tools.synth import write_extracts

    project = _project(args)
    as_of = _status_date(args)
    extracts = args.out or DEMO_EXTRACTS
    if args.out and not args.warehouse:  # a demo written elsewhere leaves the project's alone
        warehouse = (args.out / "lis.duckdb").resolve()
    else:
        warehouse = _warehouse(args, project)
    counts = write_extracts(
        extracts,
        grants=args.grants,
        municipalities=args.municipalities,
        seed=args.seed,
        as_of=as_of,
        dirty=args.dirty,
    )
    log.info(
        "wrote synthetic extracts to %s (%s)",
        extracts,
        ", ".join(f"{k} {v:,}" for k, v in counts.items() if ":" not in k),
    )
    code = _build_last_month_first(args, project, extracts, as_of, warehouse)
    print(
        f"The warehouse is {warehouse}\nOpen it read-only with:\n"
        f'  .venv/bin/python -c "import duckdb; '
        f"print(duckdb.connect('{warehouse}', read_only=True)"
        f".sql('select * from marts.indicator_values limit 20'))\""
    )
    return code


def _build_last_month_first(args, project, extracts: Path, as_of: date, warehouse: Path) -> int:
    """Build the last day of the month before, then the status date: the second publication
    compares with the first (marts.aendringer), so a first report already has its waterfall. Only
    the second is exported."""
    month_before = as_of.replace(day=1) - timedelta(days=1)
    first = argparse.Namespace(**{**vars(args), "export": None})
    code = _build(first, project, extracts, month_before, warehouse)
    return code or _build(args, project, extracts, as_of, warehouse)


def cmd_ls(args) -> int:
    from . import dag
    from .compile import Compiler, run_vars

    project = _project(args)
    compiler = Compiler(project, run_vars(project, _yesterday(), secret=False))
    for group in dag.plan(compiler.compile_all(), project.layers):
        for node in group:
            parents = ", ".join(sorted(node.depends_on)) or "-"
            print(
                f"{node.layer:<13} {node.name:<32} {node.materialized:<6} "
                f"{node.relation:<45} <- {parents}"
            )
    return 0


def cmd_compile(args) -> int:
    from .compile import Compiler, run_vars
    from .errors import ProjectError

    project = _project(args)
    by_relation = {node.relation: node for node in project.nodes.values()}
    node = project.nodes.get(args.model) or by_relation.get(args.model)
    if node is None:
        raise ProjectError(f"no model named {args.model} (see lis ls)")
    compiler = Compiler(project, run_vars(project, args.as_of or _yesterday(), secret=False))
    print(compiler.compile_node(node).compiled_sql)
    return 0


def cmd_test(args) -> int:
    from .check import check_published

    project = _project(args)
    return check_published(project, _warehouse(args, project))


def cmd_export(args) -> int:
    project = _project(args)
    return _export(project, _warehouse(args, project), args.format, args.out, args.discreet)


def _export(
    project, warehouse: Path, formats: tuple[str, ...], out: Path, discreet: bool = False
) -> int:
    from .export import export_marts

    transform = None
    if discreet:
        from .discretion import discreet_transform

        transform = discreet_transform(project)
    done = export_marts(warehouse, out, formats, project, transform)
    log.info("exported %d files of %s to %s", len(done.files), warehouse, done.folder)
    return 0


def cmd_report(args) -> int:
    from .discretion_policy import Policy
    from .report import write_reports

    project = _project(args)
    warehouse = _warehouse(args, project)
    out = args.out or project.root / "reports"
    # the discretion of the project named (--project), not of the one found from the folder
    threshold = project.vars["discretion_min_persons"]
    files = write_reports(warehouse, out, threshold, Policy.of(project))
    log.info("wrote %d files to %s (open %s)", len(files), out, out / "index.html")
    return 0


_COMMANDS = {
    "build": cmd_build,
    "demo": cmd_demo,
    "ls": cmd_ls,
    "compile": cmd_compile,
    "test": cmd_test,
    "export": cmd_export,
    "report": cmd_report,
}


def entry() -> None:
    """The console script. Exits without interpreter teardown: with duckdb 2.0, great-expectations'
    duckdb-engine import makes nanobind print hundreds of 'leaked instance' lines at shutdown,
    which would bury the one-line reason a scheduler needs. Everything is closed and flushed by
    then."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)
