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
import contextlib
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

from loaders.errors import FileRejected, shorten

CHUNK_ROWS = 100_000
# The csv module's default field limit (128 KiB) would crash on a legal but huge field (pandas
# reads those); values are judged by the value rules instead.
csv.field_size_limit(2**31 - 1)
HASH_BLOCK = 1 << 20
TARGET_EPSG = 25832
LAYER_COLUMN = "__layer__"
GEOM_COLUMN = "__geom__"  # EWKB bytes (SRID 25832, MultiPolygon) or None
GEOM_PROBLEM_COLUMN = "__geom_problem__"  # why the geometry was rejected, or None
GEOM_EXTENT_COLUMN = "__geom_extent__"  # the extent of a geometry outside Denmark, or None
GEO_COLUMNS = (LAYER_COLUMN, GEOM_COLUMN, GEOM_PROBLEM_COLUMN, GEOM_EXTENT_COLUMN)

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
# A UTF-8 encoded Latin-1 letter (æøåé...). In Windows-1252 these bytes read as 'Ã' and a
# symbol, which Danish text never has: in a file that is otherwise not UTF-8 they mean mixed
# encodings.
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
TAIL_BYTES = 1 << 16  # the end of the file kept for the truncation check

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
    not_utf8_line: int | None = None  # first line with a byte sequence that is not UTF-8
    not_cp1252_line: int | None = None  # first line with a byte undefined in Windows-1252
    utf8_letter_line: int | None = None  # first line with a UTF-8 encoded letter (e.g. ø)
    lines = 1  # line number at the start of the current block
    bom = False
    last = b""
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            if not is_csv:
                info.size += len(block)
                continue
            if info.size == 0:
                bom = block.startswith(codecs.BOM_UTF8)
            info.size += len(block)
            if control := _NOT_TEXT.search(block):
                line = lines + block.count(b"\n", 0, control.start())
                raise FileRejected(
                    f"{path.name}: rejected (nothing loaded). The file is not text in UTF-8 or "
                    f"Windows-1252 (line {line} contains control or NUL bytes; UTF-16 and "
                    "binary files, e.g. a renamed spreadsheet, are not accepted). Save it as "
                    "CSV UTF-8."
                )
            if not_utf8_line is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    not_utf8_line = lines + block.count(b"\n", 0, max(exc.start, 0))
            if not_cp1252_line is None and (bad := _CP1252_UNDEFINED.search(block)):
                not_cp1252_line = lines + block.count(b"\n", 0, bad.start())
            if utf8_letter_line is None and (letter := _UTF8_LETTER.search(block)):
                utf8_letter_line = lines + block.count(b"\n", 0, letter.start())
            lines += block.count(b"\n")
            last = (last + block)[-TAIL_BYTES:]
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
    if not_utf8_line is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            not_utf8_line = lines
    if not_utf8_line is None:
        info.encoding = "utf-8-sig" if bom else "utf-8"
    elif bom:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). The file starts with a UTF-8 byte order "
            f"mark but line {not_utf8_line} is not valid UTF-8 (mixed encodings). Save the "
            "whole file as CSV UTF-8."
        )
    elif not_cp1252_line is not None:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). The file is neither valid UTF-8 nor "
            f"Windows-1252 text (line {not_cp1252_line} has bytes that are undefined in both). "
            "Save it as CSV UTF-8."
        )
    elif utf8_letter_line is not None:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). The file mixes encodings: line "
            f"{utf8_letter_line} has UTF-8 letters (such as ø), line {not_utf8_line} is not "
            "UTF-8 (Windows-1252?), so one of them would be read wrongly. Save the whole file "
            "as CSV UTF-8."
        )
    else:
        info.encoding = "cp1252"
    info.delimiter = sniff_delimiter(path, info.encoding)
    _check_first_and_last_rows(info, last, lines)
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


