"""Read-only access to the public marts, as the role `bi_reader`.

Every public output (GeoPackage, CSV, Excel, HTML report) reads through `reader()`: the session
switches to the role `bi_reader` (or BOLIGMON_READER_ROLE) and is read-only, so it can see only
what Power BI sees: the `marts` schema, after disclosure control. A query against `staging` or
`intermediate` fails with "permission denied" instead of leaking person-level data.

Sections of the outputs appear only for marts that exist (criteria, early warning, movement
marts are built by later parts of the project): `existing_marts()` asks information_schema, which
lists only the relations the reader role may select from.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from loaders.db import connect
from loaders.errors import ConfigError

SCHEMA = "marts"


def reader_role() -> str:
    return os.environ.get("BOLIGMON_READER_ROLE", "bi_reader")


@contextmanager
def reader() -> Iterator[psycopg.Connection]:
    """A read-only connection acting as the reader role (only marts are visible)."""
    conn = connect(autocommit=True)
    role = reader_role()
    try:
        conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
    except psycopg.Error as exc:
        conn.close()
        raise ConfigError(
            f"Cannot act as role {role} ({str(exc).strip().splitlines()[0]}). Connect as "
            f"{role} (PGUSER={role}) or as a user that is a member of it; public outputs are "
            "only written from what that role may read."
        ) from None
    conn.execute("set default_transaction_read_only = on")
    conn.execute("set search_path = marts, public")
    try:
        yield conn
    finally:
        conn.close()


def existing_marts(conn: psycopg.Connection) -> set[str]:
    """Names of the marts relations the current role may read."""
    rows = conn.execute(
        "select table_name from information_schema.tables where table_schema = %s",
        (SCHEMA,),
    ).fetchall()
    return {row[0] for row in rows}


def columns(conn: psycopg.Connection, table: str) -> list[str]:
    """Column names of marts.<table> in table order (empty when not readable)."""
    rows = conn.execute(
        "select column_name from information_schema.columns "
        "where table_schema = %s and table_name = %s order by ordinal_position",
        (SCHEMA, table),
    ).fetchall()
    return [row[0] for row in rows]


def geometry_columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = %s "
        "and table_name = %s and udt_name = 'geometry' order by ordinal_position",
        (SCHEMA, table),
    ).fetchall()
    return [row[0] for row in rows]


def first_present(available: list[str] | set[str], *candidates: str) -> str | None:
    """The first candidate column name that the mart has (marts on other branches evolve)."""
    for name in candidates:
        if name in available:
            return name
    return None


def table(name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(name))
