"""Reading: encodings, delimiters, Danish dates and decimals, xlsx, Parquet and GIS layers."""

from __future__ import annotations

import warnings
from pathlib import Path

import psycopg
import pytest
from conftest import invoke
from fakedata import (
    areas_gdf,
    areas_geojson,
    fake_cpr,
    official_lists_xlsx,
    persons_csv,
    write_text,
)
from typer.testing import CliRunner

from loaders.read import inspect_file, iter_chunks, polygonal_ewkb
from loaders.validate import parse_dates

ADDRESS_TEXT = (
    "adresseid{d}kommunekode{d}vejnavn{d}etrs89koordinat_øst{d}virkning_fra\n"
    "0a3f50a1-0000-4000-8000-00000000000a{d}0101{d}Åbjergvej{d}{x}{d}{date}\n"
)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")],
)
def test_encoding_is_detected_and_logged(
    cli: CliRunner, db: psycopg.Connection, tmp_path: Path, encoding: str, expected: str
) -> None:
    text = ADDRESS_TEXT.format(d=";", x="725000,5", date="01-02-2020").replace(
        "Åbjergvej", "Æblehaven Søndre Å"
    )
    path = write_text(tmp_path / "addresses.csv", text, encoding)
    assert inspect_file(path).encoding == expected
    result = invoke(cli, "load", "addresses", path)
    assert result.exit_code == 0, result.output
    assert f"encoding {expected}" in result.output
    assert db.execute("select street_name, x::text from raw.addresses").fetchone() == (
        "Æblehaven Søndre Å",
        "725000.5",
    )
    assert db.execute("select encoding, delimiter from raw._load_log").fetchone() == (
        expected,
        ";",
    )


