"""`boligmon refresh` end to end against a real Postgres, in the order a municipality lives it.

The steps share one database and one inbox (module-scoped fixture) and run in file order:
first refresh publishes; the same inbox again is "nothing new"; one new file refreshes; a
planted failing data test blocks publication (exit 1, readable summary, marts unchanged for
bi_reader, hash by hash); once the test is removed the next run publishes the waiting data; a
model that fails midway (exit 2) leaves the marts unchanged too; a rejected file exits 1; a
second refresh while one holds the lock stops at once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from minidata import write_areas
from ops_support import ROOT, Ops, mart_hashes

# every model of models/marts is a published table
MARTS = {path.stem for path in (ROOT / "models" / "marts").rglob("*.sql")}
PLANTED_TEST = "assert_planted_failure_blocks_publication"
state: dict[str, Any] = {}


def _run_dir(out: str) -> Path:
    line = next(x for x in out.splitlines() if x.startswith("refresh run "))
    return Path(line.split("run dir ", 1)[1])


def _audit(ops: Ops, run_id_from: str) -> dict[str, Any]:
    run_id = int(run_id_from.split("refresh run ", 1)[1].split(":", 1)[0])
    with ops.connect() as conn:
        row = conn.execute(
            "select status, exit_code, published, failed_tests, rejected_files, "
            "manifest is not null, run_results is not null, load_log "
            "from audit.refresh_runs where run_id = %s",
            (run_id,),
        ).fetchone()
    assert row is not None
    keys = ("status", "exit_code", "published", "failed_tests", "rejected", "manifest", "results")
    return dict(zip((*keys, "load_log"), row, strict=True))


def _bi_hashes(ops: Ops) -> dict[str, str]:
    with ops.connect(user="bi_reader") as conn:
        return mart_hashes(conn)


def _oids(ops: Ops) -> dict[str, int]:
    with ops.connect() as conn:
        rows = conn.execute(
            "select c.relname, c.oid::int from pg_class c join pg_namespace n "
            "on n.oid = c.relnamespace where n.nspname = 'marts' and c.relkind = 'r'"
        ).fetchall()
    return dict(rows)


def test_first_refresh_loads_builds_and_publishes(ops: Ops) -> None:
    proc = ops.refresh()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "published (exit 0)" in proc.stdout
    assert "8 new file(s)" in proc.stdout
    run_dir = _run_dir(proc.stdout)
    for name in ("manifest.json", "run_results.json", "sources.json", "load_log.json"):
        assert (run_dir / name).is_file(), name
    assert (run_dir / "catalog.json").is_file()  # docs generated after publication
    load_log = json.loads((run_dir / "load_log.json").read_text())
    assert len(load_log["attempts_this_run"]) == 8
    assert {r["status"] for r in load_log["attempts_this_run"]} == {"loaded"}
    audit = _audit(ops, proc.stdout)
    assert audit["status"] == "ok" and audit["published"] and audit["exit_code"] == 0
    assert audit["manifest"] and audit["results"]
    hashes = _bi_hashes(ops)  # bi_reader reads every mart after the swap
    assert set(hashes) == MARTS
    with ops.connect() as conn:
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace").fetchall()}
    assert "marts_next" not in schemas
    state["hashes"] = hashes


def test_same_inbox_again_is_nothing_new(ops: Ops) -> None:
    oids = _oids(ops)
    proc = ops.refresh()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nothing new (exit 0)" in proc.stdout
    assert "0 new file(s), 8 already seen" in proc.stdout
    assert "dbt build" not in proc.stderr
    run_dir = _run_dir(proc.stdout)
    assert not (run_dir / "run_results.json").exists()  # not rebuilt
    assert _oids(ops) == oids  # the very same tables
    assert _bi_hashes(ops) == state["hashes"]
    audit = _audit(ops, proc.stdout)
    assert audit["status"] == "nothing_new" and not audit["published"]


def test_one_new_file_refreshes(ops: Ops) -> None:
    write_areas(ops.inbox / "areas_2026.gpkg", ["Synthby", "Nord-Vest", "Syd-Oest"])
    proc = ops.refresh("--no-docs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 new file(s), 8 already seen" in proc.stdout
    assert "areas_2026.gpkg: loaded 3 rows into raw.areas" in proc.stdout
    hashes = _bi_hashes(ops)
    assert hashes["dim_area"] != state["hashes"]["dim_area"]  # the new names are published
    with ops.connect(user="bi_reader") as conn:
        names = {r[0] for r in conn.execute("select area_name from marts.dim_area").fetchall()}
    assert names == {"Synthby", "Nord-Vest", "Syd-Oest"}
    state["hashes"] = hashes


def test_planted_failing_test_blocks_publication(ops: Ops) -> None:
    planted = ops.project / "tests" / "planted" / f"{PLANTED_TEST}.sql"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text(
        "-- planted by tests/ops: fails whenever dim_area has rows\n"
        "select area_id from {{ ref('dim_area') }}\n"
    )
    write_areas(ops.inbox / "areas_2027.gpkg", ["Synthby", "Nord 2027", "Syd 2027"])
    oids = _oids(ops)
    proc = ops.refresh("--no-docs")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "DATA PROBLEM (exit 1)" in proc.stdout
    assert "failed data tests (1):" in proc.stdout
    assert f"- {PLANTED_TEST} (fail, 3 failing rows)" in proc.stdout
    assert "NOT PUBLISHED" in proc.stdout
    # bi_reader still reads the previous marts, unchanged, table by table
    assert _bi_hashes(ops) == state["hashes"]
    assert _oids(ops) == oids
    with ops.connect() as conn:
        next_names = {r[0] for r in conn.execute("select area_name from marts_next.dim_area")}
    assert next_names == {"Synthby", "Nord 2027", "Syd 2027"}  # built, tested, not published
    audit = _audit(ops, proc.stdout)
    assert audit["status"] == "data_problem" and not audit["published"]
    assert [t["name"] for t in audit["failed_tests"]] == [PLANTED_TEST]
    planted.unlink()


def test_waiting_data_is_published_once_the_problem_is_fixed(ops: Ops) -> None:
    proc = ops.refresh("--no-docs")  # no new file, but raw holds an unpublished load
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 new file(s), 10 already seen" in proc.stdout
    assert "published (exit 0)" in proc.stdout
    with ops.connect(user="bi_reader") as conn:
        names = {r[0] for r in conn.execute("select area_name from marts.dim_area").fetchall()}
    assert names == {"Synthby", "Nord 2027", "Syd 2027"}
    state["hashes"] = _bi_hashes(ops)


def test_model_failing_midway_leaves_marts_unchanged(ops: Ops) -> None:
    broken = ops.project / "models" / "marts" / "core" / "fct_planted_error.sql"
    broken.write_text(
        "-- planted by tests/ops: a mart that fails at run time\n"
        "select 1 / (count(*) - count(*)) as boom from {{ ref('dim_period') }}\n"
    )
    try:
        oids = _oids(ops)
        proc = ops.refresh("--force", "--no-docs")
    finally:
        broken.unlink()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "INTERNAL ERROR (exit 2)" in proc.stdout
    assert "failed models (1):" in proc.stdout and "fct_planted_error" in proc.stdout
    assert "division by zero" in proc.stdout
    assert _bi_hashes(ops) == state["hashes"]
    assert _oids(ops) == oids


def test_rejected_file_exits_1_and_is_listed(ops: Ops) -> None:
    (ops.inbox / "income_broken.csv").write_text(
        "cpr,income_year,gross_income_dkk,is_taxpayer,is_student\n"
        "0101601000,not-a-year,200000,true,false\n"
    )
    try:
        proc = ops.refresh("--no-docs")
    finally:
        (ops.inbox / "income_broken.csv").unlink()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "rejected files (1):" in proc.stdout
    assert "income_broken.csv: rejected (nothing loaded)" in proc.stdout
    assert _bi_hashes(ops) == state["hashes"]
    audit = _audit(ops, proc.stdout)
    assert audit["status"] == "data_problem"
    assert [f["file"] for f in audit["rejected"]] == ["income_broken.csv"]


def test_second_refresh_while_one_runs_stops_at_once(ops: Ops) -> None:
    from loaders.refresh import REFRESH_LOCK_KEY

    with ops.connect() as holder:
        holder.execute("set application_name = 'boligmon-refresh'")
        holder.execute("select pg_advisory_lock(%s)", (REFRESH_LOCK_KEY,))
        proc = ops.refresh()
        # the scheduler wrapper passes the exit code through (make would turn it into 2 anyway)
        script = subprocess.run(
            [
                "bash",
                str(ROOT / "scripts" / "refresh.sh"),
                str(ops.inbox),
                "--project-dir",
                str(ops.project),
                "--runs-dir",
                str(ops.runs),
            ],
            env=ops.env(),
            capture_output=True,
            text=True,
            check=False,
        )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "another refresh is running" in proc.stderr
    assert "boligmon-refresh (backend pid" in proc.stderr
    assert "This run did nothing" in proc.stderr
    assert script.returncode == 2, script.stdout + script.stderr
    assert "another refresh is running" in script.stderr


def test_status_warehouse_shows_the_last_runs(ops: Ops) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "loaders", "status", "--warehouse"],
        cwd=ROOT,
        env=ops.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Last successful refresh: run 5" in out
    assert "Last refresh run: 7 data_problem (exit 1)" in out
    assert "Data vintage per source" in out and "areas_2027.gpkg" in out
    assert "not_delivered" in out  # flis was never delivered
    assert "Rows per mart (schema marts)" in out and "fct_area_indicators" in out


@pytest.fixture(scope="module", autouse=True)
def _cleanup_runs(ops: Ops) -> Any:
    yield
    shutil.rmtree(ops.runs, ignore_errors=True)
