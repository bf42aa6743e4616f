"""Fixtures for the operations tests: a throwaway database and a throwaway copy of the dbt
project, so a planted failing test or broken model never touches the checkout.

The database `boligmon_ops_<pid>` is created on the server named by the PG* variables,
bootstrapped with scripts/bootstrap.sql (schemas, roles, grants) and dropped at the end.
`bi_reader` connects with the same host/port (trust locally; set BOLIGMON_TEST_BI_PASSWORD
for a server with passwords).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from ops_support import ROOT, Ops, copy_project


@pytest.fixture(scope="session")
def database() -> Iterator[str]:
    name = f"boligmon_ops_{os.getpid()}"
    admin_db = os.environ.get("BOLIGMON_TEST_ADMIN_DB", "postgres")
    with psycopg.connect(dbname=admin_db, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}"')
        admin.execute(f'create database "{name}"')
    with psycopg.connect(dbname=name, autocommit=True) as conn:
        conn.execute((ROOT / "scripts" / "bootstrap.sql").read_text())
    yield name
    with psycopg.connect(dbname=admin_db, autocommit=True) as admin:
        admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = %s and pid <> pg_backend_pid()",
            (name,),
        )
        admin.execute(f'drop database if exists "{name}"')


@pytest.fixture(scope="module")
def ops(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ops]:
    from minidata import write_inbox

    base = tmp_path_factory.mktemp("ops")
    project = copy_project(base / "project")
    inbox = write_inbox(base / "inbox")
    yield Ops(database=database, project=project, inbox=inbox, runs=base / "runs")
