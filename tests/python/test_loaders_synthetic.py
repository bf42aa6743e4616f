"""The synthetic generator's messy inbox (real-export quirks) loads completely."""

from __future__ import annotations

from pathlib import Path

import psycopg
from conftest import invoke
from typer.testing import CliRunner

from loaders.contract import SOURCES


def test_messy_synthetic_inbox_loads(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    from loaders.synthetic import generate

    generate(tmp_path / "synthetic", seed=7, scale="small", messy=True)
    result = invoke(cli, "load-dir", tmp_path / "synthetic" / "inbox")
    assert result.exit_code == 0, result.output
    log = db.execute(
        "select source, status, rows_read, rows_loaded, rows_rejected, encoding, message "
        "from raw._load_log order by load_id"
    ).fetchall()
    assert sorted(row[0] for row in log) == sorted(s.name for s in SOURCES)
    assert {row[1] for row in log} == {"loaded"}
    assert all(row[2] == row[3] > 0 and row[4] == 0 for row in log)
    by_source = {row[0]: row for row in log}
    assert by_source["addresses"][5] == "cp1252"  # æøå in street names
    assert "exact copies" in by_source["residences"][6]  # planted duplicated rows
    assert db.execute("select count(*) from raw._rejects").fetchone()[0] == 0
