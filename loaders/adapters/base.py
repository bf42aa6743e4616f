"""Shared pieces of the source adapters: file sniffing, the mapping table type, code checks.

An adapter turns a register file *as delivered* (BBR 2.0 entity files, DAR entities, DAGI layers,
the CPR fixed-width extract) into frames with the canonical columns of `loaders/contract.py`.
The frames are then written to a private temporary file and loaded by the unchanged
`loaders.copy.load_file` path (validation, pseudonymisation, COPY, load log).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
BBR_CODES_SEED = REPO_ROOT / "seeds" / "bbr_codes.csv"
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FieldMap:
    """One row of an adapter's mapping table (rendered into docs/sources.md)."""

    target: str  # canonical "<source>.<column>"
    delivered: str  # delivered field(s), entity or record position
    rule: str = "as delivered"


@dataclass
class Output:
    """Canonical rows for one raw source (text values; None = empty)."""

    source: str
    frame: pd.DataFrame
    geo: object | None = None  # a GeoDataFrame for areas


@dataclass
class Conversion:
    adapter: str
    outputs: list[Output] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    companions: list[Path] = field(default_factory=list)

    def output(self, source: str) -> Output | None:
        for out in self.outputs:
            if out.source == source:
                return out
        return None


@dataclass
class Sniff:
    """What can be told about a file cheaply: its kind and its field names."""

    path: Path
    kind: str  # csv | ndjson | json | geo | zip | fixed | unknown
    fields: tuple[str, ...] = ()
    first_line: str = ""
    members: tuple[str, ...] = ()
    detail: str = ""

    @property
    def field_set(self) -> set[str]:
        return {f.strip().lstrip("\ufeff") for f in self.fields}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


GEO_SUFFIXES = {".geojson", ".gpkg", ".shp"}


@cache
def sniff(path: Path) -> Sniff:
    """Kind and field names of a file (header fields, JSON keys, layer fields, zip members)."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return Sniff(path, "unknown", detail=str(exc))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return Sniff(path, "zip", members=tuple(archive.namelist()))
    if suffix in GEO_SUFFIXES or (suffix == ".json" and b'"FeatureCollection"' in head[:4096]):
        return _sniff_geo(path)
    text = _decode(head)
    first = text.split("\n", 1)[0].rstrip("\r")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            obj = json.loads(first)
        except json.JSONDecodeError:
            return _sniff_json(path)
        if any(isinstance(v, list) for v in obj.values()):
            return _sniff_json(path)  # one-line JSON document of entity lists
        return Sniff(path, "ndjson", fields=tuple(obj), first_line=first[:200])
    if stripped.startswith("["):
        return _sniff_json(path)
    if "\x00" in text:
        return Sniff(path, "unknown", detail="binary content")
    delimiters = {d: first.count(d) for d in (";", ",", "\t")}
    delimiter = max(delimiters, key=lambda d: delimiters[d])
    if delimiters[delimiter] > 0:
        fields = next(csv.reader(io.StringIO(first), delimiter=delimiter))
        return Sniff(path, "csv", fields=tuple(fields), first_line=first[:200], detail=delimiter)
    return Sniff(path, "fixed", first_line=first[:200])


def _sniff_geo(path: Path) -> Sniff:
    import pyogrio

    try:
        fields: list[str] = []
        for layer, _ in pyogrio.list_layers(path):
            fields.extend(pyogrio.read_info(path, layer=layer)["fields"].tolist())
        return Sniff(path, "geo", fields=tuple(fields))
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a readable layer"
        return Sniff(path, "unknown", detail=f"not a readable GIS layer ({type(exc).__name__})")


def _sniff_json(path: Path) -> Sniff:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Sniff(path, "unknown", detail=f"not valid JSON ({exc})")
    records = json_records(data)
    keys: list[str] = []
    for rows in records.values():
        for row in rows[:1]:
            keys.extend(row)
    return Sniff(path, "json", fields=tuple(keys), detail=",".join(records))


def json_records(data: object) -> dict[str, list[dict]]:
    """Entity name -> list of objects, for a JSON array or an object of arrays
    (Datafordeleren file downloads: {"EnhedList": [...], "BygningList": [...]})."""
    if isinstance(data, list):
        return {"": [r for r in data if isinstance(r, dict)]}
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                out[key] = value
        return out
    return {}


def read_entity_frame(path: Path) -> pd.DataFrame:
    """A CSV, ndjson or JSON entity file as a frame of text (empty string for missing)."""
    info = sniff(path)
    if info.kind == "csv":
        raw = path.read_bytes()
        return pd.read_csv(
            io.StringIO(_decode(raw)),
            sep=info.detail,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
        )
    if info.kind == "ndjson":
        rows = [json.loads(line) for line in _decode(path.read_bytes()).splitlines() if line]
        return text_frame(rows)
    if info.kind == "json":
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        rows = [r for records in json_records(data).values() for r in records]
        return text_frame(rows)
    raise ValueError(f"{path.name}: not an entity file ({info.kind})")


def text_frame(rows: list[dict]) -> pd.DataFrame:
    """JSON objects -> text columns: null and missing keys become '', nested values JSON."""
    names = list(dict.fromkeys(k for row in rows for k in row))

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    return pd.DataFrame(
        {name: [text(row.get(name)) for row in rows] for name in names}, dtype=object
    )


def to_date(values: pd.Series) -> pd.Series:
    """ISO timestamps / dates -> 'YYYY-MM-DD' text ('' stays '')."""
    text = values.fillna("").astype(str).str.strip()
    return text.str.slice(0, 10).where(text.str.len() >= 10, "")


@cache
def bbr_codes() -> dict[str, frozenset[str]]:
    """Known codes per BBR code list, from the derived seed seeds/bbr_codes.csv."""
    if not BBR_CODES_SEED.is_file():
        return {}
    frame = pd.read_csv(BBR_CODES_SEED, dtype=str, keep_default_na=False)
    return {k: frozenset(g["code"]) for k, g in frame.groupby("kodeliste")}


def unknown_codes(values: pd.Series, kodeliste: str, label: str) -> str | None:
    """'label: N rows with codes not in <kodeliste> (code x count, ...)', or None."""
    known = bbr_codes().get(kodeliste)
    if not known:
        return None
    present = values[(values != "") & values.notna()]
    bad = Counter(v for v in present.tolist() if v not in known)
    if not bad:
        return None
    listed = ", ".join(f"{code} x {n}" for code, n in bad.most_common(10))
    return (
        f"{label}: {sum(bad.values())} rows with codes not in the BBR code list {kodeliste} "
        f"({listed}); kept and reported"
    )


def make_kvhx(kommune: str, vej: str, husnr: str, etage: str, door: str) -> str:
    """CPR-style 19-character KVHX (kommune 4, vej 4, husnr 4, etage 3, doer 4).

    House number: 3 digits zero-padded plus the letter (or a space); floor and door trimmed,
    lower case, numeric floors without leading zeros; so CPR (`01`, ` 12A`) and DAR (`1`,
    `12A`) spellings of one address give the same key.
    """
    kommune = (kommune or "").strip().zfill(4)
    vej = (vej or "").strip().zfill(4)
    number = (husnr or "").strip().upper()
    digits = "".join(ch for ch in number if ch.isdigit())
    letter = "".join(ch for ch in number if ch.isalpha())[:1]
    house = f"{int(digits):03d}" if digits else "000"
    house += letter or " "
    floor = (etage or "").strip().lower()
    if floor.isdigit():
        floor = str(int(floor))
    return f"{kommune}{vej}{house}{floor:<3.3}{(door or '').strip().lower():<4.4}"
