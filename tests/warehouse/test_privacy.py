"""Privacy by construction, checked on the built warehouse: no clear CPR number anywhere, and
the bi_reader role sees the marts and nothing else."""

from __future__ import annotations

import re

import psycopg
import pytest

CPR_LIKE = r"^[0-3][0-9][01][0-9][0-9]{2}-?[0-9]{4}$"
SCHEMAS = ("raw", "staging", "intermediate", "marts", "audit")


def cpr_like_hits(conn: psycopg.Connection) -> tuple[int, list[str]]:
    """(text columns scanned, columns holding values that look like CPR numbers)."""
    columns = conn.execute(
        """
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns as c
        join information_schema.tables as t
          on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = any(%s)
          and c.data_type in ('text', 'character varying', 'character')
          and t.table_type = 'BASE TABLE'
        """,
        (list(SCHEMAS),),
    ).fetchall()
    hits = []
    for schema, table, column in columns:
        row = conn.execute(
            f'select count(*) from "{schema}"."{table}" where "{column}" ~ %s', (CPR_LIKE,)
        ).fetchone()
        if row and row[0]:
            hits.append(f"{schema}.{table}.{column}: {row[0]} values")
    return len(columns), hits


def test_no_value_anywhere_looks_like_a_cpr_number(conn: psycopg.Connection) -> None:
    scanned, hits = cpr_like_hits(conn)
    assert scanned > 50, "expected the text columns of a built warehouse"
    assert hits == []


def test_the_scan_finds_a_planted_cpr_number(conn: psycopg.Connection) -> None:
    """The scan is only worth something if it would catch a leak: plant one, then roll back."""
    with pytest.raises(RuntimeError, match="rollback"), conn.transaction():
        conn.execute("create table audit.planted_leak (note text)")
        conn.execute("insert into audit.planted_leak values ('010203-1234')")
        _, hits = cpr_like_hits(conn)
        assert hits == ["audit.planted_leak.note: 1 values"]
        raise RuntimeError("rollback")


def test_person_keys_are_hmac_hex(conn: psycopg.Connection) -> None:
    rows = conn.execute("select person_key from raw.persons limit 1000").fetchall()
    assert rows
    assert all(re.fullmatch(r"[0-9a-f]{64}", r[0]) for r in rows)


@pytest.mark.parametrize("schema", ["raw", "staging", "intermediate", "audit"])
def test_bi_reader_is_refused_outside_marts(conn: psycopg.Connection, schema: str) -> None:
    table = conn.execute(
        "select table_name from information_schema.tables where table_schema = %s limit 1",
        (schema,),
    ).fetchone()
    if table is None:  # audit is empty when no test stored failures: check the schema itself
        row = conn.execute(
            "select has_schema_privilege('bi_reader', %s, 'usage')", (schema,)
        ).fetchone()
        assert row is not None and row[0] is False
        return
    with conn.transaction():
        conn.execute("set local role bi_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute(f'select 1 from "{schema}"."{table[0]}" limit 1')


def test_bi_reader_reads_every_mart(conn: psycopg.Connection) -> None:
    tables = [
        r[0]
        for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    ]
    assert "fct_area_indicators" in tables
    with conn.transaction():
        conn.execute("set local role bi_reader")
        for table in tables:
            conn.execute(f'select 1 from marts."{table}" limit 1').fetchall()
