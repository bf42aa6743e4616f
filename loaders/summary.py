"""The closing summary of `make demo`: what was built, what passed, where to look."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console
from rich.table import Table

from loaders.db import connect
from loaders.outputs_cli import print_outputs

ROOT = Path(__file__).resolve().parents[1]


def _run_results(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not path.exists():
        return counts
    for result in json.loads(path.read_text())["results"]:
        kind = result["unique_id"].split(".")[0]
        key = f"{kind}:{result['status']}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def main() -> None:
    console = Console()
    table = Table(title="marts (rows)")
    table.add_column("relation")
    table.add_column("rows", justify="right")
    with connect() as conn:
        names = conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by table_name"
        ).fetchall()
        for (name,) in names:
            row = conn.execute(f'select count(*) from marts."{name}"').fetchone()
            table.add_row(f"marts.{name}", f"{row[0]:,}" if row else "?")
    console.print(table)
    results = _run_results(ROOT / "target" / "run_results.json")
    if results:
        console.print(
            "dbt: " + ", ".join(f"{k.replace(':', ' ')}={v}" for k, v in sorted(results.items()))
        )
    host, port = os.environ.get("PGHOST"), os.environ.get("PGPORT")
    db = os.environ.get("PGDATABASE")
    console.print(f"[bold]Database[/]: postgresql://bi_reader@{host}:{port}/{db} (schema marts)")
    console.print(f"  psql:     psql -h {host} -p {port} -U bi_reader -d {db}")
    console.print(f"  Power BI / QGIS: host {host}, port {port}, database {db}, user bi_reader")
    print_outputs(console)  # dbt docs, HTML report, GeoPackage, Excel, Power BI file
    console.print(f"[bold]Synthetic data[/]: {ROOT / 'data' / 'synthetic'} (inbox/, truth/)")


if __name__ == "__main__":
    main()
