"""`boligmon export`: the public marts as files for QGIS, Excel and other tools.

Writes, into one directory (default out/export):

- `boligmon.gpkg`: one polygon layer per area level (EPSG:25832), each area joined to the latest
  public indicators (wide: `<indicator>_share`, `_numerator`, `_denominator`; suppressed = NULL),
  plus the list status / early-warning columns when fct_area_status / fct_early_warning exist;
  the tables `indicators` (catalogue and the period of each value) and `layer_styles` (the QGIS
  default style of every layer, loaded automatically when the layer is opened);
- `qgis/<layer>.qml`: the same styles as files (graduated classes of one indicator share;
  suppressed areas in grey as "–");
- `csv/<mart>.csv`: every public mart in full (UTF-8, comma, dot decimals; geometry columns are
  left out: they are in the GeoPackage; suppressed cells are empty);
- `boligmon.xlsx`: a read-me sheet, the latest indicators per area level, and every mart that fits
  the sheet limit (`--xlsx-max-rows`; larger marts are in the CSV files).

Only what the role `bi_reader` may read is exported (`loaders.marts.reader`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pandas as pd
import psycopg
from psycopg import sql

from loaders import publicdata as pdata
from loaders.marts import existing_marts, geometry_columns, reader, table

DEFAULT_STYLE_INDICATOR = "origin_nw"
#: Fixed class breaks (fractions) for shares: stable between runs and municipalities, and few
#: enough classes for the DST map rules on small areas.
SHARE_BREAKS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0]
#: Sequential palette (ColorBrewer YlOrRd, 6 classes), and grey for suppressed areas.
PALETTE = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
SUPPRESSED_COLOR = "#bdbdbd"
SUPPRESSED_LABEL = "– (ikke offentliggjort: diskretion)"
#: criteria.md §7: distance-to-threshold measures are internal only; never written to a file even
#: if a mart exposes them to bi_reader.
INTERNAL_ONLY_COLUMNS = {"persons_to_flip", "movers_to_flip", "income_gap_dkk"}


@dataclass
class ExportResult:
    out_dir: Path
    gpkg: Path | None = None
    layers: dict[str, int] = field(default_factory=dict)
    qml: list[Path] = field(default_factory=list)
    csv: dict[str, int] = field(default_factory=dict)
    xlsx: Path | None = None
    xlsx_skipped: list[str] = field(default_factory=list)
    missing_marts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"export written to {self.out_dir}"]
        if self.gpkg:
            layers = ", ".join(f"{k} ({v})" for k, v in self.layers.items())
            lines.append(f"  GeoPackage {self.gpkg.name}: {layers}")
            lines.append(f"  QGIS styles: {len(self.qml)} .qml files + layer_styles table")
        if self.csv:
            lines.append(f"  CSV: {', '.join(f'{k} ({v} rows)' for k, v in self.csv.items())}")
        if self.xlsx:
            skipped = f" (too large for a sheet: {', '.join(self.xlsx_skipped)})"
            lines.append(f"  Excel {self.xlsx.name}" + (skipped if self.xlsx_skipped else ""))
        if self.missing_marts:
            lines.append(f"  not yet built, so not exported: {', '.join(self.missing_marts)}")
        return "\n".join(lines)


OPTIONAL_MARTS = ("fct_area_criteria", "fct_area_status", "fct_early_warning", "fct_flows")


def export(
    out_dir: Path,
    style_indicator: str = DEFAULT_STYLE_INDICATOR,
    xlsx_max_rows: int = 200_000,
    formats: tuple[str, ...] = ("gpkg", "csv", "xlsx"),
) -> ExportResult:
    """Write the GeoPackage, QGIS styles, CSV and Excel files (see the module docstring)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir=out_dir)
    with reader() as conn:
        marts = existing_marts(conn)
        result.missing_marts = [m for m in OPTIONAL_MARTS if m not in marts]
        layers = area_layers(conn)
        if "gpkg" in formats:
            write_geopackage(conn, layers, out_dir, style_indicator, result)
        if "csv" in formats:
            for name in sorted(marts):
                result.csv[name] = write_csv(conn, name, out_dir / "csv" / f"{name}.csv")
        if "xlsx" in formats:
            write_xlsx(
                conn, sorted(marts), layers, out_dir / "boligmon.xlsx", xlsx_max_rows, result
            )
    return result


