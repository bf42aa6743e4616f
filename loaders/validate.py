"""Column matching, typing and validation (great-expectations 1.x) of delivered chunks.

Steps per chunk:

1. `match_columns`: delivered header -> canonical names (aliases from the contract); a missing
   required column rejects the file.
2. `prepare_chunk`: text -> typed values (dates in three notations, decimal comma in `;` files,
   booleans in Danish and English, CPR -> person_key). A value that does not parse becomes NULL
   and its masked original goes to the companion column `<column>__invalid`.
3. `validate_chunk`: the source's expectation suite (generated from the contract, kept in
   `loaders/expectations/<source>.json`) runs in an ephemeral GX context on the typed frame. GX
   results are translated into `Issue`s (row, column, rule, masked example).

Uniqueness across chunks of a large file is checked by the loader with key hashes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loaders.contract import (
    FALSE_WORDS,
    SOURCES,
    TRUE_WORDS,
    Column,
    Source,
    header_map,
    normalise_header,
    parse_rule,
)
from loaders.errors import FileRejected
from loaders.pseudonymise import pseudonymise_series
from loaders.read import GEOM_COLUMN, GEOM_PROBLEM_COLUMN, LAYER_COLUMN

EXPECTATIONS_DIR = Path(__file__).parent / "expectations"
INVALID_SUFFIX = "__invalid"
ONE_OF_PREFIX = "__missing_one_of__"
COPY_COLUMN = "__exact_copy_no__"
GEOM_RULE = "geometry is a valid Polygon or MultiPolygon (repaired with make_valid when possible)"

_PATTERN_WORDS = {
    r"^[0-9]{4}$": "4 digits",
    r"^[0-9]{3}$": "3 digits",
    r"^[0-9]{4}-(?:0[1-9]|1[0-2])$": "a month YYYY-MM",
    r"^(?:[0-9]{1,4}|[A-Za-z]{2,3})$": "a country code (DST/CPR number or ISO letters)",
    r"^[0-9]{8}.{1,11}$": "a CPR-style KVHX (kommune 4, vej 4, husnr, etage, doer)",
}


def pattern_words(pattern: str) -> str:
    if pattern.startswith("^[0-9A-Fa-f]{8}-"):
        return "a UUID"
    if pattern.startswith(r"^\s*(?:udsat"):
        return "';'-separated list categories"
    return _PATTERN_WORDS.get(pattern, f"the pattern {pattern}")


# --------------------------------------------------------------------------- column matching


@dataclass
class ColumnMatch:
    mapping: dict[str, str]  # delivered name -> canonical name
    unknown: list[str]  # delivered names not in the contract (ignored)
    layer_as_area_level: bool = False


def match_columns(source: Source, headers: list[str], file_name: str) -> ColumnMatch:
    """Map the delivered header to canonical names; reject missing required columns."""
    from loaders.errors import mask_text

    accepted = header_map(source)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for name in headers:
        if name in (LAYER_COLUMN, GEOM_COLUMN, GEOM_PROBLEM_COLUMN):
            continue
        canonical = accepted.get(normalise_header(name))
        if canonical is None:
            if name.strip():
                unknown.append(mask_text(name))
            continue
        if canonical in seen:
            raise FileRejected(
                f"{file_name}: rejected (nothing loaded). Columns '{mask_text(seen[canonical])}' "
                f"and '{mask_text(name)}' both mean {canonical}; deliver only one of them."
            )
        seen[canonical] = name
        mapping[name] = canonical
    layer_as_level = False
    missing = [c for c in source.required_columns if c not in seen]
    if source.geometry and "area_level" in missing and LAYER_COLUMN in headers:
        missing.remove("area_level")
        layer_as_level = True
    if missing:

        def described(name: str) -> str:
            aliases = source.column(name).aliases
            return f"{name} (or {'/'.join(aliases[:3])})" if aliases else name

        got = (
            ", ".join(
                mask_text(h)
                for h in headers
                if h not in (LAYER_COLUMN, GEOM_COLUMN, GEOM_PROBLEM_COLUMN)
            )
            or "nothing"
        )
        hint = ""
        if not mapping:
            hint = " The first row must be a header row naming the columns."
        raise FileRejected(
            f"{file_name}: rejected (nothing loaded). Required column"
            f"{'s' if len(missing) > 1 else ''} missing for source {source.name}: "
            f"{', '.join(described(m) for m in missing)}. The header has: {got}.{hint}"
        )
    return ColumnMatch(mapping=mapping, unknown=unknown, layer_as_area_level=layer_as_level)


def detect_source(headers: list[str]) -> Source | None:
    """The source whose required columns are all in the header (best overlap wins)."""
    normalised = {normalise_header(h) for h in headers}
    candidates: list[tuple[int, int, Source]] = []
    for source in SOURCES:
        accepted = header_map(source)
        present = {accepted[h] for h in normalised if h in accepted}
        if all(c in present for c in source.required_columns):
            candidates.append((len(present), -len(source.columns), source))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    if len(candidates) > 1 and candidates[0][:2] == candidates[1][:2]:
        return None
    return candidates[0][2]


# --------------------------------------------------------------------------- typing

_INT = r"^[+-]?\d+$"
_NUM = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_EPOCH = dt.date(1970, 1, 1).toordinal()


@dataclass
class Prepared:
    """A typed chunk: `frame` for GX (raw names + companion columns), values for COPY."""

    frame: pd.DataFrame
    numeric_text: dict[str, pd.Series]  # normalised numeric strings -> Decimal for COPY
    geom: pd.Series | None = None
    row_hash: pd.Series | None = None  # 64-bit hash of the whole typed row
    first_row: pd.Series | None = None  # row number of the first identical row in the chunk


def as_text(values: pd.Series) -> pd.Series:
    """Arrow-backed strings (pandas `str` dtype, NaN for missing): vectorised string ops."""
    return values if values.dtype == "str" else values.astype("str")


def _strip(values: pd.Series, kind: str) -> pd.Series:
    """Trimmed text (kept as delivered for `verbatim`), NaN for empty or blank cells."""
    text = as_text(values)
    stripped = text.str.strip()
    result = text if kind == "verbatim" else stripped
    return result.where(stripped.str.len() > 0)


DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(datetime64 with NaT, bool mask of unparseable non-null values).

    ISO, DD-MM-YYYY and DD.MM.YYYY (one-digit day/month accepted); a time part of exactly
    midnight is ignored (spreadsheet exports). Impossible dates (31-02) are unparseable.
    """
    text = as_text(text)
    present = text.notna()
    text = text.str.replace(r"[ T]00:00(?::00(?:\.0+)?)?$", "", regex=True)
    result = pd.to_datetime(text, format=DATE_FORMATS[0], errors="coerce")
    for fmt in DATE_FORMATS[1:]:
        todo = present & result.isna()
        if not todo.any():
            break
        result = result.where(~todo, pd.to_datetime(text.where(todo), format=fmt, errors="coerce"))
    return result, present & result.isna()


