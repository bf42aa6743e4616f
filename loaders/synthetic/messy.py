"""Messy mode: rewrite the clean inbox as real exports often arrive.

Windows-1252, `;` with decimal commas, Danish date formats, sex as 1/2, duplicated rows,
annulled residence rows, overlapping (contained) residence intervals, unknown benefit codes and
residence rows whose kvhx is not in DAR. Every change is one the contract says the loaders
clean (drop annulled, earliest-starting interval wins, duplicates and unknown codes reported and
not counted), and the extra rows never fall where they could change a truth value: contained
overlaps lose to the earlier interval, unmatched kvhx rows lie after the person's emigration.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from . import config as C

DATE_COLS = {
    "persons": ["birth_date", "status_date", "death_date", "emigration_date"],
    "residences": ["moved_in", "moved_out"],
    "addresses": ["valid_from", "valid_to"],
    "dwellings": ["valid_from", "valid_to"],
    "benefits": ["period_start", "period_end"],
    "education": ["as_of_date"],
    "convictions": ["decision_date"],
    "official_lists": ["list_date"],
    "area_members": ["valid_from", "valid_to"],
}
DECIMAL_COLS = {
    "addresses": ["x", "y"],
    "benefits": ["fte_share"],
    "flis": ["value"],
    "official_lists": ["share_outside_labour_market", "share_convicted", "convicted_threshold",
                       "share_basic_education_only", "income_share_of_region",
                       "share_non_western"],
}  # fmt: skip
DASH_STYLE = {"persons", "residences", "benefits", "income"}  # DD-MM-YYYY, others DD.MM.YYYY


def _danish(iso: str, dash: bool) -> str:
    if not iso:
        return iso
    y, m, d = iso.split("-")
    return f"{d}-{m}-{y}" if dash else f"{d}.{m}.{y}"


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        return header, list(r)


def _write(path: Path, header: list[str], rows: list[list[str]], name: str) -> None:
    ix = {c: i for i, c in enumerate(header)}
    dates = [ix[c] for c in DATE_COLS.get(name, [])]
    decs = [ix[c] for c in DECIMAL_COLS.get(name, [])]
    dash = name in DASH_STYLE
    with open(path, "w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(header)
        for r in rows:
            r = list(r)
            for i in dates:
                r[i] = _danish(r[i], dash)
            for i in decs:
                r[i] = r[i].replace(".", ",")
            w.writerow(r)


def make_messy(inbox: Path, rng: np.random.Generator) -> dict[str, int]:
    """Rewrite inbox/*.csv in place; returns the number of planted messy rows per kind."""
    stats: dict[str, int] = {}
    # persons: sex 1/2
    h, rows = _read(inbox / "persons.csv")
    ix = {c: i for i, c in enumerate(h)}
    emigrated = {r[0]: r[ix["emigration_date"]] for r in rows if r[ix["status"]] == "80"}
    for r in rows:
        r[ix["sex"]] = "1" if r[ix["sex"]] == "M" else "2"
    _write(inbox / "persons.csv", h, rows, "persons")
    # residences
    h, rows = _read(inbox / "residences.csv")
    ix = {c: i for i, c in enumerate(h)}
    extra: list[list[str]] = []
    n = len(rows)
    dup = rng.choice(n, size=max(1, n // 100), replace=False)
    extra += [list(rows[i]) for i in sorted(dup)]
    stats["residences_duplicated"] = len(dup)
    kvhxs = sorted({r[ix["kvhx"]] for r in rows})
    ann = rng.choice(n, size=max(1, n // 200), replace=False)
    for i in sorted(ann):
        r = list(rows[i])
        r[ix["kvhx"]] = kvhxs[int(rng.integers(len(kvhxs)))]
        r[ix["is_annulled"]] = "true"
        extra.append(r)
    stats["residences_annulled"] = len(ann)
    n_over = 0
    for i in rng.permutation(n)[: max(1, n // 200)].tolist():
        r = rows[i]
        a = dt.date.fromisoformat(r[ix["moved_in"]])
        b = dt.date.fromisoformat(r[ix["moved_out"]]) if r[ix["moved_out"]] else dt.date(2026, 1, 1)
        if (b - a).days < 120 or a < dt.date(2016, 1, 1):
            continue
        s = a + dt.timedelta(days=30)
        e = s + dt.timedelta(days=int(rng.integers(10, (b - s).days - 10)))
        o = list(r)
        o[ix["kvhx"]] = kvhxs[int(rng.integers(len(kvhxs)))]
        o[ix["moved_in"]], o[ix["moved_out"]] = s.isoformat(), e.isoformat()
        o[ix["moved_in_from_municipality"]] = o[ix["moved_out_to_municipality"]] = ""
        extra.append(o)
        n_over += 1
    stats["residences_overlapping"] = n_over
    n_unm = 0
    for cpr, emig in sorted(emigrated.items())[:20]:
        d = dt.date.fromisoformat(emig) + dt.timedelta(days=40)
        if d >= dt.date(2025, 12, 1):
            continue
        kv = f"{C.MUNICIPALITY_CODE}8{int(rng.integers(100, 999))}012 st tv  "
        extra.append([cpr, kv, d.isoformat(), (d + dt.timedelta(days=60)).isoformat(), "", "",
                      "false"])  # fmt: skip
        n_unm += 1
    stats["residences_unmatched_kvhx"] = n_unm
    rows += extra
    rows.sort(key=lambda r: (r[0], r[ix["moved_in"]], r[ix["kvhx"]], r[ix["is_annulled"]]))
    _write(inbox / "residences.csv", h, rows, "residences")
    # benefits: duplicates and unknown codes
    h, rows = _read(inbox / "benefits.csv")
    ix = {c: i for i, c in enumerate(h)}
    n = len(rows)
    dup = rng.choice(n, size=max(1, n // 100), replace=False)
    extra = [list(rows[i]) for i in sorted(dup)]
    unk = rng.choice(n, size=max(1, n // 200), replace=False)
    for k, i in enumerate(sorted(unk)):
        r = list(rows[i])
        r[ix["benefit_code"]] = C.UNKNOWN_BENEFIT_CODES[k % len(C.UNKNOWN_BENEFIT_CODES)]
        extra.append(r)
    stats["benefits_duplicated"] = len(dup)
    stats["benefits_unknown_code"] = len(unk)
    rows += extra
    rows.sort(key=lambda r: (r[0], r[1], r[3], r[2], r[4]))
    _write(inbox / "benefits.csv", h, rows, "benefits")
    # income: duplicated rows
    h, rows = _read(inbox / "income.csv")
    dup = rng.choice(len(rows), size=max(1, len(rows) // 200), replace=False)
    rows += [list(rows[i]) for i in sorted(dup)]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    stats["income_duplicated"] = len(dup)
    _write(inbox / "income.csv", h, rows, "income")
    # the rest: encoding, delimiter, dates, decimals only
    for name in ["addresses", "dwellings", "education", "convictions", "flis", "official_lists",
                 "area_members"]:  # fmt: skip
        h, rows = _read(inbox / f"{name}.csv")
        _write(inbox / f"{name}.csv", h, rows, name)
    return stats