def area_layers(conn: psycopg.Connection) -> dict[str, pd.DataFrame]:
    """Per area level: areas (with geometry) joined to the latest indicators and status."""
    import geopandas as gpd

    geo = pdata.areas(conn)
    wide = pdata.latest_wide(conn)
    joined = geo.merge(wide, on=["area_level", "area_id"], how="left")
    status = pdata.latest_status(conn)
    if status is not None and not status.empty:
        renamed = status.rename(
            columns={c: f"list_{c}" for c in status.columns if c not in ("area_level", "area_id")}
        )
        joined = joined.merge(renamed, on=["area_level", "area_id"], how="left")
    warnings = pdata.early_warning_per_area(pdata.early_warning(conn))
    if warnings is not None and not warnings.empty:
        joined = joined.merge(warnings, on=list(warnings.columns[:2]), how="left")
        joined["early_warning_count"] = joined["early_warning_count"].fillna(0).astype(int)
    if "n_suppressed" in joined.columns:
        joined["n_suppressed"] = joined["n_suppressed"].astype("Int64")
    result: dict[str, pd.DataFrame] = {}
    for level in sorted(joined["area_level"].unique(), key=pdata.level_sort_key):
        part = joined[joined["area_level"] == level].sort_values("area_id")
        result[level] = gpd.GeoDataFrame(part, geometry="geometry", crs=25832)
    return result


def write_geopackage(
    conn: psycopg.Connection,
    layers: dict[str, pd.DataFrame],
    out_dir: Path,
    style_indicator: str,
    result: ExportResult,
) -> None:
    import pyogrio

    path = out_dir / "boligmon.gpkg"
    if path.exists():
        path.unlink()
    for level, gdf in layers.items():
        gdf = gdf.copy()
        for col in gdf.columns:
            if str(gdf[col].dtype) == "object" and col != "geometry":
                gdf[col] = gdf[col].map(lambda v: None if pd.isna(v) else str(v))
        pyogrio.write_dataframe(
            gdf, path, layer=level, driver="GPKG", promote_to_multi=True, append=False
        )
        result.layers[level] = len(gdf)
    catalogue = indicator_table(conn)
    pyogrio.write_dataframe(catalogue, path, layer="indicators", driver="GPKG")
    indicator_names = dict(zip(catalogue["indicator_id"], catalogue["name_da"], strict=True))
    style_col = f"{style_indicator}_share"
    styles: dict[str, str] = {}
    qml_dir = out_dir / "qgis"
    qml_dir.mkdir(exist_ok=True)
    for level, gdf in layers.items():
        column = style_col if style_col in gdf.columns else None
        title = indicator_names.get(style_indicator, style_indicator)
        qml = graduated_qml(column, title) if column else outline_qml()
        styles[level] = qml
        qml_path = qml_dir / f"{level}.qml"
        qml_path.write_text(qml, encoding="utf-8")
        result.qml.append(qml_path)
    write_layer_styles(path, styles, style_indicator)
    result.gpkg = path


def indicator_table(conn: psycopg.Connection) -> pd.DataFrame:
    periods = pdata.latest_periods(conn)
    df = pdata.frame(conn, "select * from marts.dim_indicator order by indicator_id")
    df["period_date"] = df["indicator_id"].map(lambda i: str(periods[i]) if i in periods else None)
    df["columns"] = df["indicator_id"].map(lambda i: f"{i}_share, {i}_numerator, {i}_denominator")
    return df.astype(object).where(df.notna(), None)