def _parse_column(
    col: Column, values: pd.Series, key: bytes | None, decimal_comma: bool
) -> tuple[pd.Series, pd.Series | None, pd.Series | None]:
    """(typed values, invalid originals or None, numeric text or None)."""
    text = _strip(values, col.kind)
    present = text.notna()
    if col.kind in ("text", "code", "verbatim"):
        if col.pad and present.any():
            short = text.str.fullmatch(r"\d+") & (text.str.len() < col.pad)
            if short.any():
                text = text.where(~short, text.str.zfill(col.pad))
        return text, None, None
    if col.kind == "cpr":
        if key is None:
            raise RuntimeError("CPR column without a pseudonymisation key")
        keys, invalid = pseudonymise_series(text, key)
        return keys, invalid, None
    if col.kind == "date":
        parsed, bad = parse_dates(text)
        return parsed, text.where(bad), None
    if col.kind == "boolean":
        lowered = text.str.lower()
        truth = lowered.isin(TRUE_WORDS).to_numpy(dtype=bool)
        falsity = lowered.isin(FALSE_WORDS).to_numpy(dtype=bool)
        typed = pd.Series(
            np.where(truth, True, np.where(falsity, False, None)), index=text.index, dtype=object
        )
        bad = present & ~truth & ~falsity
        return typed, text.where(bad), None
    # numeric / integer
    normal = text
    if decimal_comma:
        normal = normal.str.replace(",", ".", regex=False)
    normal = normal.str.replace(" ", "", regex=False)
    if col.kind == "integer":
        normal = normal.str.replace(r"\.0+$", "", regex=True)
    ok = normal.str.fullmatch(_INT if col.kind == "integer" else _NUM).fillna(False) & present
    number = pd.to_numeric(normal.where(ok), errors="coerce")
    typed = number.astype("Int64") if col.kind == "integer" else number.astype("float64")
    return typed, text.where(present & ~ok), normal.where(ok)


