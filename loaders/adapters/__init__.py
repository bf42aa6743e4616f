"""Source adapters: register files as they are really delivered -> canonical raw rows.

One module per source family (bbr, dar, dagi, cpr); each has a mapping table (`MAPPING`), a
`match(path)` that returns None when the file's signature fits (header fields, JSON keys, layer
fields, zip member names, record types) or the reason it does not, and a `convert(path)` that
returns canonical frames. `load_converted` writes each frame to a private temporary file and hands
it to the unchanged `loaders.copy.load_file` (validation, pseudonymisation, COPY, load log); the
chosen adapter is named in the CLI output and in raw._load_log.message.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.adapters import bbr, cpr, dagi, dar
from loaders.adapters.base import Conversion, FieldMap, sniff
from loaders.errors import FileRejected


@dataclass(frozen=True)
class Adapter:
    name: str
    title: str
    produces: tuple[str, ...]
    match: Callable[[Path], str | None]
    convert: Callable[[Path], Conversion]
    mapping: tuple[FieldMap, ...]
    module: str


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(cpr.NAME, cpr.TITLE, cpr.PRODUCES, cpr.match, cpr.convert, cpr.MAPPING, "cpr"),
    Adapter(bbr.NAME, bbr.TITLE, bbr.PRODUCES, bbr.match, bbr.convert, bbr.MAPPING, "bbr"),
    Adapter(
        dar.ENT_NAME,
        dar.ENT_TITLE,
        dar.ENT_PRODUCES,
        dar.ent_match,
        dar.ent_convert,
        dar.ENT_MAPPING,
        "dar",
    ),  # fmt: skip
    Adapter(
        dar.CSV_NAME,
        dar.CSV_TITLE,
        dar.CSV_PRODUCES,
        dar.csv_match,
        dar.csv_convert,
        dar.CSV_MAPPING,
        "dar",
    ),  # fmt: skip
    Adapter(dagi.NAME, dagi.TITLE, dagi.PRODUCES, dagi.match, dagi.convert, dagi.MAPPING, "dagi"),
)
ADAPTERS_BY_NAME = {a.name: a for a in ADAPTERS}


class NoAdapterMatched(FileRejected):
    """No adapter's signature fits the file."""


def choose(path: Path) -> tuple[Adapter | None, list[tuple[str, str]]]:
    """The first adapter whose signature fits, and (adapter, reason) for those that did not."""
    sniff.cache_clear()
    tried: list[tuple[str, str]] = []
    for adapter in ADAPTERS:
        reason = adapter.match(path)
        if reason is None:
            return adapter, tried
        tried.append((adapter.name, reason))
    return None, tried


def tried_text(tried: list[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {reason}" for name, reason in tried)


def _write(out: Any, folder: Path) -> Path:
    if out.geo is not None:
        target = folder / f"{out.source}.gpkg"
        out.geo.to_file(target, layer=out.source, driver="GPKG", engine="pyogrio")
        return target
    target = folder / f"{out.source}.csv"
    out.frame.fillna("").to_csv(target, index=False, encoding="utf-8")
    return target


def load_converted(
    adapter: Adapter,
    path: Path,
    only: str | None = None,
    quarantine: bool = False,
    load: Callable[..., Any] | None = None,
) -> tuple[Conversion, list[Any]]:
    """Convert `path` with `adapter` and load each output (or only `only`) with load_file."""
    from loaders.copy import Origin, load_file

    conversion = adapter.convert(path)
    outputs = [o for o in conversion.outputs if only is None or o.source == only]
    if only is not None and not outputs:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). Adapter {adapter.name} reads this file, "
            f"but it gives {', '.join(o.source for o in conversion.outputs) or 'no rows'}, "
            f"not {only}. " + " ".join(conversion.notes)
        )
    results = []
    folder = Path(tempfile.mkdtemp(prefix="boligmon-adapter-"))  # mode 0700: may hold CPR
    try:
        for out in outputs:
            converted = _write(out, folder)
            note = f"adapter {adapter.name} ({adapter.title})"
            if conversion.companions:
                note += " with " + ", ".join(p.name for p in conversion.companions)
            if conversion.notes:
                note += ": " + "; ".join(conversion.notes)
            origin = Origin(file_name=path.name, note=note)
            results.append((load or load_file)(out.source, converted, quarantine=quarantine,
                                               origin=origin))  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return conversion, results


__all__ = ["ADAPTERS", "ADAPTERS_BY_NAME", "Adapter", "NoAdapterMatched", "choose",
           "load_converted", "tried_text"]  # fmt: skip
