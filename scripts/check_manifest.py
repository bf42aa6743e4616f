#!/usr/bin/env python3
"""Project rule checks on target/manifest.json (the dbt-project-evaluator rules we adopt).

The dbt hub (and so the dbt-project-evaluator package) cannot be reached from our machines, so
the rules are re-implemented over the manifest (reference/dbt-anchors.md §4, option 1). Each
rule keeps the evaluator's model name for traceability:

  fct_undocumented_models                    every model has a description
  fct_undocumented_public_models             a public model documents every column (+ data_type)
  fct_missing_primary_key_tests              every model has a tested primary key: unique +
                                             not_null (test or constraint) on one column, a
                                             compound-uniqueness test
                                             (dbt_expectations.expect_compound_columns_to_be_unique,
                                             dbt_utils.unique_combination_of_columns), or a
                                             primary_key constraint
  fct_public_models_without_contract         a public model has an enforced contract
  fct_marts_not_public                       (ours) every mart is access: public and a table
  fct_marts_or_intermediate_dependent_on_source
                                             only staging models read source()
  fct_staging_dependent_on_marts_or_intermediate
  fct_hard_coded_references                  no schema-qualified relation (or a {{ var }} /
                                             {{ target }} relation) in model SQL instead of
                                             ref()/source()
  fct_root_models                            a model has at least one parent
  fct_model_naming_conventions               stg_<source>__<entity> under staging/<source>/,
                                             int_* under intermediate/, fct_/dim_ under marts/
  fct_exposure_parents_materializations      exposures read tables, never sources or views
  fct_exposures_dependent_on_private_models  exposures read public models only

Exceptions live next to the model, with the reason, in its config:

    config:
      meta:
        check_exceptions:
          fct_root_models: "calendar spine generated from vars; it has no upstream data"

An exception without a reason (fewer than 20 characters) is itself reported.

Usage: python scripts/check_manifest.py [target/manifest.json]   (run `dbt parse` first)
Exit codes: 0 no violations; 1 violations (listed per rule); 2 unreadable manifest.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAYERS = ("staging", "intermediate", "marts")
PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("fct_", "dim_")}
COMPOUND_UNIQUE_TESTS = {
    ("dbt_expectations", "expect_compound_columns_to_be_unique"),
    ("dbt_utils", "unique_combination_of_columns"),
}
STAGING_NAME = re.compile(r"^stg_(?P<source>[a-z0-9]+(?:_[a-z0-9]+)*)__(?P<entity>[a-z0-9_]+)$")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
MIN_REASON = 20

# Hard-coded references: `from|join` followed by schema.table, or by a {{ ... }} expression
# that is not ref()/source() (e.g. {{ var('table') }}, {{ target.schema }}.x).
IDENT = r'(?:"[^"]+"|[a-z_][a-z0-9_$]*)'
RELATION_AFTER_FROM = re.compile(
    rf"\b(?P<kw>from|join)\s+(?P<rel>(?:{IDENT}|__jinja__)(?:\s*\.\s*{IDENT}){{0,2}})(?P<call>\s*\()?",
    re.IGNORECASE,
)
# `from` used inside these SQL functions is not a relation (extract(year from t.d), ...)
FROM_FUNCTIONS = {"extract", "substring", "trim", "overlay", "position"}


@dataclass(frozen=True)
class Violation:
    rule: str
    node: str
    detail: str


def layer_of(node: dict[str, Any]) -> str | None:
    parts = Path(node["original_file_path"]).parts
    if len(parts) >= 2 and parts[0] == "models" and parts[1] in LAYERS:
        return parts[1]
    return None


def strip_comments(sql: str) -> str:
    sql = re.sub(r"\{#.*?#\}", " ", sql, flags=re.DOTALL)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)
    sql = re.sub(r"--[^\n]*", " ", sql)
    # string literals cannot hold relations
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


def _mask_jinja(sql: str) -> str:
    def repl(match: re.Match[str]) -> str:
        body = match.group(1)
        if re.search(r"\b(ref|source|this)\b", body):
            return " __rel__ "
        return " __jinja__ "

    sql = re.sub(r"\{\{(.*?)\}\}", repl, sql, flags=re.DOTALL)
    return re.sub(r"\{%.*?%\}", " ", sql, flags=re.DOTALL)


def _inside_from_function(sql: str, pos: int) -> bool:
    """True when position `pos` sits directly inside extract(...), substring(...), etc."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        ch = sql[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                word = re.search(r"([a-z_]+)\s*$", sql[:i], re.IGNORECASE)
                return bool(word and word.group(1).lower() in FROM_FUNCTIONS)
            depth -= 1
    return False


