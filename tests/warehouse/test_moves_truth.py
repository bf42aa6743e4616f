"""The movement marts find the synthetic generator's planted displacement and tenure-conversion
scenarios exactly (truth/flows.csv, written by construction in the generator, never by running
the warehouse's logic). Definitions the truth uses (truth/scenarios.md): a move out of the
origin area in year t (area on the last day lived there), destination = the same person's next
residence starting on the move-out day (area and tenure on that day), else `k_<code>` /
`abroad` from moved_out_to_municipality; deaths and moves within the origin area left out;
households = distinct (origin address, move-out day)."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import psycopg
import pytest

# truth destination_kind -> warehouse move_type
MOVE_TYPE = {
    "internal": "internal",
    "other_municipality": "to_other_municipality",
    "abroad": "to_abroad",
    "in_place": "tenure_conversion",
}


def _truth(truth_dir: Path, flow_type: str) -> list[dict[str, str]]:
    with (truth_dir / "flows.csv").open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["flow_type"] == flow_type]


def _exact_flows(conn: psycopg.Connection, area_level: str, origin: str) -> dict[tuple, tuple]:
    """int_flows of one origin with the origin tenure rolled up (the truth does not split the
    origin by tenure), keyed like the truth rows."""
    rows = conn.execute(
        """
        select move_year, destination_area_id, destination_tenure, move_type, persons, households
        from intermediate.int_flows
        where area_level = %s and origin_area_id = %s and origin_tenure = 'all'
          and destination_area_id <> 'all' and destination_tenure <> 'all'
        """,
        (area_level, origin),
    ).fetchall()
    return {(str(r[0]), r[1], r[2], r[3]): (r[4], r[5]) for r in rows}


@pytest.fixture(scope="module")
def displacement(truth_dir: Path) -> list[dict[str, str]]:
    rows = _truth(truth_dir, "displacement")
    assert rows, "truth/flows.csv holds no displacement rows"
    return rows


def test_displacement_flows_match_truth_exactly(
    conn: psycopg.Connection, displacement: list[dict[str, str]]
) -> None:
    level, origin = displacement[0]["area_level"], displacement[0]["origin_area_id"]
    built = _exact_flows(conn, level, origin)
    problems = []
    for row in displacement:
        key = (
            row["year"],
            row["destination_area_id"],
            row["destination_tenure"] or "none",
            MOVE_TYPE[row["destination_kind"]],
        )
        want = (int(row["persons"]), int(row["households"]))
        got = built.get(key)
        if got != want:
            problems.append(f"{key}: got {got}, want {want}")
    assert problems == [], f"{len(problems)} of {len(displacement)} cells differ:\n" + "\n".join(
        problems[:20]
    )


def test_no_displacement_flow_beyond_truth(
    conn: psycopg.Connection, displacement: list[dict[str, str]]
) -> None:
    """Every out-move of the origin that the truth counts is there, and nothing else: no flow to
    an unknown destination, none left over (deaths and moves within the area excluded)."""
    level, origin = displacement[0]["area_level"], displacement[0]["origin_area_id"]
    years = {r["year"] for r in displacement}
    truth_keys = {
        (r["year"], r["destination_area_id"], r["destination_tenure"] or "none")
        for r in displacement
    }
    built = _exact_flows(conn, level, origin)
    extra = [
        k
        for k in built
        if k[0] in years
        and k[3] in ("internal", "to_other_municipality", "to_abroad", "to_unknown")
        and k[1] != origin
        and k[:3] not in truth_keys
    ]
    assert extra == []


def test_displacement_mart_finds_the_planted_concentration(
    conn: psycopg.Connection, displacement: list[dict[str, str]]
) -> None:
    """The year with the relocation: the receiving area is the top destination with exactly the
    planted households, the alert fires, and the concentration indices equal those computed
    from the truth's counts."""
    level, origin = displacement[0]["area_level"], displacement[0]["origin_area_id"]
    per_year: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in displacement:
        per_year[r["year"]][r["destination_area_id"]] += int(r["households"])
    internal = {
        r["destination_area_id"] for r in displacement if r["destination_kind"] == "internal"
    }

    def top_internal(kv: tuple[str, dict[str, int]]) -> int:
        return max((h for d, h in kv[1].items() if d in internal and d != "none"), default=0)

    # the planted year: the one in which one area of the municipality receives most households
    year, dest_households = max(per_year.items(), key=top_internal)
    total = sum(dest_households.values())
    top_area, top_households = max(
        ((d, h) for d, h in dest_households.items() if d in internal and d != "none"),
        key=lambda kv: kv[1],
    )
    hhi = Fraction(sum(h * h for h in dest_households.values()), total * total)

    rows = conn.execute(
        """
        select destination_area_id, households, destination_rank, households_share,
               households_hhi, is_alert, is_suppressed
        from marts.fct_displacement
        where move_year = %s and area_level = %s and origin_area_id = %s and profile_id = 'all'
        """,
        (int(year), level, origin),
    ).fetchall()
    by_dest = {r[0]: r for r in rows}
    assert by_dest["all"][1] == total
    top = by_dest[top_area]
    assert top[1] == top_households
    assert top[2] == 1
    assert top[5] is True
    assert top[6] is False
    assert abs(Fraction(top[3]) - Fraction(top_households, total)) < Fraction(1, 10**15)
    assert abs(Fraction(top[4]) - hhi) < Fraction(1, 10**12)
    # no other area of the municipality raises an alert for this origin and year
    assert [r[0] for r in rows if r[5]] == [top_area]


