"""truth/scenarios.md: the planted scenarios, their ids, key numbers and the definitions used."""

from __future__ import annotations

from . import config as C
from .geo import Geo

DEFINITIONS = """\
## Definitions the truth uses (the warehouse must use the same to reproduce it)

- **Resident on day d**: CPR status 01 on d and a non-annulled residence interval
  `[moved_in, moved_out)` containing d (moving out ON d = not resident on d), whose `kvhx` matches
  a DAR unit address that has a BBR dwelling unit valid on d (`[valid_from, valid_to)`) with use
  code 110-190 (510/540 leisure units are excluded). **Status on d**: `persons.status` holds the
  current status from `status_date`; before that day a person with status 80 (emigrated) or 90
  (dead) had status 01. The generator also closes the residence interval on the day of death or
  emigration, so intervals and status agree. Status-03 persons (vejkode 9901, not in DAR) and
  persons registered at addresses without a unit are never residents.
- **Snapshots**: the last day of each month 2016-01-31 .. 2025-12-31, and 1 Jan 2016 .. 2025.
- **Cohorts**: list year Y uses the residents of 1 Jan Y with completed ages on that date; a yearly
  quantity for calendar year t is measured on the residents of 1 Jan t+1.
- **Area of a resident**: for a level, `area_members` (unit `address_id`, valid on d) wins when the
  address is listed for an area of that level; else point in polygon of the DAR access point
  (`x`, `y`, EPSG:25832) on the area version valid on d (`[valid_from, valid_to)`). **Tie rule**:
  a point on a shared edge belongs to the polygon with the smallest `area_id` (plain string
  order). Planted: 4 houses at x exactly on the by_01|by_02 edge (= sd_02|sd_03 edge) go to by_01
  and sd_02; 16 units of Area K lie 8-12 m outside its polygon and belong to it through
  `area_members` only.
- **Household**: the distinct unit addresses (kvhx incl. floor and door) with >= 1 resident.
- **Tenure**: criteria.md section 6 rule order, per dwelling row valid on d. Values: almen,
  andel, offentlig, ejer, privat_udlejning, ukendt (almen sub-types are not split in the truth).
- **K1 FTE for year t**: per person, sum over counting-benefit rows (seeds_reference/
  benefit_classification.csv) of `fte_share` (empty = 1) x days of `[period_start, period_end]`
  (inclusive) within t / days in t, capped at 1.0; population = the 18-64 cohort of 1 Jan t+1.
  List value = mean of the yearly shares of Y-2 and Y-1 (mean_of_shares).
- **K2**: persons of the 18+ cohort of 1 Jan t+1 with >= 1 decision dated in t under
  straffeloven, vaabenloven or lov_om_euforiserende_stoffer (others, e.g. faerdselsloven, are
  ignored; a person counts once). r2013: `gt` 0.027; r2018/r2021: `ge` 3 x and r2021f `ge` 2 x the
  mean of the national shares of the same two years (seeds_reference/national_conviction_share).
- **K3**: the 30-59 cohort of 1 Jan Y; education row with `as_of_date` = 30 Sep Y-1 (every
  cohort member who has any education rows has that one). r2018+ (`k3_share`): basic = level
  `grundskole` or `unknown`, or `completed_in_denmark` not true, or no row at all. r2013
  (`k3_share_r2013`): basic = `grundskole` (any country) or `unknown` or no row.
- **K4**: cohort of 1 Jan Y aged 15-64 with an income row for Y-1 that has `is_taxpayer` true and
  `is_student` false (`is_student` equals `education.is_in_education` on 30 Sep Y-1); value =
  mean gross income / regional mean of Y-1 (seeds_reference/regional_mean_income, region 1084).
- **NW**: DST rules of criteria.md 2.5 from `persons`. A parent that is not in the extract is
  known only by `mother_birth_country`/`father_birth_country`; such a parent is taken as a Danish
  citizen iff born in DK (the generator never makes this decisive otherwise). Non-western =
  countries.csv `is_western` false.
- **Categories**: criteria.md 1.2 (floor >= 1,000 residents on 1 Jan Y). The ghetto /
  parallelsamfund series for the multi-year rule is the official list for 2013-2017 and the
  computed in-force regime from 2018 (r2018 ghetto 2018-2020, r2021 parallelsamfund 2021-).
  forebyggelse excludes udsat (r2021).
- **Moves (flows.csv)**: a residence interval that ends in year t at an address of the origin
  area (area on the last day lived there); destination = the same person's interval that starts
  on the move-out day (area and tenure on that day), else `k_<code>` / `abroad` from
  `moved_out_to_municipality`. Deaths are not moves; moves within the origin area are left out.
  households = distinct (origin address, move-out day).
"""


