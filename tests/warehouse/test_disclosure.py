"""Disclosure control on the public marts: the planted small area is suppressed everywhere,
eligibility matches the truth, and the small-cell test really fails on a planted leak."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]


def test_area_eligibility_matches_the_truth(conn: psycopg.Connection, truth_dir: Path) -> None:
    with (truth_dir / "disclosure.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    assert any(r["is_public_eligible"] == "false" for r in truth)
    problems = []
    for row in truth:
        got = conn.execute(
            """
            select bool_and(coalesce(suppression_reason, '') = 'area_below_floor'), count(*)
            from marts.fct_area_indicators
            where period_date = %s and area_level = %s and area_id = %s
            """,
            (row["period"], row["area_level"], row["area_id"]),
        ).fetchone()
        assert got is not None
        all_floor, n = got
        if n == 0:  # an empty area has no rows at all: nothing published, fine if ineligible
            if row["is_public_eligible"] == "true":
                problems.append(f"{row}: no rows")
        elif (row["is_public_eligible"] == "false") != all_floor:
            problems.append(f"{row}: all cells below floor = {all_floor}")
    assert problems == []


def test_small_area_is_suppressed_in_every_public_row(conn: psycopg.Connection) -> None:
    leaked = conn.execute(
        """
        select count(*) from marts.fct_area_indicators
        where area_id = 'bo_007' and (numerator is not null or denominator is not null)
        """
    ).fetchone()
    rows = conn.execute(
        "select count(*) from marts.fct_area_indicators where area_id = 'bo_007'"
    ).fetchone()
    assert rows is not None and rows[0] > 100
    assert leaked == (0,)


def test_suppressed_cells_are_null_never_zero(conn: psycopg.Connection) -> None:
    row = conn.execute(
        """
        select count(*) filter (where is_suppressed and (numerator is not null
                                or denominator is not null or share is not null)),
               count(*) filter (where is_suppressed and suppression_reason is null),
               count(*) filter (where is_suppressed)
        from marts.fct_area_indicators
        """
    ).fetchone()
    assert row is not None
    assert row[0] == 0 and row[1] == 0 and row[2] > 0


def test_small_cell_test_fails_on_a_planted_leak(conn: psycopg.Connection) -> None:
    """Unsuppress one small cell in the public mart; the dbt test must then fail on exactly it."""
    cell = conn.execute(
        """
        select e.period_date, e.area_level, e.area_id, e.tenure, e.indicator_id,
               e.numerator, e.denominator, e.share
        from intermediate.int_area_indicators as e
        join marts.fct_area_indicators as p using (period_date, area_level, area_id, tenure,
                                                  indicator_id)
        where p.suppression_reason = 'small_numerator'
        order by 1, 2, 3, 4, 5
        limit 1
        """
    ).fetchone()
    assert cell is not None, "expected at least one cell suppressed for a small numerator"
    key = cell[:5]
    where = (
        "period_date = %s and area_level = %s and area_id = %s and tenure = %s "
        "and indicator_id = %s"
    )
    conn.execute(
        f"update marts.fct_area_indicators set numerator = %s, denominator = %s, share = %s, "
        f"is_suppressed = false, suppression_reason = null where {where}",
        (cell[5], cell[6], cell[7], *key),
    )
    env = dict(os.environ)
    try:
        result = subprocess.run(
            ["dbt", "test", "--select", "fct_area_indicators_has_no_small_cell"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1, result.stdout[-2000:]
        results = json.loads((ROOT / "target" / "run_results.json").read_text())["results"]
        assert [(r["status"], r["failures"]) for r in results] == [("fail", 1)]
    finally:
        conn.execute(
            f"update marts.fct_area_indicators set numerator = null, denominator = null, "
            f"share = null, is_suppressed = true, suppression_reason = 'small_numerator' "
            f"where {where}",
            key,
        )