def _field_count(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _check_first_and_last_rows(info: FileInfo, tail: bytes, lines: int) -> None:
    """Reject rows with fewer fields than the header where that is cheap to see.

    pandas fills missing trailing fields with empty values, so a data row written with another
    delimiter, or a file cut off in its last line, would load with silently empty columns. The
    first data row and the last line are checked here (a short row elsewhere shifts values into
    the wrong columns, which the value rules catch).
    """
    assert info.encoding and info.delimiter
    with info.path.open("r", encoding=info.encoding, newline="") as handle:
        records = csv.reader(handle, delimiter=info.delimiter)
        header = next(records, [])
        width = len(header)
        while width and not header[width - 1].strip():
            width -= 1  # a trailing delimiter after the last name
        first = next((r for r in records if any(v.strip() for v in r)), None)
        first_line = records.line_num
    if first is not None and len(first) < width:
        raise FileRejected(
            f"{info.name}: rejected (nothing loaded). The CSV structure is broken: line "
            f"{first_line} (the first data row) has {len(first)} field"
            f"{'s' if len(first) != 1 else ''} but the header has {width} (separated by "
            f"'{info.delimiter}'). Check that the data rows use the same delimiter as the header."
        )
    body = tail.rstrip(b"\r\n")
    ends_with_break = len(body) < len(tail)
    last_line_number = lines - tail[len(body) :].count(b"\n")
    if b"\n" not in body or b'"' in body.rsplit(b"\n", 1)[1] or last_line_number < 3:
        return  # a line longer than the tail, a quoted field (may span lines), or no data row
    last = body.rsplit(b"\n", 1)[1].decode(info.encoding.replace("-sig", ""), "replace")
    count = _field_count(last.rstrip("\r"), info.delimiter)
    if 0 < count < width:
        truncated = (
            ""
            if ends_with_break
            else (
                " and the file does not end with a line break: it looks truncated (deliver the "
                "complete file)"
            )
        )
        raise FileRejected(
            f"{info.name}: rejected (nothing loaded). The CSV structure is broken: the last line "
            f"(line {last_line_number}) has {count} field{'s' if count != 1 else ''} but the "
            f"header has {width}{truncated}."
        )


FORMAT_WORDS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "parquet": "a Parquet file",
    "gpkg": "a GeoPackage",
    "geojson": "GeoJSON",
    "shp": "a Shapefile",
}


def _unreadable_errors() -> tuple[type[BaseException], ...]:
    """What the format libraries raise for a damaged, truncated or mislabelled file."""
    import zipfile

    import pyarrow as pa
    import pyogrio.errors
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        zipfile.BadZipFile,
        InvalidFileException,
        pa.ArrowException,
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
        EOFError,
        OSError,
        KeyError,  # openpyxl: a zip without the workbook parts
        SyntaxError,  # XML parse errors inside the workbook
        ValueError,
    )


@contextlib.contextmanager
def _readable(info: FileInfo) -> Iterator[None]:
    """Turn a format library's failure on a damaged file into a clear rejection (exit 1)."""
    if info.format == "csv":
        yield
        return
    try:
        yield
    except FileRejected:
        raise
    except _unreadable_errors() as exc:
        detail = shorten(" ".join(str(exc).split()) or type(exc).__name__, 160)
        raise FileRejected(
            f"{info.name}: rejected (nothing loaded). The file cannot be read as "
            f"{FORMAT_WORDS.get(info.format, info.format)} ({detail}): it is damaged, cut off, "
            "or another kind of file with this extension. Export it again."
        ) from None


def read_header(info: FileInfo) -> list[str]:
    """The delivered column names (for source detection and column matching)."""
    with _readable(info):
        return _read_header(info)


def _read_header(info: FileInfo) -> list[str]:
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
    with _readable(info):
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


def _merged_ranges(book: object, sheet: object) -> list[str]:
    """The merged cell ranges of a read-only worksheet (openpyxl does not parse them there)."""
    archive = getattr(book, "_archive", None)
    path = getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    found: list[str] = []
    carry = b""
    with archive.open(path) as handle:
        while block := handle.read(HASH_BLOCK):
            text = carry + block
            found.extend(m.decode("ascii") for m in _MERGE_CELL.findall(text))
            carry = text[-200:] if not found else b""
            if found:
                break  # one is enough to reject; the message lists the first
    return found


