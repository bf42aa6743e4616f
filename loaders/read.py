"""Readers: every delivered format -> chunks of text values with 1-based source row numbers.

A chunk is a pandas DataFrame with the delivered header names as columns, `object` values
(str, or None for empty cells) and the source row numbers as index (1 = first data row below
the header; for GIS layers the feature number). Typing happens in `validate.py`, so every
format goes through the same parsing rules.

- CSV: encoding detected (UTF-8 with or without BOM, else Windows-1252; anything else, e.g.
  UTF-16 or binary, is rejected), delimiter sniffed from the header (`;` or `,`), read in chunks
  of CHUNK_ROWS rows with the pandas C parser. Decimal comma is allowed when the delimiter is `;`.
- xlsx: the first worksheet, streamed with openpyxl (read-only mode).
- Parquet: streamed record batches (pyarrow); typed values are rendered as text.
- GeoPackage / GeoJSON / Shapefile: every layer, reprojected to EPSG:25832 (the CRS found is
  logged); a layer without a CRS is rejected; invalid geometries are repaired with make_valid
  when the result is still polygonal (and counted), else the feature is rejected; Polygons
  become MultiPolygons. Area layers are small, so a layer is read at once.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from loaders.errors import FileRejected

CHUNK_ROWS = 100_000
HASH_BLOCK = 1 << 20
TARGET_EPSG = 25832
LAYER_COLUMN = "__layer__"
GEOM_COLUMN = "__geom__"  # EWKB bytes (SRID 25832, MultiPolygon) or None
GEOM_PROBLEM_COLUMN = "__geom_problem__"  # why the geometry was rejected, or None

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".shp": "shp",
}
GEO_FORMATS = ("gpkg", "geojson", "shp")

# Control characters other than tab/CR/LF, and the five bytes Windows-1252 leaves undefined.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")

ProgressFn = Callable[[int], None]


@dataclass
class FileInfo:
    """What was found out about a delivered file; most of it goes to raw._load_log."""

    path: Path
    format: str
    sha256: str = ""
    size: int = 0
    encoding: str | None = None  # utf-8, utf-8-sig (with BOM) or cp1252
    delimiter: str | None = None
    crs: str | None = None
    total_rows: int | None = None  # when known up front (xlsx, parquet, GIS)
    notes: list[str] = field(default_factory=list)
    label: str | None = None  # the delivered file's name when `path` is an adapter's output

    @property
    def name(self) -> str:
        return self.label or self.path.name

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). Unknown file type '{path.suffix}'; "
            f"accepted: {', '.join(sorted(FORMATS))}."
        )
    return fmt


def inspect_file(path: Path) -> FileInfo:
    """One streaming pass: sha256, size and (for CSV) the encoding; then the CSV delimiter."""
    if not path.is_file():
        raise FileRejected(f"{path}: no such file.")
    info = FileInfo(path=path, format=file_format(path))
    digest = hashlib.sha256()
    is_csv = info.format == "csv"
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    cp1252_ok = True
    first = True
    bom = False
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            info.size += len(block)
            if not is_csv:
                continue
            if first:
                bom = block.startswith(codecs.BOM_UTF8)
                first = False
            if _NOT_TEXT.search(block):
                raise FileRejected(
                    f"{path.name}: rejected (nothing loaded). The file is not text in UTF-8 or "
                    "Windows-1252 (it contains control or NUL bytes; UTF-16 and binary files "
                    "are not accepted). Save it as CSV UTF-8."
                )
            if utf8_ok:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            if cp1252_ok and _CP1252_UNDEFINED.search(block):
                cp1252_ok = False
    if info.format == "shp":
        # A Shapefile is several files: attributes (.dbf) and CRS (.prj) belong to the content.
        for suffix in (".shx", ".dbf", ".prj", ".cpg"):
            for sidecar in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
                if sidecar.is_file():
                    digest.update(suffix.encode("ascii") + sidecar.read_bytes())
                    break
    info.sha256 = digest.hexdigest()
    if not is_csv:
        return info
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if utf8_ok:
        info.encoding = "utf-8-sig" if bom else "utf-8"
    elif cp1252_ok and not bom:
        info.encoding = "cp1252"
    else:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). The file is neither valid UTF-8 nor "
            "Windows-1252 text (it has bytes that are undefined in both). Save it as CSV UTF-8."
        )
    info.delimiter = sniff_delimiter(path, info.encoding)
    return info


def sniff_delimiter(path: Path, encoding: str) -> str:
    """`;` or `,`, whichever splits the header line into more fields."""
    with path.open("r", encoding=encoding, newline="") as handle:
        header = handle.readline()
    if not header.strip():
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). The file is empty or its first line is "
            "blank; a header row naming the columns is required."
        )
    counts = {d: len(next(csv.reader([header], delimiter=d))) - 1 for d in (";", ",")}
    if counts[";"] == 0 and counts[","] == 0:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). No ';' or ',' delimiter found in the header "
            "line; a header row with the column names, separated by ';' or ',', is required."
        )
    return ";" if counts[";"] >= counts[","] else ","


def read_header(info: FileInfo) -> list[str]:
    """The delivered column names (for source detection and column matching)."""
    if info.format == "csv":
        assert info.encoding and info.delimiter
        with info.path.open("r", encoding=info.encoding, newline="") as handle:
            return next(csv.reader(handle, delimiter=info.delimiter))
    if info.format == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            for row in sheet.iter_rows(max_row=1, values_only=True):
                return [str(v) if v is not None else "" for v in row]
            return []
        finally:
            book.close()
    if info.format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(info.path).schema_arrow.names)
    import pyogrio

    names: list[str] = []
    for layer, _ in pyogrio.list_layers(info.path):
        names.extend(pyogrio.read_info(info.path, layer=layer)["fields"].tolist())
    return names


def iter_chunks(
    info: FileInfo, chunk_rows: int = CHUNK_ROWS, progress: ProgressFn | None = None
) -> Iterator[pd.DataFrame]:
    """Chunks of text values, whatever the format. `progress` gets bytes or rows done."""
    readers = {
        "csv": _csv_chunks,
        "xlsx": _xlsx_chunks,
        "parquet": _parquet_chunks,
    }
    reader = readers.get(info.format, _geo_chunks)
    yield from reader(info, chunk_rows, progress)


def _csv_chunks(
    info: FileInfo, chunk_rows: int, progress: ProgressFn | None
) -> Iterator[pd.DataFrame]:
    assert info.encoding and info.delimiter
    with info.path.open("rb") as handle:
        reader = pd.read_csv(
            handle,
            sep=info.delimiter,
            encoding=info.encoding,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            chunksize=chunk_rows,
            engine="c",
            skip_blank_lines=True,
            index_col=False,
        )
        try:
            with warnings.catch_warnings():
                # Extra fields in the first data row come as a warning (data loss): reject.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                yield from _numbered(reader, handle, progress)
        except pd.errors.ParserWarning:
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). The CSV structure is broken: the first "
                "data row (line 2) has more fields than the header. Check the quoting and the "
                f"number of '{info.delimiter}' separators on that line."
            ) from None
        except pd.errors.ParserError as exc:
            detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). The CSV structure is broken: {detail} "
                "(line numbers count the header). Check the quoting and the number of "
                f"'{info.delimiter}' separators on that line."
            ) from None


def _numbered(
    reader: Iterator[pd.DataFrame], handle: BinaryIO, progress: ProgressFn | None
) -> Iterator[pd.DataFrame]:
    start = 1
    for chunk in reader:
        chunk.index = pd.RangeIndex(start, start + len(chunk))
        start += len(chunk)
        if progress:
            progress(handle.tell())
        yield chunk


def cell_text(value: object) -> str | None:
    """A typed cell (xlsx, Parquet, GIS attribute) rendered as the text a CSV would hold."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | pd.Timestamp):
        if pd.isna(value):
            return None
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _frame_to_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for name in frame.columns:
        out[name] = [cell_text(v) for v in frame[name].tolist()]
    return pd.DataFrame(out, index=frame.index, dtype=object)


