"""scripts/check_manifest.py: passes on the project, fails with a readable list on planted
violations, and honours only justified exceptions."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ops_support import ROOT, Ops

spec = importlib.util.spec_from_file_location(
    "check_manifest", ROOT / "scripts" / "check_manifest.py"
)
assert spec and spec.loader
check_manifest = importlib.util.module_from_spec(spec)
sys.modules["check_manifest"] = check_manifest  # dataclasses look their module up
spec.loader.exec_module(check_manifest)


@pytest.fixture(scope="module")
def manifest(ops: Ops) -> dict[str, Any]:
    env = ops.env()
    dbt = env.get("BOLIGMON_DBT", "dbt")
    for args in (["deps", "--quiet"], ["parse", "--quiet"]):
        proc = subprocess.run(
            [dbt, *args], cwd=ops.project, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((ops.project / "target" / "manifest.json").read_text())


def _model(m: dict[str, Any], name: str) -> dict[str, Any]:
    return next(
        n for n in m["nodes"].values() if n["resource_type"] == "model" and n["name"] == name
    )


def test_project_passes(manifest: dict[str, Any]) -> None:
    assert check_manifest.check(manifest) == []


def test_planted_violations_are_listed(manifest: dict[str, Any], tmp_path: Path) -> None:
    m = copy.deepcopy(manifest)
    _model(m, "dim_period")["description"] = ""
    area = _model(m, "dim_area")
    area["access"] = "protected"
    area["config"]["contract"]["enforced"] = False
    coverage = _model(m, "fct_data_coverage")
    coverage["config"]["contract"]["enforced"] = False
    coverage["columns"]["residents"]["description"] = ""
    spells = _model(m, "int_residence_spells")
    spells["depends_on"]["nodes"].append("source.boligmon.raw.persons")
    spells["raw_code"] += "\nleft join raw.persons as p on true\n"
    indicator = _model(m, "dim_indicator")
    indicator["columns"]["indicator_id"]["constraints"] = []
    for uid in [
        u for u, n in m["nodes"].items() if n.get("attached_node") == indicator["unique_id"]
    ]:
        del m["nodes"][uid]
    persons = _model(m, "stg_cpr__persons")
    persons["name"] = "stg_persons"
    violations = check_manifest.check(m)
    got = {(v.rule, v.node) for v in violations}
    assert ("fct_undocumented_models", "dim_period") in got
    assert ("fct_marts_not_public", "dim_area") in got
    assert ("fct_public_models_without_contract", "fct_data_coverage") in got
    assert ("fct_undocumented_public_models", "fct_data_coverage") in got
    assert ("fct_marts_or_intermediate_dependent_on_source", "int_residence_spells") in got
    assert ("fct_hard_coded_references", "int_residence_spells") in got
    assert ("fct_missing_primary_key_tests", "dim_indicator") in got
    assert ("fct_model_naming_conventions", "stg_cpr__persons") in got
    text = check_manifest.report(violations)
    assert "fct_hard_coded_references (1):" in text
    assert "  - int_residence_spells: join raw.persons" in text
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(m))
    assert check_manifest.main(["check", str(path)]) == 1
    assert check_manifest.main(["check", str(tmp_path / "missing.json")]) == 2


def test_exceptions_need_a_reason(manifest: dict[str, Any]) -> None:
    m = copy.deepcopy(manifest)
    periods = _model(m, "int_periods")
    periods["config"]["meta"]["check_exceptions"]["fct_root_models"] = "ok"
    got = check_manifest.check(m)
    assert [(v.rule, v.node) for v in got] == [("fct_root_models", "int_periods")]
    assert "has no real justification" in got[0].detail
    del periods["config"]["meta"]["check_exceptions"]
    assert [(v.rule, v.node) for v in check_manifest.check(m)] == [
        ("fct_root_models", "int_periods")
    ]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select * from raw.persons", ["from raw.persons"]),
        ('select * from "marts"."dim_area" as a', ['from "marts"."dim_area"']),
        (
            "select 1 from {{ ref('x') }} as a join staging.stg_y as b on true",
            ["join staging.stg_y"],
        ),
        ("select * from {{ var('table') }}", ["from {{ ... }} (not ref/source)"]),
        ("select * from {{ target.schema }}.t", ["from {{ ... }} (not ref/source)"]),
        ("select extract(year from t.period_date) from {{ ref('t') }} as t", []),
        ("select a.x is distinct from b.y from {{ source('raw', 'p') }} as a", []),
        ("select * from generate_series(1, 3) as g (n)", []),
        ("-- from raw.persons\nselect 1 from {{ ref('x') }}", []),
        ("select 'from raw.persons' as note from {{ ref('x') }}", []),
        ("with a as (select 1) select * from a", []),
    ],
)
def test_hard_coded_reference_detection(sql: str, expected: list[str]) -> None:
    assert check_manifest.hard_coded_references(sql) == expected
