"""Source adapters on small synthetic files owned by the project (written at test time).

CPR numbers are the clearly fake ones of fakedata.fake_cpr (serials 9000+); UUIDs are made up.
Every file goes through the CLI (`boligmon load-dir` / `boligmon load`) into the test database.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import psycopg
from conftest import invoke
from fakedata import cpr_record as _record
from fakedata import fake_cpr
from typer.testing import CliRunner

from loaders.adapters.base import make_kvhx

# --------------------------------------------------------------------------- CPR extract


def cpr_extract(path: Path) -> Path:
    a, b, c = fake_cpr(1), fake_cpr(2), fake_cpr(3)
    lines = [
        "000" + "START".ljust(30) + "20240101",
        # 001: status 36, status start 38 (YYYYMMDDHHMM), sex 67, birth date 68, mother 190
        _record("001", a, {36: "01", 38: "200001010000", 67: "K", 68: "1951-02-01", 190: c}),
        _record("001", b, {36: "90", 38: "202103150000", 67: "M", 68: "1952-03-02"}),
        _record(
            "001", c, {36: "80", 38: "201906300000", 67: "K", 68: "1930-01-03", 190: "0000000000"}
        ),
        # 015: protection type 0001 (name and address), start 34, no end date
        _record("015", a, {14: "0001", 34: "2020-05-01"}),
        # 040: citizenship 30, since 34
        _record("040", a, {30: "5100", 34: "195102010000"}),
        _record("040", b, {30: "5120", 34: "195203020000"}),
        # 025 current address: komkod 30, vejkod 34, husnr 38, etage 42, door 44, moved in 98,
        # previous kommune 140
        _record(
            "025",
            a,
            {
                30: "0999",
                34: "0123",
                38: " 12A",
                42: "01",
                44: "tv  ",
                98: "201506010000",
                140: "0101",
            },
        ),
        # 026 historic address: one position later; moved out 112; annkor 14
        _record(
            "026",
            a,
            {
                31: "0999",
                35: "0200",
                39: "007 ",
                43: "st",
                45: "    ",
                99: "200001010000",
                112: "201506010000",
                154: "0000",
            },
        ),
        _record(
            "026",
            a,
            {14: "A", 31: "0999", 35: "0300", 39: "001 ", 99: "199901010000", 112: "199912310000"},
        ),
        _record("025", b, {30: "0999", 34: "0123", 38: " 14 ", 98: "201001010000"}),
        "999" + "SLUT".ljust(20),
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    return path


def test_cpr_extract_to_persons_and_residences(
    cli: CliRunner, db: psycopg.Connection, tmp_path: Path
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cpr_extract(inbox / "U12345.txt")
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    assert "adapter cpr_extract chosen" in result.output
    persons = db.execute(
        "select sex, birth_date::text, status, status_date::text, death_date::text, "
        "emigration_date::text, address_protected, citizenship, mother_person_key is not null "
        "from raw.persons order by birth_date"
    ).fetchall()
    assert persons == [
        ("K", "1930-01-03", "80", "2019-06-30", None, "2019-06-30", False, None, False),
        ("K", "1951-02-01", "01", "2000-01-01", None, None, True, "5100", True),
        ("M", "1952-03-02", "90", "2021-03-15", "2021-03-15", None, False, "5120", False),
    ]
    residences = db.execute(
        "select kvhx, moved_in::text, moved_out::text, moved_in_from_municipality, is_annulled "
        "from raw.residences order by moved_in"
    ).fetchall()
    assert residences == [
        (make_kvhx("0999", "0300", "1", "", ""), "1999-01-01", "1999-12-31", None, True),
        (make_kvhx("0999", "0200", "7", "st", ""), "2000-01-01", "2015-06-01", None, False),
        (make_kvhx("0999", "0123", "14", "", ""), "2010-01-01", None, None, False),
        (make_kvhx("0999", "0123", "12A", "1", "tv"), "2015-06-01", None, "0101", False),
    ]
    assert residences[3][0] == "09990123012A1  tv  "
    # CPR numbers never reach the database; the log names the adapter and the record counts
    dump = " ".join(str(r) for r in db.execute("select * from raw.persons").fetchall())
    assert fake_cpr(1) not in dump
    messages = [r[0] for r in db.execute("select message from raw._load_log").fetchall()]
    assert all(m.startswith("adapter cpr_extract ") for m in messages)
    assert any("3 persons (001), 4 addresses (025/026)" in m for m in messages)
    assert any("record types not used: 000 x 1, 999 x 1" in m for m in messages)


def test_load_one_source_of_a_cpr_extract(cli: CliRunner, db: psycopg.Connection, tmp_path):
    path = cpr_extract(tmp_path / "extract.txt")
    result = invoke(cli, "load", "persons", path)
    assert result.exit_code == 0, result.output
    assert db.execute("select count(*) from raw.persons").fetchone() == (3,)
    assert db.execute("select count(*) from raw.residences").fetchone() == (0,)
    again = invoke(cli, "load", "persons", path)
    assert again.exit_code == 0 and "already loaded" in again.output
    wrong = invoke(cli, "load", "dwellings", path)
    assert wrong.exit_code == 1
    assert "gives persons, residences, not dwellings" in wrong.output


# --------------------------------------------------------------------------- BBR


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"boligmon-test/{name}"))


UNIT_FIELDS = [
    "id_lokalId",
    "kommunekode",
    "registreringFra",
    "registreringTil",
    "virkningFra",
    "virkningTil",
    "status",
    "enh020EnhedensAnvendelse",
    "enh023Boligtype",
    "enh026EnhedensSamledeAreal",
    "enh031AntalVærelser",
    "enh045Udlejningsforhold",
    "enh046OffentligStøtte",
    "adresseIdentificerer",
    "opgang",
    "etage",
]


def _units() -> list[dict[str, str]]:
    base = {f: "" for f in UNIT_FIELDS}
    rows = []
    for i, (usage, letting, subsidy) in enumerate(
        [("140", "1", "10"), ("120", "2", ""), ("140", "1", ""), ("999", "3", "")]
    ):
        rows.append(
            {
                **base,
                "id_lokalId": _uuid(f"unit{i}"),
                "kommunekode": "0999",
                "status": "6",
                "registreringFra": "2017-06-02T12:29:37Z",
                "virkningFra": "2010-01-01T10:00:00Z",
                "enh020EnhedensAnvendelse": usage,
                "enh023Boligtype": "1",
                "enh026EnhedensSamledeAreal": "80",
                "enh031AntalVærelser": "3",
                "enh045Udlejningsforhold": letting,
                "enh046OffentligStøtte": subsidy,
                "adresseIdentificerer": _uuid(f"address{i}"),
                "opgang": _uuid(f"opgang{i % 2}"),
            }
        )
    # history of unit0: an older version, a superseded registration, and a same-day version
    rows.append(
        {
            **rows[0],
            "virkningFra": "2000-01-01T00:00:00Z",
            "virkningTil": "2010-01-01T10:00:00Z",
            "enh045Udlejningsforhold": "2",
        }
    )
    rows.append(
        {**rows[0], "registreringTil": "2018-01-01T00:00:00Z", "enh020EnhedensAnvendelse": "120"}
    )
    rows.append(
        {**rows[0], "virkningFra": "2010-01-01T08:00:00Z", "virkningTil": "2010-01-01T10:00:00Z"}
    )
    # a deleted unit (lifecycle 10) is skipped and counted
    rows.append({**rows[1], "id_lokalId": _uuid("deleted"), "status": "10"})
    return rows


def _buildings() -> list[dict[str, str]]:
    return [
        {
            "id_lokalId": _uuid("building0"),
            "registreringTil": "",
            "virkningFra": "2000-01-01",
            "virkningTil": "",
            "status": "6",
            "byg021BygningensAnvendelse": "140",
            "byg026Opførelsesår": "1968",
            "byg066Ejerforhold": "20",
        },
        {
            "id_lokalId": _uuid("building1"),
            "registreringTil": "",
            "virkningFra": "2000-01-01",
            "virkningTil": "",
            "status": "6",
            "byg021BygningensAnvendelse": "120",
            "byg026Opførelsesår": "0",
            "byg066Ejerforhold": "10",
        },
    ]


def _opgange() -> list[dict[str, str]]:
    return [
        {
            "id_lokalId": _uuid(f"opgang{i}"),
            "registreringTil": "",
            "virkningFra": "2000-01-01",
            "virkningTil": "",
            "status": "6",
            "opg020Elevator": "0",
            "adgangFraHusnummer": _uuid(f"husnummer{i}"),
            "bygning": _uuid(f"building{i}"),
        }
        for i in range(2)
    ]


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _check_bbr(db: psycopg.Connection) -> None:
    rows = db.execute(
        "select unit_id, valid_from::text, valid_to::text, building_id, unit_usage_code, "
        "letting_code, subsidy_code, ownership_code, construction_year, floor_area_m2::int "
        "from raw.dwellings order by unit_id, valid_from"
    ).fetchall()
    by_unit = {}
    for row in rows:
        by_unit.setdefault(row[0], []).append(row[1:])
    assert _uuid("deleted") not in by_unit
    # two versions: the same-day 08:00 version and the superseded registration are gone
    assert by_unit[_uuid("unit0")] == [
        ("2000-01-01", "2010-01-01", _uuid("building0"), "140", "2", "10", "20", 1968, 80),
        ("2010-01-01", None, _uuid("building0"), "140", "1", "10", "20", 1968, 80),
    ]
    assert by_unit[_uuid("unit1")] == [
        ("2010-01-01", None, _uuid("building1"), "120", "2", None, "10", None, 80)
    ]
    # the unknown usage code is kept (and reported), never dropped
    assert by_unit[_uuid("unit3")][0][3] == "999"
    message = db.execute(
        "select message from raw._load_log where source = 'dwellings' and status = 'loaded'"
    ).fetchone()[0]
    assert message.startswith("adapter bbr ")
    assert "unit_usage_code: 1 rows with codes not in the BBR code list EnhAnvendelse " in message
    assert "(999 x 1); kept and reported" in message
    assert "Slettet (10) x 1" in message
    assert "1 superseded registrations skipped" in message
    assert "1 same-day unit versions collapsed" in message


def test_bbr_csv_entity_files(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    inbox = tmp_path / "bbr"
    inbox.mkdir()
    _csv(inbox / "BBR_Enhed.csv", _units())
    _csv(inbox / "BBR_Bygning.csv", _buildings())
    _csv(inbox / "BBR_Opgang.csv", _opgange())
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    assert result.output.count("adapter bbr chosen") == 3
    _check_bbr(db)


def test_bbr_datafordeler_json(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    inbox = tmp_path / "bbr_json"
    inbox.mkdir()
    units = [{k: (v or None) for k, v in row.items()} for row in _units()]
    (inbox / "enhed.json").write_text(json.dumps(units), encoding="utf-8")
    (inbox / "bygning.json").write_text(json.dumps({"BygningList": _buildings()}), "utf-8")
    (inbox / "opgang.ndjson").write_text(
        "\n".join(json.dumps(o) for o in _opgange()) + "\n", encoding="utf-8"
    )
    result = invoke(cli, "load", "dwellings", inbox / "enhed.json")
    assert result.exit_code == 0, result.output
    _check_bbr(db)


def test_bbr_one_json_document_with_several_entity_lists(
    cli: CliRunner, db: psycopg.Connection, tmp_path: Path
):
    inbox = tmp_path / "bbr_one_json"
    inbox.mkdir()
    document = {
        "EnhedList": [{k: (v or None) for k, v in row.items()} for row in _units()],
        "BygningList": _buildings(),
        "OpgangList": _opgange(),
    }
    (inbox / "BBR_Totaludtraek.json").write_text(json.dumps(document), encoding="utf-8")
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    _check_bbr(db)


def _ois_zip(path: Path, table: str, rows: list[dict[str, str]]) -> Path:
    body = "".join(
        f"<{table.lower()}>"
        + "".join(f"<{k}>{v}</{k}>" for k, v in row.items() if v != "")
        + f"</{table.lower()}>"
        for row in rows
    )
    xml = f'<?xml version="1.0" encoding="ISO-8859-1"?><OIS_UDTRAEK>{body}</OIS_UDTRAEK>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(path.with_suffix(".XML").name, xml.encode("iso-8859-1"))
    return path


def test_bbr_ois_zip(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    inbox = tmp_path / "ois"
    inbox.mkdir()
    _ois_zip(inbox / "OIS_GRBBR_CO50500T_NA000_00001_20240101_000000.ZIP", "CO50500T", _units())
    _ois_zip(inbox / "OIS_GRBBR_CO50200T_NA000_00001_20240101_000000.ZIP", "CO50200T", _buildings())
    _ois_zip(inbox / "OIS_GRBBR_CO51200T_NA000_00001_20240101_000000.ZIP", "CO51200T", _opgange())
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    _check_bbr(db)


# --------------------------------------------------------------------------- DAR / DAWA


def test_dawa_flat_csv(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    path = tmp_path / "adresser.csv"
    path.write_text(
        "id;adgangsadresseid;kommunekode;vejkode;vejnavn;husnr;etage;dør;postnr;"
        "etrs89koordinat_øst;etrs89koordinat_nord;status\n"
        f"{_uuid('a1')};{_uuid('h1')};999;123;Prøvevej;12A;1;tv;9999;600000.5;6200000.25;1\n"
        f"{_uuid('a2')};{_uuid('h1')};999;123;Prøvevej;12A;;;9999;600000.5;6200000.25;1\n",
        encoding="utf-8",
    )
    result = invoke(cli, "load-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert "adapter dawa_csv chosen" in result.output
    rows = db.execute(
        "select municipality_code, street_code, kvhx, x::text, y::text, street_name "
        "from raw.addresses order by kvhx"
    ).fetchall()
    assert rows == [
        ("0999", "0123", "09990123012A       ", "600000.5", "6200000.25", "Prøvevej"),
        ("0999", "0123", "09990123012A1  tv  ", "600000.5", "6200000.25", "Prøvevej"),
    ]
    # the CPR key of the same address is the same string
    assert make_kvhx("0999", "0123", " 12A", "01", "tv  ") == rows[1][2]


def _ndjson(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_dar10_entities(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    inbox = tmp_path / "dar"
    inbox.mkdir()
    common = {"registreringfra": "2018-05-03T16:58:34Z", "registreringtil": None}
    _ndjson(
        inbox / "Adresse.ndjson",
        [
            {
                **common,
                "id": _uuid("a1"),
                "virkningfra": "2011-09-09T12:20:37Z",
                "virkningtil": "2014-03-19T13:37:07Z",
                "status": "3",
                "adressebetegnelse": "Prøvevej 7, 2. th, 9999 Testby",
                "dørbetegnelse": "th",
                "etagebetegnelse": "2",
                "husnummer_id": _uuid("h1"),
            },
            {
                **common,
                "id": _uuid("a1"),
                "virkningfra": "2014-03-19T13:37:07Z",
                "virkningtil": None,
                "status": "4",
                "adressebetegnelse": "Prøvevej 7, 2. th, 9999 Testby",
                "dørbetegnelse": "th",
                "etagebetegnelse": "2",
                "husnummer_id": _uuid("h1"),
            },
        ],
    )
    _ndjson(
        inbox / "Husnummer.ndjson",
        [
            {
                **common,
                "id": _uuid("h1"),
                "virkningfra": "2010-01-01T00:00:00Z",
                "virkningtil": None,
                "husnummertekst": "7",
                "adgangspunkt_id": _uuid("p1"),
                "darkommune_id": _uuid("k1"),
                "vejkode": "0321",
            },
        ],
    )
    _ndjson(
        inbox / "Adressepunkt.ndjson",
        [
            {
                **common,
                "id": _uuid("p1"),
                "virkningfra": "2010-01-01T00:00:00Z",
                "virkningtil": None,
                "oprindelse_kilde": "test",
                "position": "POINT (588454.58 6140353.14)",
            },
        ],
    )
    _ndjson(
        inbox / "DARKommuneinddeling.ndjson",
        [
            {
                **common,
                "id": _uuid("k1"),
                "virkningfra": "2010-01-01T00:00:00Z",
                "virkningtil": None,
                "kommunekode": "999",
                "navn": "Testby",
            },
        ],
    )
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    rows = db.execute(
        "select valid_from::text, valid_to::text, status, municipality_code, street_code, "
        "house_number, floor, door, postcode, x::text, y::text, kvhx "
        "from raw.addresses order by valid_from"
    ).fetchall()
    tail = (
        "0999",
        "0321",
        "7",
        "2",
        "th",
        "9999",
        "588454.58",
        "6140353.14",
        "09990321007 2  th  ",
    )
    assert rows == [("2011-09-09", "2014-03-19", "3", *tail), ("2014-03-19", None, "4", *tail)]


# --------------------------------------------------------------------------- DAGI


def test_dagi_layer_in_lon_lat(cli: CliRunner, db: psycopg.Connection, tmp_path: Path):
    def square(x: float, y: float) -> list:
        return [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]

    features = [
        {
            "type": "Feature",
            "properties": {"kommunekode": "999", "navn": "Testby", "regionskode": "1085"},
            "geometry": {"type": "Polygon", "coordinates": square(11.0, 55.5)},
        },
        {
            "type": "Feature",
            "properties": {"kommunekode": "999", "navn": "Testby", "regionskode": "1085"},
            "geometry": {"type": "Polygon", "coordinates": square(11.1, 55.5)},
        },
        {
            "type": "Feature",
            "properties": {"kommunekode": "998", "navn": "Prøveby", "regionskode": "1085"},
            "geometry": {"type": "Polygon", "coordinates": square(11.2, 55.5)},
        },
    ]
    path = tmp_path / "Kommuneinddeling.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    result = invoke(cli, "load-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert "adapter dagi chosen" in result.output
    rows = db.execute(
        "select area_id, area_name, area_level, parent_area_id, st_srid(geom), "
        "st_numgeometries(geom), st_x(st_centroid(geom)) between 500000 and 800000 "
        "from raw.areas order by area_id"
    ).fetchall()
    assert rows == [
        ("0998", "Prøveby", "kommune", "1085", 25832, 1, True),
        ("0999", "Testby", "kommune", "1085", 25832, 2, True),
    ]
    crs = db.execute("select crs, message from raw._load_log").fetchone()
    assert crs[0] == "EPSG:4326" and "3 features dissolved into 2 kommune areas" in crs[1]


# --------------------------------------------------------------------------- no adapter


def test_unknown_file_rejected_with_adapters_tried(
    cli: CliRunner, db: psycopg.Connection, tmp_path: Path
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "udtraek.csv").write_text("foo;bar;baz\n1;2;3\n", encoding="utf-8")
    (inbox / "data.ndjson").write_text('{"a": 1}\n', encoding="utf-8")
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 1
    for name in ("cpr_extract", "bbr", "dar_entities", "dawa_csv", "dagi"):
        assert f"{name}: " in result.output
    assert "udtraek.csv: rejected (nothing loaded). Its signature matches no source adapter" in (
        result.output
    )
    assert "dawa_csv: header lacks" in result.output
    assert "cpr_extract: lines do not start with a 3-digit record type" in result.output
    assert "2 of 2 files failed" in result.output
    counts = db.execute(
        "select (select count(*) from raw._load_log) + (select count(*) from raw.persons) "
        "+ (select count(*) from raw.addresses) + (select count(*) from raw.dwellings)"
    ).fetchone()
    assert counts == (0,)
    single = invoke(cli, "load", "addresses", inbox / "data.ndjson")
    assert single.exit_code == 1 and "Adapters tried:" in single.output


def test_sources_doc_has_the_current_mapping_tables():
    from loaders.adapters.render import DOC, updated

    text = DOC.read_text(encoding="utf-8")
    assert text == updated(text), "docs/sources.md is stale: run python -m loaders.adapters.render"
