"""Bad deliveries: exit code 1, one paragraph naming file/row/column/rule, database unchanged."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import invoke
from fakedata import areas_gdf, fake_cpr, make_inbox, persons_csv, snapshot, write_text
from typer.testing import CliRunner


def _wrong_columns(tmp: Path) -> Path:
    return write_text(tmp / "persons.csv", f"cpr;gender;born\n{fake_cpr(1)};M;1950-01-01\n")


def _bad_dates(tmp: Path) -> Path:
    lines = ["cpr;sex;birth_date;status"]
    for i in range(15):
        date = "31-02-1980" if i + 1 in (5, 9, 14) else "01-02-1980"
        lines.append(f"{fake_cpr(i)};M;{date};01")
    return write_text(tmp / "persons.csv", "\n".join(lines) + "\n")


def _invalid_cpr(tmp: Path) -> Path:
    text = (
        "cpr;sex;birth_date;status\n"
        f"{fake_cpr(1)};M;1950-01-01;01\n"
        "011399-9002;K;1950-01-01;01\n"  # month 13
        "12345;K;1950-01-01;01\n"
    )
    return write_text(tmp / "persons.csv", text)


def _garbage_encoding(tmp: Path) -> Path:
    path = tmp / "persons.csv"
    path.write_bytes(
        b"cpr;sex;birth_date;status\n" + bytes(range(0x80, 0xA0)) * 4 + b";M;1950-01-01;01\n"
    )
    return path


def _utf16(tmp: Path) -> Path:
    return write_text(
        tmp / "persons.csv", f"cpr;sex;birth_date;status\n{fake_cpr(1)};M;1950-01-01;01\n", "utf-16"
    )


def _interval_reversed(tmp: Path) -> Path:
    text = (
        "cpr,kvhx,moved_in,moved_out\n"
        f"{fake_cpr(1)},010112340012 st    ,2020-01-01,2019-06-30\n"
        f"{fake_cpr(2)},010112340012 st    ,2020-01-01,2020-01-01\n"
    )
    return write_text(tmp / "residences.csv", text)


def _duplicate_keys(tmp: Path) -> Path:
    text = (
        "unit_id;unit_usage_code;valid_from\n"
        "1b2c3d4e-0000-4000-8000-000000000001;140;2010-01-01\n"
        "1b2c3d4e-0000-4000-8000-000000000002;140;2010-01-01\n"
        "1b2c3d4e-0000-4000-8000-000000000001;150;01-01-2010\n"
    )
    return write_text(tmp / "dwellings.csv", text)


def _geometry_without_crs(tmp: Path) -> Path:
    path = tmp / "areas.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "'crs' was not provided": that is the point
        areas_gdf(crs=None).to_file(path, layer="areas", driver="GPKG")
    return path


def _shapefile_without_prj(tmp: Path) -> Path:
    path = tmp / "areas.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Shapefile field names are cut to 10 characters
        areas_gdf(crs="EPSG:4326").to_file(path)
    path.with_suffix(".prj").unlink()
    return path


def _unrepairable_geometry(tmp: Path) -> Path:
    import shapely

    gdf = areas_gdf(crs="EPSG:4326")
    gdf.loc[1, "geometry"] = shapely.LineString([(12.57, 55.70), (12.58, 55.71)])
    path = tmp / "areas.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def _broken_csv_structure(tmp: Path) -> Path:
    text = f"cpr;sex;birth_date;status\n{fake_cpr(1)};M;1950-01-01;01;extra;fields\n"
    return write_text(tmp / "persons.csv", text)


def _no_period(tmp: Path) -> Path:
    return write_text(tmp / "flis.csv", f"cpr;measure;value\n{fake_cpr(1)};absence_days;2\n")


def _bad_codes_and_ranges(tmp: Path) -> Path:
    text = (
        "cpr;period_start;benefit_code;fte_share\n"
        f"{fake_cpr(1)};2024-01-01;KH;1,5\n"
        f"{fake_cpr(2)};2024-01-01;KH;abc\n"
    )
    return write_text(tmp / "benefits.csv", text)


CASES: list[tuple[str, str, Callable[[Path], Path], list[str]]] = [
    (
        "wrong_columns",
        "persons",
        _wrong_columns,
        ["persons.csv: rejected (nothing loaded)", "Required columns missing", "sex", "status"],
    ),
    (
        "bad_dates",
        "persons",
        _bad_dates,
        [
            "persons.csv: rejected (nothing loaded). 3 rows break rule 'birth_date is a valid date "
            "(YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY)': rows 5, 9, 14 in column birth_date, "
            "e.g. '31-02-1980'."
        ],
    ),
    (
        "invalid_cpr",
        "persons",
        _invalid_cpr,
        ["2 rows break rule 'cpr is a valid CPR number", "rows 2, 3 in column cpr", "011399-****"],
    ),
    ("garbage_encoding", "persons", _garbage_encoding, ["neither valid UTF-8 nor Windows-1252"]),
    ("utf16", "persons", _utf16, ["not text in UTF-8 or Windows-1252"]),
    (
        "interval_reversed",
        "residences",
        _interval_reversed,
        [
            "1 row breaks rule 'moved_in <= moved_out",
            "row 1 in columns moved_in, moved_out",
            "moved_in=2020-01-01, moved_out=2019-06-30",
        ],
    ),
    (
        "duplicate_keys",
        "dwellings",
        _duplicate_keys,
        [
            "2 rows break rule 'the key (unit_id, valid_from) is unique within the file'",
            "rows 1, 3",
        ],
    ),
    ("no_crs", "areas", _geometry_without_crs, ["Layer 'areas' has no coordinate reference"]),
    ("shp_no_prj", "areas", _shapefile_without_prj, ["has no coordinate reference", ".prj"]),
    (
        "unrepairable_geometry",
        "areas",
        _unrepairable_geometry,
        [
            "1 row breaks rule 'geometry is a valid Polygon or MultiPolygon",
            "row 2 in column geom",
            "LineString",
        ],
    ),
    ("broken_csv", "persons", _broken_csv_structure, ["CSV structure is broken", "line 2"]),
    ("no_period", "flis", _no_period, ["Required column missing for source flis: period"]),
    (
        "codes_and_ranges",
        "benefits",
        _bad_codes_and_ranges,
        [
            "rule 'fte_share is between 0 and 1': row 1 in column fte_share, e.g. '1.5'",
            "rule 'fte_share is a number",
            "row 2",
            "e.g. 'abc'",
        ],
    ),
]


@pytest.mark.parametrize(("case", "source", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_rejected_and_database_unchanged(
    cli: CliRunner,
    db: psycopg.Connection,
    tmp_path: Path,
    case: str,
    source: str,
    make: Callable[[Path], Path],
    expected: list[str],
) -> None:
    # Something already loaded, so "unchanged" is checked against non-empty tables.
    assert invoke(cli, "load", "persons", persons_csv(tmp_path / "earlier.csv")).exit_code == 0
    before = snapshot(db)
    path = make(tmp_path)
    result = invoke(cli, "load", source, path)
    assert result.exit_code == 1, result.output
    message = result.stderr.strip()
    assert message.startswith("error: "), message
    assert "\n" not in message, "one paragraph"
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in message, (fragment, message)
    for i in range(20):  # never echo a CPR
        assert fake_cpr(i) not in message and fake_cpr(i, dash=True) not in message
    after = snapshot(db)
    assert after["counts"] == before["counts"]
    assert after["rejects"] == before["rejects"]
    assert after["log"][:-1] == before["log"]
    failure = db.execute(
        "select source, file_name, status, rows_loaded, message from raw._load_log "
        "order by load_id desc limit 1"
    ).fetchone()
    assert failure[:4] == (source, path.name, "failed", 0)
    assert failure[4] in message


def test_missing_key_is_a_clear_error(cli: CliRunner, db, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("BOLIGMON_HMAC_KEY")
    before = snapshot(db)
    result = invoke(cli, "load", "persons", persons_csv(tmp_path / "persons.csv"))
    assert result.exit_code == 1
    assert "No pseudonymisation key: set BOLIGMON_HMAC_KEY" in result.stderr
    assert "\n" not in result.stderr.strip()
    assert snapshot(db) == before


def test_missing_key_stops_load_dir(cli: CliRunner, db, tmp_path: Path, monkeypatch):
    make_inbox(tmp_path / "inbox")
    monkeypatch.delenv("BOLIGMON_HMAC_KEY")
    result = invoke(cli, "load-dir", tmp_path / "inbox")
    assert result.exit_code == 1
    assert "No pseudonymisation key" in result.stderr
    assert db.execute("select count(*) from raw.persons").fetchone()[0] == 0


def test_key_from_file(cli: CliRunner, db, tmp_path: Path, monkeypatch):
    key_file = tmp_path / "hmac.key"
    key_file.write_text("ab" * 32 + "\n")
    monkeypatch.delenv("BOLIGMON_HMAC_KEY")
    monkeypatch.setenv("BOLIGMON_HMAC_KEY_FILE", str(key_file))
    result = invoke(cli, "load", "persons", persons_csv(tmp_path / "persons.csv"))
    assert result.exit_code == 0, result.output


def test_internal_error_exits_2(cli: CliRunner, db, tmp_path: Path, monkeypatch):
    import loaders.validate

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("simulated bug")

    monkeypatch.setattr(loaders.validate, "validate_chunk", broken)
    monkeypatch.setattr("loaders.copy.validate_chunk", broken)
    result = invoke(cli, "load", "persons", persons_csv(tmp_path / "persons.csv"))
    assert result.exit_code == 2
    assert "internal error (ValueError: simulated bug)" in result.stderr
    assert db.execute("select status from raw._load_log").fetchone() == ("failed",)
    assert db.execute("select count(*) from raw.persons").fetchone()[0] == 0
