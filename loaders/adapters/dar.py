"""DAR (Danmarks Adresseregister) addresses -> raw.addresses.

Two delivery shapes:

- `dawa_csv`: the flat address table (DAWA/Dataforsyningen CSV download, or a municipality's
  own flat export): `adresse_id`/`id`, `adgangsadresse_id`, `kommunekode`, `vejkode`, `vejnavn`,
  `husnr`, `etage`, `doer`/`dør`, `postnr`, `etrs89_x`/`etrs89koordinat_øst`, `etrs89_y`/
  `etrs89koordinat_nord`, status. One row per current address (no history).
- `dar_entities`: DAR 1.0 entity files as Datafordeleren delivers them (ndjson or JSON, lower-case
  DAR 1.0 field names): `Adresse` (primary: id, husnummer_id, etagebetegnelse, dørbetegnelse,
  status, virkningfra/-til, registreringtil) with the `Husnummer` entities (adgangspunkt_id,
  husnummertekst, kommune and vejkode) and `Adressepunkt` (position WKT, EPSG:25832) from files in
  the same folder. Without Husnummer entities the Adresse file cannot be placed (no kommune, no
  coordinates) and is rejected with that reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.adapters.base import (
    Conversion,
    FieldMap,
    Output,
    make_kvhx,
    read_entity_frame,
    sniff,
    to_date,
)
from loaders.errors import FileRejected

# ------------------------------------------------------------------------- flat DAWA CSV
CSV_NAME = "dawa_csv"
CSV_TITLE = "DAR/DAWA flat address table (CSV)"
CSV_PRODUCES = ("addresses",)

#: canonical column -> accepted delivered names (first present wins)
CSV_FIELDS: dict[str, tuple[str, ...]] = {
    "address_id": ("adresse_id", "id", "adresseid"),
    "access_address_id": ("adgangsadresse_id", "adgangsadresseid", "husnummer_id"),
    "municipality_code": ("kommunekode",),
    "street_code": ("vejkode",),
    "street_name": ("vejnavn",),
    "house_number": ("husnr",),
    "floor": ("etage",),
    "door": ("doer", "dør", "dor"),
    "postcode": ("postnr",),
    "x": ("etrs89_x", "etrs89koordinat_øst", "etrs89koordinat_oest"),
    "y": ("etrs89_y", "etrs89koordinat_nord"),
    "status": ("statuskode_dar09", "status"),
}
CSV_MAPPING: tuple[FieldMap, ...] = (
    *(FieldMap(f"addresses.{target}", " / ".join(names)) for target, names in CSV_FIELDS.items()),
    FieldMap(
        "addresses.kvhx",
        "kommunekode + vejkode + husnr + etage + dør",
        "CPR-style 19 characters (husnr 3 digits + letter, floor 3, door 4)",
    ),
    FieldMap("addresses.valid_from / valid_to", "(none)", "empty: the flat table is current"),
)
_CSV_SIGNATURE = (
    {"adresse_id", "id", "adresseid"},
    {"adgangsadresse_id", "adgangsadresseid", "husnummer_id"},
    {"kommunekode"},
)


def csv_match(path: Path) -> str | None:
    info = sniff(path)
    if info.kind != "csv":
        return f"not a CSV file ({info.kind})"
    fields = {f.lower() for f in info.field_set}
    missing = ["/".join(sorted(group)) for group in _CSV_SIGNATURE if not (fields & group)]
    if missing:
        return f"header lacks {', '.join(missing)}"
    if not ({"etrs89_x", "etrs89koordinat_øst", "etrs89koordinat_oest"} & fields):
        return "header lacks etrs89_x/etrs89koordinat_øst (coordinates)"
    return None


def csv_convert(path: Path) -> Conversion:
    table = read_entity_frame(path)
    table.columns = [c.strip().lstrip("\ufeff").lower() for c in table.columns]
    out = pd.DataFrame(index=table.index)
    for target, names in CSV_FIELDS.items():
        name = next((n for n in names if n in table.columns), None)
        out[target] = table[name].str.strip() if name else ""
    out["kvhx"] = [
        make_kvhx(*row)
        for row in zip(
            out["municipality_code"],
            out["street_code"],
            out["house_number"],
            out["floor"],
            out["door"],
            strict=True,
        )  # fmt: skip
    ]
    out["valid_from"] = ""
    out["valid_to"] = ""
    return Conversion(CSV_NAME, outputs=[Output("addresses", out.reset_index(drop=True))])


# ------------------------------------------------------------------------- DAR 1.0 entities
ENT_NAME = "dar_entities"
ENT_TITLE = "DAR 1.0 entity files (Datafordeleren ndjson/JSON: Adresse, Husnummer, Adressepunkt)"
ENT_PRODUCES = ("addresses",)
ENT_MAPPING: tuple[FieldMap, ...] = (
    FieldMap("addresses.address_id", "Adresse.id"),
    FieldMap("addresses.access_address_id", "Adresse.husnummer_id", "Husnummer UUID"),
    FieldMap(
        "addresses.municipality_code",
        "Husnummer.kommunekode (or DARKommuneinddeling.kommunekode via darkommune_id)",
    ),
    FieldMap("addresses.street_code", "Husnummer.vejkode"),
    FieldMap("addresses.street_name", "Husnummer.vejnavn (when present)"),
    FieldMap("addresses.house_number", "Husnummer.husnummertekst"),
    FieldMap("addresses.floor", "Adresse.etagebetegnelse"),
    FieldMap("addresses.door", "Adresse.dørbetegnelse"),
    FieldMap("addresses.postcode", "Husnummer.postnr, else parsed from Adresse.adressebetegnelse"),
    FieldMap(
        "addresses.x / y",
        "Adressepunkt.position (POINT x y, EPSG:25832) via Husnummer.adgangspunkt_id",
    ),  # fmt: skip
    FieldMap("addresses.kvhx", "kommune + vejkode + husnummer + etage + dør", "as dawa_csv"),
    FieldMap("addresses.status", "Adresse.status", "DAR 1.0 status (2 foreløbig, 3 gældende…)"),
    FieldMap(
        "addresses.valid_from / valid_to",
        "Adresse.virkningfra / virkningtil",
        "date part; registreringtil empty; same-day versions collapse",
    ),  # fmt: skip
)


def _entity(info_fields: set[str]) -> str | None:
    if {"husnummer_id", "etagebetegnelse"} <= info_fields:
        return "adresse"
    if "husnummertekst" in info_fields and "adgangspunkt_id" in info_fields:
        return "husnummer"
    if "position" in info_fields and "oprindelse_kilde" in info_fields:
        return "adressepunkt"
    if "kommunekode" in info_fields and "id" in info_fields and "navn" in info_fields:
        return "kommuneinddeling"
    return None


def ent_match(path: Path) -> str | None:
    info = sniff(path)
    if info.kind not in ("ndjson", "json"):
        return f"not ndjson/JSON ({info.kind})"
    if _entity({f.lower() for f in info.field_set}) is None:
        return "no DAR 1.0 entity keys (husnummer_id+etagebetegnelse, husnummertekst, position)"
    return None


def ent_convert(path: Path) -> Conversion:
    entity = _entity({f.lower() for f in sniff(path).field_set})
    conv = Conversion(ENT_NAME)
    if entity != "adresse":
        conv.notes.append(
            f"DAR {entity} entities: a companion of the Adresse file in the same folder"
        )
        return conv
    others: dict[str, list[Path]] = {}
    for other in sorted(path.parent.iterdir()):
        if other != path and other.is_file() and ent_match(other) is None:
            kind = _entity({f.lower() for f in sniff(other).field_set})
            if kind and kind != "adresse":
                others.setdefault(kind, []).append(other)
    conv.companions = [p for paths in others.values() for p in paths]
    if not others.get("husnummer"):
        raise FileRejected(
            f"{path.name}: rejected (nothing loaded). DAR Adresse entities were found, but no "
            "DAR Husnummer file in the same folder: without Husnummer an address has no "
            "kommune, road code, house number or access point. Download Husnummer (and "
            "Adressepunkt, DARKommuneinddeling) from the same Datafordeleren DAR file download "
            "and put them beside the Adresse file."
        )
    addresses = read_entity_frame(path)
    read = len(addresses)
    addresses = addresses[addresses.get("registreringtil", "").fillna("").astype(str) == ""]
    if read - len(addresses):
        conv.notes.append(f"{read - len(addresses)} superseded registrations skipped")
    house = _current(pd.concat([read_entity_frame(p) for p in others["husnummer"]]))
    points: dict[str, tuple[str, str]] = {}
    for p in others.get("adressepunkt", []):
        for pid, wkt in _current(read_entity_frame(p))[["id", "position"]].itertuples(index=False):
            found = re.match(r"POINT\s*\(\s*([-\d.]+)\s+([-\d.]+)", wkt or "")
            if found:
                points[pid] = (found.group(1), found.group(2))
    kommune_of: dict[str, str] = {}
    for p in others.get("kommuneinddeling", []):
        table = _current(read_entity_frame(p))
        kommune_of.update(zip(table["id"], table["kommunekode"], strict=True))
    h = house.set_index("id")
    hid = addresses["husnummer_id"]

    def hcol(name: str) -> pd.Series:
        if name not in h.columns:
            return pd.Series("", index=addresses.index)
        return hid.map(h[name]).fillna("").astype(str)

    kommune = hcol("kommunekode")
    if "darkommune_id" in h.columns:
        kommune = kommune.where(kommune != "", hcol("darkommune_id").map(kommune_of).fillna(""))
    point = hcol("adgangspunkt_id").map(points)
    postcode = hcol("postnr")
    parsed = addresses.get("adressebetegnelse", "").astype(str).str.extract(r",\s*(\d{4})\s")[0]
    postcode = postcode.where(postcode != "", parsed.fillna(""))
    out = pd.DataFrame(
        {
            "address_id": addresses["id"],
            "access_address_id": hid,
            "municipality_code": kommune.str.zfill(4).where(kommune != "", ""),
            "street_code": hcol("vejkode"),
            "street_name": hcol("vejnavn"),
            "house_number": hcol("husnummertekst"),
            "floor": addresses.get("etagebetegnelse", "").fillna(""),
            "door": addresses.get("dørbetegnelse", "").fillna(""),
            "postcode": postcode,
            "x": point.map(lambda p: p[0] if isinstance(p, tuple) else ""),
            "y": point.map(lambda p: p[1] if isinstance(p, tuple) else ""),
            "status": addresses.get("status", "").fillna(""),
            "valid_from": to_date(addresses["virkningfra"]),
            "valid_to": to_date(addresses.get("virkningtil", pd.Series("", index=hid.index))),
            "_ts": addresses["virkningfra"],
        }
    )
    out["kvhx"] = [
        make_kvhx(*r) if r[0] and r[1] else ""
        for r in zip(
            out["municipality_code"],
            out["street_code"],
            out["house_number"],
            out["floor"],
            out["door"],
            strict=True,
        )  # fmt: skip
    ]
    before = len(out)
    out = out.sort_values(["address_id", "_ts"]).drop_duplicates(
        ["address_id", "valid_from"], keep="last"
    )
    if before - len(out):
        conv.notes.append(f"{before - len(out)} same-day address versions collapsed")
    missing = int((out["municipality_code"] == "").sum())
    if missing:
        conv.notes.append(f"{missing} address versions whose husnummer was not found")
    conv.outputs.append(Output("addresses", out.drop(columns="_ts").reset_index(drop=True)))
    return conv


def _current(frame: pd.DataFrame) -> pd.DataFrame:
    reg = frame.get("registreringtil")
    if reg is not None:
        frame = frame[reg.fillna("").astype(str) == ""]
    vt = frame.get("virkningtil")
    if vt is not None:
        frame = frame.assign(_open=vt.fillna("").astype(str) == "")
        frame = frame.sort_values(["_open", "virkningfra"]).drop_duplicates("id", keep="last")
        frame = frame.drop(columns="_open")
    return frame
