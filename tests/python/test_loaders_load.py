"""End-to-end loads through the CLI against a real Postgres/PostGIS database."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import psycopg
import pytest
from conftest import TEST_KEY, invoke
from fakedata import (
    CPR_LIKE,
    EXPECTED_ROWS,
    all_fake_cprs,
    fake_cpr,
    make_inbox,
    persons_csv,
    snapshot,
    text_values,
    write_text,
)
from typer.testing import CliRunner

from loaders.contract import SOURCES


def test_load_dir_loads_every_source(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    make_inbox(tmp_path / "inbox")
    result = invoke(cli, "load-dir", tmp_path / "inbox")
    assert result.exit_code == 0, result.output
    counts = snapshot(db)["counts"]
    assert counts == EXPECTED_ROWS
    statuses = db.execute("select distinct status from raw._load_log").fetchall()
    assert statuses == [("loaded",)]
    # Every row is traceable to its file and 1-based data row.
    for source in SOURCES:
        rows = db.execute(
            "select _source_file, min(_source_row), count(distinct _load_id) "
            f"from raw.{source.name} group by 1"
        ).fetchall()
        assert len(rows) == 1 and rows[0][1] == 1 and rows[0][2] == 1, source.name


def test_values_are_typed_as_the_contract_says(cli: CliRunner, db: psycopg.Connection, tmp_path):
    make_inbox(tmp_path / "inbox")
    assert invoke(cli, "load-dir", tmp_path / "inbox").exit_code == 0
    expected_key = hmac.new(
        bytes.fromhex(TEST_KEY), fake_cpr(0).encode(), hashlib.sha256
    ).hexdigest()
    person = db.execute(
        "select person_key, birth_date::text, status, address_protected, death_date::text, "
        "mother_person_key from raw.persons where _source_row = 1"
    ).fetchone()
    assert person == (expected_key, "1950-01-01", "90", False, "2021-03-15", None)
    # addresses: decimal comma, Danish dates in two notations, padded municipality code, kvhx as
    # delivered (19 chars, space padded).
    rows = db.execute(
        "select x::text, municipality_code, valid_from::text, valid_to::text, kvhx "
        "from raw.addresses order by _source_row"
    ).fetchall()
    assert rows[0] == ("725123.45", "0101", "2010-01-01", None, "010112340012 st    ")
    assert rows[1][2:4] == ("2010-01-01", "2019-12-31")
    assert rows[2][1] == "0101"
    assert db.execute("select street_name from raw.addresses limit 1").fetchone() == ("Ærøgade",)
    # residences: 3-digit municipality padded, boolean from 1/0.
    assert db.execute(
        "select moved_in_from_municipality, is_annulled from raw.residences where _source_row = 5"
    ).fetchone() == ("0851", True)
    # official lists: decimal comma percentages, quoted ';' list.
    assert db.execute(
        "select share_outside_labour_market::text, published_categories from raw.official_lists "
        "where _source_row = 1"
    ).fetchone() == ("41.2", "udsat;parallelsamfund")
    # xlsx income: integers and booleans from typed cells.
    assert db.execute(
        "select income_year, gross_income_dkk::text, is_taxpayer, is_student from raw.income "
        "where _source_row = 3"
    ).fetchone() == (2023, "250002.5", True, True)
    # parquet benefits: date32 and nullable floats.
    assert db.execute(
        "select period_start::text, period_end::text, fte_share::text from raw.benefits "
        "where _source_row = 2"
    ).fetchone() == ("2024-02-01", "2024-02-28", "0.5")
    # areas: reprojected from EPSG:4326, all MultiPolygons in 25832, bow-tie repaired.
    geoms = db.execute(
        "select area_id, st_srid(geom), geometrytype(geom), st_isvalid(geom), "
        "round(st_x(st_centroid(geom))) from raw.areas order by _source_row"
    ).fetchall()
    assert [g[1:4] for g in geoms] == [(25832, "MULTIPOLYGON", True)] * 3
    assert 720000 < geoms[0][4] < 730000  # easting of Copenhagen in UTM 32N
    log = db.execute("select crs, message from raw._load_log where source = 'areas'").fetchone()
    assert log[0] == "EPSG:4326"
    assert "reprojected from EPSG:4326" in log[1] and "1 invalid geometries repaired" in log[1]


def test_reload_of_same_file_is_a_noop(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    path = persons_csv(tmp_path / "persons.csv")
    first = invoke(cli, "load", "persons", path)
    assert first.exit_code == 0, first.output
    load_id = db.execute("select max(load_id) from raw._load_log").fetchone()[0]
    again = invoke(cli, "load", "persons", path)
    assert again.exit_code == 0
    assert f"already loaded (load_id {load_id})" in again.output
    assert db.execute("select count(*) from raw.persons").fetchone()[0] == 6
    assert db.execute("select status, message from raw._load_log order by load_id").fetchall() == [
        ("loaded", None),
        ("skipped_duplicate", f"already loaded (load_id {load_id})"),
    ]


def test_newer_delivery_is_kept_beside_the_older(cli, db: psycopg.Connection, tmp_path: Path):
    old = persons_csv(tmp_path / "persons_2024.csv", n=3)
    new = persons_csv(tmp_path / "persons_2025.csv", n=4)
    assert invoke(cli, "load", "persons", old).exit_code == 0
    assert invoke(cli, "load", "persons", new).exit_code == 0
    loads = db.execute(
        "select _source_file, _load_id, count(*) from raw.persons group by 1, 2 order by 2"
    ).fetchall()
    assert [(f, n) for f, _, n in loads] == [("persons_2024.csv", 3), ("persons_2025.csv", 4)]
    assert loads[0][1] < loads[1][1]


def test_quarantine_loads_good_rows_and_keeps_rejects(cli, db: psycopg.Connection, tmp_path):
    text = (
        "cpr;sex;birth_date;status\n"
        f"{fake_cpr(1)};M;1951-02-02;01\n"
        "321399-9002;K;1952-03-03;01\n"  # invalid CPR: day 32
        f"{fake_cpr(3)};X;31-02-1980;01\n"
        f"{fake_cpr(4)};K;1954-05-05;01\n"
    )
    path = write_text(tmp_path / "persons.csv", text)
    result = invoke(cli, "load", "persons", path, "--quarantine")
    assert result.exit_code == 0, result.output
    assert "2 of 4 rows" in result.output and "2 rows quarantined" in result.output
    assert db.execute(
        "select array_agg(_source_row order by _source_row) from raw.persons"
    ).fetchone()[0] == [1, 4]
    rejects = db.execute(
        "select source_row, column_name, rule, masked_value from raw._rejects order by 1, 2"
    ).fetchall()
    assert [(r[0], r[1]) for r in rejects] == [(2, "cpr"), (3, "birth_date"), (3, "sex")]
    assert rejects[0][3] == "321399-****"
    assert rejects[1][3] == "31-02-1980"
    assert "valid CPR" in rejects[0][2]
    log = db.execute(
        "select status, rows_read, rows_loaded, rows_rejected from raw._load_log"
    ).fetchone()
    assert log == ("loaded", 4, 2, 2)


def test_duplicates_across_chunks_are_found(db: psycopg.Connection, tmp_path: Path):
    from loaders.copy import load_file
    from loaders.errors import FileRejected

    lines = ["cpr;sex;birth_date;status"]
    for i in range(5):
        lines.append(f"{fake_cpr(i)};M;1950-01-01;01")
    lines.append(f"{fake_cpr(0)};K;1950-01-01;01")  # same person as row 1, in another chunk
    path = write_text(tmp_path / "persons.csv", "\n".join(lines) + "\n")
    before = snapshot(db)
    with pytest.raises(FileRejected, match=r"rows 1, 6 in columns? cpr"):
        load_file("persons", path, chunk_rows=2)
    after = snapshot(db)
    assert after["counts"] == before["counts"]
    result = load_file("persons", path, quarantine=True, chunk_rows=2)
    assert (result.rows_loaded, result.rows_rejected) == (4, 2)
    assert db.execute("select count(*) from raw.persons").fetchone()[0] == 4


def test_no_clear_cpr_anywhere_after_loading(cli, db: psycopg.Connection, tmp_path: Path):
    make_inbox(tmp_path / "inbox")
    assert invoke(cli, "load-dir", tmp_path / "inbox").exit_code == 0
    # A file with invalid CPRs, loaded with quarantine and rejected without it.
    bad = persons_csv(tmp_path / "persons_bad.csv")
    text = bad.read_text().replace(fake_cpr(2, dash=True), "451312-9002")
    write_text(bad, text)
    assert invoke(cli, "load", "persons", bad).exit_code == 1
    assert invoke(cli, "load", "persons", bad, "--quarantine").exit_code == 0
    assert db.execute("select count(*) from raw._rejects").fetchone()[0] == 1
    known = set(all_fake_cprs(200)) | {"4513129002"}
    for table, column, value in text_values(db):
        digits = value.replace("-", "")
        assert not any(cpr in digits for cpr in known), (table, column)
        if column.endswith("person_key") or column == "file_sha256":
            continue
        assert not CPR_LIKE.search(value), (table, column, value)


def test_load_dir_reports_failures_but_loads_the_rest(cli, db: psycopg.Connection, tmp_path):
    inbox = tmp_path / "inbox"
    files = make_inbox(inbox)
    write_text(files["flis"], f"cpr;measure;value\n{fake_cpr(1)};absence_days;3\n")  # no period
    (inbox / "unknown_thing.csv").write_text("a;b\n1;2\n")
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 1
    assert "flis.csv: rejected (nothing loaded)" in result.stderr
    assert "Required column missing for source flis: period" in result.stderr
    assert "unknown_thing.csv: cannot tell which source" in result.stderr
    assert "2 of 13 files failed" in result.stderr
    counts = snapshot(db)["counts"]
    assert counts["flis"] == 0
    assert {k: v for k, v in counts.items() if k != "flis"} == {
        k: v for k, v in EXPECTED_ROWS.items() if k != "flis"
    }


def test_load_dir_detects_source_by_header(cli, db: psycopg.Connection, tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    persons_csv(inbox / "udtraek_cpr_2025.csv")
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    assert db.execute("select source from raw._load_log").fetchone() == ("persons",)


def test_status_lists_loads(cli, db: psycopg.Connection, tmp_path: Path):
    assert invoke(cli, "load", "persons", persons_csv(tmp_path / "persons.csv")).exit_code == 0
    result = invoke(cli, "status")
    assert result.exit_code == 0
    assert "persons" in result.output and "loaded" in result.output


def test_unknown_source_is_a_user_error(cli, tmp_path: Path):
    result = invoke(cli, "load", "people", persons_csv(tmp_path / "persons.csv"))
    assert result.exit_code == 1
    assert "unknown source 'people'" in result.stderr
    assert "Traceback" not in result.output


def test_concurrent_loads_are_serialised(db: psycopg.Connection, tmp_path: Path):
    """Two loads at once: the advisory lock makes them run one after the other."""
    from concurrent.futures import ThreadPoolExecutor

    from loaders.copy import load_file

    first = persons_csv(tmp_path / "persons_a.csv", n=30)
    second = persons_csv(tmp_path / "persons_b.csv", n=31)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: load_file("persons", p), [first, second]))
    assert sorted(r.rows_loaded for r in results) == [30, 31]
    spans = db.execute(
        "select load_id, started_at, finished_at from raw._load_log order by load_id"
    ).fetchall()
    assert len(spans) == 2
    assert spans[0][2] <= spans[1][1]  # the second started after the first had finished
    assert db.execute("select count(distinct _load_id), count(*) from raw.persons").fetchone() == (
        2,
        61,
    )


def test_exact_copies_are_loaded_and_reported(db: psycopg.Connection, tmp_path: Path):
    """Exact copies of a row are an export artefact: kept and reported; conflicts are not."""
    from loaders.copy import load_file
    from loaders.errors import FileRejected

    row = f"{fake_cpr(1)};2023;250000;ja;nej"
    rows = [row, f"{fake_cpr(2)};2023;1;ja;nej", row, f"{fake_cpr(3)};2023;2;ja;nej", row]
    header = "cpr;income_year;gross_income_dkk;is_taxpayer;is_student"
    path = write_text(tmp_path / "income.csv", "\n".join([header, *rows]) + "\n")
    result = load_file("income", path, chunk_rows=2)  # copies within and across chunks
    assert (result.rows_loaded, result.rows_rejected) == (5, 0)
    assert any("2 rows are exact copies" in note for note in result.notes)
    conflicting = path.with_name("income_2.csv")
    write_text(conflicting, "\n".join([header, row, row, f"{fake_cpr(1)};2023;9;ja;nej"]) + "\n")
    with pytest.raises(FileRejected, match=r"3 rows break rule 'the key \(cpr, income_year\)"):
        load_file("income", conflicting)
    quarantined = load_file("income", conflicting, quarantine=True)
    assert (quarantined.rows_loaded, quarantined.rows_rejected) == (0, 3)


def test_loader_role_without_ddl_rights(db: psycopg.Connection, tmp_path: Path, monkeypatch):
    """A role that may only write raw tables (no CREATE, not owner) can load."""
    import os

    from loaders.copy import load_file

    role = f"boligmon_pytest_loader_{os.getpid()}"
    db.execute(f'drop role if exists "{role}"')
    db.execute(f'create role "{role}" login')
    try:
        db.execute(f'grant usage on schema raw to "{role}"')
        db.execute(f'grant select, insert, update, delete on all tables in schema raw to "{role}"')
        db.execute(f'grant usage on all sequences in schema raw to "{role}"')
        monkeypatch.setenv("PGUSER", role)
        result = load_file("persons", persons_csv(tmp_path / "persons.csv"))
        assert result.rows_loaded == 6
        assert db.execute("select loaded_by from raw._load_log").fetchone() == (role,)
    finally:
        db.execute(f'drop owned by "{role}"')
        db.execute(f'drop role "{role}"')
