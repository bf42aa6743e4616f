"""DAGI boundary layers (and Matriklen jordstykker) -> raw.areas.

Any GIS layer (GeoJSON, GeoPackage, Shapefile) in any CRS: the loader's reader reprojects to
EPSG:25832. The layer's area level is told by its code field: the DAGI 2014 (Geodatastyrelsen)
upper-case names as well as the Datafordeleren DAGI names. Features sharing one code (one
polygon part per feature, as in the 2014 files) are dissolved into one MultiPolygon per area.
"""

from __future__ import annotations

from pathlib import Path

from loaders.adapters.base import Conversion, FieldMap, Output, sniff

NAME = "dagi"
TITLE = "DAGI boundary layers (kommune, region, sogn, postnummer) and Matriklen jordstykker"
PRODUCES = ("areas",)

#: area_level -> (code fields, name fields, parent fields); first present field wins.
LEVELS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "jordstykke": (("featureID", "featureid"), ("matrikelnr",), ()),
    "kommune": (("KOMKODE", "kommunekode"), ("KOMNAVN", "navn"), ("regionskode", "REGIONKODE")),
    "region": (("REGIONKODE", "regionskode"), ("REGIONNAVN", "navn"), ()),
    "sogn": (("SOGNEKODE", "sognekode"), ("SOGNENAVN", "navn"), ()),
    "postnummer": (("POSTNR_TXT", "postnummer", "postnr"), ("POSTBYNAVN", "navn"), ()),
}
MAPPING: tuple[FieldMap, ...] = (
    *(
        FieldMap(
            f"areas.area_id ({level})",
            " / ".join(code),
            "4-digit code zero-padded (kommune); features with one code dissolved",
        )
        for level, (code, _n, _p) in LEVELS.items()
    ),
    *(
        FieldMap(f"areas.area_name ({level})", " / ".join(name))
        for level, (_c, name, _p) in LEVELS.items()
    ),
    FieldMap(
        "areas.area_level", "the code field found", "kommune, region, sogn, postnummer, jordstykke"
    ),  # fmt: skip
    FieldMap("areas.parent_area_id", "regionskode (kommune layers that carry it)"),
    FieldMap(
        "areas.valid_from / valid_to",
        "virkningFra / virkningTil when present",
        "date part; else empty (one boundary version)",
    ),  # fmt: skip
    FieldMap(
        "areas geometry", "the layer geometry", "any CRS -> EPSG:25832, Z dropped, MultiPolygon"
    ),  # fmt: skip
)


def level_of(fields: set[str]) -> str | None:
    if "matrikelnr" in fields and ({"featureID", "featureid"} & fields):
        return "jordstykke"
    for level, (codes, _n, _p) in LEVELS.items():
        if level != "jordstykke" and set(codes) & fields:
            return level
    return None


def match(path: Path) -> str | None:
    info = sniff(path)
    if info.kind != "geo":
        detail = f": {info.detail}" if info.kind == "unknown" and info.detail else ""
        return f"not a GIS layer ({info.kind}{detail})"
    if "area_id" in info.field_set:
        return "a canonical areas layer (has area_id)"
    if level_of(info.field_set) is None:
        return "no DAGI code field (KOMKODE/kommunekode, REGIONKODE, SOGNEKODE, POSTNR_TXT)"
    return None


def convert(path: Path) -> Conversion:
    import geopandas as gpd
    import pyogrio
    import shapely

    conv = Conversion(NAME)
    level = level_of(sniff(path).field_set)
    assert level is not None
    codes, names, parents = LEVELS[level]
    gdf = pyogrio.read_dataframe(path)
    code_col = next(c for c in codes if c in gdf.columns)
    name_col = next((c for c in names if c in gdf.columns), None)
    parent_col = next((c for c in parents if c in gdf.columns), None)

    def text(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    gdf["area_id"] = [text(v) for v in gdf[code_col]]
    if level in ("kommune", "region", "sogn", "postnummer"):
        gdf["area_id"] = [v.zfill(4) if v.isdigit() else v for v in gdf["area_id"]]
    gdf["area_name"] = [text(v) for v in gdf[name_col]] if name_col else ""
    gdf["parent_area_id"] = [text(v) for v in gdf[parent_col]] if parent_col else ""
    vf = next((c for c in ("virkningFra", "virkningfra") if c in gdf.columns), None)
    vt = next((c for c in ("virkningTil", "virkningtil") if c in gdf.columns), None)
    gdf["valid_from"] = [text(v)[:10] for v in gdf[vf]] if vf else ""
    gdf["valid_to"] = [text(v)[:10] for v in gdf[vt]] if vt else ""
    gdf["geometry"] = shapely.force_2d(gdf.geometry.values)
    keys = ["area_id", "valid_from"]
    parts = len(gdf)
    dissolved = gdf.dissolve(
        by=keys,
        as_index=False,
        aggfunc={"area_name": "first", "parent_area_id": "first", "valid_to": "first"},  # fmt: skip
    )
    if parts != len(dissolved):
        conv.notes.append(f"{parts} features dissolved into {len(dissolved)} {level} areas")
    dissolved["area_level"] = level
    out = gpd.GeoDataFrame(
        dissolved[
            ["area_id", "area_name", "area_level", "parent_area_id", "valid_from", "valid_to"]
        ],  # fmt: skip
        geometry=dissolved.geometry,
        crs=gdf.crs,
    )
    conv.outputs.append(Output("areas", out.drop(columns="geometry"), geo=out))
    conv.notes.append(f"DAGI layer read as area level '{level}' (code field {code_col})")
    return conv
