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
GEOM_RULE = "geometry is a valid Polygon or MultiPolygon (repaired with make_valid when possible)"

_PATTERN_WORDS = {
    r"^[0-9]{4}$": "4 digits",
    r"^[0-9]{3}$": "3 digits",
    r"^[0-9]{4}-(0[1-9]|1[0-2])$": "a month YYYY-MM",
    r"^([0-9]{1,4}|[A-Za-z]{2,3})$": "a country code (DST/CPR number or ISO letters)",
    r"^[0-9]{8}.{1,11}$": "a CPR-style KVHX (kommune 4, vej 4, husnr, etage, doer)",
}


def pattern_words(pattern: str) -> str:
    if pattern.startswith("^[0-9A-Fa-f]{8}-"):
        return "a UUID"
    if pattern.startswith(r"^\s*(udsat"):
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

_DMY = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_INT = r"^[+-]?\d+$"
_NUM = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_EPOCH = dt.date(1970, 1, 1).toordinal()


@dataclass
class Prepared:
    """A typed chunk: `frame` for GX (raw names + companion columns), values for COPY."""

    frame: pd.DataFrame
    copy_columns: list[str]  # raw names in COPY order (without the _ meta columns)
    numeric_text: dict[str, pd.Series]  # normalised numeric strings -> Decimal for COPY
    geom: pd.Series | None = None


def _objects(values: pd.Series, keep: pd.Series) -> pd.Series:
    """An object Series holding the values where `keep`, else None (never NaN)."""
    out = np.full(len(values), None, dtype=object)
    mask = keep.to_numpy(dtype=bool)
    out[mask] = values.to_numpy(dtype=object)[mask]
    return pd.Series(out, index=values.index, dtype=object)


def _strip(values: pd.Series, kind: str) -> pd.Series:
    """Trimmed text (kept as delivered for `verbatim`), None for empty or blank cells."""
    text = values.astype(object)
    present = text.notna()
    as_str = text.where(present, "").astype(str)
    stripped = as_str.str.strip()
    result = as_str if kind == "verbatim" else stripped
    return _objects(result, present & (stripped != ""))


def parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(datetime64[s] with NaT, bool mask of unparseable non-null values)."""
    present = text.notna()
    values = text[present].astype(str)
    ymd = values.str.extract(_YMD)
    dmy = values.str.extract(_DMY)
    year = ymd[0].fillna(dmy[2])
    month = ymd[1].fillna(dmy[1])
    day = ymd[2].fillna(dmy[0])
    shaped = year.notna()
    y = pd.to_numeric(year[shaped]).astype("int64")
    m = pd.to_numeric(month[shaped]).astype("int64")
    d = pd.to_numeric(day[shaped]).astype("int64")
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    max_day = pd.Series(month_days[m.clip(0, 12).to_numpy()], index=m.index) + (
        (m == 2) & leap
    ).astype("int64")
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= max_day) & (y >= 1)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    good = ok[ok].index
    if len(good):
        iso = (
            y[good].astype(str).str.zfill(4)
            + "-"
            + m[good].astype(str).str.zfill(2)
            + "-"
            + d[good].astype(str).str.zfill(2)
        )
        result.loc[good] = iso.to_numpy().astype("datetime64[D]").astype("datetime64[s]")
    invalid = present.copy()
    invalid.loc[good] = False
    return result, invalid


def _parse_column(
    col: Column, values: pd.Series, key: bytes | None, decimal_comma: bool
) -> tuple[pd.Series, pd.Series | None, pd.Series | None]:
    """(typed values, invalid originals or None, numeric text or None)."""
    text = _strip(values, col.kind)
    present = text.notna()
    if col.kind in ("text", "code", "verbatim"):
        if col.pad and present.any():
            as_str = text.where(present, "").astype(str)
            short = present & as_str.str.fullmatch(r"\d+") & (as_str.str.len() < col.pad)
            if short.any():
                text = _objects(as_str.where(~short, as_str.str.zfill(col.pad)), present)
        return text, None, None
    if col.kind == "cpr":
        if key is None:
            raise RuntimeError("CPR column without a pseudonymisation key")
        keys, invalid = pseudonymise_series(text, key)
        return keys, invalid, None
    if col.kind == "date":
        parsed, bad = parse_dates(text)
        return parsed, _objects(text, bad), None
    if col.kind == "boolean":
        lowered = text.where(present, "").astype(str).str.lower()
        truth = lowered.isin(TRUE_WORDS)
        falsity = lowered.isin(FALSE_WORDS)
        typed = pd.Series(
            np.where(truth, True, np.where(falsity, False, None)), index=text.index, dtype=object
        )
        bad = present & ~truth & ~falsity
        return typed, _objects(text, bad), None
    # numeric / integer
    normal = text.where(present, "").astype(str)
    if decimal_comma:
        normal = normal.str.replace(",", ".", regex=False)
    normal = normal.str.replace(" ", "", regex=False)
    if col.kind == "integer":
        normal = normal.str.replace(r"\.0+$", "", regex=True)
    ok = normal.str.fullmatch(_INT if col.kind == "integer" else _NUM) & present
    bad = present & ~ok
    number = pd.to_numeric(normal.where(ok, None), errors="coerce")
    typed = number.astype("Int64") if col.kind == "integer" else number.astype("float64")
    return typed, _objects(text, bad), _objects(normal, ok)


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
    empty = pd.Series(None, index=chunk.index, dtype=object)
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
            frame[col.name + INVALID_SUFFIX] = (
                invalid if invalid is not None else pd.Series(None, index=chunk.index, dtype=object)
            )
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
        problems = chunk.get(GEOM_PROBLEM_COLUMN, empty)
        frame["geom" + INVALID_SUFFIX] = problems.astype(object)
    copy_columns = [col.raw_name for col in source.columns] + (["geom"] if source.geometry else [])
    return Prepared(
        frame=pd.DataFrame(frame, index=chunk.index),
        copy_columns=copy_columns,
        numeric_text=numeric_text,
        geom=geom,
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
            out.append([None if t is None else Decimal(t) for t in texts.tolist()])
        elif col.kind == "integer":
            out.append([None if pd.isna(v) else int(v) for v in series.tolist()])
        else:
            out.append(series.tolist())
    if source.geometry and prepared.geom is not None:
        out.append(prepared.geom.loc[rows].tolist())
    return out


# --------------------------------------------------------------------------- expectations


def _exp(kind: str, meta: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": meta}


def expectation_specs(source: Source) -> list[dict[str, Any]]:
    """The source's suite, in priority order (the first broken rule per cell is reported)."""
    specs: list[dict[str, Any]] = []
    for col in source.columns:
        specs.append(
            _exp(
                "expect_column_to_exist",
                {"column": col.name, "rule": f"{col.name} is a column of the file"},
                column=col.raw_name,
            )
        )
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
        rule = f"the key ({', '.join(source.key)}) is unique within the file"
        meta = {"column": ", ".join(source.key), "rule": rule}
        if len(raw_key) == 1:
            specs.append(_exp("expect_column_values_to_be_unique", meta, column=raw_key[0]))
        else:
            specs.append(
                _exp(
                    "expect_compound_columns_to_be_unique",
                    meta,
                    column_list=raw_key,
                    ignore_row_if="never",
                )
            )
    return specs


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
                "person_key; '<column>__invalid' holds values that failed to parse."
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
        for spec in expectation_specs(source):
            suite.add_expectation_configuration(ExpectationConfiguration(**spec))
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
            if not rows and item.expectation_config.type == "expect_column_to_exist":
                issues.append(Issue(0, meta.get("column"), meta.get("rule", ""), None))
                continue
            for row, value in zip(rows, values, strict=False):
                row_number = row if isinstance(row, int | np.integer) else row.get("index")
                issues.append(
                    Issue(int(row_number), meta.get("column"), meta["rule"], _show(value))
                )
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
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items())
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
    issues = runner_for(source).run(prepared.frame)
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
    return kept