def test_comma_delimiter_and_iso_dates(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    text = ADDRESS_TEXT.format(d=",", x="725000.5", date="2020-02-01")
    path = write_text(tmp_path / "addresses.csv", text)
    info = inspect_file(path)
    assert (info.delimiter, info.decimal_comma) == (",", False)
    assert invoke(cli, "load", "addresses", path).exit_code == 0
    assert db.execute("select x::text, valid_from::text from raw.addresses").fetchone() == (
        "725000.5",
        "2020-02-01",
    )


def test_decimal_comma_is_not_accepted_in_comma_files(cli: CliRunner, tmp_path: Path):
    text = ADDRESS_TEXT.format(d=",", x='"725000,5"', date="2020-02-01")
    result = invoke(cli, "load", "addresses", write_text(tmp_path / "addresses.csv", text))
    assert result.exit_code == 1
    assert "x is a number (decimal point, or decimal comma in ';' files)" in result.stderr


def test_danish_dates_parse() -> None:
    import pandas as pd

    values = pd.Series(
        [
            "2020-02-29",
            "29-02-2020",
            "29.02.2020",
            "1.2.2021",
            "29-02-2021",
            "2021/01/01",
            "9999-12-31",
            None,
            "2020-01-01 00:00:00",
        ],
        dtype=object,
    )
    parsed, invalid = parse_dates(values)
    shown = [None if pd.isna(v) else str(v.date()) for v in parsed]
    assert shown == [
        "2020-02-29",
        "2020-02-29",
        "2020-02-29",
        "2021-02-01",
        None,
        None,
        "9999-12-31",
        None,
        "2020-01-01",
    ]
    assert invalid.tolist() == [False, False, False, False, True, True, False, False, False]


def test_csv_is_streamed_in_chunks(tmp_path: Path) -> None:
    path = persons_csv(tmp_path / "persons.csv", n=25)
    chunks = list(iter_chunks(inspect_file(path), chunk_rows=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert chunks[2].index.tolist() == list(range(21, 26))


def test_xlsx_reading(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    path = official_lists_xlsx(tmp_path / "official_lists.xlsx")
    result = invoke(cli, "load", "official_lists", path)
    assert result.exit_code == 0, result.output
    rows = db.execute(
        "select list_year, list_date::text, residents::text, share_non_western::text, "
        "_source_row from raw.official_lists order by _source_row"
    ).fetchall()
    # The blank worksheet row 3 is skipped; row numbers stay those of the sheet's data rows.
    assert rows == [(2022, "2022-12-01", "2000", "55.5", 1), (2021, "2021-12-01", "1990", "54", 3)]


def test_parquet_reading(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "cpr": [fake_cpr(1), fake_cpr(2, dash=True)],
            "income_year": pa.array([2022, 2023], pa.int32()),
            "gross_income_dkk": [310000.25, -1200.0],
            "is_taxpayer": [True, None],
        }
    )
    pq.write_table(table, tmp_path / "income.parquet")
    result = invoke(cli, "load", "income", tmp_path / "income.parquet")
    assert result.exit_code == 0, result.output
    assert db.execute(
        "select income_year, gross_income_dkk::text, is_taxpayer from raw.income order by 1"
    ).fetchall() == [(2022, "310000.25", True), (2023, "-1200", None)]


def test_geojson_is_reprojected(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    path = areas_geojson(tmp_path / "areas.geojson")
    result = invoke(cli, "load", "areas", path)
    assert result.exit_code == 0, result.output
    assert "CRS EPSG:4326" in result.output
    row = db.execute(
        "select st_srid(geom), round(st_xmin(geom)::numeric, -3), round(st_ymin(geom)::numeric, -4)"
        " from raw.areas where area_id = 'BO-9001'"
    ).fetchone()
    assert row[0] == 25832
    assert 720000 <= row[1] <= 730000 and 6170000 <= row[2] <= 6180000


def test_gpkg_layer_name_is_area_level_when_missing(
    cli: CliRunner, db: psycopg.Connection, tmp_path: Path
):
    gdf = areas_gdf("EPSG:25832").drop(columns=["area_level"]).to_crs("EPSG:25832")
    path = tmp_path / "skoledistrikter.gpkg"
    gdf.to_file(path, layer="skoledistrikt", driver="GPKG")
    result = invoke(cli, "load", "areas", path)
    assert result.exit_code == 0, result.output
    assert db.execute("select distinct area_level, st_srid(geom) from raw.areas").fetchall() == [
        ("skoledistrikt", 25832)
    ]


def test_shapefile_with_truncated_names(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    path = tmp_path / "areas.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # field names are cut to 10 characters
        areas_gdf("EPSG:4326").to_file(path)
    result = invoke(cli, "load", "areas", path)
    assert result.exit_code == 0, result.output
    assert db.execute(
        "select official_area_code from raw.areas where area_id = 'BO-9001'"
    ).fetchone() == ("BO-9001",)


def test_polygon_repair_rules() -> None:
    import numpy as np
    import shapely

    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    spike = shapely.Polygon([(0, 0), (2, 0), (2, 2), (0, 2), (0, 0), (-1, -1), (0, 0)])
    line = shapely.LineString([(0, 0), (1, 1)])
    ewkb, problems, repaired = polygonal_ewkb(
        np.array([shapely.box(0, 0, 1, 1), bowtie, spike, line, None], dtype=object)
    )
    assert repaired == 2
    assert problems[:3] == [None, None, None]
    assert "LineString" in problems[3] and problems[4] == "empty"
    parsed = [shapely.from_wkb(b) for b in ewkb[:3]]
    assert all(g.geom_type == "MultiPolygon" and g.is_valid for g in parsed)
    assert shapely.get_srid(parsed[0]) == 25832


def test_overlapping_areas_are_reported(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    import shapely

    gdf = areas_gdf("EPSG:4326")
    gdf.loc[1, "geometry"] = shapely.box(12.555, 55.705, 12.565, 55.715)  # overlaps BO-9001
    path = tmp_path / "areas.gpkg"
    gdf.to_file(path, layer="areas", driver="GPKG")
    result = invoke(cli, "load", "areas", path)
    assert result.exit_code == 0, result.output
    assert "overlapping within their level" in result.output
    assert "boligomraade BO-9001/BO-9002" in result.output
    message = db.execute("select message from raw._load_log").fetchone()[0]
    assert "BO-9001/BO-9002" in message


def test_parquet_nested_column_is_a_user_error(cli: CliRunner, tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {"unit_id": ["1b2c3d4e-0000-4000-8000-000000000001"], "unit_usage_code": [[140, 150]]}
    )
    pq.write_table(table, tmp_path / "dwellings.parquet")
    result = invoke(cli, "load", "dwellings", tmp_path / "dwellings.parquet")
    assert result.exit_code == 1
    assert "Column 'unit_usage_code' has the Parquet type list<" in result.stderr


def test_shapefile_hash_covers_the_attributes(tmp_path: Path):
    path = tmp_path / "areas.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        areas_gdf("EPSG:4326").to_file(path)
        before = inspect_file(path).sha256
        gdf = areas_gdf("EPSG:4326")
        gdf.loc[0, "area_name"] = "Andet navn"
        gdf.to_file(path)
    assert inspect_file(path).sha256 != before
