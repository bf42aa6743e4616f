"""Fixtures for tests that read the warehouse built by scripts/dbt_test.sh (database from the
PG* environment, truth files from BOLIGMON_TRUTH_DIR)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest


@pytest.fixture(scope="session")
def conn() -> Iterator[psycopg.Connection]:
    with psycopg.connect(autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="session")
def truth_dir() -> Path:
    value = os.environ.get("BOLIGMON_TRUTH_DIR")
    if not value:
        raise RuntimeError("BOLIGMON_TRUTH_DIR is not set: run these tests via scripts/dbt_test.sh")
    path = Path(value)
    if not (path / "manifest.json").exists():
        raise RuntimeError(f"{path} holds no truth files (manifest.json missing)")
    return path
