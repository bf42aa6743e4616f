"""The marts reproduce the synthetic generator's planted truth exactly (issue: every planted
indicator value in truth/ for all area levels). The truth is decided by construction in the
generator, never by running the warehouse's logic."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import psycopg

# truth indicator id -> warehouse indicator id
INDICATOR_MAP = {
    "residents": "residents",
    "households": "households",
    "nw_share": "origin_nw",
    "k1_share": "k1",
    "k2_share": "k2",
    "k3_share": "k3_dk_only",
    "k3_share_r2013": "k3_unknown_basic",
    "k4_income_ratio": "k4_income",
}


def _truth_rows(truth_dir: Path) -> list[dict[str, str]]:
    with (truth_dir / "area_indicators.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _warehouse(conn: psycopg.Connection, relation: str) -> dict[tuple, tuple]:
    rows = conn.execute(
        f"select period_date::text, area_level, area_id, tenure, indicator_id, numerator, "
        f"denominator from {relation}"
    ).fetchall()
    return {tuple(r[:5]): (r[5], r[6]) for r in rows}


def _compare(truth: list[dict[str, str]], built: dict[tuple, tuple]) -> list[str]:
    problems = []
    for row in truth:
        key = (
            row["period"],
            row["area_level"],
            row["area_id"],
            row["tenure"],
            INDICATOR_MAP[row["indicator_id"]],
        )
        got = built.get(key)
        want_num = Decimal(row["numerator"])
        want_den = Decimal(row["denominator"]) if row["denominator"] else None
        if got is None:
            if want_num == 0 and not want_den:
                continue  # an empty tenure cell: no row is the same as zero
            problems.append(f"{key}: missing (want {want_num}/{want_den})")
            continue
        num, den = got
        if num != want_num or (want_den is not None and den != want_den):
            problems.append(f"{key}: got {num}/{den}, want {want_num}/{want_den}")
    return problems


def test_truth_covers_every_level_and_indicator(truth_dir: Path) -> None:
    truth = _truth_rows(truth_dir)
    levels = {r["area_level"] for r in truth}
    indicators = {r["indicator_id"] for r in truth}
    assert {"afdeling", "boligomraade", "skoledistrikt", "bydel", "kommune"} <= levels
    assert set(INDICATOR_MAP) == indicators


def test_exact_indicators_reproduce_the_planted_truth(
    conn: psycopg.Connection, truth_dir: Path
) -> None:
    truth = _truth_rows(truth_dir)
    problems = _compare(truth, _warehouse(conn, "intermediate.int_area_indicators"))
    assert problems == [], f"{len(problems)} of {len(truth)} truth cells differ: {problems[:15]}"