def prepare_chunk(
    source: Source,
    chunk: pd.DataFrame,
    match: ColumnMatch,
    key: bytes | None,
    decimal_comma: bool,
) -> Prepared:
    """Typed frame for validation and COPY; parse failures go to `<column>__invalid`."""
    by_canonical = {canonical: name for name, canonical in match.mapping.items()}
    frame: dict[str, Any] = {}
    numeric_text: dict[str, pd.Series] = {}
    empty = pd.Series(np.nan, index=chunk.index, dtype="str")
    for col in source.columns:
        if col.name in by_canonical:
            values = chunk[by_canonical[col.name]]
        elif col.name == "area_level" and match.layer_as_area_level:
            values = chunk[LAYER_COLUMN]
        else:
            values = empty
        typed, invalid, number_text = _parse_column(col, values, key, decimal_comma)
        frame[col.raw_name] = typed
        if col.kind in ("cpr", "date", "boolean", "numeric", "integer"):
            frame[col.name + INVALID_SUFFIX] = invalid if invalid is not None else empty
        if number_text is not None:
            numeric_text[col.raw_name] = number_text
    for group in source.one_of:
        missing = pd.Series(True, index=chunk.index)
        for name in group:
            raw = source.raw_name(name)
            missing &= frame[raw].isna()
            if name + INVALID_SUFFIX in frame:
                missing &= frame[name + INVALID_SUFFIX].isna()
        frame[ONE_OF_PREFIX + "_".join(group)] = pd.Series(
            np.where(missing, "all empty", None), index=chunk.index, dtype=object
        )
    geom = None
    if source.geometry:
        geom = chunk.get(GEOM_COLUMN, empty)
        frame["geom" + INVALID_SUFFIX] = as_text(chunk.get(GEOM_PROBLEM_COLUMN, empty))
    typed = pd.DataFrame(frame, index=chunk.index)
    row_hash = first_row = None
    if source.key:
        # Exact copies of a row (a common export artefact) are allowed and reported: the key
        # must be unique among distinct rows. COPY_COLUMN numbers the copies of each row.
        hashed = typed[[c for c in typed.columns if not c.startswith(ONE_OF_PREFIX)]].copy()
        if geom is not None:
            hashed["geom"] = geom.map(lambda g: g.hex() if isinstance(g, bytes) else "")
        row_hash = pd.util.hash_pandas_object(hashed, index=False)
        typed[COPY_COLUMN] = row_hash.groupby(row_hash).cumcount().astype("int64")
        positions = pd.Series(typed.index, index=typed.index)
        first_row = positions.groupby(row_hash.to_numpy()).transform("first")
    return Prepared(
        frame=typed,
        numeric_text=numeric_text,
        geom=geom,
        row_hash=row_hash,
        first_row=first_row,
    )


def copy_values(source: Source, prepared: Prepared, rows: pd.Index) -> list[list[Any]]:
    """Python values per COPY column (raw order) for the given rows."""
    out: list[list[Any]] = []
    frame = prepared.frame.loc[rows]
    for col in source.columns:
        series = frame[col.raw_name]
        if col.kind == "date":
            days = series.to_numpy(dtype="datetime64[D]")
            nat = np.isnat(days)
            ordinals = days.astype("int64") + _EPOCH
            out.append(
                [
                    None if missing else dt.date.fromordinal(int(o))
                    for o, missing in zip(ordinals.tolist(), nat.tolist(), strict=True)
                ]
            )
        elif col.kind == "numeric":
            texts = prepared.numeric_text[col.raw_name].loc[rows]
            out.append(
                [None if t is None else Decimal(t) for t in texts.to_numpy(object, na_value=None)]
            )
        elif col.kind == "integer":
            out.append(series.astype(object).where(series.notna(), None).tolist())
        elif col.kind == "boolean":
            out.append(series.tolist())
        else:
            out.append(series.to_numpy(dtype=object, na_value=None).tolist())
    if source.geometry and prepared.geom is not None:
        out.append(prepared.geom.loc[rows].tolist())
    return out


# --------------------------------------------------------------------------- expectations