def _xlsx_chunks(
    info: FileInfo, chunk_rows: int, progress: ProgressFn | None
) -> Iterator[pd.DataFrame]:
    import openpyxl

    book = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). The first worksheet is empty; a header "
                "row naming the columns is required."
            )
        header = [str(v).strip() if v is not None else "" for v in header_row]
        width = len(header)
        buffer: list[list[str | None]] = []
        numbers: list[int] = []
        row_number = 0
        for values in rows:
            row_number += 1
            cells = [cell_text(v) for v in values[:width]]
            cells += [None] * (width - len(cells))
            if all(c is None or c.strip() == "" for c in cells):
                continue  # blank rows (Excel keeps formatted empty rows)
            buffer.append(cells)
            numbers.append(row_number)
            if len(buffer) == chunk_rows:
                yield pd.DataFrame(buffer, columns=header, index=numbers, dtype=object)
                buffer, numbers = [], []
                if progress:
                    progress(row_number)
        if buffer:
            yield pd.DataFrame(buffer, columns=header, index=numbers, dtype=object)
    finally:
        book.close()


def _parquet_chunks(
    info: FileInfo, chunk_rows: int, progress: ProgressFn | None
) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(info.path)
    info.total_rows = parquet.metadata.num_rows
    start = 1
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        columns = {}
        for name, array in zip(batch.schema.names, batch.columns, strict=True):
            if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
                columns[name] = array.to_pylist()
            elif pa.types.is_floating(array.type) or pa.types.is_timestamp(array.type):
                columns[name] = [cell_text(v) for v in array.to_pylist()]
            else:
                try:
                    columns[name] = pc.cast(array, pa.string()).to_pylist()
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    raise FileRejected(
                        f"{info.name}: rejected (nothing loaded). Column '{name}' has the Parquet "
                        f"type {array.type}, which cannot be read as a value; deliver plain "
                        "text, number, boolean or date columns."
                    ) from None
        frame = pd.DataFrame(columns, dtype=object)
        frame.index = pd.RangeIndex(start, start + len(frame))
        start += len(frame)
        if progress:
            progress(start - 1)
        yield frame


