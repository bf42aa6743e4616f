"""`boligmon export`: GeoPackage layers per area level joined to the latest public indicators
(suppressed = NULL), QGIS styles, CSV and Excel; and the bi_reader boundary."""

from __future__ import annotations

import csv
import json
import math
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import psycopg
import pyogrio
import pytest
from openpyxl import load_workbook

from loaders.export import INTERNAL_ONLY_COLUMNS
from loaders.marts import reader
from loaders.pbids import pbids_document
from loaders.publicdata import GRID_LEVELS


def test_reader_cannot_read_person_level_schemas() -> None:
    with reader() as conn:
        (role,) = conn.execute("select current_user").fetchone()
        assert role == "bi_reader"
        for relation in ("intermediate.int_resident_snapshots", "raw.persons"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select 1 from {relation} limit 1")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("create temporary table t (x int)")


def test_geopackage_has_one_layer_per_area_level(
    export_dir: Path, conn: psycopg.Connection
) -> None:
    gpkg = export_dir / "boligmon.gpkg"
    layers = {name: geom for name, geom in pyogrio.list_layers(gpkg)}
    levels = {
        r[0]
        for r in conn.execute(
            "select area_level from marts.dim_area where is_current union "
            "select distinct area_level from marts.fct_area_indicators where area_level = any(%s)",
            (list(GRID_LEVELS),),
        ).fetchall()
    }
    assert levels and levels <= set(layers)
    for level in levels:
        assert layers[level] in ("MultiPolygon", "Polygon")
        info = pyogrio.read_info(gpkg, layer=level)
        assert info["crs"].endswith("25832")
    assert "indicators" in layers and "layer_styles" in layers


def test_layer_values_equal_latest_marts_with_suppressed_null(
    export_dir: Path, conn: psycopg.Connection
) -> None:
    import geopandas as gpd

    rows = conn.execute(
        """
        with latest as (
            select indicator_id, max(period_date) as period_date
            from marts.fct_area_indicators where tenure = 'all' group by indicator_id
        )
        select f.area_level, f.area_id, f.indicator_id, f.share::float8, f.numerator::float8,
               f.denominator::float8, f.is_suppressed
        from marts.fct_area_indicators as f inner join latest using (indicator_id, period_date)
        where f.tenure = 'all' and f.area_level <> 'grid_100m'
        """
    ).fetchall()
    layers: dict[str, object] = {}
    checked = suppressed = 0
    for level, area_id, ind, share, num, den, is_suppressed in rows:
        if level not in layers:
            layers[level] = gpd.read_file(export_dir / "boligmon.gpkg", layer=level).set_index(
                "area_id"
            )
        layer = layers[level]
        if area_id not in layer.index:
            continue  # area without a current boundary (no layer row to join to)
        feature = layer.loc[area_id]
        if f"{ind}_share" in layer.columns:
            got = (
                feature[f"{ind}_share"],
                feature[f"{ind}_numerator"],
                feature[f"{ind}_denominator"],
            )
            want = (share, num, den)
        else:  # count indicators (residents, households) are one column
            got, want = (feature[ind],), (num,)
        for g, w in zip(got, want, strict=True):
            if is_suppressed or w is None:
                assert g is None or (isinstance(g, float) and math.isnan(g)), (level, area_id, ind)
            else:
                assert g == pytest.approx(w), (level, area_id, ind)
        checked += 1
        suppressed += bool(is_suppressed)
    assert checked > 0


def test_styles_are_valid_qgis_documents(export_dir: Path) -> None:
    qml_files = sorted((export_dir / "qgis").glob("*.qml"))
    assert qml_files
    for path in qml_files:
        root = ET.parse(path).getroot()
        assert root.tag == "qgis"
        renderer = root.find("renderer-v2")
        assert renderer is not None
        if renderer.get("type") == "graduatedSymbol":
            ranges = renderer.findall("ranges/range")
            symbols = renderer.findall("symbols/symbol")
            assert len(ranges) >= 3 and len(ranges) == len(symbols)
            assert "coalesce" in renderer.get("attr", "")
            labels = [r.get("label") for r in ranges]
            assert any("diskretion" in label for label in labels)
    with sqlite3.connect(export_dir / "boligmon.gpkg") as db:
        styles = db.execute(
            "select f_table_name, styleQML, useAsDefault from layer_styles"
        ).fetchall()
        registered = db.execute(
            "select count(*) from gpkg_contents where table_name = 'layer_styles'"
        ).fetchone()[0]
    assert registered == 1
    assert {s[0] for s in styles} == {p.stem for p in qml_files}
    for _, qml, default in styles:
        ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
        assert default == 1


def test_csv_has_every_mart_in_full(
    export_dir: Path, conn: psycopg.Connection, marts: set[str]
) -> None:
    for mart in marts:
        path = export_dir / "csv" / f"{mart}.csv"
        assert path.exists(), mart
        with path.open(encoding="utf-8", newline="") as f:
            reader_ = csv.reader(f)
            header = next(reader_)
            count = sum(1 for _ in reader_)
        (expected,) = conn.execute(f'select count(*) from marts."{mart}"').fetchone()
        assert count == expected, mart
        assert "geom" not in header and "geom_wgs84" not in header
        assert not INTERNAL_ONLY_COLUMNS & set(header), mart


def test_excel_workbook(export_dir: Path) -> None:
    wb = load_workbook(export_dir / "boligmon.xlsx", read_only=True)
    names = wb.sheetnames
    assert names[0] == "Læs mig"
    assert any(n.startswith("seneste_") for n in names)
    assert "dim_indicator" in names
    wb.close()


def test_pbids_document_uses_pg_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "db.kommune.local")
    monkeypatch.setenv("PGPORT", "6543")
    monkeypatch.setenv("PGDATABASE", "bm")
    doc = pbids_document()
    assert doc["connections"][0]["details"] == {
        "protocol": "postgresql",
        "address": {"server": "db.kommune.local:6543", "database": "bm"},
    }
    example = json.loads(
        (Path(__file__).resolve().parents[2] / "powerbi" / "boligmon.example.pbids").read_text()
    )
    assert example["connections"][0]["details"]["protocol"] == "postgresql"


def test_outputs_refuse_a_role_they_cannot_act_as(monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders.errors import ConfigError

    monkeypatch.setenv("BOLIGMON_READER_ROLE", "no_such_role_boligmon")
    with pytest.raises(ConfigError, match="no_such_role_boligmon"), reader():
        pass


def test_cli_export_rejects_unknown_format(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from loaders.cli import app

    result = CliRunner().invoke(app, ["export", "--out", str(tmp_path), "--formats", "gpkg,pdf"])
    assert result.exit_code == 1
    assert "pdf" in result.output
    assert not any(tmp_path.iterdir())
