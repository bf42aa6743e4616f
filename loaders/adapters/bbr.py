"""BBR 2.0 (Bygnings- og Boligregistret) entity files -> raw.dwellings.

Accepted deliveries (Datafordeleren file download or the OIS/GRBBR distribution):

- CSV, JSON or ndjson entity files with the BBR 2.0 field names (`enh020EnhedensAnvendelse`,
  `enh045Udlejningsforhold`, `enh046OffentligStøtte`, `byg026Opførelsesår`, `byg066Ejerforhold`,
  `ejendommensEjerforholdskode`, ...); a JSON file may hold several entity lists;
- the OIS zips `OIS_GRBBR_CO5xx00T_*.ZIP` (one ISO-8859-1 XML per entity table).

The Enhed (unit) file is the primary file; Bygning, Opgang, Etage, Ejendomsrelation (and Grund)
files, and a Matriklen jordstykke layer, found in the same folder, are companions used for the
building, the construction year and the ownership (ejerforhold). A companion alone loads nothing.

Time: BBR is bitemporal. Only the current registration (`registreringTil` empty) is used; each
version's `virkningFra`/`virkningTil` (dates) become `valid_from`/`valid_to`; several versions
starting on the same day collapse to the last one of that day. Unit versions in the lifecycle
states 9 Afsluttet, 10 Slettet, 11 Fejlregistreret, 14 Henlagt, 17 Afvist are not units and are
skipped (counted in the load log), as are unit versions without a usage code (enh020). Building
and property attributes come from their current version (virkningTil empty), applied to all
versions of the unit.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd

from loaders.adapters.base import (
    Conversion,
    FieldMap,
    Output,
    Sniff,
    json_records,
    read_entity_frame,
    sniff,
    text_frame,
    to_date,
    unknown_codes,
)
from loaders.errors import FileRejected

NAME = "bbr"
TITLE = "BBR 2.0 entity files (Datafordeleren CSV/JSON, OIS GRBBR zip)"
PRODUCES = ("dwellings",)

#: OIS table code in the zip member name -> entity.
OIS_TABLES = {
    "CO50200T": "bygning",
    "CO50400T": "ejendomsrelation",
    "CO50500T": "enhed",
    "CO50800T": "etage",
    "CO51000T": "grund",
    "CO51200T": "opgang",
}
_OIS_RE = re.compile(r"(CO5\d{3}\dT)", re.IGNORECASE)

RETIRED_STATES = {"9": "Afsluttet", "10": "Slettet", "11": "Fejlregistreret", "14": "Henlagt",
                  "17": "Afvist"}  # fmt: skip

MAPPING: tuple[FieldMap, ...] = (
    FieldMap("dwellings.unit_id", "Enhed.id_lokalId"),
    FieldMap("dwellings.address_id", "Enhed.adresseIdentificerer", "DAR Adresse UUID"),
    FieldMap(
        "dwellings.building_id",
        "Enhed.bygning, else Opgang.bygning (Enhed.opgang), else Etage.bygning (Enhed.etage)",
        "first one found",
    ),
    FieldMap(
        "dwellings.unit_usage_code", "Enhed.enh020EnhedensAnvendelse", "code list EnhAnvendelse"
    ),
    FieldMap("dwellings.housing_type_code", "Enhed.enh023Boligtype", "code list Boligtype"),
    FieldMap(
        "dwellings.letting_code", "Enhed.enh045Udlejningsforhold", "code list Udlejningsforhold"
    ),
    FieldMap("dwellings.subsidy_code", "Enhed.enh046OffentligStøtte", "code list OffentligStoette"),
    FieldMap(
        "dwellings.ownership_code",
        "Bygning.byg066Ejerforhold; else Ejendomsrelation.ejendommensEjerforholdskode of the "
        "building's property: bygningPåFremmedGrund = building, or bfeNummer = Grund."
        "bestemtFastEjendom, or bfeNummer = jordstykke.sfeejendomsnr (Bygning.jordstykke)",
        "code list Ejerforholdskode; first link that gives a code",
    ),
    FieldMap(
        "dwellings.floor_area_m2", "Enhed.enh026EnhedensSamledeAreal", "negative -> empty (noted)"
    ),
    FieldMap("dwellings.rooms", "Enhed.enh031AntalVærelser"),
    FieldMap("dwellings.construction_year", "Bygning.byg026Opførelsesår", "0 -> empty"),
    FieldMap("dwellings.afdeling_id", "(not in BBR)", "empty: BBR has no LBF afdeling"),
    FieldMap("dwellings.valid_from", "Enhed.virkningFra", "date part; registreringTil empty"),
    FieldMap("dwellings.valid_to", "Enhed.virkningTil", "date part"),
)


def entity_of(info: Sniff) -> str | None:
    """The BBR entity of an entity file or OIS zip, by its fields or member names."""
    if info.kind == "zip":
        for member in info.members:
            found = _OIS_RE.search(member)
            if found and found.group(1).upper() in OIS_TABLES:
                return OIS_TABLES[found.group(1).upper()]
        return None
    fields = info.field_set
    if info.kind == "geo":
        return None
    if "enh020EnhedensAnvendelse" in fields:
        return "enhed"
    if any(f.startswith(("byg021", "byg026")) for f in fields):
        return "bygning"
    if "opg020Elevator" in fields or {"adgangFraHusnummer", "bygning"} <= fields:
        return "opgang"
    if any(f.startswith("eta006") for f in fields):
        return "etage"
    if "ejendommensEjerforholdskode" in fields or {"bfeNummer", "ejendomstype"} <= fields:
        return "ejendomsrelation"
    if "bestemtFastEjendom" in fields and "id_lokalId" in fields:
        return "grund"
    return None


def is_jordstykke_layer(info: Sniff) -> bool:
    return info.kind == "geo" and "sfeejendomsnr" in info.fields and "matrikelnr" in info.fields


def match(path: Path) -> str | None:
    """None when the file is a BBR 2.0 entity file, else why not."""
    info = sniff(path)
    if info.kind not in ("csv", "json", "ndjson", "zip"):
        return f"not a CSV/JSON entity file or OIS zip ({info.kind})"
    entity = entity_of(info)
    if entity is None:
        if info.kind == "zip":
            return "no OIS member CO50200T/CO50400T/CO50500T/CO50800T/CO51000T/CO51200T"
        return (
            "no BBR 2.0 field (enh020EnhedensAnvendelse, byg021/byg026, opg020Elevator, "
            "eta006, ejendommensEjerforholdskode)"
        )
    return None


# --------------------------------------------------------------------------- reading


def read_ois_zip(path: Path, keep: set[str] | None = None) -> pd.DataFrame:
    """One OIS XML table (streamed) as a text frame; `keep` limits the fields read."""
    rows: list[dict[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        member = next(m for m in archive.namelist() if m.upper().endswith(".XML"))
        with archive.open(member) as handle:
            record: dict[str, str] | None = None
            depth = 0
            for event, elem in ET.iterparse(handle, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if depth == 2 and elem.tag.upper().startswith("CO5"):
                        record = {}
                    continue
                if depth == 3 and record is not None and (keep is None or elem.tag in keep):
                    record[elem.tag] = (elem.text or "").strip()
                elif depth == 2:
                    if record is not None:
                        rows.append(record)
                    record = None
                    elem.clear()
                depth -= 1
    return pd.DataFrame(rows, dtype=str).fillna("")


def json_entities(path: Path) -> dict[str, pd.DataFrame]:
    """The BBR entities of a JSON document, by the keys of each of its lists (a Datafordeleren
    download may hold EnhedList, BygningList, ... in one file)."""
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    found: dict[str, list[pd.DataFrame]] = {}
    for rows in json_records(data).values():
        keys = tuple(dict.fromkeys(k for row in rows[:50] for k in row))
        entity = entity_of(Sniff(path, "csv", fields=keys))
        if entity:
            found.setdefault(entity, []).append(text_frame(rows))
    return {k: pd.concat(v, ignore_index=True) for k, v in found.items()}


def read_entity(
    path: Path, keep: set[str] | None = None, entity: str | None = None
) -> pd.DataFrame:
    info = sniff(path)
    if info.kind == "zip":
        return read_ois_zip(path, keep)
    if info.kind == "json" and entity is not None:
        return json_entities(path).get(entity, pd.DataFrame())
    frame = read_entity_frame(path)
    frame.columns = [c.strip().lstrip("\ufeff") for c in frame.columns]
    return frame


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].fillna("").astype(str).str.strip()
    return pd.Series("", index=frame.index, dtype=object)


def _current(frame: pd.DataFrame) -> pd.DataFrame:
    """The version in force now: open registration and open virkning; else the latest."""
    if frame.empty:
        return frame
    frame = frame[_col(frame, "registreringTil") == ""]
    frame = frame.assign(_open=_col(frame, "virkningTil") == "", _vf=_col(frame, "virkningFra"))
    frame = frame.sort_values(["_open", "_vf"]).drop_duplicates("id_lokalId", keep="last")
    return frame.drop(columns=["_open", "_vf"])


def _companions(path: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for other in sorted(path.parent.iterdir()):
        if not other.is_file() or other.name.startswith("."):
            continue
        info = sniff(other)
        if is_jordstykke_layer(info):
            found.setdefault("jordstykke", []).append(other)
            continue
        if info.kind == "json":
            for entity in json_entities(other):
                if entity != "enhed":
                    found.setdefault(entity, []).append(other)
            continue
        if other == path or info.kind not in ("csv", "ndjson", "zip"):
            continue
        entity = entity_of(info)
        if entity and entity != "enhed":
            found.setdefault(entity, []).append(other)
    return found


def _read_all(paths: list[Path], entity: str, keep: set[str] | None = None) -> pd.DataFrame:
    frames = [read_entity(p, keep, entity) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --------------------------------------------------------------------------- conversion


def convert(path: Path) -> Conversion:
    entity = entity_of(sniff(path))
    conv = Conversion(NAME)
    if entity != "enhed":
        conv.notes.append(
            f"BBR {entity} entities: a companion of the Enhed file in the same folder "
            "(building, construction year, ownership); nothing to load on its own"
        )
        return conv
    units = read_entity(path, entity="enhed")
    companions = _companions(path)
    conv.companions = [p for paths in companions.values() for p in paths]
    notes = conv.notes
    rows_read = len(units)
    units = units[_col(units, "registreringTil") == ""].copy()
    if rows_read - len(units):
        notes.append(f"{rows_read - len(units)} superseded registrations skipped")
    status = _col(units, "status")
    retired = status.isin(list(RETIRED_STATES))
    if retired.any():
        by_state = Counter(status[retired].tolist())
        notes.append(
            "unit versions in retired lifecycle states skipped: "
            + ", ".join(f"{RETIRED_STATES[s]} ({s}) x {n}" for s, n in sorted(by_state.items()))
        )
        units = units[~retired]
    no_usage = _col(units, "enh020EnhedensAnvendelse") == ""
    if no_usage.any():
        notes.append(f"{int(no_usage.sum())} unit versions without enh020 (no usage) skipped")
        units = units[~no_usage]
    units = units.assign(
        _vf_ts=_col(units, "virkningFra"),
        valid_from=to_date(_col(units, "virkningFra")),
        valid_to=to_date(_col(units, "virkningTil")),
    )
    before = len(units)
    units = units.sort_values(["id_lokalId", "_vf_ts"]).drop_duplicates(
        ["id_lokalId", "valid_from"], keep="last"
    )
    if before - len(units):
        notes.append(f"{before - len(units)} same-day unit versions collapsed to the day's last")
    # an interval that ends on the day it starts (the day's last version replaced it) is empty
    ends_before = (units["valid_to"] != "") & (units["valid_to"] < units["valid_from"])
    units.loc[ends_before, "valid_to"] = units.loc[ends_before, "valid_from"]

    building = _building_ids(units, companions)
    buildings = _current(
        _read_all(
            companions.get("bygning", []),
            "bygning",
            {
                "id_lokalId",
                "registreringTil",
                "virkningFra",
                "virkningTil",
                "byg026Opførelsesår",
                "byg066Ejerforhold",
                "jordstykke",
                "grund",
            },  # fmt: skip
        )
    )
    ownership, how = _ownership(buildings, companions)
    year = (
        dict(zip(buildings["id_lokalId"], _col(buildings, "byg026Opførelsesår"), strict=True))
        if not buildings.empty
        else {}
    )
    area = _col(units, "enh026EnhedensSamledeAreal")
    negative = area.str.startswith("-")
    if negative.any():
        notes.append(
            f"{int(negative.sum())} negative enh026 areas (e.g. {area[negative].iloc[0]}) "
            "emptied: BBR registration errors, the units are kept"
        )
        area = area.where(~negative, "")
    frame = pd.DataFrame(
        {
            "unit_id": _col(units, "id_lokalId"),
            "address_id": _col(units, "adresseIdentificerer"),
            "building_id": building,
            "unit_usage_code": _col(units, "enh020EnhedensAnvendelse"),
            "housing_type_code": _col(units, "enh023Boligtype"),
            "letting_code": _col(units, "enh045Udlejningsforhold"),
            "subsidy_code": _col(units, "enh046OffentligStøtte"),
            "ownership_code": [ownership.get(b, "") for b in building],
            "floor_area_m2": area,
            "rooms": _col(units, "enh031AntalVærelser"),
            "construction_year": [
                "" if year.get(b, "") in ("", "0") else year[b] for b in building
            ],
            "afdeling_id": "",
            "valid_from": units["valid_from"],
            "valid_to": units["valid_to"],
        }
    ).reset_index(drop=True)
    with_owner = int((frame["ownership_code"] != "").sum())
    notes.append(
        f"ownership (ejerforhold) found for {with_owner} of {len(frame)} unit versions"
        + (f" ({', '.join(f'{k} {v}' for k, v in how.items())} buildings)" if how else "")
    )
    if not companions.get("bygning"):
        notes.append("no BBR Bygning file beside the Enhed file: no construction year")
    for column, kodeliste in (
        ("unit_usage_code", "EnhAnvendelse"),
        ("housing_type_code", "Boligtype"),
        ("letting_code", "Udlejningsforhold"),
        ("subsidy_code", "OffentligStoette"),
        ("ownership_code", "Ejerforholdskode"),
    ):
        problem = unknown_codes(frame[column], kodeliste, column)
        if problem:
            notes.append(problem)
    if frame.empty:
        raise FileRejected(f"{path.name}: rejected (nothing loaded). No current BBR unit found.")
    conv.outputs.append(Output("dwellings", frame))
    return conv


def _building_ids(units: pd.DataFrame, companions: dict[str, list[Path]]) -> list[str]:
    direct = _col(units, "bygning")
    result = direct.tolist()
    for entity, fk in (("opgang", "opgang"), ("etage", "etage")):
        if all(result) or not companions.get(entity):
            continue
        table = _current(
            _read_all(
                companions[entity],
                entity,
                {"id_lokalId", "registreringTil", "virkningFra", "virkningTil", "bygning"},
            )
        )
        lookup = dict(zip(table["id_lokalId"], _col(table, "bygning"), strict=True))
        keys = _col(units, fk).tolist()
        result = [r or lookup.get(k, "") for r, k in zip(result, keys, strict=True)]
    return result


def _ownership(
    buildings: pd.DataFrame, companions: dict[str, list[Path]]
) -> tuple[dict[str, str], dict[str, int]]:
    """Building id -> ejerforhold code, and how many buildings each link resolved."""
    owner: dict[str, str] = {}
    how: Counter[str] = Counter()
    if buildings.empty:
        return owner, how
    ids = buildings["id_lokalId"].tolist()
    direct = _col(buildings, "byg066Ejerforhold").tolist()
    for b, code in zip(ids, direct, strict=True):
        if code:
            owner[b] = code
            how["byg066"] += 1
    relations = _current(_read_all(companions.get("ejendomsrelation", []), "ejendomsrelation"))
    if relations.empty:
        return owner, how
    relations = relations[_col(relations, "ejendommensEjerforholdskode") != ""]
    code_of_bfe = dict(
        zip(
            _col(relations, "bfeNummer"),
            _col(relations, "ejendommensEjerforholdskode"),
            strict=True,
        )
    )
    bpfg = dict(
        zip(
            _col(relations, "bygningPåFremmedGrund"),
            _col(relations, "ejendommensEjerforholdskode"),
            strict=True,
        )
    )
    bpfg.pop("", None)
    for b in ids:
        if b not in owner and b in bpfg:
            owner[b] = bpfg[b]
            how["bygning på fremmed grund"] += 1
    if companions.get("grund"):
        grund = _current(_read_all(companions["grund"], "grund"))
        bfe_of_grund = dict(
            zip(grund["id_lokalId"], _col(grund, "bestemtFastEjendom"), strict=True)
        )
        for b, g in zip(ids, _col(buildings, "grund").tolist(), strict=True):
            code = code_of_bfe.get(bfe_of_grund.get(g, ""), "")
            if b not in owner and code:
                owner[b] = code
                how["grund"] += 1
    if companions.get("jordstykke"):
        import pyogrio

        bfe_of_parcel: dict[str, str] = {}
        for layer_path in companions["jordstykke"]:
            table = pyogrio.read_dataframe(layer_path, read_geometry=False)
            key = "featureID" if "featureID" in table.columns else "id_lokalId"
            for parcel, bfe in zip(table[key], table["sfeejendomsnr"], strict=True):
                if pd.notna(parcel) and pd.notna(bfe):
                    bfe_of_parcel[_num_text(parcel)] = _num_text(bfe)
        for b, parcel in zip(ids, _col(buildings, "jordstykke").tolist(), strict=True):
            code = code_of_bfe.get(bfe_of_parcel.get(parcel, ""), "")
            if b not in owner and code:
                owner[b] = code
                how["jordstykke"] += 1
    return owner, dict(how)


def _num_text(value: object) -> str:
    """1234.0 -> '1234' (integer fields read as floats), anything else as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
