"""The criteria engine finds every planted classification of the synthetic municipality:
per planted area, list year and regime, the residents, each criterion's verdict and the
resulting categories equal truth/criteria.csv (planted by construction in the generator)."""

from __future__ import annotations

import csv
from pathlib import Path

import psycopg

CRITERIA = ("nw", "k1", "k2", "k3", "k4")


def _truth(truth_dir: Path) -> list[dict[str, str]]:
    with (truth_dir / "criteria.csv").open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["source"] == "computed"]


def _status(conn: psycopg.Connection) -> dict[tuple[str, str, int, str], dict]:
    cur = conn.execute(
        f"""
        select area_level, area_id, target_list_year, regime_id, residents, categories_met,
               {", ".join(f"is_{c}" for c in CRITERIA)}
        from marts.fct_area_status
        where tenure = 'all'
        """
    )
    names = [d.name for d in cur.description]
    return {(r[0], r[1], r[2], r[3]): dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def _categories(text: str | None) -> set[str]:
    return {c for c in (text or "").split(";") if c}


def _regime_categories(conn: psycopg.Connection) -> dict[str, set[str]]:
    """Categories each regime defines (seed criteria_categories). fct_area_status also shows
    the categories of a regime that excludes this one (forebyggelse, r2021f) on its row, so
    one row carries every current category; the truth lists them per defining regime."""
    result: dict[str, set[str]] = {}
    for regime, category in conn.execute(
        "select regime_id, category_id from staging.criteria_categories"
    ).fetchall():
        result.setdefault(regime, set()).add(category)
    return result


def test_planted_classifications_are_found(conn: psycopg.Connection, truth_dir: Path) -> None:
    truth = _truth(truth_dir)
    assert len(truth) >= 40, "the truth should plant several areas over several list years"
    status = _status(conn)
    own = _regime_categories(conn)
    problems = []
    for row in truth:
        key = (row["area_level"], row["area_id"], int(row["list_year"]), row["regime_id"])
        got = status.get(key)
        if got is None:
            problems.append(f"{key}: no status row")
            continue
        if row["residents"] and int(row["residents"]) != got["residents"]:
            problems.append(f"{key}: residents {got['residents']} != {row['residents']}")
        for c in CRITERIA:
            want = row[f"{c}_is_met"]
            if want and (want == "true") != got[f"is_{c}"]:
                problems.append(f"{key}: is_{c} {got[f'is_{c}']} != {want}")
        found = _categories(got["categories_met"]) & own[row["regime_id"]]
        if _categories(row["expected_categories"]) != found:
            problems.append(
                f"{key}: categories {got['categories_met']!r} != {row['expected_categories']!r}"
            )
    assert problems == [], f"{len(problems)} of {len(truth)} rows differ: {problems[:20]}"
