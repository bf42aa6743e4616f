"""Power BI data source file (.pbids) for the warehouse, from the PG* environment.

A .pbids opens Power BI Desktop at "Get data" with the PostgreSQL connector, server and database
filled in; it never holds credentials (Power BI asks: user bi_reader). See docs/powerbi.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def pbids_document(host: str | None = None, port: str | None = None, db: str | None = None) -> dict:
    host = host or os.environ.get("PGHOST") or "localhost"
    if host.startswith("/"):  # a Unix socket directory means this machine for Power BI
        host = "localhost"
    port = port or os.environ.get("PGPORT") or "5432"
    db = db or os.environ.get("PGDATABASE") or "boligmon"
    return {
        "version": "0.1",
        "connections": [
            {
                "details": {
                    "protocol": "postgresql",
                    "address": {"server": f"{host}:{port}", "database": db},
                },
                "options": {},
                "mode": "Import",
            }
        ],
    }


def write_pbids(path: Path, **kwargs: str | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pbids_document(**kwargs), indent=2) + "\n", encoding="utf-8")
    return path