def hard_coded_references(raw_sql: str) -> list[str]:
    sql = _mask_jinja(strip_comments(raw_sql))
    found: list[str] = []
    for match in RELATION_AFTER_FROM.finditer(sql):
        rel = re.sub(r"\s+", "", match.group("rel"))
        if match.group("call"):
            continue  # a set-returning function: from generate_series(...)
        if match.group("kw").lower() == "from":
            before = sql[: match.start()].rstrip().lower()
            if before.endswith("distinct") or _inside_from_function(sql, match.start()):
                continue  # `is distinct from a.b`, extract(month from t.d)
        if rel.startswith("__jinja__"):
            found.append(f"{match.group('kw').lower()} {{{{ ... }}}} (not ref/source)")
        elif "." in rel:
            found.append(f"{match.group('kw').lower()} {rel}")
    return found


def check(manifest: dict[str, Any], project: str | None = None) -> list[Violation]:
    project = project or manifest.get("metadata", {}).get("project_name")
    nodes: dict[str, dict[str, Any]] = manifest["nodes"]
    models = {
        uid: n
        for uid, n in nodes.items()
        if n["resource_type"] == "model" and (project is None or n["package_name"] == project)
    }
    tests_by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes.values():
        if node["resource_type"] != "test":
            continue
        attached = node.get("attached_node")
        if attached:
            tests_by_model[attached].append(node)
    out: list[Violation] = []

    def add(rule: str, uid: str, detail: str) -> None:
        exceptions = (models.get(uid, {}).get("config", {}).get("meta") or {}).get(
            "check_exceptions"
        ) or {}
        reason = exceptions.get(rule)
        if reason and len(str(reason).strip()) >= MIN_REASON:
            return
        if reason:
            detail += f" [exception '{reason}' has no real justification]"
        out.append(Violation(rule, uid.split(".")[-1], detail))

    for uid, node in sorted(models.items()):
        layer = layer_of(node)
        name = node["name"]
        access = node.get("access") or node["config"].get("access")
        contract = (node["config"].get("contract") or {}).get("enforced", False)
        columns: dict[str, dict[str, Any]] = node.get("columns") or {}

        # documentation
        if not (node.get("description") or "").strip():
            add("fct_undocumented_models", uid, "no model description")
        if access == "public":
            missing = [
                c for c, col in columns.items() if not (col.get("description") or "").strip()
            ]
            if not columns:
                add("fct_undocumented_public_models", uid, "no columns documented")
            elif missing:
                add("fct_undocumented_public_models", uid, f"undocumented columns: {missing}")
            untyped = [c for c, col in columns.items() if not col.get("data_type")]
            if untyped:
                add("fct_undocumented_public_models", uid, f"columns without data_type: {untyped}")
            if not contract:
                add(
                    "fct_public_models_without_contract",
                    uid,
                    "access: public without an "
                    "enforced contract (config: contract: {enforced: true})",
                )

        # primary key
        if not _has_primary_key(node, tests_by_model.get(uid, [])):
            add(
                "fct_missing_primary_key_tests",
                uid,
                "no tested primary key (unique + not_null on one column, "
                "expect_compound_columns_to_be_unique, or a primary_key constraint)",
            )

        # marts
        if layer == "marts":
            if access != "public":
                add("fct_marts_not_public", uid, f"access is {access!r}, marts must be public")
            if node["config"].get("materialized") not in ("table", "incremental"):
                add("fct_marts_not_public", uid, "marts are tables (Power BI / QGIS read them)")

        # lineage
        parents = node["depends_on"]["nodes"]
        sources = [p for p in parents if p.startswith("source.")]
        if sources and layer != "staging":
            add(
                "fct_marts_or_intermediate_dependent_on_source",
                uid,
                f"reads {', '.join(s.split('.', 2)[-1] for s in sources)} directly; "
                "go through a staging model",
            )
        if layer == "staging":
            upstream = [
                models[p]["name"]
                for p in parents
                if p in models and layer_of(models[p]) in ("intermediate", "marts")
            ]
            if upstream:
                add("fct_staging_dependent_on_marts_or_intermediate", uid, f"reads {upstream}")
        if not parents:
            add("fct_root_models", uid, "no ref() or source(): where does its data come from?")
        refs = hard_coded_references(node.get("raw_code") or "")
        if refs:
            add("fct_hard_coded_references", uid, "; ".join(sorted(set(refs))))

        # names and folders
        if layer is None:
            add(
                "fct_model_naming_conventions",
                uid,
                f"{node['original_file_path']} is not under models/{{{','.join(LAYERS)}}}/",
            )
        elif not name.startswith(PREFIXES[layer]):
            add(
                "fct_model_naming_conventions",
                uid,
                f"a {layer} model is named {'/'.join(p + '*' for p in PREFIXES[layer])}",
            )
        elif layer == "staging":
            match = STAGING_NAME.match(name)
            parts = Path(node["original_file_path"]).parts
            folder = parts[2] if len(parts) > 3 else None
            if not match:
                add(
                    "fct_model_naming_conventions", uid, "staging models are stg_<source>__<entity>"
                )
            elif folder != match.group("source"):
                add(
                    "fct_model_naming_conventions",
                    uid,
                    f"stg_{match.group('source')}__* belongs in models/staging/"
                    f"{match.group('source')}/ (found in {folder or 'models/staging/'})",
                )
        if not SNAKE.match(name):
            add("fct_model_naming_conventions", uid, "names are ASCII snake_case")

    for uid, exposure in sorted((manifest.get("exposures") or {}).items()):
        if project and exposure.get("package_name") != project:
            continue
        for parent in exposure["depends_on"]["nodes"]:
            if parent.startswith("source."):
                out.append(
                    Violation("fct_exposure_parents_materializations", uid, f"reads {parent}")
                )
                continue
            model = nodes.get(parent)
            if model is None or model["resource_type"] != "model":
                continue
            if model["config"].get("materialized") not in ("table", "incremental"):
                out.append(
                    Violation(
                        "fct_exposure_parents_materializations",
                        exposure["name"],
                        f"{model['name']} is a {model['config'].get('materialized')}",
                    )
                )
            if (model.get("access") or model["config"].get("access")) != "public":
                out.append(
                    Violation(
                        "fct_exposures_dependent_on_private_models",
                        exposure["name"],
                        f"{model['name']} is not public",
                    )
                )
    return out