def _symbol(name: str, color: str) -> str:
    rgb = ",".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    return (
        f'<symbol type="fill" name="{name}" alpha="0.85" clip_to_extent="1" force_rhr="0">'
        '<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">'
        f'<Option type="QString" name="color" value="{rgb},255"/>'
        '<Option type="QString" name="outline_color" value="60,60,60,255"/>'
        '<Option type="QString" name="outline_style" value="solid"/>'
        '<Option type="QString" name="outline_width" value="0.3"/>'
        '<Option type="QString" name="outline_width_unit" value="MM"/>'
        '<Option type="QString" name="style" value="solid"/>'
        "</Option></layer></symbol>"
    )


def _labeling() -> str:
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        '<text-style fieldName="area_name" fontSize="8" textColor="20,20,20,255" '
        'isExpression="0"><text-buffer bufferDraw="1" bufferSize="0.8" '
        'bufferColor="255,255,255,255"/></text-style>'
        '<placement placement="1"/><rendering scaleVisibility="1" scaleMin="0" '
        'scaleMax="50000"/></settings></labeling>'
    )


def graduated_qml(column: str, title: str) -> str:
    """A QGIS graduated renderer on `column` (a share) with fixed classes; NULL (suppressed)
    maps to -1 through coalesce() and gets its own grey class, so suppressed areas stay
    visible and labelled as such."""
    expression = escape(f'coalesce("{column}", -1)', quote=True)
    ranges = [
        f'<range lower="-1.000000" upper="-0.500000" symbol="0" '
        f'label="{escape(SUPPRESSED_LABEL)}" render="true"/>'
    ]
    symbols = [_symbol("0", SUPPRESSED_COLOR)]
    for i, (low, high) in enumerate(zip(SHARE_BREAKS, SHARE_BREAKS[1:], strict=False), start=1):
        label = f"{low * 100:.0f}–{high * 100:.0f} %"
        ranges.append(
            f'<range lower="{low:.6f}" upper="{high:.6f}" symbol="{i}" '
            f'label="{escape(label)}" render="true"/>'
        )
        symbols.append(_symbol(str(i), PALETTE[i - 1]))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.34.0" styleCategories="Symbology|Labeling">\n'
        f"<!-- boligmon: {escape(title)} ({column}); classes are fixed shares; grey = suppressed "
        "by disclosure control -->\n"
        f'<renderer-v2 type="graduatedSymbol" attr="{expression}" graduatedMethod="GraduatedColor" '
        'symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">\n'
        f"<ranges>{''.join(ranges)}</ranges>\n"
        f"<symbols>{''.join(symbols)}</symbols>\n"
        '<classificationMethod id="Fixed"><symmetricMode enabled="0" symmetrypoint="0" '
        'astride="0"/><labelFormat format="%1 - %2" trimtrailingzeroes="1" labelprecision="2"/>'
        "</classificationMethod>\n"
        "</renderer-v2>\n"
        f"{_labeling()}\n"
        f'<layerGeometryType>2</layerGeometryType><legend type="default-vector"/>\n'
        f'<previewExpression>"area_name"</previewExpression><mapTip>{escape(title)}: '
        f'[% format_number("{column}" * 100, 1) %] %</mapTip>\n'
        "</qgis>\n"
    )


def outline_qml() -> str:
    """Style for a layer without the chosen indicator: outlines and labels only."""
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.34.0" styleCategories="Symbology|Labeling">\n'
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_symbol('0', '#f0f0f0')}</symbols></renderer-v2>\n"
        f"{_labeling()}\n<layerGeometryType>2</layerGeometryType>\n</qgis>\n"
    )


