"""The classic CPR extract (fixed-width records) -> raw.persons and raw.residences.

One line per record; positions 1-3 the record type, 4-13 the person number (PNR). The records
used (layout of the CPR office's extract, field names as in the open-source parser
magenta-aps/datafordeler, domain.md §3.2):

- 001 person: status, status start, sex, birth date, mother's and father's PNR;
- 015 protection (beskyttelse): type 0001 = name and address protection, start/end dates;
- 025 current Danish address, 026 historic address (with move-out date and the
  annulled/corrected mark `annkor`);
- 040 citizenship (CPR country code).

Other record types (000 start, 999 end, 002-099 not listed) are counted and ignored. Dates come
as `YYYY-MM-DD` or as CPR timestamps `YYYYMMDDHHMM`; all-zero or blank is empty. The person
numbers go through the normal pseudonymisation of the loader (they never reach the database).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from loaders.adapters.base import Conversion, FieldMap, Output, make_kvhx
from loaders.errors import FileRejected

NAME = "cpr_extract"
TITLE = "CPR extract, classic fixed-width records (001, 015, 025, 026, 040)"
PRODUCES = ("persons", "residences")

#: record type -> field -> (1-based start, length)
LAYOUT: dict[str, dict[str, tuple[int, int]]] = {
    "001": {
        "pnr": (4, 10),
        "status": (36, 2),
        "statushaenstart": (38, 12),
        "koen": (67, 1),
        "foed_dt": (68, 10),
        "pnrmor": (190, 10),
        "pnrfar": (292, 10),
    },
    "015": {"pnr": (4, 10), "beskyttype": (14, 4), "start_dt": (34, 10), "slet_dt": (47, 10)},
    "025": {
        "pnr": (4, 10),
        "komkod": (30, 4),
        "vejkod": (34, 4),
        "husnr": (38, 4),
        "etage": (42, 2),
        "sidedoer": (44, 4),
        "tilflydto": (98, 12),
        "fraflykomkod": (140, 4),
    },
    "026": {
        "pnr": (4, 10),
        "annkor": (14, 1),
        "komkod": (31, 4),
        "vejkod": (35, 4),
        "husnr": (39, 4),
        "etage": (43, 2),
        "sidedoer": (45, 4),
        "tilflydto": (99, 12),
        "fraflydto": (112, 12),
        "fraflykomkod": (154, 4),
    },
    "040": {"pnr": (4, 10), "landekod": (30, 4), "haenstart": (34, 12)},
}
ADDRESS_PROTECTION = "0001"

MAPPING: tuple[FieldMap, ...] = (
    FieldMap("persons.cpr", "001 pnr (4-13)", "pseudonymised by the loader"),
    FieldMap("persons.sex", "001 koen (67)", "M/K"),
    FieldMap("persons.birth_date", "001 foed_dt (68-77)"),
    FieldMap("persons.status", "001 status (36-37)"),
    FieldMap("persons.status_date", "001 statushaenstart (38-49)", "YYYYMMDDHHMM -> date"),
    FieldMap("persons.death_date", "001 statushaenstart", "when status = 90"),
    FieldMap("persons.emigration_date", "001 statushaenstart", "when status = 80"),
    FieldMap(
        "persons.mother_cpr / father_cpr",
        "001 pnrmor (190-199) / pnrfar (292-301)",
        "all zeros or blank -> empty",
    ),  # fmt: skip
    FieldMap(
        "persons.address_protected",
        "015 beskyttype (14-17) = 0001",
        "true while slet_dt (47-56) is empty or in the future",
    ),  # fmt: skip
    FieldMap("persons.citizenship", "040 landekod (30-33)", "latest haenstart (34-45)"),
    FieldMap(
        "persons.birth_country / parents' birth country", "(record 010, not read)", "empty"
    ),  # fmt: skip
    FieldMap("residences.cpr", "025/026 pnr"),
    FieldMap(
        "residences.kvhx",
        "025 komkod 30, vejkod 34, husnr 38, etage 42, sidedoer 44; "
        "026 the same one position later",
        "CPR-style 19 characters",
    ),  # fmt: skip
    FieldMap("residences.moved_in", "025 tilflydto (98-109) / 026 tilflydto (99-110)"),
    FieldMap("residences.moved_out", "026 fraflydto (112-123)", "empty for 025 (current)"),
    FieldMap(
        "residences.moved_in_from_municipality",
        "025 fraflykomkod (140-143) / 026 fraflykomkod (154-157)",
        "previous kommune; 0000 = none",
    ),  # fmt: skip
    FieldMap("residences.is_annulled", "026 annkor (14)", "A or K -> true"),
    FieldMap(
        "residences.address_id / moved_out_to_municipality",
        "(not in the extract)",
        "empty; matched to DAR by kvhx in dbt",
    ),  # fmt: skip
)

_LINE = re.compile(r"^\d{3}")


def _lines(path: Path, limit: int | None = None) -> list[str]:
    out = []
    with path.open("r", encoding="latin-1", newline="") as handle:
        for line in handle:
            out.append(line.rstrip("\r\n"))
            if limit and len(out) >= limit:
                break
    return out


def match(path: Path) -> str | None:
    try:
        lines = [ln for ln in _lines(path, 200) if ln.strip()]
    except OSError as exc:
        return str(exc)
    if not lines:
        return "empty file"
    typed = [ln for ln in lines if _LINE.match(ln)]
    if not _LINE.match(lines[0]) or len(typed) < 0.9 * len(lines):
        return "lines do not start with a 3-digit record type"
    persons = [ln for ln in typed if ln[:3] in LAYOUT and re.fullmatch(r"\d{10}", ln[3:13])]
    if not persons:
        return "no record 001/015/025/026/040 with a 10-digit PNR in positions 4-13"
    return None


def _cut(line: str, span: tuple[int, int]) -> str:
    start, length = span
    return line[start - 1 : start - 1 + length].strip()


def _date(text: str) -> str:
    text = text.strip()
    if not text or set(text) <= {"0", "-", " "}:
        return ""
    if re.fullmatch(r"\d{12}|\d{8}", text):
        return f"{text[0:4]}-{text[4:6]}-{text[6:8]}"
    return text[:10]


def _pnr(text: str) -> str:
    return "" if not text or set(text) <= {"0", " "} else text


def convert(path: Path) -> Conversion:
    conv = Conversion(NAME)
    today = dt.date.today().isoformat()
    persons: dict[str, dict[str, str]] = {}
    protected: dict[str, bool] = {}
    citizenship: dict[str, tuple[str, str]] = {}
    residences: list[dict[str, str]] = []
    ignored: Counter[str] = Counter()
    for line in _lines(path):
        kind = line[:3]
        layout = LAYOUT.get(kind)
        if layout is None:
            if line.strip():
                ignored[kind] += 1
            continue
        f = {name: _cut(line, span) for name, span in layout.items()}
        pnr = f["pnr"]
        if kind == "001":
            status_date = _date(f["statushaenstart"])
            persons[pnr] = {
                "cpr": pnr,
                "sex": f["koen"],
                "birth_date": _date(f["foed_dt"]),
                "mother_cpr": _pnr(f["pnrmor"]),
                "father_cpr": _pnr(f["pnrfar"]),
                "status": f["status"],
                "status_date": status_date,
                "death_date": status_date if f["status"] == "90" else "",
                "emigration_date": status_date if f["status"] == "80" else "",
            }
        elif kind == "015":
            if f["beskyttype"] == ADDRESS_PROTECTION:
                end = _date(f["slet_dt"])
                protected[pnr] = protected.get(pnr, False) or not end or end >= today
        elif kind == "040":
            since = _date(f["haenstart"])
            if pnr not in citizenship or since >= citizenship[pnr][0]:
                citizenship[pnr] = (since, f["landekod"])
        else:
            kvhx = make_kvhx(f["komkod"], f["vejkod"], f["husnr"], f["etage"], f["sidedoer"])
            previous = f["fraflykomkod"]
            residences.append(
                {
                    "cpr": pnr,
                    "kvhx": kvhx,
                    "moved_in": _date(f["tilflydto"]),
                    "moved_out": _date(f.get("fraflydto", "")),
                    "moved_in_from_municipality": "" if set(previous) <= {"0"} else previous,
                    "is_annulled": "true" if f.get("annkor", "") in ("A", "K") else "false",
                }
            )
    if not persons and not residences:
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). No person (001) or address (025/026) "
            "records found."
        )
    for pnr, person in persons.items():
        person["address_protected"] = "true" if protected.get(pnr) else "false"
        person["citizenship"] = citizenship.get(pnr, ("", ""))[1]
    orphans = {p for p in protected} | {p for p in citizenship}
    orphans -= set(persons)
    if orphans:
        conv.notes.append(f"{len(orphans)} persons with 015/040 records but no 001 record")
    if ignored:
        conv.notes.append(
            "record types not used: " + ", ".join(f"{k} x {n}" for k, n in sorted(ignored.items()))
        )
    conv.notes.append(f"{len(persons)} persons (001), {len(residences)} addresses (025/026)")
    columns = ["cpr", "sex", "birth_date", "citizenship", "mother_cpr", "father_cpr", "status",
               "status_date", "address_protected", "death_date", "emigration_date"]  # fmt: skip
    if persons:
        conv.outputs.append(Output("persons", pd.DataFrame(list(persons.values()))[columns]))
    if residences:
        conv.outputs.append(Output("residences", pd.DataFrame(residences)))
    return conv
