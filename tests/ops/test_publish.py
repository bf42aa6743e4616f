"""Schema-swap publication (loaders/publish.py) on its own schemas: grants survive, readers are
not blocked, the old generation is locked away and can be rolled back, a missing build
changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from loaders import publish

LIVE, NEXT, PREV = "pub_live", "pub_live_next", "pub_live_prev"
EXTRA_ROLE = "boligmon_ops_test_gis"


@pytest.fixture()
def admin(database: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(dbname=database, autocommit=True) as conn:
        conn.execute(f"drop schema if exists {LIVE}, {NEXT}, {PREV} cascade")
        conn.execute(
            f"do $$ begin if not exists (select from pg_roles where rolname = '{EXTRA_ROLE}') "
            f"then create role {EXTRA_ROLE} login; end if; end $$"
        )
        conn.execute(f"create schema {LIVE}")
        conn.execute(f"create table {LIVE}.fct_x as select 1 as v")
        conn.execute(f"grant usage on schema {LIVE} to bi_reader, {EXTRA_ROLE}")
        conn.execute(f"grant select on {LIVE}.fct_x to bi_reader, {EXTRA_ROLE}")
        conn.execute(
            f"alter default privileges in schema {LIVE} grant select on tables to bi_reader"
        )
        conn.execute(f"create schema {NEXT}")
        conn.execute(f"create table {NEXT}.fct_x as select 2 as v")
        conn.execute(f"create table {NEXT}.dim_y as select 'y' as k")
        yield conn
        conn.execute(f"drop schema if exists {LIVE}, {NEXT}, {PREV} cascade")
        conn.execute(f"drop owned by {EXTRA_ROLE}")
        conn.execute(f"drop role if exists {EXTRA_ROLE}")


def _read(database: str, user: str, sql: str) -> object:
    with psycopg.connect(dbname=database, user=user, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
        return row[0] if row else None


def test_swap_publishes_next_and_keeps_grants(admin: psycopg.Connection, database: str) -> None:
    result = publish.swap(admin, live=LIVE, next_schema=NEXT, previous=PREV)
    assert result.previous == PREV and result.tables == ["dim_y", "fct_x"]
    assert _read(database, "bi_reader", f"select v from {LIVE}.fct_x") == 2
    assert _read(database, "bi_reader", f"select k from {LIVE}.dim_y") == "y"
    assert _read(database, EXTRA_ROLE, f"select v from {LIVE}.fct_x") == 2  # copied grant
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _read(database, EXTRA_ROLE, f"select k from {LIVE}.dim_y")  # it never had this one
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _read(database, "bi_reader", f"select v from {PREV}.fct_x")  # old generation locked
    # default privileges follow the published schema: a table created later is readable
    admin.execute(f"create table {LIVE}.fct_later as select 3 as v")
    assert _read(database, "bi_reader", f"select v from {LIVE}.fct_later") == 3
    assert not publish.schema_exists(admin, NEXT)


def test_swap_does_not_wait_for_readers(admin: psycopg.Connection, database: str) -> None:
    with psycopg.connect(dbname=database, user="bi_reader") as reader:
        assert reader.execute(f"select v from {LIVE}.fct_x").fetchone() == (1,)
        # the reader's transaction is still open and holds its lock on the old table
        publish.swap(admin, live=LIVE, next_schema=NEXT, previous=PREV, lock_timeout="2s")
        reader.rollback()
        assert reader.execute(f"select v from {LIVE}.fct_x").fetchone() == (2,)


def test_rollback_restores_previous_generation(admin: psycopg.Connection, database: str) -> None:
    publish.swap(admin, live=LIVE, next_schema=NEXT, previous=PREV)
    publish.rollback(admin, live=LIVE, previous=PREV)
    assert _read(database, "bi_reader", f"select v from {LIVE}.fct_x") == 1
    assert _read(database, EXTRA_ROLE, f"select v from {LIVE}.fct_x") == 1
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _read(database, "bi_reader", f"select v from {PREV}.fct_x")


def test_missing_build_changes_nothing(admin: psycopg.Connection, database: str) -> None:
    admin.execute(f"drop schema {NEXT} cascade")
    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish.swap(admin, live=LIVE, next_schema=NEXT, previous=PREV)
    assert _read(database, "bi_reader", f"select v from {LIVE}.fct_x") == 1
    assert not publish.schema_exists(admin, PREV)


def test_reset_next_empties_the_build_schema(admin: psycopg.Connection) -> None:
    publish.reset_next(admin, NEXT)
    assert not publish.schema_exists(admin, NEXT)