def test_tenure_conversion_matches_truth_exactly(conn: psycopg.Connection, truth_dir: Path) -> None:
    rows = _truth(truth_dir, "tenure_conversion")
    assert rows, "truth/flows.csv holds no tenure_conversion row"
    for row in rows:
        got = conn.execute(
            """
            select persons, households from intermediate.int_flows
            where move_type = 'tenure_conversion' and move_year = %s and area_level = %s
              and origin_area_id = %s and origin_tenure = %s
              and destination_area_id = %s and destination_tenure = %s
            """,
            (
                int(row["year"]),
                row["area_level"],
                row["origin_area_id"],
                row["origin_tenure"],
                row["destination_area_id"],
                row["destination_tenure"],
            ),
        ).fetchone()
        assert got == (int(row["persons"]), int(row["households"])), row
        # and the public mart shows it (a large flow), with the same counts
        public = conn.execute(
            """
            select persons, households, is_suppressed from marts.fct_flows
            where move_type = 'tenure_conversion' and move_year = %s and area_level = %s
              and origin_area_id = %s and origin_tenure = %s
              and destination_area_id = %s and destination_tenure = %s
            """,
            (
                int(row["year"]),
                row["area_level"],
                row["origin_area_id"],
                row["origin_tenure"],
                row["destination_area_id"],
                row["destination_tenure"],
            ),
        ).fetchone()
        assert public == (int(row["persons"]), int(row["households"]), False)


def test_decomposition_ends_are_the_area_measures(conn: psycopg.Connection) -> None:
    """share_start / share_end of every decomposition row are the yearly measures of the area
    (int_area_year_measures of data years t-1 and t): the decomposition explains the very change
    the indicator marts show."""
    row = conn.execute(
        """
        select count(*), count(*) filter (
            where m0.numerator = d.x_start and m0.denominator = d.n_start
              and m1.numerator = d.x_end and m1.denominator = d.n_end)
        from intermediate.int_indicator_change_decomposition as d
        left join intermediate.int_area_year_measures as m0
          on m0.area_level = d.area_level and m0.area_id = d.area_id and m0.tenure = 'all'
         and m0.measure_id = d.measure_id and m0.data_year = d.change_year - 1
        left join intermediate.int_area_year_measures as m1
          on m1.area_level = d.area_level and m1.area_id = d.area_id and m1.tenure = 'all'
         and m1.measure_id = d.measure_id and m1.data_year = d.change_year
        """
    ).fetchone()
    assert row is not None and row[0] > 100
    assert row[1] == row[0]


def test_decimal_components_sum_exactly(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        """
        select total_change, out_mover_component, demographic_component, stayer_component,
               in_mover_component
        from intermediate.int_indicator_change_decomposition
        """
    ).fetchall()
    assert rows
    assert all(Decimal(r[0]) == sum((Decimal(x) for x in r[1:]), Decimal(0)) for r in rows)


@pytest.mark.parametrize("relation", ["intermediate.int_moves", "intermediate.int_move_areas"])
def test_person_level_moves_are_not_readable_by_bi_reader(
    conn: psycopg.Connection, relation: str
) -> None:
    with conn.transaction():
        conn.execute("set local role bi_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute(f"select 1 from {relation} limit 1")


@pytest.mark.parametrize(
    "relation",
    [
        "marts.fct_flows",
        "marts.fct_area_turnover",
        "marts.fct_mover_profiles",
        "marts.fct_indicator_change_decomposition",
        "marts.fct_displacement",
    ],
)
def test_public_movement_marts_are_readable_by_bi_reader(
    conn: psycopg.Connection, relation: str
) -> None:
    with conn.transaction():
        conn.execute("set local role bi_reader")
        row = conn.execute(f"select count(*) from {relation}").fetchone()
    assert row is not None and row[0] > 0