def _exp(kind: str, meta: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": meta}


def expectation_specs(source: Source) -> list[dict[str, Any]]:
    """The source's suite, in priority order (the first broken rule per cell is reported)."""
    # Required columns are checked on the header before typing (a clear file-level message);
    # the typed frame always holds every contract column (absent optional ones as NULL).
    # One table-level expectation: GX 1.24 treats expect_column_to_exist for different columns
    # as duplicates of each other and keeps only one.
    raw_columns = [col.raw_name for col in source.columns]
    specs: list[dict[str, Any]] = [
        _exp(
            "expect_table_columns_to_match_set",
            {"column": None, "rule": "the file has the contract's columns"},
            column_set=raw_columns,
            exact_match=False,
        )
    ]
    if source.geometry:
        specs.append(
            _exp(
                "expect_column_values_to_be_null",
                {"column": "geom", "rule": GEOM_RULE},
                column="geom" + INVALID_SUFFIX,
            )
        )
    for col in source.columns:
        if col.kind in ("cpr", "date", "boolean", "numeric", "integer"):
            specs.append(
                _exp(
                    "expect_column_values_to_be_null",
                    {"column": col.name, "rule": parse_rule(col), "check": "type parses"},
                    column=col.name + INVALID_SUFFIX,
                )
            )
    for col in source.columns:
        if not col.nullable:
            specs.append(
                _exp(
                    "expect_column_values_to_not_be_null",
                    {"column": col.name, "rule": f"{col.name} is not empty"},
                    column=col.raw_name,
                )
            )
    for group in source.one_of:
        specs.append(
            _exp(
                "expect_column_values_to_be_null",
                {
                    "column": ", ".join(group),
                    "rule": f"at least one of {' or '.join(group)} is given",
                },
                column=ONE_OF_PREFIX + "_".join(group),
            )
        )
    for col in source.columns:
        if col.codes:
            specs.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    {"column": col.name, "rule": f"{col.name} is one of {', '.join(col.codes)}"},
                    column=col.raw_name,
                    value_set=list(col.codes),
                )
            )
        if col.pattern:
            specs.append(
                _exp(
                    "expect_column_values_to_match_regex",
                    {"column": col.name, "rule": f"{col.name} is {pattern_words(col.pattern)}"},
                    column=col.raw_name,
                    regex=col.pattern,
                )
            )
        if col.min_value is not None or col.max_value is not None:
            lo, hi = col.min_value, col.max_value
            if lo is not None and hi is not None:
                words = f"between {lo:g} and {hi:g}"
            elif lo is not None:
                words = f"at least {lo:g}"
            else:
                words = f"at most {hi:g}"
            specs.append(
                _exp(
                    "expect_column_values_to_be_between",
                    {"column": col.name, "rule": f"{col.name} is {words}"},
                    column=col.raw_name,
                    min_value=lo,
                    max_value=hi,
                )
            )
    for start, end in source.intervals:
        specs.append(
            _exp(
                "expect_column_pair_values_a_to_be_greater_than_b",
                {"column": f"{start}, {end}", "rule": f"{start} <= {end} (interval from <= to)"},
                column_A=source.raw_name(end),
                column_B=source.raw_name(start),
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    if source.key:
        raw_key = [source.raw_name(c) for c in source.key]
        meta = {"column": ", ".join(source.key), "rule": key_rule(source)}
        specs.append(
            _exp(
                "expect_compound_columns_to_be_unique",
                meta,
                column_list=[*raw_key, COPY_COLUMN],
                ignore_row_if="never",
            )
        )
    return specs


def key_rule(source: Source) -> str:
    return f"the key ({', '.join(source.key)}) is unique within the file"


def suite_json(source: Source) -> dict[str, Any]:
    """The committed GX suite (GX 1.x ExpectationSuite JSON, without generated ids)."""
    return {
        "name": f"boligmon.{source.name}",
        "expectations": expectation_specs(source),
        "meta": {
            "generated_by": "loaders.validate.suite_json from loaders/contract.py; do not edit",
            "source": source.name,
            "note": (
                "Runs on the typed frame built by prepare_chunk: CPR columns are already "
                "person_key; '<column>__invalid' holds values that failed to parse; "
                f"'{COPY_COLUMN}' numbers exact copies of a row (0 for the first), so the key "
                "must be unique among distinct rows while exact copies are reported, not "
                "rejected."
            ),
        },
        "notes": None,
    }


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for source in SOURCES:
        path = directory / f"{source.name}.json"
        path.write_text(json.dumps(suite_json(source), indent=2, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- running GX


@dataclass
class Issue:
    row: int
    column: str | None
    rule: str
    value: str | None  # masked when personal


class SuiteRunner:
    """An ephemeral GX context with the source's suite; reused for every chunk of a file."""

    def __init__(self, source: Source) -> None:
        import logging

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        self.source = source
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        data_source = self.context.data_sources.add_pandas(f"boligmon_{source.name}")
        asset = data_source.add_dataframe_asset(source.name)
        self.batch_definition = asset.add_batch_definition_whole_dataframe("chunk")
        suite = gx.ExpectationSuite(name=f"boligmon.{source.name}")
        specs = expectation_specs(source)
        for spec in specs:
            suite.add_expectation_configuration(ExpectationConfiguration(**spec))
        if len(suite.expectations) != len(specs):
            raise RuntimeError(
                f"GX kept {len(suite.expectations)} of {len(specs)} expectations for "
                f"{source.name}: two specs are equivalent to GX"
            )
        self.suite = self.context.suites.add(suite)

    def run(self, frame: pd.DataFrame) -> list[Issue]:
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(self.suite, result_format={"result_format": "COMPLETE"})
        issues: list[Issue] = []
        for item in result.results:
            if item.exception_info and item.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"great-expectations failed on {item.expectation_config.type}: "
                    f"{item.exception_info.get('exception_message')}"
                )
            if item.success:
                continue
            meta = item.expectation_config.meta or {}
            rows = item.result.get("unexpected_index_list") or []
            values = item.result.get("unexpected_list") or [None] * len(rows)
            if item.expectation_config.type.startswith("expect_table_"):
                raise RuntimeError(f"typed frame lacks contract columns: {item.result}")
            is_pair = item.expectation_config.type.startswith("expect_column_pair_values")
            for row, value in zip(rows, values, strict=False):
                row_number = row if isinstance(row, int | np.integer) else row.get("index")
                if is_pair and isinstance(value, tuple | list) and len(value) == 2:
                    # column_A is the interval end, column_B its start
                    start, end = str(meta.get("column", "from, to")).split(", ")
                    shown = f"{start}={_show(value[1])}, {end}={_show(value[0])}"
                else:
                    shown = _show(value)
                issues.append(Issue(int(row_number), meta.get("column"), meta["rule"], shown))
        return issues


_RUNNERS: dict[str, SuiteRunner] = {}


def runner_for(source: Source) -> SuiteRunner:
    if source.name not in _RUNNERS:
        _RUNNERS[source.name] = SuiteRunner(source)
    return _RUNNERS[source.name]


def _show(value: Any) -> str | None:
    """An example value for messages: pseudonyms shortened, dates as ISO."""
    if value is None:
        return None
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items() if not k.startswith("__"))
    if isinstance(value, tuple | list):
        return ", ".join(str(_show(v)) for v in value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, float) and np.isnan(value):
        return None
    text = str(value)
    if re.fullmatch(r"[0-9a-f]{64}", text):
        return f"pseudonym {text[:12]}…"
    return text


def validate_chunk(source: Source, prepared: Prepared) -> list[Issue]:
    """GX issues for one chunk, keeping the first broken rule per (row, column)."""
    # GX returns results in its own order; report the first broken rule in suite order.
    rank = {spec["meta"]["rule"]: i for i, spec in enumerate(expectation_specs(source))}
    issues = sorted(runner_for(source).run(prepared.frame), key=lambda i: rank.get(i.rule, 0))
    seen: set[tuple[int, str | None]] = set()
    rows_with_issues: set[int] = set()
    kept: list[Issue] = []
    for issue in issues:
        key = (issue.row, issue.column)
        if key in seen:
            continue
        if issue.rule.startswith("the key (") and issue.row in rows_with_issues:
            continue  # a key made of unparseable values is reported as such, not as a duplicate
        seen.add(key)
        rows_with_issues.add(issue.row)
        kept.append(issue)
    if prepared.first_row is not None and kept:
        # An exact copy shares the fate of the row it copies.
        copies = prepared.first_row[prepared.first_row != prepared.first_row.index]
        by_row: dict[int, list[Issue]] = {}
        for issue in kept:
            by_row.setdefault(issue.row, []).append(issue)
        for row, first in copies.items():
            if int(row) not in rows_with_issues:
                kept.extend(
                    Issue(int(row), i.column, i.rule, i.value) for i in by_row.get(int(first), [])
                )
    return kept