def _geo_chunks(
    info: FileInfo, chunk_rows: int, progress: ProgressFn | None
) -> Iterator[pd.DataFrame]:
    import pyogrio

    layers = [str(name) for name, _ in pyogrio.list_layers(info.path)]
    crs_found: list[str] = []
    start = 1
    for layer in layers:
        gdf = pyogrio.read_dataframe(info.path, layer=layer)
        if gdf.crs is None:
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). Layer '{layer}' has no coordinate "
                "reference system, so its coordinates cannot be placed. Save the layer with its "
                "CRS (EPSG:25832, ETRS89 / UTM 32N, preferred); for a Shapefile the .prj file "
                "is missing."
            )
        epsg = gdf.crs.to_epsg()
        crs_label = f"EPSG:{epsg}" if epsg else gdf.crs.to_string()
        crs_found.append(crs_label)
        if epsg != TARGET_EPSG:
            gdf = gdf.to_crs(TARGET_EPSG)
            info.notes.append(f"layer '{layer}' reprojected from {crs_label} to EPSG:25832")
        ewkb, problems, repaired = polygonal_ewkb(gdf.geometry.to_numpy())
        if repaired:
            info.notes.append(
                f"layer '{layer}': {repaired} invalid geometries repaired with make_valid"
            )
        attributes = _frame_to_text(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
        attributes[LAYER_COLUMN] = layer
        attributes[GEOM_COLUMN] = ewkb
        attributes[GEOM_PROBLEM_COLUMN] = problems
        attributes.index = pd.RangeIndex(start, start + len(attributes))
        start += len(attributes)
        if progress:
            progress(start - 1)
        yield attributes
    info.crs = ", ".join(sorted(set(crs_found))) or None
    info.total_rows = start - 1


def polygonal_ewkb(geoms: np.ndarray) -> tuple[list[bytes | None], list[str | None], int]:
    """(EWKB MultiPolygon SRID 25832 or None, problem or None, repaired count) per geometry."""
    import shapely

    out: list[bytes | None] = []
    problems: list[str | None] = []
    repaired = 0
    for geom in geoms:
        if geom is None or shapely.is_empty(geom):
            out.append(None)
            problems.append("empty")
            continue
        geom = shapely.force_2d(geom)
        if not shapely.is_valid(geom):
            fixed = shapely.make_valid(geom)
            if fixed.geom_type == "GeometryCollection":
                # Parts that collapsed to lines or points carry no area; keep the polygons.
                parts = [g for g in fixed.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                fixed = shapely.union_all(parts) if parts else fixed
            if fixed.geom_type not in ("Polygon", "MultiPolygon") or fixed.is_empty:
                out.append(None)
                problems.append(f"invalid ({shapely.is_valid_reason(geom)}) and not repairable")
                continue
            geom = fixed
            repaired += 1
        if isinstance(geom, shapely.Polygon):
            geom = shapely.MultiPolygon([geom])
        if not isinstance(geom, shapely.MultiPolygon):
            out.append(None)
            problems.append(f"a {geom.geom_type}, not a polygon")
            continue
        geom = shapely.set_srid(geom, TARGET_EPSG)
        out.append(shapely.to_wkb(geom, include_srid=True))
        problems.append(None)
    return out, problems, repaired
