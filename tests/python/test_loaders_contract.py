"""The contract is the single source of truth: DDL, header aliases and the committed GX suites."""

from __future__ import annotations

import json

import psycopg

from loaders.contract import SOURCES, get_source, header_map, normalise_header, raw_table_ddl
from loaders.validate import EXPECTATIONS_DIR, detect_source, suite_json


def test_committed_suites_equal_the_generated_ones() -> None:
    committed = sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))
    assert committed == sorted(s.name for s in SOURCES)
    for source in SOURCES:
        on_disk = json.loads((EXPECTATIONS_DIR / f"{source.name}.json").read_text())
        assert on_disk == suite_json(source), (
            f"loaders/expectations/{source.name}.json is stale: run `boligmon suites`"
        )


def test_suites_cover_the_contract_rules() -> None:
    types = {e["type"] for e in suite_json(get_source("residences"))["expectations"]}
    assert {
        "expect_table_columns_to_match_set",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",  # parse failures and "one of" columns
        "expect_column_values_to_match_regex",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_compound_columns_to_be_unique",
    } <= types
    persons = {e["type"] for e in suite_json(get_source("persons"))["expectations"]}
    assert {"expect_column_values_to_be_in_set", "expect_compound_columns_to_be_unique"} <= persons
    benefits = {e["type"] for e in suite_json(get_source("benefits"))["expectations"]}
    assert "expect_column_values_to_be_between" in benefits


def test_raw_tables_follow_the_naming_rules(db: psycopg.Connection) -> None:
    for source in SOURCES:
        columns = db.execute(
            "select column_name, data_type, is_nullable from information_schema.columns "
            "where table_schema = 'raw' and table_name = %s order by ordinal_position",
            (source.name,),
        ).fetchall()
        names = [c[0] for c in columns]
        expected = [c.raw_name for c in source.columns] + (["geom"] if source.geometry else [])
        assert names == [*expected, "_load_id", "_source_file", "_source_row", "_loaded_at"]
        assert not any("cpr" in n for n in names), source.name
        meta = {c[0]: (c[1], c[2]) for c in columns if c[0].startswith("_")}
        assert meta == {
            "_load_id": ("bigint", "NO"),
            "_source_file": ("text", "NO"),
            "_source_row": ("integer", "NO"),
            "_loaded_at": ("timestamp with time zone", "NO"),
        }
    persons = get_source("persons")
    assert [c.raw_name for c in persons.columns if c.kind == "cpr"] == [
        "person_key",
        "mother_person_key",
        "father_person_key",
    ]
    geom = db.execute(
        "select type, srid from geometry_columns where f_table_schema = 'raw' "
        "and f_table_name = 'areas'"
    ).fetchone()
    assert geom == ("MULTIPOLYGON", 25832)
    types = dict(
        db.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'dwellings'"
        ).fetchall()
    )
    assert types["rooms"] == "integer" and types["floor_area_m2"] == "numeric"
    assert types["unit_usage_code"] == "text" and types["valid_from"] == "date"


def test_ddl_is_idempotent(db: psycopg.Connection) -> None:
    from loaders.db import ensure_schema

    ensure_schema(db)
    ensure_schema(db)
    assert "create table if not exists raw.flis" in raw_table_ddl(get_source("flis"))


def test_danish_aliases() -> None:
    assert normalise_header(" Tilflytningsdato ") == "tilflytningsdato"
    assert normalise_header("Fødselsdato") == "foedselsdato"
    assert normalise_header("\ufeffKøn") == "koen"
    residences = header_map(get_source("residences"))
    assert residences["tilflytningsdato"] == "moved_in"
    assert residences["fraflytningsdato"] == "moved_out"
    assert residences["adresseid"] == "address_id"
    assert header_map(get_source("addresses"))["kommunekode"] == "municipality_code"
    assert header_map(get_source("dwellings"))["enh020"] == "unit_usage_code"


def test_source_detection_by_header() -> None:
    assert detect_source(["CPR", "Tilflytningsdato", "KVHX"]).name == "residences"
    assert detect_source(["unit_id", "enh020"]).name == "dwellings"
    assert detect_source(["cpr", "periode", "measure", "value"]).name == "flis"
    assert detect_source(["a", "b"]) is None


def test_committed_suites_are_valid_gx_suites() -> None:
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        suite = gx.ExpectationSuite(name=data["name"], meta=data["meta"])
        for spec in data["expectations"]:
            suite.add_expectation_configuration(ExpectationConfiguration(**spec))
        assert len(suite.expectations) == len(data["expectations"]), path.name
        assert all(e.meta.get("rule") for e in suite.expectations), path.name
