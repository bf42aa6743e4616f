"""Helpers of the operations tests (imported by conftest.py and the test modules; a module
name of its own so it never collides with another directory's conftest)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
TEST_KEY = "74657374206b6579206f6e6c793a206e6f7420666f722070726f64756374696f6e"
PROJECT_PARTS = (
    "dbt_project.yml",
    "packages.yml",
    "models",
    "macros",
    "seeds",
    "tests/generic",
    "packages_local",
)


def copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("integration_tests", "target", "dbt_packages", "logs")
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=ignore)
        else:
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / part)
    (dest / ".local").mkdir(exist_ok=True)
    shutil.copy2(ROOT / "profiles.example.yml", dest / ".local" / "profiles.yml")
    return dest


@dataclass
class Ops:
    """Everything a test needs to run `boligmon refresh` against its own database."""

    database: str
    project: Path
    inbox: Path
    runs: Path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PGDATABASE=self.database,
            BOLIGMON_HMAC_KEY=TEST_KEY,
            DBT_PROFILES_DIR=str(self.project / ".local"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DBT_TARGET="prod",
            PYTHONPATH=str(ROOT),
        )
        env.pop("BOLIGMON_HMAC_KEY_FILE", None)
        env.pop("DBT_PROJECT_DIR", None)
        dbt = Path(sys.executable).with_name("dbt")
        if dbt.exists():
            env["BOLIGMON_DBT"] = str(dbt)
        return env

    def refresh(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [
            sys.executable,
            "-m",
            "loaders",
            "refresh",
            "--inbox",
            str(self.inbox),
            "--project-dir",
            str(self.project),
            "--runs-dir",
            str(self.runs),
            *args,
        ]
        return subprocess.run(
            cmd, cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False
        )

    def connect(self, user: str | None = None) -> psycopg.Connection:
        kwargs: dict[str, str] = {"dbname": self.database}
        if user:
            kwargs["user"] = user
            if os.environ.get("BOLIGMON_TEST_BI_PASSWORD"):
                kwargs["password"] = os.environ["BOLIGMON_TEST_BI_PASSWORD"]
        return psycopg.connect(autocommit=True, **kwargs)


def mart_hashes(conn: psycopg.Connection, schema: str = "marts") -> dict[str, str]:
    """md5 of every table's full content (rows sorted), read with the given connection."""
    tables = [
        r[0]
        for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = %s",
            (schema,),
        ).fetchall()
    ]
    out = {}
    for table in sorted(tables):
        row = conn.execute(
            f"select md5(coalesce(string_agg(t::text, chr(10) order by t::text), '')) "
            f'from "{schema}"."{table}" as t'
        ).fetchone()
        assert row is not None
        out[table] = row[0]
    return out