def write_layer_styles(gpkg: Path, styles: dict[str, str], indicator: str) -> None:
    """Store each layer's style in the GeoPackage table QGIS reads default styles from."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with sqlite3.connect(gpkg) as db:
        db.execute(
            "create table if not exists layer_styles (id integer primary key autoincrement, "
            "f_table_catalog text(256), f_table_schema text(256), f_table_name text(256), "
            "f_geometry_column text(256), styleName text(30), styleQML text, styleSLD text, "
            "useAsDefault boolean, description text, owner text(30), ui text(30), "
            "update_time datetime default current_timestamp)"
        )
        db.execute(
            "insert or replace into gpkg_contents (table_name, data_type, identifier, "
            "description, last_change) values ('layer_styles', 'attributes', 'layer_styles', "
            "'QGIS layer styles', ?)",
            (now,),
        )
        for layer, qml in styles.items():
            db.execute(
                "insert into layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui) values ('', '', ?, 'geom', ?, ?, '', 1, ?, 'boligmon', '')",
                (
                    layer,
                    f"{layer}_{indicator}"[:30],
                    qml,
                    f"Graduated classes of {indicator}_share; grey = suppressed",
                ),
            )


def write_csv(conn: psycopg.Connection, name: str, path: Path) -> int:
    """Stream marts.<name> to CSV with COPY (geometry columns left out)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    geoms = set(geometry_columns(conn, name))
    cols = [
        r[0]
        for r in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = %s order by ordinal_position",
            (name,),
        ).fetchall()
        if r[0] not in geoms and r[0] not in INTERNAL_ONLY_COLUMNS
    ]
    query = sql.SQL("copy (select {cols} from {t}) to stdout with (format csv, header)").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in cols), t=table(name)
    )
    rows = 0
    with conn.cursor() as cur, cur.copy(query) as copy, path.open("wb") as out:
        for chunk in copy:
            out.write(chunk)
            rows += bytes(chunk).count(b"\n")
    return max(rows - 1, 0)


README_ROWS = [
    ("boligmon – boligsocial monitorering", ""),
    (
        "Indhold",
        "Offentlige marts (skema marts) efter diskretionering; kun data rollen bi_reader må læse.",
    ),
    (
        "seneste_<niveau>",
        "Seneste værdi af hver indikator pr. område (alle ejerformer). "
        "<id>_share = andel (0-1; for k4_income gennemsnitlig indkomst i kr.), "
        "_numerator = tæller, _denominator = nævner.",
    ),
    (
        "Tomme celler",
        "Diskretioneret (færre end 5 personer i tæller, nævner eller komplement, "
        "eller området har under 100 beboere / 50 husstande). Tomme celler er ikke 0.",
    ),
    (
        "Aggregering",
        "Læg tællere og nævnere sammen og del bagefter; tag aldrig gennemsnit af andele.",
    ),
    ("Skyggeberegning", "Kriteriestatus er kommunens egen beregning, ikke den officielle liste."),
]


def write_xlsx(
    conn: psycopg.Connection,
    marts: list[str],
    layers: dict[str, pd.DataFrame],
    path: Path,
    max_rows: int,
    result: ExportResult,
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    readme = wb.create_sheet("Læs mig")
    for key, text in README_ROWS:
        readme.append([key, text])
    readme.append(["Dannet", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")])
    bold = Font(bold=True)
    for level, gdf in layers.items():
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        _append_sheet(wb, f"seneste_{level}"[:31], df, bold)
    for name in marts:
        (count,) = conn.execute(sql.SQL("select count(*) from {}").format(table(name))).fetchone()
        if count > max_rows:
            result.xlsx_skipped.append(name)
            readme.append([name, f"{count} rækker: for stor til et ark; se csv/{name}.csv"])
            continue
        geoms = set(geometry_columns(conn, name))
        df = pdata.frame(conn, sql.SQL("select * from {}").format(table(name)))
        dropped = [c for c in df.columns if c in geoms or c in INTERNAL_ONLY_COLUMNS]
        _append_sheet(wb, name[:31], df.drop(columns=dropped), bold)
    wb.save(path)
    result.xlsx = path


def _append_sheet(wb, title: str, df: pd.DataFrame, bold) -> None:  # noqa: ANN001
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet(title)
    header = []
    for col in df.columns:
        cell = WriteOnlyCell(ws, value=str(col))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    ws.freeze_panes = "A2"
    for row in df.itertuples(index=False):
        ws.append([_cell(v) for v in row])


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "is_nan") or type(value).__name__ == "Decimal":
        return float(value)  # type: ignore[arg-type]
    return value