def _has_primary_key(node: dict[str, Any], tests: list[dict[str, Any]]) -> bool:
    columns: dict[str, dict[str, Any]] = node.get("columns") or {}
    for constraint in node.get("constraints") or []:
        if constraint.get("type") == "primary_key":
            return True
    not_null_cols = set()
    for cname, col in columns.items():
        for constraint in col.get("constraints") or []:
            if constraint.get("type") == "primary_key":
                return True
            if constraint.get("type") == "not_null":
                not_null_cols.add(cname)
    unique_cols = set()
    for test in tests:
        meta = test.get("test_metadata") or {}
        name, namespace = meta.get("name"), meta.get("namespace")
        if (namespace, name) in COMPOUND_UNIQUE_TESTS:
            return True
        column = test.get("column_name")
        if not column:
            continue
        if name == "unique" and namespace is None:
            unique_cols.add(column)
        elif name == "not_null" and namespace is None:
            not_null_cols.add(column)
    return bool(unique_cols & not_null_cols)


def report(violations: list[Violation]) -> str:
    by_rule: dict[str, list[Violation]] = defaultdict(list)
    for v in violations:
        by_rule[v.rule].append(v)
    lines = [f"check_manifest: {len(violations)} rule violation(s)"]
    for rule in sorted(by_rule):
        lines.append(f"\n{rule} ({len(by_rule[rule])}):")
        lines.extend(f"  - {v.node}: {v.detail}" for v in by_rule[rule])
    lines.append(
        "\nFix the project (docs, tests, contracts, ref/source); an exception needs a reason in "
        "the model's config.meta.check_exceptions (see scripts/check_manifest.py)."
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "target/manifest.json")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        print(f"check_manifest: cannot read {path} ({exc}); run `dbt parse` first", file=sys.stderr)
        return 2
    violations = check(manifest)
    if violations:
        print(report(violations), file=sys.stderr)
        return 1
    n = sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "model")
    print(f"check_manifest: {n} models, all rules pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