def _xlsx_chunks(
    info: FileInfo, chunk_rows: int, progress: ProgressFn | None
) -> Iterator[pd.DataFrame]:
    """Cached values of the first worksheet; formulas without a cached value and merged cells
    reject the file (both would otherwise load as silently empty cells). Formulas are never
    evaluated here: a formula cell loads the value Excel computed and saved with it."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(info.path, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        merged = _merged_ranges(book, sheet)
        if merged:
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). Worksheet '{sheet.title}' has merged "
                f"cells ({merged[0]}); a merged cell keeps its value only in its first cell, so "
                "the other rows would load as empty. Unmerge the cells and fill in every row."
            )
        rows = sheet.iter_rows(values_only=True)
        formula_rows = formulas.worksheets[0].iter_rows(values_only=True)
        header_row = next(rows, None)
        next(formula_rows, None)
        if header_row is None:
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). The first worksheet is empty; a header "
                "row naming the columns is required."
            )
        header = [str(v).strip() if v is not None else "" for v in header_row]
        width = len(header)
        buffer: list[list[str | None]] = []
        numbers: list[int] = []
        uncomputed: list[str] = []
        row_number = 0
        for values, written in zip(rows, formula_rows, strict=False):
            row_number += 1
            for i, (value, text) in enumerate(zip(values[:width], written[:width], strict=False)):
                if value is None and isinstance(text, str) and text.startswith("="):
                    cell = f"{get_column_letter(i + 1)}{row_number + 1}"
                    uncomputed.append(f"{cell} ({header[i]}) {shorten(text)}")
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
        if uncomputed:
            raise FileRejected(
                f"{info.name}: rejected (nothing loaded). {len(uncomputed)} cell"
                f"{'s hold formulas' if len(uncomputed) > 1 else ' holds a formula'} without a "
                f"saved result, e.g. {', '.join(uncomputed[:3])}; formulas are not evaluated by "
                "the loader. Open the file in Excel and save it (or paste the cells as values)."
            )
        if buffer:
            yield pd.DataFrame(buffer, columns=header, index=numbers, dtype=object)
    finally:
        book.close()
        formulas.close()


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
        extent = outside_denmark(gdf.geometry.to_numpy(), crs_label)
        ewkb, problems, repaired = polygonal_ewkb(gdf.geometry.to_numpy())
        if repaired:
            info.notes.append(
                f"layer '{layer}': {repaired} invalid geometries repaired with make_valid"
            )
        attributes = _frame_to_text(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
        attributes[LAYER_COLUMN] = layer
        attributes[GEOM_COLUMN] = ewkb
        attributes[GEOM_PROBLEM_COLUMN] = problems
        attributes[GEOM_EXTENT_COLUMN] = extent
        attributes.index = pd.RangeIndex(start, start + len(attributes))
        start += len(attributes)
        if progress:
            progress(start - 1)
        yield attributes
    info.crs = ", ".join(sorted(set(crs_found))) or None
    info.total_rows = start - 1


def denmark_box() -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of Denmark in EPSG:25832: the contract's address x/y ranges."""
    from loaders.contract import get_source

    x, y = get_source("addresses").column("x"), get_source("addresses").column("y")
    assert None not in (x.min_value, y.min_value, x.max_value, y.max_value)
    return (x.min_value, y.min_value, x.max_value, y.max_value)  # type: ignore[return-value]


def outside_denmark(geoms: np.ndarray, crs_label: str) -> list[str | None]:
    """Per geometry (already in EPSG:25832): its extent when it is not inside Denmark, else None.

    A layer whose declared CRS is wrong (lon/lat degrees labelled EPSG:25832, UTM metres
    labelled EPSG:4326) lands far from Denmark or on infinite coordinates after reprojection.
    """
    import shapely

    xmin, ymin, xmax, ymax = denmark_box()
    bounds = shapely.bounds(geoms)  # NaN for missing or empty geometries (another rule)
    out: list[str | None] = []
    for x0, y0, x1, y1 in bounds.tolist():
        if np.isnan(x0):
            out.append(None)
        elif not np.isfinite([x0, y0, x1, y1]).all():
            out.append(f"coordinates not finite after reprojection from {crs_label}")
        elif x0 < xmin or x1 > xmax or y0 < ymin or y1 > ymax:
            out.append(f"x {x0:.6g}..{x1:.6g}, y {y0:.6g}..{y1:.6g} read as {crs_label}")
        else:
            out.append(None)
    return out


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
            with np.errstate(invalid="ignore"):  # infinite coordinates: rejected below
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
