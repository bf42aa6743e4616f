"""Crash safety and concurrency of the loader.

The loader runs in forked children of the test process (the imports, great-expectations
included, are already warm, so each run starts loading at once and the random kill points fall
inside the load rather than in Python start-up). SIGKILL gives the loader no chance to clean up:
Postgres sees its connections drop, exactly as for a killed `boligmon` process.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fakedata import persons_csv, residences_csv
from reliability import content_hashes, fork_call, fork_load, kill, wait_exit

from loaders.contract import SOURCES

KILL_RUNS = 20
SEED = 20261128
ROWS = 400
THIS_DB = "database = (select oid from pg_database where datname = current_database())"


def _truncate(conn: psycopg.Connection) -> None:
    tables = ", ".join(["raw._rejects", "raw._load_log"] + [f"raw.{s.name}" for s in SOURCES])
    conn.execute(f"truncate {tables}")


@pytest.fixture()
def conn(database: str) -> Iterator[psycopg.Connection]:
    from loaders.db import ensure_schema
    from loaders.validate import runner_for

    with psycopg.connect(dbname=database, autocommit=True) as connection:
        ensure_schema(connection)
        _truncate(connection)
        for name in ("persons", "residences"):
            runner_for(next(s for s in SOURCES if s.name == name))  # warm GX before forking
        _single_threaded()
        yield connection


def _single_threaded() -> None:
    """Stop tqdm's monitor thread (started by an earlier GIS load in this process): forking a
    multi-threaded process can leave the child waiting on a lock that thread held."""
    import tqdm
    from tqdm._monitor import TMonitor

    tqdm.tqdm.monitor_interval = 0  # no new monitor threads (subclasses inherit it)
    for thread in threading.enumerate():
        if isinstance(thread, TMonitor):
            thread.exit()
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]


def _log(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "select load_id, status, rows_loaded, message from raw._load_log order by load_id"
    ).fetchall()


def _persons(conn: psycopg.Connection) -> tuple[int, str]:
    return content_hashes(conn)["persons"]


def test_sigkill_at_random_points_loses_and_corrupts_nothing(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    from loaders.copy import load_file

    assert threading.active_count() == 1, "fork needs a single-threaded parent"
    path = persons_csv(tmp_path / "persons.csv", n=ROWS)

    # The reference: one uninterrupted load in a child, timed.
    started = time.monotonic()
    assert wait_exit(fork_load(["load", "persons", str(path)])) == 0
    duration = time.monotonic() - started
    reference = _persons(conn)
    assert reference[0] == ROWS
    _truncate(conn)

    rng = random.Random(SEED)
    outcomes = {"before the log row": 0, "during the load": 0, "after the commit": 0}
    for run in range(KILL_RUNS):
        delay = rng.uniform(0.0, duration)
        pid = fork_load(["load", "persons", str(path)])
        time.sleep(delay)
        kill(pid)
        code = wait_exit(pid)
        assert code is not None, f"run {run}: the loader did not stop"

        # Consistent right after the kill: all rows of the file or none, and a log that says so.
        rows, digest = _persons(conn)
        log = _log(conn)
        assert rows in (0, ROWS), f"run {run}: partial load of {rows} rows"
        if rows:
            assert digest == reference[1]
            assert [r[1] for r in log] == ["loaded"], log
            outcomes["after the commit"] += 1
        elif log:
            assert [r[1] for r in log] in (["running"], ["failed"]), log
            outcomes["during the load"] += 1
        else:
            outcomes["before the log row"] += 1

        # The next load recognises a stale attempt, and ends with exactly the reference.
        result = load_file("persons", path)
        assert result.status == ("skipped_duplicate" if rows else "loaded")
        assert _persons(conn) == reference, f"run {run}: rerun differs from a clean load"
        statuses = [r[1] for r in _log(conn)]
        assert "running" not in statuses
        if log and not rows:
            killed = _log(conn)[0]
            assert killed[1] == "failed" and killed[2] in (0, None)
            if log[0][1] == "running":
                assert killed[3].startswith("interrupted: the loader stopped before finishing")
        assert conn.execute(
            f"select count(*) from pg_locks where locktype = 'advisory' and {THIS_DB}"
        ).fetchone() == (0,)
        _truncate(conn)

    print(f"\nkill loop ({KILL_RUNS} runs, load {duration:.2f} s, seed {SEED}): {outcomes}")
    # The seeded delays must have hit the load itself, not only its edges.
    assert outcomes["during the load"] >= KILL_RUNS // 4, outcomes


def _run_together(conn: psycopg.Connection, argvs: list[list[str]]) -> tuple[list, bool]:
    """Start the loads at once; returns exit codes and whether one waited for the lock."""
    pids = [fork_load(argv) for argv in argvs]
    waited = False
    deadline = time.monotonic() + 120
    codes: dict[int, int | None] = {}
    while len(codes) < len(pids) and time.monotonic() < deadline:
        row = conn.execute(
            "select count(*) from pg_locks "
            f"where locktype = 'advisory' and not granted and {THIS_DB}"
        ).fetchone()
        waited = waited or row[0] > 0
        for pid in pids:
            if pid not in codes:
                code = wait_exit(pid, timeout=0.0)
                if code is not None:
                    codes[pid] = code
        time.sleep(0.005)
    for pid in pids:
        if pid not in codes:
            kill(pid)
    return [codes.get(pid) for pid in pids], waited


def _serialised(conn: psycopg.Connection) -> None:
    """Attempts never overlap in time: each starts after the previous one finished."""
    spans = conn.execute(
        "select started_at, finished_at from raw._load_log order by started_at"
    ).fetchall()
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start >= end, spans


def test_concurrent_loads_of_the_same_file(conn: psycopg.Connection, tmp_path: Path) -> None:
    path = str(persons_csv(tmp_path / "persons.csv", n=ROWS))
    codes, waited = _run_together(conn, [["load", "persons", path]] * 2)
    assert codes == [0, 0]
    assert waited, "the second load should have waited for the advisory lock"
    assert sorted(r[1] for r in _log(conn)) == ["loaded", "skipped_duplicate"]
    assert conn.execute(
        "select count(*), count(distinct person_key) from raw.persons"
    ).fetchone() == (
        ROWS,
        ROWS,
    )
    _serialised(conn)


def test_concurrent_loads_of_two_deliveries_and_two_sources(
    conn: psycopg.Connection, tmp_path: Path
) -> None:
    first = persons_csv(tmp_path / "persons.csv", n=ROWS)
    # A newer delivery (other bytes, so not a duplicate of the first).
    second = persons_csv(tmp_path / "persons_2025.csv", n=ROWS, delimiter=",")
    residences = residences_csv(tmp_path / "residences.csv", n=ROWS)
    codes, waited = _run_together(
        conn,
        [
            ["load", "persons", str(first)],
            ["load", "persons", str(second)],
            ["load", "residences", str(residences)],
        ],
    )
    assert codes == [0, 0, 0], "a load failed or deadlocked"
    assert waited
    assert [r[1] for r in _log(conn)] == ["loaded"] * 3
    counts = conn.execute(
        "select _source_file, count(*), count(distinct _source_row) from raw.persons group by 1 "
        "union all select _source_file, count(*), count(distinct _source_row) "
        "from raw.residences group by 1 order by 1"
    ).fetchall()
    assert counts == [
        ("persons.csv", ROWS, ROWS),
        ("persons_2025.csv", ROWS, ROWS),
        ("residences.csv", ROWS, ROWS),
    ]
    # _load_id order is commit order: every row of a load carries its own attempt's id.
    assert conn.execute(
        "select count(*) from raw.persons p join raw._load_log l on l.load_id = p._load_id "
        "where l.file_name <> p._source_file or l.status <> 'loaded'"
    ).fetchone() == (0,)
    _serialised(conn)


LIVE, NEXT, PREV = "rel_live", "rel_live_next", "rel_live_prev"


def test_sigkill_during_publication_leaves_one_whole_generation(
    conn: psycopg.Connection, database: str
) -> None:
    """The refresh's schema swap (loaders/publish.py, safe publication) killed at random points:
    the live schema always holds one whole generation, readable by bi_reader, and the other
    generation stays locked away."""
    from loaders import publish

    conn.execute(
        "do $$ begin if not exists (select from pg_roles where rolname = 'bi_reader') "
        "then create role bi_reader login; end if; end $$"
    )
    conn.execute(f"drop schema if exists {LIVE}, {NEXT}, {PREV} cascade")
    conn.execute(f"create schema {LIVE}")
    conn.execute(f"create table {LIVE}.fct_x as select 1 as v")  # generation 1: fct_x
    conn.execute(f"create schema {NEXT}")
    conn.execute(f"create table {NEXT}.fct_x as select 2 as v")  # generation 2: fct_x, dim_y
    conn.execute(f"create table {NEXT}.dim_y as select 'y' as k")
    publish.swap(conn, live=LIVE, next_schema=NEXT, previous=PREV)
    tables = {1: ["fct_x"], 2: ["dim_y", "fct_x"]}

    def flip_forever() -> int:
        with psycopg.connect(dbname=database, autocommit=True) as child:
            while True:
                publish.rollback(child, live=LIVE, previous=PREV)

    rng = random.Random(SEED)
    seen = set()
    try:
        for run in range(KILL_RUNS):
            pid = fork_call(flip_forever)
            time.sleep(rng.uniform(0.05, 0.6))
            kill(pid)
            assert wait_exit(pid) == -9, f"run {run}: the publisher stopped by itself"
            with psycopg.connect(dbname=database, user="bi_reader", autocommit=True) as reader:
                (generation,) = reader.execute(f"select v from {LIVE}.fct_x").fetchone()
                for table in tables[generation]:
                    reader.execute(f"select * from {LIVE}.{table}").fetchall()
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute(f"select v from {PREV}.fct_x")
            assert publish.tables_in(conn, LIVE) == tables[generation]
            assert publish.tables_in(conn, PREV) == tables[3 - generation]
            assert not publish.schema_exists(conn, f"{LIVE}_rollback_tmp")
            seen.add(generation)
    finally:
        conn.execute(f"drop schema if exists {LIVE}, {NEXT}, {PREV} cascade")
    assert seen == {1, 2}, "the kills should have stopped the flipping at both generations"
