"""`boligmon refresh`: the monthly refresh as one scheduled command, and `status --warehouse`.

One run:

1. takes the refresh lock (a session-level Postgres advisory lock held for the whole run; a
   second refresh stops at once with a message naming the running one);
2. scans the inbox: files whose sha256 is already `loaded` in raw._load_log (or was rejected
   before) are old and skipped; new files are loaded with the loaders' own `load_file`, each
   in its own transaction;
3. decides whether to build: only when raw holds loads newer than the last *published* run
   (so a run whose build failed is retried next time) or with --force; otherwise "nothing new";
4. `dbt source freshness`; `dbt build --exclude-resource-type unit_test` with the marts built
   and tested in `marts_next` (loaders/publish.py);
5. publishes (schema swap, one transaction) only when the build and every test passed;
6. `dbt docs generate`, and `boligmon report` when that command exists;
7. archives manifest.json, run_results.json, sources.json and a load-log extract under
   <runs dir>/<timestamp>-run<id>/ and in audit.refresh_runs (one row per run).

Exit codes: 0 ok (published, or nothing new); 1 data problem (rejected files, quarantined rows,
failing data tests, overdue sources: listed in the summary); 2 internal error (dbt or database
failure, model errors, another refresh running).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from psycopg.types.json import Jsonb

from loaders import publish
from loaders.db import LOAD_LOCK_KEY, connect, ensure_schema
from loaders.errors import ConfigError, UserError, mask_text

#: pg_advisory_lock key of the refresh (differs from the loaders' transaction lock).
REFRESH_LOCK_KEY = LOAD_LOCK_KEY + 1
EXIT_OK, EXIT_DATA, EXIT_INTERNAL = 0, 1, 2
LIVE_MARTS = "marts"
NEXT_SUFFIX = "_next"
PREV_SUFFIX = "_prev"
ARTIFACTS = ("manifest.json", "run_results.json", "sources.json")

DDL = """
create schema if not exists audit;
create table if not exists audit.refresh_runs (
    run_id bigint generated always as identity primary key,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    status text not null default 'running',
    exit_code integer,
    published boolean not null default false,
    published_at timestamptz,
    inbox text,
    run_dir text,
    host text,
    os_user text,
    db_user text not null default current_user,
    git_commit text,
    raw_max_load_id bigint,
    files jsonb,
    rejected_files jsonb,
    failed_tests jsonb,
    failed_models jsonb,
    freshness jsonb,
    mart_rows jsonb,
    summary text,
    manifest jsonb,
    run_results jsonb,
    sources jsonb,
    load_log jsonb
);
comment on table audit.refresh_runs is
    'One row per `boligmon refresh` run: what was loaded, tested and published (audit trail).';
