"""raw._load_log: one row per load attempt.

The row is inserted as `running` on a separate autocommit connection (so it is visible while the
load runs), turned into `loaded` or `skipped_duplicate` inside the load transaction, and into
`failed` on the autocommit connection after a rollback (so a failure is recorded even though
nothing else is written).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from loaders import __version__
from loaders.errors import mask_text


@dataclass
class Counts:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0


STALE_MESSAGE = (
    "interrupted: the loader stopped before finishing (process killed, machine or connection "
    "lost); nothing of this attempt was loaded. Marked failed by load_id {load_id}."
)


def start(conn: psycopg.Connection, source: str, file_name: str) -> int:
    """Insert this attempt's `running` row. Call only while holding the load lock.

    Every live load holds the lock from before its `running` row is written until its row is
    final, so any other `running` row seen here belongs to a loader that died (SIGKILL, lost
    machine or connection): Postgres rolled its data back, and the row is marked `failed`.
    """
    row = conn.execute(
        "insert into raw._load_log (source, file_name, status, loader_version) "
        "values (%s, %s, 'running', %s) returning load_id",
        (source, file_name, __version__),
    ).fetchone()
    assert row is not None
    load_id = int(row[0])
    conn.execute(
        "update raw._load_log set status = 'failed', finished_at = clock_timestamp(), "
        "message = %s where status = 'running' and load_id <> %s",
        (STALE_MESSAGE.format(load_id=load_id), load_id),
    )
    return load_id


def find_loaded(conn: psycopg.Connection, source: str, sha256: str) -> int | None:
    """The load_id of an earlier successful load of the same file content, if any."""
    row = conn.execute(
        "select min(load_id) from raw._load_log "
        "where source = %s and file_sha256 = %s and status = 'loaded'",
        (source, sha256),
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def finish(
    conn: psycopg.Connection,
    load_id: int,
    status: str,
    counts: Counts,
    details: dict[str, Any],
    message: str | None,
) -> None:
    conn.execute(
        "update raw._load_log set status = %s, rows_read = %s, rows_loaded = %s, "
        "rows_rejected = %s, file_sha256 = %s, delimiter = %s, encoding = %s, crs = %s, "
        "message = %s, finished_at = clock_timestamp() where load_id = %s",
        (
            status,
            counts.rows_read,
            counts.rows_loaded,
            counts.rows_rejected,
            details.get("sha256"),
            details.get("delimiter"),
            details.get("encoding"),
            details.get("crs"),
            mask_text(message) if message else None,
            load_id,
        ),
    )


def status_rows(conn: psycopg.Connection, limit: int = 30) -> list[tuple[Any, ...]]:
    return conn.execute(
        "select load_id, source, file_name, status, rows_read, rows_loaded, rows_rejected, "
        "encoding, delimiter, crs, started_at, finished_at, message "
        "from raw._load_log order by load_id desc limit %s",
        (limit,),
    ).fetchall()


def latest_per_source(conn: psycopg.Connection) -> list[tuple[Any, ...]]:
    return conn.execute(
        "select source, count(*) filter (where status = 'loaded') as loads, "
        "count(*) filter (where status = 'failed') as failures, "
        "max(load_id) filter (where status = 'loaded') as latest_load_id, "
        "max(finished_at) filter (where status = 'loaded') as latest_loaded_at, "
        "sum(rows_loaded) filter (where status = 'loaded') as rows_loaded "
        "from raw._load_log group by source order by source"
    ).fetchall()
