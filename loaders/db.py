"""Database connections (libpq environment: PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD,
or PGSERVICE) and the idempotent raw schema."""

from __future__ import annotations

import psycopg

from loaders.contract import all_ddl
from loaders.errors import ConfigError

#: pg_advisory_xact_lock key serialising loads and DDL (any constant bigint; "boligmon").
LOAD_LOCK_KEY = 0x626F6C69676D6F6E


def connect(autocommit: bool = False) -> psycopg.Connection:
    """A connection from the standard libpq environment variables."""
    try:
        return psycopg.connect(autocommit=autocommit, application_name="boligmon-loader")
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
        raise ConfigError(
            "Cannot connect to Postgres with the PGHOST/PGPORT/PGUSER/PGDATABASE settings "
            f"({detail}). Start the database (`make db-start`) or set the PG* variables."
        ) from None


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create PostGIS (when missing), schema raw and every raw table; safe to repeat."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (LOAD_LOCK_KEY,))
        has_postgis = conn.execute(
            "select exists (select from pg_extension where extname = 'postgis')"
        ).fetchone()
        if not (has_postgis and has_postgis[0]):
            try:
                with conn.transaction():
                    conn.execute("create extension if not exists postgis")
            except psycopg.errors.InsufficientPrivilege:
                raise ConfigError(
                    "The database has no PostGIS extension and this user may not create it. "
                    "Run `create extension postgis` as a superuser (or `make db-init`)."
                ) from None
        has_schema = conn.execute("select to_regnamespace('raw') is not null").fetchone()
        if not (has_schema and has_schema[0]):
            conn.execute("create schema if not exists raw")
        for relation, statements in all_ddl():
            exists = conn.execute("select to_regclass(%s) is not null", (relation,)).fetchone()
            if exists and exists[0]:
                continue
            for statement in statements:
                conn.execute(statement)