"""


class RefreshBusy(Exception):
    """Another refresh holds the lock."""


@dataclass
class FileOutcome:
    file: str
    sha256: str
    source: str | None = None
    status: str = "new"  # old | previously_rejected | loaded | duplicate | rejected
    load_id: int | None = None
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str | None = None


@dataclass
class RunReport:
    run_id: int
    run_dir: Path
    status: str = "running"  # ok | nothing_new | data_problem | internal_error
    exit_code: int = EXIT_OK
    published: bool = False
    built: bool = False
    files: list[FileOutcome] = field(default_factory=list)
    failed_tests: list[dict[str, Any]] = field(default_factory=list)
    failed_models: list[dict[str, Any]] = field(default_factory=list)
    freshness: list[dict[str, Any]] = field(default_factory=list)
    mart_rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "rejected" or f.rows_rejected]

    def summary(self) -> str:
        head = {
            "ok": "published" if self.published else "ok",
            "nothing_new": "nothing new",
            "data_problem": "DATA PROBLEM",
            "internal_error": "INTERNAL ERROR",
        }.get(self.status, self.status)
        lines = [
            f"refresh run {self.run_id}: {head} (exit {self.exit_code}); run dir {self.run_dir}"
        ]
        new = [f for f in self.files if f.status in ("loaded", "duplicate", "rejected")]
        old = [f for f in self.files if f.status in ("old", "previously_rejected")]
        lines.append(f"  inbox: {len(new)} new file(s), {len(old)} already seen")
        for f in new:
            what = {
                "loaded": f"loaded {f.rows_loaded} rows into raw.{f.source} (load_id {f.load_id})",
                "duplicate": f"same content already loaded ({f.message})",
                "rejected": "REJECTED",
            }[f.status]
            lines.append(f"    {f.file}: {what}")
        if self.status == "nothing_new":
            lines.append("  nothing new: no new files and no loads since the last publication;")
            lines.append("  the marts were not rebuilt (use --force to rebuild anyway).")
        elif not self.built and self.status == "data_problem":
            lines.append("  not rebuilt: nothing was loaded since the last publication.")
        if self.rejected:
            lines.append(f"  rejected files ({len(self.rejected)}):")
            for f in self.rejected:
                detail = f.message or f"{f.rows_rejected} rows quarantined in raw._rejects"
                lines.append(f"    - {f.file}: {detail}")
        if self.failed_tests:
            lines.append(f"  failed data tests ({len(self.failed_tests)}):")
            for t in self.failed_tests:
                lines.append(
                    f"    - {t['name']} ({t['status']}, {t.get('failures') or 0} failing rows)"
                    + (f" on {t['model']}" if t.get("model") else "")
                    + (f": {t['description']}" if t.get("description") else "")
                )
        if self.failed_models:
            lines.append(f"  failed models ({len(self.failed_models)}):")
            for m in self.failed_models:
                lines.append(f"    - {m['name']}: {m['message']}")
        bad = [f for f in self.freshness if f["status"] in ("warn", "error", "runtime error")]
        if bad:
            lines.append("  source freshness:")
            for f in bad:
                lines.append(f"    - {f['source']}: {f['status']} ({f['detail']})")
        if self.built and not self.published:
            lines.append(
                "  NOT PUBLISHED: the marts in schema marts are unchanged (previous refresh); "
                "the failed build is left in marts_next for inspection."
            )
        if self.published:
            rows = ", ".join(f"{k} {v}" for k, v in sorted(self.mart_rows.items()))
            lines.append(f"  published schema marts: {rows}")
        lines.extend(f"  note: {n}" for n in self.notes)
        lines.extend(f"  error: {e}" for e in self.errors)
        return "\n".join(lines)


@dataclass
class RefreshOptions:
    inbox: Path
    project_dir: Path
    runs_dir: Path
    quarantine: bool = False
    force: bool = False
    dbt: str = "dbt"
    dbt_vars: dict[str, Any] = field(default_factory=dict)
    docs: bool = True
    report: bool = True


def project_root() -> Path:
    return Path(os.environ.get("BOLIGMON_ROOT") or Path(__file__).resolve().parent.parent)


def default_runs_dir(project_dir: Path) -> Path:
    value = os.environ.get("BOLIGMON_RUNS_DIR")
    return Path(value) if value else project_dir / ".local" / "runs"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def inbox_files(inbox: Path) -> list[Path]:
    from loaders.cli import SIDE_CAR_SUFFIXES

    if not inbox.is_dir():
        raise UserError(f"{inbox}: the inbox is not a directory.")
    return sorted(
        p
        for p in inbox.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SIDE_CAR_SUFFIXES
    )


# ---------------------------------------------------------------------------------------------
# database helpers


def ensure_audit(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (LOAD_LOCK_KEY,))
        conn.execute(DDL)


def acquire_lock(conn: psycopg.Connection) -> None:
    row = conn.execute("select pg_try_advisory_lock(%s)", (REFRESH_LOCK_KEY,)).fetchone()
    if row and row[0]:
        return
    key = REFRESH_LOCK_KEY
    holder = conn.execute(
        "select a.pid, a.usename, a.client_addr::text, a.backend_start, a.application_name "
        "from pg_locks l join pg_stat_activity a on a.pid = l.pid "
        "where l.locktype = 'advisory' and l.granted and l.classid = %s and l.objid = %s "
        "and l.objsubid = 1",
        (key >> 32, key & 0xFFFFFFFF),
    ).fetchone()
    who = "another session"
    if holder:
        pid, user, addr, since, app = holder
        who = (
            f"{app or 'a session'} (backend pid {pid}, user {user}"
            + (f" from {addr}" if addr else "")
            + f", connected since {since:%Y-%m-%d %H:%M:%S %Z})"
        )
    latest = conn.execute(
        "select run_id, started_at, host from audit.refresh_runs where status = 'running' "
        "order by run_id desc limit 1"
    ).fetchone()
    run = (
        f"; audit.refresh_runs has run {latest[0]} running since {latest[1]:%Y-%m-%d %H:%M} "
        f"on {latest[2]}"
        if latest
        else ""
    )
    raise RefreshBusy(
        f"another refresh is running: the refresh lock is held by {who}{run}. This run did "
        "nothing. Wait for it to finish (the lock is released when its connection ends)."
    )


def max_loaded_id(conn: psycopg.Connection) -> int | None:
    row = conn.execute("select max(load_id) from raw._load_log where status = 'loaded'").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def max_log_id(conn: psycopg.Connection) -> int:
    row = conn.execute("select coalesce(max(load_id), 0) from raw._load_log").fetchone()
    return int(row[0]) if row else 0


def last_published_load_id(conn: psycopg.Connection) -> int | None:
    row = conn.execute(
        "select raw_max_load_id from audit.refresh_runs where published "
        "order by run_id desc limit 1"
    ).fetchone()
    if row is None:
        return None
    return int(row[0]) if row[0] is not None else -1


def classify_known(conn: psycopg.Connection, files: list[FileOutcome]) -> None:
    """Mark files whose content was loaded (or rejected) before as old."""
    shas = [f.sha256 for f in files]
    rows = conn.execute(
        "select file_sha256, status, load_id, source, coalesce(message, '') from raw._load_log "
        "where file_sha256 = any(%s) and status in ('loaded', 'failed') order by load_id",
        (shas,),
    ).fetchall()
    loaded: dict[str, tuple[int, str]] = {}
    rejected: dict[str, tuple[int, str, str]] = {}
    for sha, status, load_id, source, message in rows:
        if status == "loaded":
            loaded.setdefault(sha, (load_id, source))
        elif not message.startswith(("internal error", "interrupted")):
            rejected[sha] = (load_id, source, message)
    for f in files:
        if f.sha256 in loaded:
            f.status, (f.load_id, f.source) = "old", loaded[f.sha256]
        elif f.sha256 in rejected:
            f.load_id, f.source, f.message = rejected[f.sha256]
            f.status = "previously_rejected"


def mart_row_counts(conn: psycopg.Connection, schema: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in publish.tables_in(conn, schema):
        row = conn.execute(
            psycopg.sql.SQL("select count(*) from {}").format(psycopg.sql.Identifier(schema, table))
        ).fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def load_log_extract(conn: psycopg.Connection, after_load_id: int) -> dict[str, Any]:
    cols = (
        "load_id, source, file_name, file_sha256, status, rows_read, rows_loaded, rows_rejected, "
        "started_at, finished_at, message"
    )
    names = [c.strip() for c in cols.split(",")]

    def rows(query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return [
            {
                k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in zip(names, r, strict=True)
            }
            for r in conn.execute(query, params).fetchall()
        ]

    return {
        "attempts_this_run": rows(
            f"select {cols} from raw._load_log where load_id > %s order by load_id",
            (after_load_id,),
        ),
        "latest_loaded_per_source": rows(
            f"select distinct on (source) {cols} from raw._load_log where status = 'loaded' "
            "order by source, load_id desc"
        ),
    }


# ---------------------------------------------------------------------------------------------
# dbt


def dbt_env(project_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(project_dir / ".local"))
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.pop("DBT_PROJECT_DIR", None)
    return env


def run_dbt(opts: RefreshOptions, args: list[str], log: Path) -> int:
    cmd = [opts.dbt, *args]
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        proc = subprocess.run(
            cmd,
            cwd=opts.project_dir,
            env=dbt_env(opts.project_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return proc.returncode


def vars_arg(values: dict[str, Any]) -> list[str]:
    return ["--vars", json.dumps(values)] if values else []


def marts_schema(target: Path) -> str:
    """The live marts schema, from the manifest the freshness step just parsed (without the
    marts_next var): `marts` in prod."""
    try:
        manifest = json.loads((target / "manifest.json").read_text())
    except (OSError, ValueError):
        return LIVE_MARTS
    schemas = {
        n["schema"]
        for n in manifest.get("nodes", {}).values()
        if n.get("resource_type") == "model"
        and n.get("original_file_path", "").startswith("models/marts/")
    }
    if len(schemas) != 1:
        raise RuntimeError(f"expected one schema for the marts, the manifest has {sorted(schemas)}")
    return schemas.pop()


def parse_run_results(target: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = manifest.get("nodes", {})
    tests: list[dict[str, Any]] = []
    models: list[dict[str, Any]] = []
    for r in results.get("results", []):
        if r["status"] not in ("fail", "error"):
            continue
        node = nodes.get(r["unique_id"], {})
        kind = node.get("resource_type") or r["unique_id"].split(".")[0]
        lines = [x.strip() for x in (r.get("message") or "").splitlines() if x.strip()]
        message = mask_text(" ".join(lines))[:400]
        if kind == "test":
            attached = node.get("attached_node") or ""
            tests.append(
                {
                    "name": node.get("name") or r["unique_id"],
                    "status": r["status"],
                    "failures": r.get("failures"),
                    "model": attached.split(".")[-1] if attached else None,
                    "description": ((node.get("config") or {}).get("meta") or {}).get(
                        "description"
                    ),
                    "message": message,
                }
            )
        else:
            models.append(
                {"name": node.get("name") or r["unique_id"], "kind": kind, "message": message}
            )
    return tests, models


def parse_freshness(target: Path, delivered: set[str]) -> list[dict[str, Any]]:
    path = target / "sources.json"
    if not path.exists():
        return []
    out = []
    for r in json.loads(path.read_text()).get("results", []):
        table = r["unique_id"].split(".")[-1]
        status = r.get("status")
        if table not in delivered:
            status, detail = "not_delivered", "no file of this source was ever loaded"
        else:
            age = r.get("age")
            detail = f"latest load {r.get('max_loaded_at')}" + (
                f", {age / 86400:.0f} days old" if isinstance(age, int | float) else ""
            )
            if r.get("status") == "runtime error":
                detail = mask_text(r.get("message") or "runtime error")
        out.append({"source": table, "status": status, "detail": detail})
    return out


def has_report_command() -> bool:
    from loaders.cli import app

    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return "report" in names


# ---------------------------------------------------------------------------------------------
# the run


def _git_commit(project_dir: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def _load_new(opts: RefreshOptions, report: RunReport, say: Any) -> None:
    from loaders.cli import detect_source
    from loaders.contract import SOURCES
    from loaders.copy import load_file

    order = {s.name: i for i, s in enumerate(SOURCES)}
    new = [f for f in report.files if f.status == "new"]
    planned: list[tuple[FileOutcome, str]] = []
    for f in new:
        try:
            planned.append((f, detect_source(opts.inbox / f.file)))
        except UserError as exc:
            f.status, f.message = "rejected", str(exc)
    planned.sort(key=lambda item: (order[item[1]], item[0].file))
    for f, source in planned:
        f.source = source
        say(f"[refresh] loading {f.file} -> raw.{source}")
        try:
            result = load_file(source, opts.inbox / f.file, quarantine=opts.quarantine)
        except ConfigError:
            raise
        except UserError as exc:
            f.status, f.message = "rejected", str(exc)
            continue
        f.load_id = result.load_id
        if result.status == "skipped_duplicate":
            f.status, f.message = "duplicate", f"load_id {result.duplicate_of}"
        else:
            f.status, f.rows_loaded, f.rows_rejected = (
                "loaded",
                result.rows_loaded,
                result.rows_rejected,
            )


def run_refresh(opts: RefreshOptions, say: Any = print) -> RunReport:
    """One refresh (see the module docstring). Raises RefreshBusy when another one runs."""
    lock_conn = connect(autocommit=True)
    try:
        lock_conn.execute("set application_name = 'boligmon-refresh'")
        ensure_schema(lock_conn)
        ensure_audit(lock_conn)
        acquire_lock(lock_conn)
        return _run_locked(opts, lock_conn, say)
    finally:
        lock_conn.close()  # releases the session advisory lock


def _run_locked(opts: RefreshOptions, conn: psycopg.Connection, say: Any) -> RunReport:
    started = datetime.now(UTC)
    row = conn.execute(
        "insert into audit.refresh_runs (inbox, host, os_user, git_commit) "
        "values (%s, %s, %s, %s) returning run_id",
        (str(opts.inbox), platform.node(), os.environ.get("USER"), _git_commit(opts.project_dir)),
    ).fetchone()
    assert row is not None
    run_id = int(row[0])
    run_dir = opts.runs_dir / f"{started:%Y%m%dT%H%M%SZ}-run{run_id}"
    run_dir.mkdir(parents=True, exist_ok=True)
    conn.execute(
        "update audit.refresh_runs set run_dir = %s where run_id = %s", (str(run_dir), run_id)
    )
    report = RunReport(run_id=run_id, run_dir=run_dir)
    log_start = max_log_id(conn)
    artifacts: dict[str, Any] = {}
    try:
        _steps(opts, conn, report, artifacts, say)
    except ConfigError as exc:
        report.errors.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - the run is recorded whatever happened
        if os.environ.get("BOLIGMON_DEBUG"):
            import traceback

            traceback.print_exc()
        report.errors.append(f"{type(exc).__name__}: {mask_text(str(exc))}")
    _finish(report)
    load_log = load_log_extract(conn, log_start)
    (run_dir / "load_log.json").write_text(json.dumps(load_log, indent=2, default=str))
    (run_dir / "summary.txt").write_text(report.summary() + "\n")
    (run_dir / "summary.json").write_text(
        json.dumps(
            {k: v for k, v in asdict(report).items() if k != "run_dir"} | {"run_dir": str(run_dir)},
            indent=2,
            default=str,
        )
    )
    conn.execute(
        "update audit.refresh_runs set finished_at = clock_timestamp(), status = %s, "
        "exit_code = %s, files = %s, rejected_files = %s, failed_tests = %s, failed_models = %s, "
        "freshness = %s, mart_rows = %s, summary = %s, manifest = %s, run_results = %s, "
        "sources = %s, load_log = %s where run_id = %s",
        (
            report.status,
            report.exit_code,
            Jsonb([asdict(f) for f in report.files]),
            Jsonb([asdict(f) for f in report.rejected]),
            Jsonb(report.failed_tests),
            Jsonb(report.failed_models),
            Jsonb(report.freshness),
            Jsonb(report.mart_rows),
            report.summary(),
            Jsonb(artifacts.get("manifest.json")),
            Jsonb(artifacts.get("run_results.json")),
            Jsonb(artifacts.get("sources.json")),
            Jsonb(load_log),
            run_id,
        ),
    )
    return report


def _finish(report: RunReport) -> None:
    data = bool(
        report.rejected
        or report.failed_tests
        or any(f["status"] in ("error", "runtime error") for f in report.freshness)
        or any(m.get("data") for m in report.failed_models)
    )
    internal = bool(report.errors or any(not m.get("data") for m in report.failed_models))
    if internal:
        report.status, report.exit_code = "internal_error", EXIT_INTERNAL
    elif data:
        report.status, report.exit_code = "data_problem", EXIT_DATA
    elif not report.built:
        report.status, report.exit_code = "nothing_new", EXIT_OK
    else:
        report.status, report.exit_code = "ok", EXIT_OK


def _steps(
    opts: RefreshOptions,
    conn: psycopg.Connection,
    report: RunReport,
    artifacts: dict[str, Any],
    say: Any,
) -> None:
    run_dir = report.run_dir
    dbt_log = run_dir / "dbt.log"
    target = opts.project_dir / "target"

    # 1. inbox
    for path in inbox_files(opts.inbox):
        report.files.append(FileOutcome(file=path.name, sha256=sha256_of(path)))
    if report.files:
        classify_known(conn, report.files)
    _load_new(opts, report, say)

    # 2. anything to build?
    current = max_loaded_id(conn)
    published = last_published_load_id(conn)
    conn.execute(
        "update audit.refresh_runs set raw_max_load_id = %s where run_id = %s",
        (current, report.run_id),
    )
    needs_build = opts.force or (current is not None and (published is None or current > published))

    # 3. freshness (also on a run with nothing new: an overdue delivery is news)
    if not (opts.project_dir / "dbt_packages").exists():
        run_dbt(opts, ["deps", "--quiet"], dbt_log)
    say("[refresh] dbt source freshness")
    for name in ("sources.json", "manifest.json"):
        (target / name).unlink(missing_ok=True)
    run_dbt(opts, ["source", "freshness"], dbt_log)
    delivered = {
        r[0]
        for r in conn.execute(
            "select distinct source from raw._load_log where status = 'loaded'"
        ).fetchall()
    }
    report.freshness = parse_freshness(target, delivered)
    _archive(target, run_dir, ("sources.json",), artifacts)
    if not needs_build:
        say("[refresh] nothing new: no new files and no loads since the last publication")
        return

    # 4. build into marts_next
    live = marts_schema(target)  # `marts` in prod, `<target schema>_marts` in dev targets
    next_schema, prev_schema = live + NEXT_SUFFIX, live + PREV_SUFFIX
    publish.reset_next(conn, next_schema)
    for name in ("run_results.json",):
        (target / name).unlink(missing_ok=True)
    build_vars = {**opts.dbt_vars, "marts_schema": next_schema}
    say(f"[refresh] dbt build (marts into {next_schema}); log: {dbt_log}")
    rc = run_dbt(
        opts, ["build", "--exclude-resource-type", "unit_test", *vars_arg(build_vars)], dbt_log
    )
    report.built = True
    _archive(target, run_dir, ("manifest.json", "run_results.json"), artifacts)
    if not (target / "run_results.json").exists():
        raise RuntimeError(f"dbt build produced no run_results.json (exit {rc}); see {dbt_log}")
    report.failed_tests, report.failed_models = parse_run_results(target)
    built_in = marts_schema(target)
    if built_in != next_schema:
        raise RuntimeError(f"the marts were built in {built_in}, not {next_schema}: not publishing")
    for m in report.failed_models:
        m["data"] = "violates" in m["message"] and "constraint" in m["message"]
    if rc != 0 or report.failed_tests or report.failed_models:
        if not (report.failed_tests or report.failed_models):
            raise RuntimeError(f"dbt build failed (exit {rc}) without a failed node; see {dbt_log}")
        say("[refresh] build or tests failed: NOT publishing; marts unchanged")
        return

    # 5. publish
    say(f"[refresh] publishing: {next_schema} -> {live} (previous kept as {prev_schema})")
    result = publish.swap(conn, live=live, next_schema=next_schema, previous=prev_schema)
    report.published = True
    conn.execute(
        "update audit.refresh_runs set published = true, published_at = clock_timestamp() "
        "where run_id = %s",
        (report.run_id,),
    )
    report.mart_rows = mart_row_counts(conn, live)
    if result.previous is None:
        report.notes.append("first publication: there was no previous marts schema")
    else:
        gone = sorted(set(publish.tables_in(conn, prev_schema)) - set(result.tables))
        if gone:
            report.notes.append(
                f"not republished (no longer built by dbt; kept in {prev_schema} until the next "
                f"publication): {', '.join(gone)}"
            )

    # 6. docs and report (after publication, so they describe what is published)
    if opts.docs:
        say("[refresh] dbt docs generate")
        drc = run_dbt(opts, ["docs", "generate", *vars_arg(opts.dbt_vars)], dbt_log)
        if drc != 0:
            raise RuntimeError(f"dbt docs generate failed (exit {drc}); see {dbt_log}")
        _archive(target, run_dir, ("catalog.json",), {})
    if opts.report and has_report_command():
        say("[refresh] boligmon report")
        proc = subprocess.run(
            [sys.executable, "-m", "loaders", "report"],
            cwd=opts.project_dir,
            env=dbt_env(opts.project_dir),
            stdout=(run_dir / "report.log").open("w"),
            stderr=subprocess.STDOUT,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"boligmon report failed (exit {proc.returncode}); see report.log")
    elif opts.report:
        report.notes.append("no `report` command in this version: report skipped")


def _archive(target: Path, run_dir: Path, names: tuple[str, ...], into: dict[str, Any]) -> None:
    for name in names:
        path = target / name
        if path.exists():
            shutil.copy2(path, run_dir / name)
            if name in ARTIFACTS:
                into[name] = json.loads(path.read_text())


# ---------------------------------------------------------------------------------------------
# status --warehouse


def warehouse_status(conn: psycopg.Connection) -> dict[str, Any]:
    """Last successful refresh, data vintage per source, freshness warnings, failing tests and
    rows per mart, from audit.refresh_runs, raw._load_log and the marts schema."""
    ensure_audit(conn)
    out: dict[str, Any] = {}
    cols = ("run_id", "started_at", "finished_at", "status", "exit_code", "published_at", "run_dir")
    last_ok = conn.execute(
        f"select {', '.join(cols)} from audit.refresh_runs where published "
        "order by run_id desc limit 1"
    ).fetchone()
    last = conn.execute(
        f"select {', '.join(cols)}, freshness, failed_tests, rejected_files "
        "from audit.refresh_runs where status <> 'running' order by run_id desc limit 1"
    ).fetchone()
    out["last_published"] = dict(zip(cols, last_ok, strict=True)) if last_ok else None
    out["last_run"] = dict(zip(cols, last[:7], strict=True)) if last else None
    out["freshness"] = [f for f in (last[7] or []) if f["status"] != "pass"] if last else []
    out["failing_tests"] = (last[8] or []) if last else []
    out["rejected_files"] = (last[9] or []) if last else []
    out["vintage"] = [
        dict(zip(("source", "file_name", "load_id", "loaded_at", "rows_loaded"), r, strict=True))
        for r in conn.execute(
            "select distinct on (source) source, file_name, load_id, finished_at, rows_loaded "
            "from raw._load_log where status = 'loaded' order by source, load_id desc"
        ).fetchall()
    ]
    out["mart_rows"] = mart_row_counts(conn, LIVE_MARTS)
    return out


def print_warehouse_status(console: Any) -> int:
    from rich.table import Table

    with connect(autocommit=True) as conn:
        ensure_schema(conn)
        info = warehouse_status(conn)
    fmt = "%Y-%m-%d %H:%M"
    pub = info["last_published"]
    last = info["last_run"]
    if pub:
        console.print(
            f"Last successful refresh: run {pub['run_id']}, published {pub['published_at']:{fmt}}"
            f" ({pub['run_dir']})",
            markup=False,
        )
    else:
        console.print(
            "Last successful refresh: none (the marts were never published)", markup=False
        )
    if last:
        console.print(
            f"Last refresh run: {last['run_id']} {last['status']} (exit {last['exit_code']}) "
            f"at {last['finished_at']:{fmt}}",
            markup=False,
        )
    vintage = Table(title="Data vintage per source (latest loaded delivery)")
    for name in ("source", "file", "load_id", "loaded at", "rows"):
        vintage.add_column(name)
    for v in info["vintage"]:
        at = v["loaded_at"]
        vintage.add_row(
            v["source"],
            v["file_name"],
            str(v["load_id"]),
            at.strftime(fmt) if at else "",
            str(v["rows_loaded"] or 0),
        )
    console.print(vintage)
    if info["freshness"]:
        fresh = Table(title="Freshness warnings (last run)")
        for name in ("source", "status", "detail"):
            fresh.add_column(name)
        for f in info["freshness"]:
            fresh.add_row(f["source"], f["status"], f["detail"])
        console.print(fresh)
    else:
        console.print("Freshness: no warnings in the last run", markup=False)
    if info["failing_tests"]:
        tests = Table(title="Failing tests (last run)")
        for name in ("test", "status", "failing rows", "model"):
            tests.add_column(name)
        for t in info["failing_tests"]:
            tests.add_row(
                t["name"], t["status"], str(t.get("failures") or ""), t.get("model") or ""
            )
        console.print(tests)
    else:
        console.print("Failing tests: none in the last run", markup=False)
    for f in info["rejected_files"]:
        console.print(
            f"Rejected file (last run): {f['file']}: {f.get('message') or ''}", markup=False
        )
    marts = Table(title="Rows per mart (schema marts)")
    marts.add_column("mart")
    marts.add_column("rows", justify="right")
    for name, n in sorted(info["mart_rows"].items()):
        marts.add_row(name, str(n))
    console.print(marts)
    return 0


# ---------------------------------------------------------------------------------------------
# CLI


def register(app: typer.Typer) -> None:
    """Add `boligmon refresh` to the CLI (called from loaders/cli.py)."""

    @app.command()
    def refresh(
        inbox: Annotated[
            Path | None,
            typer.Option(
                help="Directory with delivered files (default: $BOLIGMON_INBOX).",
                show_default=False,
            ),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Rebuild and publish even when nothing is new.")
        ] = False,
        quarantine: Annotated[
            bool, typer.Option("--quarantine", help="Load good rows of bad files (see `load`).")
        ] = False,
        runs_dir: Annotated[
            Path | None,
            typer.Option(
                help="Where run directories go (default: $BOLIGMON_RUNS_DIR or .local/runs)."
            ),
        ] = None,
        project_dir: Annotated[
            Path | None, typer.Option(help="dbt project (default: this checkout).")
        ] = None,
        dbt_vars: Annotated[
            str | None, typer.Option("--vars", help="Extra dbt vars as JSON/YAML.")
        ] = None,
        docs: Annotated[bool, typer.Option(help="Generate dbt docs after publication.")] = True,
    ) -> None:
        """The monthly refresh: new inbox files -> raw, freshness, build + tests in marts_next,
        publish (schema swap) only if all passed, docs, archive. Exit 0 ok / nothing new,
        1 data problem, 2 internal error."""
        import yaml

        project = (project_dir or project_root()).resolve()
        inbox_value = inbox or (
            Path(os.environ["BOLIGMON_INBOX"]) if "BOLIGMON_INBOX" in os.environ else None
        )
        if inbox_value is None:
            typer.echo("error: give --inbox or set BOLIGMON_INBOX.", err=True)
            raise typer.Exit(EXIT_INTERNAL)
        try:
            extra = yaml.safe_load(dbt_vars) if dbt_vars else {}
        except yaml.YAMLError as exc:
            typer.echo(f"error: --vars is not YAML/JSON ({exc}).", err=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        opts = RefreshOptions(
            inbox=inbox_value.resolve(),
            project_dir=project,
            runs_dir=(runs_dir or default_runs_dir(project)).resolve(),
            quarantine=quarantine,
            force=force,
            dbt=os.environ.get("BOLIGMON_DBT", shutil.which("dbt") or "dbt"),
            dbt_vars=extra or {},
            docs=docs,
        )
        started = time.monotonic()

        def say(message: str) -> None:
            typer.echo(message, err=True)

        try:
            report = run_refresh(opts, say)
        except RefreshBusy as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        except UserError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        typer.echo(report.summary())
        typer.echo(f"({time.monotonic() - started:.0f} s)")
        raise typer.Exit(report.exit_code)
