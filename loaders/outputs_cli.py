"""CLI commands for the public outputs: `boligmon export`, `boligmon report`, `boligmon pbids`,
`boligmon outputs`. Kept out of loaders/cli.py, which only registers them (one call), so the
loader CLI and the output commands can change independently."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console(highlight=False, soft_wrap=True)
ROOT = Path(__file__).resolve().parents[1]


def default_out() -> Path:
    return Path(os.environ.get("BOLIGMON_OUT", ROOT / "out"))


def export_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory (default: out/export).")
    ] = None,
    style_indicator: Annotated[
        str,
        typer.Option(help="Indicator whose share the QGIS styles classify (see dim_indicator)."),
    ] = "origin_nw",
    xlsx_max_rows: Annotated[
        int, typer.Option(help="Marts with more rows go to CSV only, not to an Excel sheet.")
    ] = 200_000,
    formats: Annotated[
        str, typer.Option(help="Comma-separated subset of gpkg,csv,xlsx.")
    ] = "gpkg,csv,xlsx",
) -> None:
    """GeoPackage (one layer per area level, QGIS styles), CSV and Excel of the public marts,
    read as bi_reader."""
    from loaders.export import export

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = set(chosen) - {"gpkg", "csv", "xlsx"}
    if unknown:
        from loaders.errors import UserError

        raise UserError(f"--formats: unknown format(s) {', '.join(sorted(unknown))}.")
    result = export(
        out or default_out() / "export",
        style_indicator=style_indicator,
        xlsx_max_rows=xlsx_max_rows,
        formats=chosen,
    )
    console.print(result.summary(), markup=False)


def report_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory (default: out/report).")
    ] = None,
    indicator: Annotated[
        str, typer.Option(help="Indicator shown first on the map (see dim_indicator).")
    ] = "origin_nw",
) -> None:
    """Static, self-contained HTML report (maps, time series, early warning, flows)."""
    from loaders.report import build_report

    target = out or default_out() / "report"
    pages = build_report(target, indicator=indicator)
    console.print(f"report: {len(pages)} pages in {target} (open {target / 'index.html'})")


def pbids_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="File (default: powerbi/boligmon.pbids).")
    ] = None,
) -> None:
    """Power BI data source file for the database in PGHOST/PGPORT/PGDATABASE."""
    from loaders.pbids import write_pbids

    path = write_pbids(out or ROOT / "powerbi" / "boligmon.pbids")
    console.print(f"wrote {path} (open it in Power BI Desktop; user bi_reader, schema marts)")


def outputs_command() -> None:
    """Where the docs, report, GeoPackage and Power BI file are (end of `make demo`)."""
    print_outputs(console)


def print_outputs(out_console: Console | None = None) -> None:
    """Print the locations of every audience's output; called by the demo summary."""
    c = out_console or console
    base = default_out()
    items = [
        ("dbt docs (auditors)", ROOT / "target" / "index.html", "make docs; make docs-serve"),
        ("HTML report", base / "report" / "index.html", "make report"),
        ("GeoPackage (QGIS)", base / "export" / "boligmon.gpkg", "boligmon export"),
        ("Excel / CSV", base / "export" / "boligmon.xlsx", "boligmon export"),
        ("Power BI", ROOT / "powerbi" / "boligmon.pbids", "boligmon pbids; docs/powerbi.md"),
    ]
    for label, path, how in items:
        state = "" if path.exists() else f"  (not built yet: {how})"
        c.print(f"[bold]{label}[/]: {path}{state}")


def register_output_commands(app: typer.Typer, wrap: Callable[[Any], Any]) -> None:
    """Add the output commands to the boligmon CLI; `wrap` is the CLI's error handler."""
    app.command("export")(wrap(export_command))
    app.command("report")(wrap(report_command))
    app.command("pbids")(wrap(pbids_command))
    app.command("outputs")(wrap(outputs_command))
