"""Fixtures for the report and export tests: the warehouse in the PG* environment (built by
`make dbt-test`), the report and exports built from it once per session, and the system
Chromium driven by Playwright (scripts/report_test.sh)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def conn() -> Iterator[psycopg.Connection]:
    with psycopg.connect(autocommit=True) as connection:
        (has_marts,) = connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' "
            "and table_name = 'fct_area_indicators'"
        ).fetchone()
        if not has_marts:
            raise RuntimeError(
                f"database {connection.info.dbname} has no marts.fct_area_indicators: "
                "run `make dbt-test` first (scripts/report_test.sh does this check)"
            )
        yield connection


@pytest.fixture(scope="session")
def marts(conn: psycopg.Connection) -> set[str]:
    """The marts the role bi_reader may read (what the outputs may contain)."""
    rows = conn.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "and has_table_privilege('bi_reader', format('%I.%I', table_schema, table_name), 'select')"
    ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory: pytest.TempPathFactory, conn: psycopg.Connection) -> Path:
    from loaders.report import build_report

    out = tmp_path_factory.mktemp("report") / "report"
    build_report(out)
    return out


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory, conn: psycopg.Connection) -> Path:
    from loaders.export import export

    out = tmp_path_factory.mktemp("export")
    export(out, xlsx_max_rows=50_000)
    return out


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(os.environ.get("BOLIGMON_SCREENSHOT_DIR", ROOT / "out" / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("BOLIGMON_CHROMIUM", "/usr/bin/chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()
