"""Loading one file: read -> type -> validate -> binary COPY into raw.<source>, all or nothing.

Transactions:

- The load runs in ONE transaction on the main connection: binary COPY (psycopg `set_types`)
  of the accepted rows, the quarantined rows into raw._rejects, and the update of the
  raw._load_log row to `loaded`. Any error rolls all of it back.
- `pg_advisory_xact_lock` (db.LOAD_LOCK_KEY) serialises loads, so `_load_id` order is commit
  order: a newer delivery always has the higher `_load_id` (staging picks the latest; older
  deliveries are kept, never deleted).
- The `running` log row is written first on a separate autocommit connection; after a rollback
  that connection marks it `failed` with the (masked) message. So a failed load leaves the raw
  tables unchanged but is still in the log.
- Idempotency: when a file with the same sha256 is already `loaded` for the source, nothing is
  loaded and the attempt's log row becomes `skipped_duplicate` with "already loaded (load_id N)".

Validation: by default any row-level problem rejects the whole file (the message lists up to
10 broken rules with rows, column and a masked example). With `quarantine=True` the bad rows go
to raw._rejects (one row per broken rule and cell, value masked) and the rest is loaded.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format

from loaders import log
from loaders.contract import Source, get_source
from loaders.db import LOAD_LOCK_KEY, connect, ensure_schema
from loaders.errors import FileRejected, Problem, UserError, describe_problems, mask_text
from loaders.pseudonymise import load_key
from loaders.read import GEO_FORMATS, FileInfo, inspect_file, iter_chunks, read_header
from loaders.validate import (
    Issue,
    copy_values,
    key_rule,
    match_columns,
    prepare_chunk,
    runner_for,
    validate_chunk,
)

META_COLUMNS = ("_load_id", "_source_file", "_source_row")
PG_COPY_TYPES = {
    "text": "text",
    "date": "date",
    "numeric": "numeric",
    "integer": "int4",
    "boolean": "bool",
}

ProgressFn = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Origin:
    """The delivered file behind a converted file (loaders/adapters): its name is the
    _source_file and load-log file name, the note (which adapter, what it did) goes to the log."""

    file_name: str
    note: str


class EWKB(bytes):
    """Marker type: EWKB bytes of a geometry (dumped as-is in binary COPY)."""


@dataclass
class LoadResult:
    source: str
    file_name: str
    load_id: int
    status: str  # loaded | skipped_duplicate
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    crs: str | None = None
    duplicate_of: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        if self.status == "skipped_duplicate":
            return (
                f"{self.file_name}: already loaded (load_id {self.duplicate_of}); nothing to do "
                f"(this attempt is load_id {self.load_id}, status skipped_duplicate)."
            )
        found = ", ".join(
            f"{k} {v}"
            for k, v in (
                ("encoding", self.encoding),
                ("delimiter", repr(self.delimiter) if self.delimiter else None),
                ("CRS", self.crs),
            )
            if v
        )
        text = (
            f"{self.file_name}: loaded {self.rows_loaded} of {self.rows_read} rows into "
            f"raw.{self.source} (load_id {self.load_id}"
            + (f"; {found}" if found else "")
            + f"; {self.seconds:.1f} s)."
        )
        if self.rows_rejected:
            text += f" {self.rows_rejected} rows quarantined in raw._rejects: " + describe_problems(
                self.problems
            )
        if self.notes:
            text += " Notes: " + "; ".join(self.notes) + "."
        return text


def _register_geometry(conn: psycopg.Connection) -> int:
    row = conn.execute("select 'geometry'::regtype::oid").fetchone()
    assert row is not None
    oid = int(row[0])

    class GeometryBinaryDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: Any) -> bytes:
            return bytes(obj)

    GeometryBinaryDumper.oid = oid
    conn.adapters.register_dumper(EWKB, GeometryBinaryDumper)
    return oid


def _copy_types(source: Source, geometry_oid: int | None) -> list[str | int]:
    types: list[str | int] = [PG_COPY_TYPES[col.pg_type] for col in source.columns]
    if source.geometry:
        assert geometry_oid is not None
        types.append(geometry_oid)
    return [*types, "int8", "text", "int4"]


def _check_format(source: Source, info: FileInfo) -> None:
    if source.geometry and info.format not in GEO_FORMATS:
        raise FileRejected(
            f"{info.name}: rejected (nothing loaded). Source {source.name} needs a GIS layer "
            f"(GeoPackage, GeoJSON or Shapefile), not a {info.format} file."
        )
    if not source.geometry and info.format in GEO_FORMATS:
        raise FileRejected(
            f"{info.name}: rejected (nothing loaded). Source {source.name} is tabular: deliver "
            "CSV, xlsx or Parquet."
        )


def _group(issues: list[Issue], problems: dict[tuple[str | None, str], Problem]) -> None:
    by_rule: dict[tuple[str | None, str], list[Issue]] = {}
    for issue in issues:
        by_rule.setdefault((issue.column, issue.rule), []).append(issue)
    for (column, rule), items in by_rule.items():
        problem = problems.setdefault((column, rule), Problem(column=column, rule=rule))
        problem.add(
            (i.row for i in items), (mask_text(i.value) if i.value else None for i in items)
        )


def load_file(
    source_name: str,
    path: Path,
    quarantine: bool = False,
    progress: ProgressFn | None = None,
    chunk_rows: int | None = None,
    origin: Origin | None = None,
) -> LoadResult:
    """Load one file into raw.<source_name>. Raises UserError (nothing loaded) on bad input."""
    started = time.monotonic()
    source = get_source(source_name)
    key = load_key() if source.has_cpr else None
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file.")

    conn = connect()
    log_conn = connect(autocommit=True)
    load_id: int | None = None
    info: FileInfo | None = None
    try:
        ensure_schema(conn)
        conn.execute("select pg_advisory_xact_lock(%s)", (LOAD_LOCK_KEY,))
        load_id = log.start(log_conn, source.name, origin.file_name if origin else path.name)
        info = inspect_file(path)
        if origin is not None:
            info.label = origin.file_name
            info.notes.insert(0, origin.note)
        _check_format(source, info)
        details = {
            "sha256": info.sha256,
            "encoding": info.encoding,
            "delimiter": info.delimiter,
            "crs": info.crs,
        }
        earlier = log.find_loaded(conn, source.name, info.sha256)
        if earlier is not None:
            message = f"already loaded (load_id {earlier})"
            if origin is not None:
                message += f"; {origin.note}"
            log.finish(conn, load_id, "skipped_duplicate", log.Counts(), details, message)
            conn.commit()
            return LoadResult(
                source.name, info.name, load_id, "skipped_duplicate", duplicate_of=earlier
            )
        result = _load_rows(conn, source, info, load_id, key, quarantine, progress, chunk_rows)
        details["crs"] = info.crs
        counts = log.Counts(result.rows_read, result.rows_loaded, result.rows_rejected)
        note = "; ".join(result.notes) or None
        if result.rows_rejected:
            note = f"{result.rows_rejected} rows quarantined in raw._rejects" + (
                f"; {note}" if note else ""
            )
        log.finish(conn, load_id, "loaded", counts, details, note)
        conn.commit()
        result.seconds = time.monotonic() - started
        return result
    except BaseException as exc:
        conn.rollback()
        if load_id is not None:
            message = str(exc) if isinstance(exc, UserError) else f"internal error: {exc!r}"
            if origin is not None:
                message = f"{origin.note}. {message}"
            if isinstance(exc, KeyboardInterrupt):
                message = "interrupted"
            details = {}
            if info is not None:
                details = {
                    "sha256": info.sha256 or None,
                    "encoding": info.encoding,
                    "delimiter": info.delimiter,
                    "crs": info.crs,
                }
            # If the database went away, the original error is what matters.
            with contextlib.suppress(psycopg.Error):
                log.finish(log_conn, load_id, "failed", log.Counts(), details, message)
        raise
    finally:
        conn.close()
        log_conn.close()


def _load_rows(
    conn: psycopg.Connection,
    source: Source,
    info: FileInfo,
    load_id: int,
    key: bytes | None,
    quarantine: bool,
    progress: ProgressFn | None,
    chunk_rows: int | None,
) -> LoadResult:
    headers = read_header(info) if not source.geometry else _geo_headers(info)
    match = match_columns(source, headers, info.name)
    result = LoadResult(source.name, info.name, load_id, "loaded")
    if match.unknown:
        result.notes.append(f"ignored unknown columns: {', '.join(match.unknown)}")
    runner_for(source)  # the GX import (~3 s) happens here, once per process
    geometry_oid = _register_geometry(conn) if source.geometry else None
    columns = [col.raw_name for col in source.columns]
    if source.geometry:
        columns.append("geom")
    columns.extend(META_COLUMNS)
    problems: dict[tuple[str | None, str], Problem] = {}
    rejects: list[Issue] = []
    rejected_rows: set[int] = set()
    failing = False
    key_hashes: list[np.ndarray] = []
    key_rows: list[np.ndarray] = []
    row_hashes: list[np.ndarray] = []
    exact_copies = 0
    raw_key = [source.raw_name(c) for c in source.key]
    total = info.size if info.format == "csv" else info.total_rows

    def report(done: int) -> None:
        if progress:
            progress(done, total)

    kwargs: dict[str, Any] = {"progress": report}
    if chunk_rows:
        kwargs["chunk_rows"] = chunk_rows
    with conn.cursor() as cur:
        copy_sql = f"copy raw.{source.name} ({', '.join(columns)}) from stdin (format binary)"
        with cur.copy(copy_sql) as copy:
            copy.set_types(_copy_types(source, geometry_oid))
            for chunk in iter_chunks(info, **kwargs):
                result.rows_read += len(chunk)
                prepared = prepare_chunk(source, chunk, match, key, info.decimal_comma)
                issues = validate_chunk(source, prepared)
                if issues:
                    _group(issues, problems)
                    bad = {i.row for i in issues}
                    rejected_rows |= bad
                    if quarantine:
                        rejects.extend(issues)
                    else:
                        failing = True
                if failing:
                    continue  # keep validating for a complete report, write nothing
                good = prepared.frame.index
                if issues:
                    good = good[~good.isin(list({i.row for i in issues}))]
                if raw_key and len(good):
                    key_hashes.append(
                        pd.util.hash_pandas_object(
                            prepared.frame.loc[good, raw_key], index=False
                        ).to_numpy()
                    )
                    assert prepared.row_hash is not None
                    row_hashes.append(prepared.row_hash.loc[good].to_numpy())
                    key_rows.append(good.to_numpy())
                    exact_copies += int(
                        (prepared.first_row.loc[good] != good).sum()  # type: ignore[union-attr]
                    )
                values = copy_values(source, prepared, good)
                if source.geometry:
                    values[-1] = [EWKB(v) if v is not None else None for v in values[-1]]
                n = len(good)
                values.append([load_id] * n)
                values.append([info.name] * n)
                values.append(good.tolist())
                write = copy.write_row
                for row in zip(*values, strict=True):
                    write(row)
                result.rows_loaded += n

    duplicates, copies_across = _cross_chunk_duplicates(key_hashes, row_hashes, key_rows)
    exact_copies += copies_across
    if exact_copies and not failing:
        result.notes.append(
            f"{exact_copies} rows are exact copies of an earlier row (loaded as delivered; "
            "staging keeps one)"
        )
    if duplicates.size:
        rule = key_rule(source)
        column = ", ".join(source.key)
        dup_issues = [Issue(int(r), column, rule, None) for r in duplicates.tolist()]
        _group(dup_issues, problems)
        rejected_rows |= set(duplicates.tolist())
        if quarantine:
            rejects.extend(dup_issues)
            conn.execute(
                f"delete from raw.{source.name} where _load_id = %s and _source_row = any(%s)",
                (load_id, duplicates.tolist()),
            )
            result.rows_loaded -= int(duplicates.size)
        else:
            failing = True
    if failing:
        raise FileRejected(
            f"{info.name}: rejected (nothing loaded). "
            + describe_problems(list(problems.values()))
            + " Fix the file, or load with --quarantine to load the valid rows and keep the "
            "others in raw._rejects."
        )
    if rejects:
        _write_rejects(conn, source, info, load_id, rejects)
    if source.geometry:
        result.notes.extend(_area_overlaps(conn, load_id))
    result.rows_rejected = len(rejected_rows)
    result.problems = list(problems.values())
    result.encoding, result.delimiter, result.crs = info.encoding, info.delimiter, info.crs
    result.notes.extend(info.notes)
    if result.rows_read == 0:
        raise FileRejected(f"{info.name}: rejected (nothing loaded). The file has no data rows.")
    return result


def _cross_chunk_duplicates(
    key_hashes: list[np.ndarray], row_hashes: list[np.ndarray], rows: list[np.ndarray]
) -> tuple[np.ndarray, int]:
    """(rows whose key repeats in another chunk with different values, exact copies found
    across chunks). Within a chunk GX has checked the key already."""
    if len(key_hashes) < 2:
        return np.array([], dtype=np.int64), 0
    frame = pd.DataFrame(
        {
            "key": np.concatenate(key_hashes),
            "row_hash": np.concatenate(row_hashes),
            "row": np.concatenate(rows),
            "chunk": np.concatenate([np.full(len(h), i) for i, h in enumerate(key_hashes)]),
        }
    )
    repeated = frame[frame["key"].duplicated(keep=False)]
    if repeated.empty:
        return np.array([], dtype=np.int64), 0
    groups = repeated.groupby("key")
    spans = groups["chunk"].transform("nunique") > 1
    conflicting = groups["row_hash"].transform("nunique") > 1
    bad = np.sort(repeated.loc[spans & conflicting, "row"].to_numpy())
    copies = repeated[spans & ~conflicting]
    # Copies within one chunk were counted per chunk; each further chunk adds one more copy.
    across = int(copies.groupby("key")["chunk"].nunique().sub(1).sum()) if len(copies) else 0
    return bad, across


def _write_rejects(
    conn: psycopg.Connection, source: Source, info: FileInfo, load_id: int, rejects: list[Issue]
) -> None:
    with conn.cursor() as cur:
        sql = (
            "copy raw._rejects (load_id, source, file_name, source_row, column_name, rule, "
            "masked_value, reason) from stdin (format binary)"
        )
        with cur.copy(sql) as copy:
            copy.set_types(["int8", "text", "text", "int4", "text", "text", "text", "text"])
            for issue in sorted(rejects, key=lambda i: i.row):
                value = mask_text(issue.value) if issue.value else None
                reason = f"row {issue.row} breaks rule '{issue.rule}'" + (
                    f" (value '{value}')" if value else ""
                )
                copy.write_row(
                    (
                        load_id,
                        source.name,
                        info.name,
                        issue.row,
                        issue.column,
                        issue.rule,
                        value,
                        reason,
                    )
                )


def _area_overlaps(conn: psycopg.Connection, load_id: int, limit: int = 10) -> list[str]:
    """Areas of one level whose validity and polygons overlap (> 1 m²): reported, not rejected."""
    rows = conn.execute(
        "select a.area_level, a.area_id, b.area_id, "
        "round(st_area(st_intersection(a.geom, b.geom))::numeric) "
        "from raw.areas a join raw.areas b "
        "on a._load_id = %(id)s and b._load_id = %(id)s and a.area_level = b.area_level "
        "and a.area_id < b.area_id and a.geom && b.geom "
        "and daterange(a.valid_from, a.valid_to) && daterange(b.valid_from, b.valid_to) "
        "where st_area(st_intersection(a.geom, b.geom)) > 1.0 "
        "order by 1, 2, 3 limit %(limit)s",
        {"id": load_id, "limit": limit + 1},
    ).fetchall()
    if not rows:
        return []
    shown = ", ".join(f"{level} {a}/{b} ({m2} m²)" for level, a, b, m2 in rows[:limit])
    more = " and more" if len(rows) > limit else ""
    return [f"areas overlapping within their level (kept, check the layer): {shown}{more}"]


def _geo_headers(info: FileInfo) -> list[str]:
    from loaders.read import GEOM_COLUMN, GEOM_PROBLEM_COLUMN, LAYER_COLUMN

    return [*read_header(info), LAYER_COLUMN, GEOM_COLUMN, GEOM_PROBLEM_COLUMN]
