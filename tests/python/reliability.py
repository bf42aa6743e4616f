"""Helpers for the reliability tests: checksums of the raw schema, content hashes, a forked
loader that can be killed, and writers for malformed files.

Every file is written at test time from fake CPR numbers (fakedata.fake_cpr); nothing
CPR-shaped is committed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

#: columns that differ between two loads of the same content (attempt id and clock)
VOLATILE = ("_load_id", "_loaded_at")


def raw_tables(conn: psycopg.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'raw' and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
    ]


def table_checksum(
    conn: psycopg.Connection, schema: str, table: str, where: str = "true", exclude=()
) -> tuple[int, str]:
    """(row count, md5 of the sorted rows as text), optionally without some columns."""
    columns = [
        r[0]
        for r in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (schema, table),
        ).fetchall()
        if r[0] not in exclude
    ]
    row = ", ".join(f'"{c}"' for c in columns)
    count, digest = conn.execute(
        f"select count(*), md5(coalesce(string_agg(r, E'\\n' order by r), '')) "
        f'from (select row({row})::text as r from "{schema}"."{table}" where {where}) t'
    ).fetchone()
    return int(count), str(digest)


def raw_checksums(conn: psycopg.Connection, log_up_to: int | None = None) -> dict[str, object]:
    """Checksums of every raw table; raw._load_log only up to `log_up_to` when given."""
    out: dict[str, object] = {}
    for table in raw_tables(conn):
        where = "true"
        if table == "_load_log" and log_up_to is not None:
            where = f"load_id <= {int(log_up_to)}"
        out[table] = table_checksum(conn, "raw", table, where)
    return out


def max_load_id(conn: psycopg.Connection) -> int:
    return int(conn.execute("select coalesce(max(load_id), 0) from raw._load_log").fetchone()[0])


def content_hashes(conn: psycopg.Connection, schema: str = "raw") -> dict[str, tuple[int, str]]:
    """Per data table: (rows, md5) without the attempt id and load time."""
    tables = raw_tables(conn) if schema == "raw" else None
    if tables is None:
        tables = [
            r[0]
            for r in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = %s and table_type = 'BASE TABLE' order by 1",
                (schema,),
            ).fetchall()
        ]
    return {
        t: table_checksum(conn, schema, t, exclude=VOLATILE)
        for t in tables
        if not t.startswith("_")
    }


def fork_call(target: Callable[[], int]) -> int:
    """Run `target()` in a forked child (imports already warm); returns the child's pid. The
    child exits with target's return value (2 on an exception) and never returns into pytest."""
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            try:
                code = target()
            except BaseException:  # noqa: BLE001 - the exit code is the report
                code = 2
        finally:
            os._exit(code)
    return pid


def fork_load(argv: list[str]) -> int:
    """`boligmon <argv>` in a forked child; it exits with the CLI's exit code."""

    def run() -> int:
        from loaders.cli import app

        try:
            returned = app(argv, standalone_mode=False)
            return returned if isinstance(returned, int) else 0
        except SystemExit as exc:
            return int(exc.code or 0)
        except BaseException as exc:  # click.exceptions.Exit and friends
            return int(getattr(exc, "exit_code", 2))

    return fork_call(run)


def wait_exit(pid: int, timeout: float = 120.0) -> int | None:
    """The child's exit code, or -signal when killed; None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def write_csv(
    path: Path,
    header: str,
    rows: list[str],
    *,
    encoding: str = "utf-8",
    eol: str = "\n",
    final_eol: bool = True,
) -> Path:
    text = eol.join([header, *rows]) + (eol if final_eol else "")
    path.write_bytes(text.encode(encoding))
    return path
