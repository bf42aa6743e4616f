"""Turn the simulated and planted state into the input files of data-contract.md."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from . import config as C
from .geo import BIG, Geo, kvhx
from .plant import MODE_DANISH, MODE_NW, MODE_ONE_NW, MODE_WESTERN, Plan, ages_jan1
from .sim import Sim

HIGHER = ["gymnasial", "erhvervsfaglig", "kvu", "mvu", "lvu"]
HIGHER_P = [0.14, 0.4, 0.06, 0.24, 0.16]
FOREIGN_IDX = {c: k + 1 for k, (c, *_r) in enumerate(C.COUNTRIES)}


def d_or_empty(n: int) -> str:
    return "" if n >= BIG else C.iso(n)


class Sink:
    """CSV writer that appends (national scale streams several municipalities into one file)."""

    def __init__(self, path: Path, header: Sequence[str], append: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "a" if append else "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.w = csv.writer(self.f, lineterminator="\n")
        if not append:
            self.w.writerow(header)
        self.rows = 0

    def write(self, rows: Iterable[Sequence[object]]) -> None:
        for r in rows:
            self.w.writerow(r)
            self.rows += 1

    def close(self) -> None:
        self.f.close()


HEADERS = {
    "persons": [
        "cpr",
        "sex",
        "birth_date",
        "birth_country",
        "citizenship",
        "mother_cpr",
        "father_cpr",
        "mother_birth_country",
        "father_birth_country",
        "status",
        "status_date",
        "address_protected",
        "death_date",
        "emigration_date",
    ],
    "residences": [
        "cpr",
        "kvhx",
        "moved_in",
        "moved_out",
        "moved_in_from_municipality",
        "moved_out_to_municipality",
        "is_annulled",
    ],
    "addresses": [
        "address_id",
        "access_address_id",
        "kvhx",
        "municipality_code",
        "street_code",
        "street_name",
        "house_number",
        "floor",
        "door",
        "postcode",
        "x",
        "y",
        "status",
        "valid_from",
        "valid_to",
    ],
    "dwellings": [
        "unit_id",
        "address_id",
        "building_id",
        "unit_usage_code",
        "housing_type_code",
        "letting_code",
        "subsidy_code",
        "ownership_code",
        "floor_area_m2",
        "rooms",
        "construction_year",
        "afdeling_id",
        "valid_from",
        "valid_to",
    ],
    "benefits": ["cpr", "period_start", "period_end", "benefit_code", "fte_share"],
    "education": ["cpr", "as_of_date", "highest_level", "completed_in_denmark", "is_in_education"],
    "income": ["cpr", "income_year", "gross_income_dkk", "is_taxpayer", "is_student"],
    "convictions": ["cpr", "decision_date", "law"],
    "flis": ["cpr", "period", "measure", "value"],
    "official_lists": [
        "list_year",
        "list_date",
        "municipality",
        "area_name",
        "official_area_code",
        "residents",
        "share_outside_labour_market",
        "share_convicted",
        "convicted_threshold",
        "share_basic_education_only",
        "income_share_of_region",
        "share_non_western",
        "published_categories",
    ],
    "area_members": ["area_id", "address_id", "valid_from", "valid_to"],
}


def make_cprs(birth: np.ndarray, sex: np.ndarray, counters: dict[int, int]) -> list[str]:
    """Synthetic CPR numbers: DDMMYY + century digit + 3 digits, last digit even for women.

    The 4-digit serial runs per birth date (shared across municipalities at national scale);
    the 7th digit respects the century rule (0-3 for 1900-1999, 4/9 for 2000-2036).
    """
    out = []
    for b, s in zip(birth.tolist(), sex.tolist(), strict=True):
        k = counters.get(b, 0)
        counters[b] = k + 1
        iso = C.iso(b)
        y, m, d = int(iso[:4]), iso[5:7], iso[8:10]
        v = 2 * k + (1 if s == 0 else 0)  # odd = man, even = woman
        if y >= 2000:
            digits = [4, 9]
        elif y >= 1937:
            digits = [0, 1, 2, 3, 4, 9]
        else:
            digits = [0, 1, 2, 3]
        c = digits[v // 1000]
        out.append(f"{d}{m}{y % 100:02d}{c}{v % 1000:03d}")
    return out


def realise_codes(sim: Sim, plan: Plan, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """moved_in_from / moved_out_to municipality codes per residence interval."""
    p = sim.p
    ng = len(p.g_members)
    exit_code = []
    in_code = []
    for g in range(ng):
        mode = plan.mode[g]
        c = plan.group_country[g]
        abroad_p = {MODE_NW: 0.35, MODE_WESTERN: 0.5}.get(int(mode), 0.05)
        if rng.random() < abroad_p:
            cc = c if c != "DK" else "DE"
            exit_code.append(str(C.FOREIGN_CODE_BASE + FOREIGN_IDX[cc]))
        else:
            exit_code.append(str(rng.choice(C.OTHER_MUNICIPALITIES)))
        if plan.group_abroad[g] and p.g_kind[g] == "external":
            cc = c if c != "DK" else "SE"
            in_code.append(str(C.FOREIGN_CODE_BASE + FOREIGN_IDX[cc]))
        else:
            in_code.append(str(rng.choice(C.OTHER_MUNICIPALITIES)))
    fr, to = [], []
    for pid, f, t in zip(p.r_pid, p.r_from, p.r_to, strict=True):
        g = p.group[pid]
        fr.append(in_code[g] if f == "ext" else "")
        to.append(exit_code[g] if t == "ext" else "")
    return fr, to


def person_rows(
    sim: Sim, plan: Plan, rng: np.random.Generator, cprs: list[str], to_codes: list[str]
) -> list[list[str]]:
    p = sim.p
    n = len(p.birth)
    # last interval per person
    last_end = np.zeros(n, dtype=np.int64)
    last_to = [""] * n
    first_in = np.full(n, BIG, dtype=np.int64)
    for i, pid in enumerate(p.r_pid):
        if p.r_end[i] >= last_end[pid]:
            last_end[pid] = p.r_end[i]
            last_to[pid] = to_codes[i] if p.r_to[i] != "death" else "death"
        first_in[pid] = min(first_in[pid], p.r_start[i])
    rows = []
    naturalised = rng.random(n) < 0.3
    descendant_adult = rng.random(n) < 0.25
    unknown_parents = rng.random(n) < 0.05
    bc = [""] * n
    cit = [""] * n
    mbc = [""] * n
    fbc = [""] * n
    born_abroad_initial = rng.random(n) < 0.5
    for pid in range(n):
        g = p.group[pid]
        mode = int(plan.mode[g])
        c = plan.group_country[g]
        adult = p.role[pid] == 0
        desig = p.g_father[g] if p.g_mother[g] >= 0 else -1
        if mode == MODE_ONE_NW and pid == desig:
            mode_p = MODE_NW
        elif mode == MODE_ONE_NW:
            mode_p = MODE_DANISH
        else:
            mode_p = mode
        if adult:
            if mode_p == MODE_DANISH:
                bc[pid] = cit[pid] = mbc[pid] = fbc[pid] = "DK"
            elif mode_p == MODE_WESTERN:
                bc[pid] = cit[pid] = mbc[pid] = fbc[pid] = c
            else:
                age_arr = (p.g_arrival[g] - p.birth[pid]) / 365.25
                if descendant_adult[pid] and age_arr < 30 and mode == MODE_NW:
                    bc[pid], cit[pid] = "DK", c  # descendant, foreign citizenship
                else:
                    bc[pid] = c
                    cit[pid] = "DK" if naturalised[pid] else c
                if unknown_parents[pid] and bc[pid] != "DK":
                    mbc[pid] = fbc[pid] = ""
                else:
                    mbc[pid] = fbc[pid] = c
        else:
            mo, fa = p.mother[pid], p.father[pid]
            if mode_p in (MODE_NW, MODE_WESTERN):
                before = p.birth[pid] < p.g_arrival[g] and not p.born_here[pid]
                abroad = (plan.group_abroad[g] and p.g_kind[g] == "external") or (
                    p.g_kind[g] == "initial" and born_abroad_initial[pid]
                )
                bc[pid] = c if (before and abroad) else "DK"
                cit[pid] = c
            else:
                bc[pid] = cit[pid] = "DK"
            mbc[pid] = bc[mo] if mo >= 0 else ""
            fbc[pid] = bc[fa] if fa >= 0 else ""
    # parents are processed before children (lower pid) except when born later: second pass
    for pid in range(n):
        if p.role[pid] == 1:
            mo, fa = p.mother[pid], p.father[pid]
            mbc[pid] = bc[mo] if mo >= 0 else ""
            fbc[pid] = bc[fa] if fa >= 0 else ""
            if mo < 0 and fa < 0:
                mbc[pid] = fbc[pid] = bc[pid] if bc[pid] != "DK" else "DK"
    for pid in range(n):
        g = p.group[pid]
        status, sdate, death, emig = "01", C.iso(int(first_in[pid])), "", ""
        if p.special[pid] == 3:
            status = "03"
        elif last_to[pid] == "death" or (
            p.death[pid] <= last_end[pid] < BIG and p.death[pid] < C.HIST_END
        ):
            status, sdate, death = "90", C.iso(p.death[pid]), C.iso(p.death[pid])
        elif last_to[pid] and int(last_to[pid]) >= C.FOREIGN_CODE_BASE:
            status, sdate, emig = "80", C.iso(int(last_end[pid])), C.iso(int(last_end[pid]))
        mo, fa = p.mother[pid], p.father[pid]
        rows.append(
            [
                cprs[pid],
                "K" if p.sex[pid] == 1 else "M",
                C.iso(p.birth[pid]),
                bc[pid],
                cit[pid],
                cprs[mo] if mo >= 0 else "",
                cprs[fa] if fa >= 0 else "",
                mbc[pid],
                fbc[pid],
                status,
                sdate,
                "true" if p.g_protected[g] else "false",
                death,
                emig,
            ]
        )
    return rows


def education_rows(
    sim: Sim, plan: Plan, rng: np.random.Generator, cprs: list[str]
) -> list[list[str]]:
    p = sim.p
    n = len(p.birth)
    birth = np.array(p.birth, dtype=np.int64)
    higher = rng.choice(len(HIGHER), size=n, p=HIGHER_P)
    rows = []
    keys = sorted(plan.student)
    ages_cache: dict[int, np.ndarray] = {}
    for pid, t in keys:
        if t not in ages_cache:
            ages_cache[t] = ages_jan1(birth, t + 1)
        a = int(ages_cache[t][pid])
        cat = C.EDU_CATS[int(plan.edu[pid])]
        stud = plan.student[(pid, t)]
        if cat == "no_record":
            continue
        if a < 18:
            lvl, dk = "grundskole", "true"
        elif a < 25:
            lvl = "gymnasial" if (stud or higher[pid] > 0) else "grundskole"
            dk = "true" if cat.startswith("dk") else "false"
        elif cat == "dk_basic":
            lvl, dk = "grundskole", "true"
        elif cat == "foreign_basic":
            lvl, dk = "grundskole", "false"
        elif cat == "unknown":
            lvl, dk = "unknown", ""
        elif cat == "foreign_higher":
            lvl, dk = HIGHER[int(higher[pid])], "false"
        else:
            lvl, dk = HIGHER[int(higher[pid])], "true"
        rows.append([cprs[pid], f"{t}-09-30", lvl, dk, "true" if stud else "false"])
    return rows


def flis_rows(
    sim: Sim, plan: Plan, arr: dict[str, np.ndarray], rng: np.random.Generator, cprs: list[str]
) -> list[list[str]]:
    p = sim.p
    n = len(p.birth)
    birth = np.array(p.birth, dtype=np.int64)
    first = np.full(n, BIG, dtype=np.int64)
    last = np.zeros(n, dtype=np.int64)
    np.minimum.at(first, arr["pid"], arr["start"])
    np.maximum.at(last, arr["pid"], arr["end"])
    group = np.array(p.group, dtype=np.int64)
    almen = np.array([p.g_first_tenure[g] == "almen" for g in range(len(p.g_members))])[group]
    rows = []
    for t in range(C.FIRST_YEAR, C.LAST_YEAR + 1):
        d0, d1 = C.day(t), C.day(t + 1)
        pres = np.flatnonzero((first <= d1) & (last > d0) & (np.array(p.special) == 0))
        ages = ages_jan1(birth[pres], t + 1)
        kids = pres[(ages >= 0) & (ages <= 17)]
        ka = ages[(ages >= 0) & (ages <= 17)]
        for pid, a in zip(kids.tolist(), ka.tolist(), strict=True):
            c = cprs[pid]
            if 1 <= a <= 5 and rng.random() < 0.85:
                rows.append([c, f"{t}-09", "in_daycare", "1"])
            if 6 <= a <= 16:
                rows.append([c, f"{t}-06", "school_days", "200"])
                rows.append([c, f"{t}-06", "absence_days", str(int(rng.gamma(2.0, 5.0)))])
                if rng.random() < 0.04:
                    rows.append([c, f"{t}-06", "segregated_schooling", "1"])
            if a == 16:
                rows.append([c, f"{t}-06", "exam_grade", f"{rng.uniform(2, 11):.1f}"])
            pp = 0.025 if almen[pid] else 0.008
            if rng.random() < pp:
                rows.append([c, f"{t}-12", "placed_outside_home", "1"])
            if rng.random() < pp * 2:
                rows.append([c, f"{t}-12", "preventive_measure", "1"])
    return rows


def official_rows() -> list[list[str]]:
    rows = []
    for y, (res, k1, k2, k3, k4, nw, cats) in sorted(C.OFFICIAL_K.items()):
        name = "Kærparken m.fl." if y == 2014 else "Kærparken"
        code = "" if y == 2014 else C.OFFICIAL_CODES[C.AREA_K]
        date = "2014-02-01" if y == 2013 else f"{y}-12-01"
        rows.append(
            [
                str(y),
                date,
                C.MUNICIPALITY_NAME,
                name,
                code,
                str(res),
                f"{k1:.1f}",
                f"{k2:.1f}",
                "2.7",
                f"{k3:.1f}",
                f"{k4:.1f}",
                f"{nw:.1f}",
                cats,
            ]
        )
    for y, muni, name, code, res, k1, k2, k3, k4, nw, cats in C.OFFICIAL_OTHER:
        date = "2014-02-01" if y == 2013 else f"{y}-12-01"
        rows.append(
            [
                str(y),
                date,
                muni,
                name,
                code,
                str(res),
                f"{k1:.1f}",
                f"{k2:.1f}",
                "2.7",
                f"{k3:.1f}",
                f"{k4:.1f}",
                f"{nw:.1f}",
                cats,
            ]
        )
    return rows


def address_rows(g: Geo) -> list[list[str]]:
    rows = []
    for a in range(len(g.adr_id)):
        acc = g.adr_acc[a]
        code, name, post = g.streets[g.acc_street[acc]]
        rows.append(
            [
                g.adr_id[a],
                g.acc_id[acc],
                kvhx(g, a),
                g.muni_code,
                f"{code:04d}",
                name,
                str(g.acc_number[acc]),
                g.adr_floor[a],
                g.adr_door[a],
                post,
                f"{g.acc_x[acc]:.2f}",
                f"{g.acc_y[acc]:.2f}",
                "nedlagt" if g.adr_to[a] < BIG else "gaeldende",
                C.iso(g.adr_from[a]),
                d_or_empty(g.adr_to[a]),
            ]
        )
    return rows


def dwelling_rows(g: Geo) -> list[list[str]]:
    rows = []
    for d in range(len(g.dw_adr)):
        use, typ, let, sub, own = g.dw_codes[d]
        acc = g.adr_acc[g.dw_adr[d]]
        base = [g.dw_unit_id[d], g.adr_id[g.dw_adr[d]], g.acc_building[acc], use, typ]
        tail = [str(g.dw_area_m2[d]), str(g.dw_rooms[d]), str(g.dw_year[d]), g.dw_af[d]]
        if g.dw_converted[d]:
            rows.append([*base, let, sub, own, *tail, C.iso(g.dw_from[d]), C.iso(C.CONVERSION_DAY)])
            rows.append(
                [
                    *base,
                    "1",
                    "0",
                    "30",
                    *tail[:3],
                    "",
                    C.iso(C.CONVERSION_DAY),
                    d_or_empty(g.dw_to[d]),
                ]
            )
        else:
            rows.append([*base, let, sub, own, *tail, C.iso(g.dw_from[d]), d_or_empty(g.dw_to[d])])
    return rows


def write_areas(g: Geo, path: Path, append: bool = False) -> None:
    import geopandas as gpd
    import shapely
    from pyogrio import set_gdal_config_options

    set_gdal_config_options({"OGR_CURRENT_DATE": "2026-01-01T00:00:00.000Z"})
    recs = sorted(g.areas, key=lambda r: (r[2], r[0], r[5]))
    gdf = gpd.GeoDataFrame(
        {
            "area_id": [r[0] for r in recs],
            "area_name": [r[1] for r in recs],
            "area_level": [r[2] for r in recs],
            "official_area_code": [r[3] or None for r in recs],
            "parent_area_id": [r[4] or None for r in recs],
            "valid_from": [C.iso(r[5]) for r in recs],
            "valid_to": [None if r[6] >= BIG else C.iso(r[6]) for r in recs],
        },
        geometry=[shapely.box(*r[7]) for r in recs],
        crs="EPSG:25832",
    )
    gdf.to_file(path, layer="areas", driver="GPKG", engine="pyogrio", append=append)
