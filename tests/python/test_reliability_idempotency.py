"""Idempotency: the same inbox loaded twice, or file by file in another order, gives the same raw
contents and, after `dbt seed` + `dbt run`, the same marts (hash of every mart table, and of the
person-level intermediate tables, which are not suppressed by disclosure control).

The inbox is fakedata.make_inbox (every source of the contract, CSV in both encodings and
delimiters, xlsx, Parquet, GeoPackage); dbt runs in-process on the test database.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import invoke
from fakedata import EXPECTED_ROWS, make_inbox
from reliability import content_hashes
from typer.testing import CliRunner

from loaders.contract import SOURCES

ROOT = Path(__file__).resolve().parents[2]


def _truncate(conn: psycopg.Connection) -> None:
    tables = ", ".join(["raw._rejects", "raw._load_log"] + [f"raw.{s.name}" for s in SOURCES])
    conn.execute(f"truncate {tables}")


@pytest.fixture(scope="module")
def conn(database: str) -> Iterator[psycopg.Connection]:
    from loaders.db import ensure_schema

    with psycopg.connect(dbname=database, autocommit=True) as connection:
        ensure_schema(connection)
        connection.execute((ROOT / "scripts" / "bootstrap.sql").read_text())
        _truncate(connection)
        yield connection


def _statuses(conn: psycopg.Connection) -> list[str]:
    return [r[0] for r in conn.execute("select status from raw._load_log order by load_id")]


def _dbt(*args: str) -> None:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--quiet"])
    assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"


def _warehouse(conn: psycopg.Connection) -> dict[str, dict[str, tuple[int, str]]]:
    return {schema: content_hashes(conn, schema) for schema in ("marts", "intermediate")}


def test_same_inbox_twice_and_in_another_order(
    conn: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_inbox(tmp_path / "inbox")
    runner = CliRunner()

    # 1. load-dir, then load-dir again: the second pass is a no-op for every file.
    assert invoke(runner, "load-dir", tmp_path / "inbox").exit_code == 0
    first = content_hashes(conn)
    assert {t: n for t, (n, _) in first.items()} == {**EXPECTED_ROWS}
    assert invoke(runner, "load-dir", tmp_path / "inbox").exit_code == 0
    assert _statuses(conn) == ["loaded"] * 12 + ["skipped_duplicate"] * 12
    assert content_hashes(conn) == first

    # Marts built on that raw state.
    (tmp_path / "profiles").mkdir()
    shutil.copy(ROOT / "profiles.example.yml", tmp_path / "profiles" / "profiles.yml")
    for name, value in {
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROJECT_DIR": str(ROOT),
        "DBT_PROFILES_DIR": str(tmp_path / "profiles"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_TARGET": "prod",
    }.items():
        monkeypatch.setenv(name, value)
    _dbt("deps")
    _dbt("seed")
    _dbt("run")
    built = _warehouse(conn)
    assert built["marts"], "dbt built no mart tables"
    assert sum(n for n, _ in built["marts"].values()) > 0
    assert sum(n for n, _ in built["intermediate"].values()) > 0

    # 2. From empty raw tables: file by file in a shuffled order, each file twice (the repeat
    # right away, or after other files).
    _truncate(conn)
    order = list(files.items()) * 2
    random.Random(11).shuffle(order)
    for source, path in order:
        assert invoke(runner, "load", source, path).exit_code == 0
    assert sorted(_statuses(conn)) == sorted(["loaded"] * 12 + ["skipped_duplicate"] * 12)
    assert content_hashes(conn) == first

    _dbt("run")
    assert _warehouse(conn) == built
