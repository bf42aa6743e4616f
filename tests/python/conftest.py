"""Fixtures for the loader tests: a throwaway database on the server named by the PG* variables.

Each test session creates `boligmon_pytest_<pid>` (with PostGIS), points PGDATABASE at it and
drops it at the end, so the tests never touch the demo database. Every test starts from empty
raw tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from loaders.cli import app
from loaders.contract import SOURCES

TEST_KEY = "74657374206b6579206f6e6c793a206e6f7420666f722070726f64756374696f6e"  # "test key only…"
FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="session")
def database() -> Iterator[str]:
    name = f"boligmon_pytest_{os.getpid()}"
    admin_db = os.environ.get("PGDATABASE") or "postgres"
    with psycopg.connect(dbname=admin_db, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}"')
        admin.execute(f'create database "{name}"')
    with psycopg.connect(dbname=name, autocommit=True) as conn:
        conn.execute("create extension if not exists postgis")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PGDATABASE", name)
        patch.setenv("BOLIGMON_HMAC_KEY", TEST_KEY)
        patch.delenv("BOLIGMON_HMAC_KEY_FILE", raising=False)
        yield name
    with psycopg.connect(dbname=admin_db, autocommit=True) as admin:
        admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = %s and pid <> pg_backend_pid()",
            (name,),
        )
        admin.execute(f'drop database if exists "{name}"')


@pytest.fixture()
def db(database: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the test database, with empty raw tables."""
    from loaders.db import ensure_schema

    with psycopg.connect(dbname=database, autocommit=True) as conn:
        ensure_schema(conn)
        tables = ", ".join(["raw._rejects", "raw._load_log"] + [f"raw.{s.name}" for s in SOURCES])
        conn.execute(f"truncate {tables}")
        yield conn


@pytest.fixture()
def cli(db: psycopg.Connection) -> CliRunner:
    del db
    return CliRunner()


def invoke(runner: CliRunner, *args: str):  # noqa: ANN201 - click Result
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
