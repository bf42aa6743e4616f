"""`boligmon` command line: load files into raw.*, and show the load log.

Exit codes: 0 ok; 1 user or data error (one paragraph on stderr, no stack trace); 2 internal
error (set BOLIGMON_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from loaders import __version__
from loaders.contract import SOURCES, SOURCES_BY_NAME
from loaders.errors import ConfigError, UserError, mask_text

app = typer.Typer(
    name="boligmon",
    help="Load municipal data deliveries into the raw schema (boligsocial monitorering).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Wide when piped (make, CI logs): tables stay readable instead of folding at 80 columns.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
F = TypeVar("F", bound=Callable[..., Any])

SIDE_CAR_SUFFIXES = {".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".md"}


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def handle_errors(func: F) -> F:
    """User errors: one paragraph, exit 1. Anything else: exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except UserError as exc:
            raise _fail(str(exc), 1) from None
        except KeyboardInterrupt:
            raise _fail("interrupted; nothing was loaded by the interrupted file.", 1) from None
        except Exception as exc:
            if os.environ.get("BOLIGMON_DEBUG"):
                traceback.print_exc()
            raise _fail(
                f"internal error ({type(exc).__name__}: {mask_text(str(exc))}). This is a bug "
                "in the loader, not in your file; rerun with BOLIGMON_DEBUG=1 for the traceback.",
                2,
            ) from None

    return wrapper  # type: ignore[return-value]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def _load_one(source: str, file: Path, quarantine: bool) -> Any:
    from loaders.copy import load_file

    with _progress() as progress:
        task = progress.add_task(f"{file.name} -> raw.{source}", total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        return load_file(source, file, quarantine=quarantine, progress=update)


@app.command()
@handle_errors
def load(
    source: Annotated[str, typer.Argument(help=f"One of: {', '.join(SOURCES_BY_NAME)}.")],
    file: Annotated[Path, typer.Argument(help="CSV, xlsx, Parquet, or a GIS layer for areas.")],
    quarantine: Annotated[
        bool,
        typer.Option(
            "--quarantine",
            help="Load the valid rows; put bad rows in raw._rejects (default: reject the file).",
        ),
    ] = False,
) -> None:
    """Load one file into raw.<source> (one transaction; a repeated file is a no-op).

    A register file as delivered (BBR, DAR, DAGI, CPR extract) is converted by the adapter whose
    signature fits, and only its rows for <source> are loaded."""
    kind, what = plan_file(file, source)
    if kind == "adapter":
        for result in _load_adapter(what, file, quarantine, only=source):
            console.print(result.summary(), markup=False)
        return
    result = _load_one(source, file, quarantine)
    console.print(result.summary(), markup=False)


# --- register files as delivered (loaders/adapters) -------------------------------------------
def plan_file(path: Path, source: str | None = None) -> tuple[str, Any]:
    """("canonical", source name) or ("adapter", Adapter) for one file.

    Order: the first adapter whose signature fits (adapter signatures are register field names
    that canonical files do not use); else a header with the required columns of one canonical
    source; else the canonical source by file name (or GIS layer -> areas), which gives the
    detailed column message; else rejected with every adapter tried and why not.
    """
    from loaders.adapters import choose, tried_text
    from loaders.read import FORMATS, inspect_file, read_header
    from loaders.validate import detect_source as by_header

    if not path.is_file():
        raise UserError(f"{path}: no such file.")
    adapter, tried = choose(path)
    if adapter is not None:
        typer.echo(f"{path.name}: adapter {adapter.name} chosen ({adapter.title})", err=True)
        return "adapter", adapter
    if path.suffix.lower() in FORMATS:
        try:
            found = by_header(read_header(inspect_file(path)))
        except UserError:
            found = None
        if found is not None and (source is None or found.name == source):
            return "canonical", found.name
    try:
        if source is not None and path.suffix.lower() in FORMATS:
            return "canonical", source  # the canonical loader names the missing columns
        if source is not None:
            raise UserError(f"{path.name}: '{path.suffix}' is not a canonical file type.")
        return "canonical", detect_source(path)
    except UserError as exc:
        raise UserError(
            f"{path.name}: rejected (nothing loaded). Its signature matches no source adapter "
            f"and it is not a canonical file. Adapters tried: {tried_text(tried)}. "
            f"Canonical: {exc}"
        ) from None


def _load_adapter(adapter: Any, path: Path, quarantine: bool, only: str | None = None) -> list:
    from loaders.adapters import load_converted

    with _progress() as progress:
        progress.add_task(f"{path.name} -> adapter {adapter.name}", total=None)
        conversion, results = load_converted(adapter, path, only=only, quarantine=quarantine)
    if not conversion.outputs:
        console.print(f"{path.name}: adapter {adapter.name}: " + "; ".join(conversion.notes) + ".",
                      markup=False)  # fmt: skip
    return results


def detect_source(path: Path) -> str:
    """The source of a file: by name (`<source>.<ext>`, `<source>_<anything>.<ext>`), else by
    header signature (all required columns of exactly one source present)."""
    from loaders.read import GEO_FORMATS, file_format, inspect_file, read_header
    from loaders.validate import detect_source as by_header

    stem = path.name.split(".")[0].lower()
    for name in sorted(SOURCES_BY_NAME, key=len, reverse=True):
        if stem == name or (stem.startswith(name) and stem[len(name)] in "_-"):
            return name
    if file_format(path) in GEO_FORMATS:
        return "areas"
    source = by_header(read_header(inspect_file(path)))
    if source is None:
        raise UserError(
            f"{path.name}: cannot tell which source this file is: name it <source>.<ext> "
            f"(sources: {', '.join(SOURCES_BY_NAME)}) or give it a header with the required "
            "columns of exactly one source."
        )
    return source.name


@app.command("load-dir")
@handle_errors
def load_dir(
    inbox: Annotated[Path, typer.Argument(help="Directory with delivered files.")],
    quarantine: Annotated[
        bool, typer.Option("--quarantine", help="As for `load`, for every file.")
    ] = False,
) -> None:
    """Load every file of a directory, each in its own transaction; exit 1 if any failed."""
    if not inbox.is_dir():
        raise UserError(f"{inbox}: not a directory.")
    files = sorted(
        p
        for p in inbox.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SIDE_CAR_SUFFIXES
    )
    if not files:
        raise UserError(f"{inbox}: no files to load.")
    order = {s.name: i for i, s in enumerate(SOURCES)}
    plan: list[tuple[str, Any, Path]] = []
    failures: list[str] = []
    for path in files:
        try:
            kind, what = plan_file(path)
            plan.append((kind, what, path))
        except UserError as exc:
            failures.append(str(exc))
            typer.echo(f"FAILED {exc}", err=True)

    def rank(item: tuple[str, Any, Path]) -> tuple[int, str]:
        kind, what, path = item
        first = what if kind == "canonical" else what.produces[0]
        return (order[first], path.name)

    plan.sort(key=rank)
    table = Table(title=f"load-dir {inbox}")
    for name in ("file", "source", "adapter", "status", "rows loaded", "rejected", "load_id"):
        table.add_column(name)
    for kind, what, path in plan:
        adapter_name = what.name if kind == "adapter" else ""
        label = ", ".join(what.produces) if kind == "adapter" else what
        try:
            if kind == "adapter":
                results = _load_adapter(what, path, quarantine)
            else:
                results = [_load_one(what, path, quarantine)]
        except ConfigError:
            raise  # no key or no database: every other file would fail the same way
        except UserError as exc:
            failures.append(str(exc))
            typer.echo(f"FAILED {exc}", err=True)
            table.add_row(path.name, label, adapter_name, "failed", "0", "", "")
            continue
        if not results:
            table.add_row(path.name, label, adapter_name, "companion", "", "", "")
        for result in results:
            console.print(result.summary(), markup=False)
            table.add_row(
                path.name,
                result.source,
                adapter_name,
                result.status,
                str(result.rows_loaded),
                str(result.rows_rejected or ""),
                str(result.load_id),
            )
    console.print(table)
    if failures:
        raise _fail(
            f"{len(failures)} of {len(files)} files failed (the others were loaded, each in "
            "its own transaction); see the messages above.",
            1,
        )


@app.command()
@handle_errors
def status(
    limit: Annotated[int, typer.Option(help="How many recent load attempts to list.")] = 20,
    warehouse: Annotated[
        bool,
        typer.Option(
            "--warehouse",
            help="Show the warehouse instead: last refresh, data vintage, freshness, failing "
            "tests, rows per mart (loaders/refresh.py).",
        ),
    ] = False,
) -> None:
    """Summarise raw._load_log: the latest loads per source and the recent attempts."""
    if warehouse:  # operations view, implemented in loaders/refresh.py
        from loaders.refresh import print_warehouse_status

        print_warehouse_status(console)
        return
    from loaders import log
    from loaders.db import connect

    with connect() as conn:
        exists = conn.execute("select to_regclass('raw._load_log') is not null").fetchone()
        if not (exists and exists[0]):
            console.print("No loads yet: raw._load_log does not exist in this database.")
            return
        per_source = log.latest_per_source(conn)
        recent = log.status_rows(conn, limit)
    summary = Table(title="Sources in raw")
    for name in (
        "source",
        "loads",
        "failed",
        "latest load_id",
        "latest loaded at",
        "rows, all loads",
    ):
        summary.add_column(name)
    for source, loads, failures, latest, at, rows in per_source:
        summary.add_row(
            source,
            str(loads),
            str(failures),
            str(latest or ""),
            at.strftime("%Y-%m-%d %H:%M") if at else "",
            str(rows or 0),
        )
    console.print(summary)
    attempts = Table(title=f"Last {limit} load attempts")
    for name in (
        "load_id",
        "source",
        "file",
        "status",
        "read",
        "loaded",
        "rejected",
        "found",
        "message",
    ):
        attempts.add_column(name, overflow="fold")
    for row in recent:
        load_id, source, file_name, stat, read, loaded, rejected, enc, delim, crs = row[:10]
        found = " ".join(str(v) for v in (enc, repr(delim) if delim else None, crs) if v)
        attempts.add_row(
            str(load_id),
            source,
            file_name,
            stat,
            str(read or ""),
            str(loaded or ""),
            str(rejected or ""),
            found,
            (row[12] or "")[:120],
        )
    console.print(attempts)


# --- operations: `boligmon refresh` lives in loaders/refresh.py ----------------------------
from loaders.refresh import register as _register_refresh  # noqa: E402

_register_refresh(app)
# --- end operations ---------------------------------------------------------------------------


@app.command()
@handle_errors
def contract(
    source: Annotated[str | None, typer.Argument(help="Only this source.")] = None,
) -> None:
    """Show the input data contract: columns, raw names, types, rules and accepted aliases."""
    from loaders.contract import get_source
    from loaders.validate import pattern_words

    chosen = [get_source(source)] if source else list(SOURCES)
    for item in chosen:
        table = Table(title=f"{item.name}: {item.description}", title_justify="left")
        for name in ("column", "raw column", "type", "required", "empty ok", "rule", "aliases"):
            table.add_column(name, overflow="fold")
        for col in item.columns:
            rule = ""
            if col.codes:
                rule = "one of " + ", ".join(col.codes)
            elif col.pattern:
                rule = pattern_words(col.pattern)
            if col.min_value is not None or col.max_value is not None:
                rule = f"{col.min_value if col.min_value is not None else ''}.." + (
                    f"{col.max_value if col.max_value is not None else ''}"
                )
            table.add_row(
                col.name,
                col.raw_name,
                col.pg_type,
                "yes" if col.required else "",
                "" if not col.nullable else "yes",
                rule,
                ", ".join(col.aliases),
            )
        console.print(table)
        extras = []
        if item.key:
            extras.append(f"unique key: ({', '.join(item.key)})")
        extras += [f"interval: {a} <= {b}" for a, b in item.intervals]
        extras += [f"at least one of: {', '.join(g)}" for g in item.one_of]
        if item.geometry:
            extras.append("geometry: MultiPolygon, EPSG:25832 (reprojected when needed)")
        extras.append(f"formats: {', '.join(item.formats)}")
        console.print("  " + "; ".join(extras), markup=False)


@app.command()
@handle_errors
def suites() -> None:
    """Regenerate loaders/expectations/<source>.json from the contract."""
    from loaders.validate import write_suites

    for path in write_suites():
        console.print(f"wrote {path}", markup=False)


@app.command()
def version() -> None:
    """Print the loader version."""
    console.print(__version__)


# --- synthetic data (loaders.synthetic) -------------------------------------------------------
@app.command()
@handle_errors
def synth(
    out: Annotated[Path, typer.Option(help="Output folder (inbox/, truth/, seeds_reference/).")],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 42,
    scale: Annotated[str, typer.Option(help="small, municipality or national.")] = "municipality",
    messy: Annotated[bool, typer.Option(help="Write the files as messy real exports.")] = False,
) -> None:
    """Generate a synthetic municipality with planted, known truth."""
    from loaders.synthetic import generate

    if scale not in ("small", "municipality", "national"):
        raise UserError(f"--scale must be small, municipality or national, not {scale!r}.")
    summary = generate(out, seed=seed, scale=scale, messy=messy)
    console.print(f"synthetic {scale} data (seed {seed}) in {out}: {summary}", markup=False)


# --- public outputs (export, report, pbids, outputs): implemented in loaders/outputs_cli.py ---
from loaders.outputs_cli import register_output_commands  # noqa: E402

register_output_commands(app, handle_errors)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