def scenarios_md(
    geo: Geo,
    cols: list[str],
    crit: list[list[str]],
    flows: list[list[str]],
    disc: list[list[str]],
    prot: list[list[str]],
) -> str:
    ix = {c: i for i, c in enumerate(cols)}

    def val(area: str, y: int, regime: str, col: str) -> str:
        for r in crit:
            if (r[ix["area_id"]], r[ix["list_year"]], r[ix["regime_id"]], r[ix["source"]]) == (
                area,
                str(y),
                regime,
                "computed",
            ):
                return r[ix[col]]
        return ""

    lines = [
        "# Planted scenarios (synthetic data, known truth)",
        "",
        f"Municipality {C.MUNICIPALITY_CODE} {C.MUNICIPALITY_NAME} (fictional code), region "
        f"{C.REGION_CODE}; area ids: kommune `k_{C.MUNICIPALITY_CODE}`, bydele `by_NN`, "
        "skoledistrikter `sd_NN`, boligomraader `bo_NNN`, afdelinger `af_NNNN`. Local register "
        "history 2016-01-01 .. 2025-12-31; official lists (r2013) for 2013-2017 in "
        "`official_lists.csv`. CPR numbers are synthetic (valid-looking DDMMYY + 4 digits with "
        "the century rule and sex parity; no modulus-11 check); they may coincide with real "
        "numbers by chance and identify no one.",
        "",
        "Full per-year numbers: `criteria.csv` (one row per area x list year x regime), "
        "`area_indicators.csv`, `flows.csv`, `disclosure.csv`, `protected.csv`.",
        "",
        "## Scenarios",
        "",
    ]
    for area, title, text in [
        (
            C.AREA_U,
            "Area U: udsat by crossing exactly two thresholds; early warning before",
            "K1 rises 0.305 (2018) .. 0.36 (2022) .. 0.38 (2023) .. 0.41 (2024) and the K4 income "
            "ratio falls 0.61 .. 0.57 .. 0.56 .. 0.54: in 2022-2023 both are within 10 % of their "
            "thresholds but not met (early warning: one criterion short, trending towards the "
            "line); in 2024 both pass, exactly two of four = udsat. K2 and K3 never met; NW about "
            "0.22, so never parallelsamfund and never forebyggelse (gate > 0.30 fails).",
        ),
        (
            C.AREA_K,
            "Area K: the omdannelse chain of criteria.md 5.3, demolition, displacement",
            "Official lists: ghetto 2013, 2014 (name 'Kærparken m.fl.' without code: alias), 2015, "
            "not listed 2016, ghetto 2017. Computed: udsat + ghetto 2018-2020 (run 2, 3, 4: not "
            "hard, the 2016 gap breaks the run), udsat + parallelsamfund + omdannelse 2021 (run "
            "2017-2021 spans r2013, r2018, r2021) and 2022, udsat only in 2023 (NW the largest "
            "count below one half), udsat + parallelsamfund 2024 (run 1), 2025 below the 1,000 "
            "floor after two afdelinger were demolished (no lettings from 2023-07-01, residents "
            "relocated 2024-03-01 .. 2024-09-30, units end 2024-10-01): no category.",
        ),
        (
            C.AREA_F,
            "Area F: forebyggelse; exactly on three thresholds in 2024",
            "Forebyggelse 2021-2025 (NW > 0.30 and >= 2 of F1-F4). List 2024: K1 = exactly "
            "0.4000 in both window years (`gt` fails), K4 = exactly 0.5500 of the regional mean "
            "(`lt` fails), NW = exactly 0.500 (`gt` gate fails), K3 0.63 met: udsat 1 of 4, so "
            "forebyggelse. A warehouse that used >= / <= would wrongly give udsat + "
            "parallelsamfund.",
        ),
        (
            C.AREA_R,
            "Area R: receiving area of the displacement (below the floor)",
            "Small almen area; a new afdeling (valid from 2024-01-01) receives most of Area K's "
            "relocated households in 2024: out-movers of a list area concentrate in one other "
            "area and tenure (almen). See flows.csv.",
        ),
    ]:
        lines += [f"### {title} (`{area}`, {C.AREA_NAMES[area]})", "", text, ""]
        lines.append("| list year | residents | NW | K1 | K2 | K3 | K4 | in-force categories |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for y in C.COMPUTED_LIST_YEARS:
            reg = "r2013" if y < 2018 else "r2018" if y < 2021 else "r2021"
            cats = val(area, y, reg, "expected_categories")
            if y >= 2021:
                fb = val(area, y, "r2021f", "expected_categories")
                cats = ";".join(c for c in [cats, fb] if c)
            cells = [val(area, y, reg, f"{c}_value")[:6] for c in ["nw", "k1", "k2", "k3", "k4"]]
            lines.append(
                f"| {y} | {val(area, y, reg, 'residents')} | "
                + " | ".join(cells)
                + f" | {cats or '-'} |"
            )
        lines.append("")
    # displacement numbers
    tot = {}
    for r in flows:
        if r[0] == "displacement" and r[7] == "2024":
            tot[(r[4], r[5])] = tot.get((r[4], r[5]), 0) + int(r[9])
    n_all = sum(tot.values())
    top = max(tot.items(), key=lambda kv: kv[1]) if tot else (("", ""), 0)
    lines += [
        "### Displacement (`flows.csv`, flow_type displacement)",
        "",
        f"In 2024, {n_all} households moved out of {C.AREA_K}; {top[1]} of them "
        f"({100 * top[1] / max(n_all, 1):.0f} %) went to `{top[0][0]}` ({top[0][1]}).",
        "",
        "### Tenure conversion (almen -> privat udlejning)",
        "",
        f"Afdeling `{geo.conversion_af}` is sold on {C.iso(C.CONVERSION_DAY)}: its BBR rows "
        "end that day (enh046 10/ejerforhold 20) and new rows start (enh045 1, enh046 0, "
        "ejerforhold 30, afdeling_id empty). Residents stay; `flows.csv` row tenure_conversion "
        "gives persons and households on that day; area_indicators shows the tenure split move.",
        "",
        "### Small area for disclosure control",
        "",
        f"`{C.AREA_S}` ({C.AREA_NAMES[C.AREA_S]}): 16 units, "
        + ", ".join(
            f"{r[3]} residents / {r[4]} households on {r[0]}"
            for r in disc
            if r[2] == C.AREA_S and r[0] in ("2024-01-01", "2025-12-31")
        )
        + ": below 100 residents and 50 households, so every public output must suppress it "
        "(`disclosure.csv`, is_public_eligible false).",
        "",
        "### Protected addresses",
        "",
        "About 0.7 % of households have `address_protected` true (all members). They count as "
        "residents in every aggregate and must never appear at unit level. Per planted area: "
        + ", ".join(f"{r[2]} {r[3]} on {r[0]}" for r in prot if r[0] == "2024-01-01")
        + ".",
        "",
        "### Boundary change and edges",
        "",
        f"sd_01/sd_02: the shared line moves half a cell (125 m) east on "
        f"{C.iso(C.BOUNDARY_CHANGE_DAY)} (two versions of each polygon). 4 access addresses lie "
        "exactly on the by_01|by_02 edge (tie rule: smallest area_id).",
        "",
        "### Data traps in the clean files (truth unaffected)",
        "",
        "3 leisure units (use 510) with registered persons; 3 unit addresses without a BBR unit "
        "with one registered person each; 5 status-03 persons at vejkode 9901 (not in DAR); "
        "benefit rows over the K1 cap (1.0 + 0.5 the same year); second convictions in the same "
        "year; faerdselsloven convictions; andel units with enh045 2 (ejerforhold 41 decides "
        "first); almen units with enh046 0 and ejerforhold 20.",
        "",
        DEFINITIONS,
    ]
    return "\n".join(lines) + "\n"
