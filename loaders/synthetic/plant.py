"""Planting: decide origins, education and yearly attributes so the planted areas hit their targets.

The simulation fixes who lives where. This module then *decides* the attributes: on each 1 Jan
target date (chronologically) the not-yet-decided households/persons of a planted area are
assigned so the area's count equals the designed target. Yearly attributes (benefits,
convictions, income) are assigned to the exact cohort of each planted area and year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import config as C
from .geo import BIG
from .sim import Sim

MODE_UNDECIDED, MODE_DANISH, MODE_WESTERN, MODE_NW, MODE_ONE_NW = 0, 1, 2, 3, 4
NW_PROB = {
    "almen": 0.22,
    "privat_udlejning": 0.10,
    "andel": 0.05,
    "ejer": 0.03,
    "offentlig": 0.10,
    "ukendt": 0.10,
}
WESTERN_PROB = 0.06


@dataclass
class Plan:
    """Decided attributes (numpy arrays over persons / groups) plus the per-year rows."""

    mode: np.ndarray  # per group
    group_country: list[str]
    group_abroad: np.ndarray  # per group: arrived from abroad (external arrivals only)
    nw: np.ndarray  # per person: non-western immigrant or descendant (by construction)
    edu: np.ndarray  # per person: index into C.EDU_CATS
    # planted results per (area, Y or t)
    presence: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)  # 1 Jan Y -> pids
    k1: dict[tuple[str, int], tuple[Fraction, int]] = field(default_factory=dict)
    k2: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    k4: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    infeasible: list[str] = field(default_factory=list)  # hard (exact) targets missed
    soft: list[str] = field(default_factory=list)  # steering targets missed (reported only)
    # yearly rows
    benefits: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    convictions: list[tuple[int, int, str]] = field(default_factory=list)
    income: dict[tuple[int, int], int] = field(default_factory=dict)
    taxpayer: dict[tuple[int, int], bool] = field(default_factory=dict)
    student: dict[tuple[int, int], bool] = field(default_factory=dict)


def ages_jan1(birth: np.ndarray, year: int) -> np.ndarray:
    d = birth.astype("datetime64[D]")
    yr = d.astype("datetime64[Y]")
    by = yr.astype(np.int64) + 1970
    jan1 = yr.astype("datetime64[D]").astype(np.int64)
    return year - by - (birth != jan1).astype(np.int64)


def resident_mask(sim: Sim, on: int, arr: dict[str, np.ndarray]) -> np.ndarray:
    """Intervals whose person is resident on day `on` (the truth definition)."""
    m = (arr["start"] <= on) & (arr["end"] > on) & (arr["dw"] >= 0)
    dw = np.where(arr["dw"] >= 0, arr["dw"], 0)
    m &= (arr["dw_from"][dw] <= on) & (arr["dw_to"][dw] > on) & arr["dw_res"][dw]
    m &= arr["special"][arr["pid"]] == 0
    return m


def interval_arrays(sim: Sim) -> dict[str, np.ndarray]:
    g, p = sim.g, sim.p
    return {
        "pid": np.array(p.r_pid, dtype=np.int64),
        "dw": np.array(p.r_dw, dtype=np.int64),
        "start": np.array(p.r_start, dtype=np.int64),
        "end": np.array(p.r_end, dtype=np.int64),
        "dw_from": np.array(g.dw_from, dtype=np.int64),
        "dw_to": np.array(g.dw_to, dtype=np.int64),
        "dw_res": np.array([c[0] not in ("510", "540") for c in g.dw_codes], dtype=bool),
        "dw_bo": np.array(g.dw_bo),
        "special": np.array(p.special, dtype=np.int64),
    }


def add_lodger(sim: Sim, arr: dict[str, np.ndarray], area: str, on: int) -> None:
    """Add one adult lodger to an occupied dwelling of `area` around day `on` (parity fix)."""
    rng = sim.rng
    dw_bo = arr["dw_bo"]
    ok = (arr["start"] <= on - 40) & (arr["end"] >= on + 50) & (arr["dw"] >= 0)
    ok &= dw_bo[np.where(arr["dw"] >= 0, arr["dw"], 0)] == area
    idx = np.flatnonzero(ok)
    k = int(idx[int(rng.integers(len(idx)))])
    dw = int(arr["dw"][k])
    gid = sim.new_group("almen", on - 40, "lodger", hh="young")
    sim.p.g_births[gid] = []
    for m in sim.p.g_members[gid]:
        sim._rec(m, dw, on - 40, on + 50, "ext", "ext")
    sim.p.g_exit[gid] = on + 50


def decide(sim: Sim, seed_rng: np.random.Generator, planted: bool) -> tuple[Plan, dict]:
    """Run the planting passes; returns the plan and the interval arrays used."""
    rng = seed_rng
    p = sim.p
    arr = interval_arrays(sim)
    if planted:
        # parity: exact one-half NW targets need an even number of residents
        for area, tg in C.TARGETS.items():
            for kind, y in sorted(tg.exact):
                if kind != "nw" or (tg.nw[y] * 2) % 1 != 0:
                    continue
                on = C.day(y)
                m = resident_mask(sim, on, arr) & (arr["dw_bo"][np.maximum(arr["dw"], 0)] == area)
                if int(m.sum()) % 2 == 1:
                    add_lodger(sim, arr, area, on)
                    arr = interval_arrays(sim)
    n_groups = len(p.g_members)
    n_pers = len(p.birth)
    mode = np.zeros(n_groups, dtype=np.int64)
    designated = np.array(
        [f if (f >= 0 and p.g_mother[g] >= 0) else -1 for g, f in enumerate(p.g_father)],
        dtype=np.int64,
    )
    group = np.array(p.group, dtype=np.int64)
    birth = np.array(p.birth, dtype=np.int64)
    edu = np.full(n_pers, -1, dtype=np.int64)
    plan = Plan(
        mode=mode,
        group_country=[""] * n_groups,
        group_abroad=np.zeros(n_groups, dtype=bool),
        nw=np.zeros(n_pers, dtype=bool),
        edu=edu,
    )
    dw_bo = arr["dw_bo"]
    if planted:
        for y in range(C.FIRST_YEAR, C.LAST_YEAR + 1):
            on = C.day(y)
            for area in sorted(C.TARGETS):
                for _attempt in range(6):
                    m = resident_mask(sim, on, arr) & (dw_bo[np.maximum(arr["dw"], 0)] == area)
                    pids = np.unique(arr["pid"][m])
                    extra = _lodgers_needed(plan, area, y, pids, group, designated)
                    if extra == 0:
                        break
                    for _ in range(extra):
                        add_lodger(sim, arr, area, on)
                    arr = interval_arrays(sim)
                    dw_bo = arr["dw_bo"]
                    grow = len(p.g_members) - len(plan.mode)
                    plan.mode = mode = np.concatenate([mode, np.zeros(grow, dtype=np.int64)])
                    designated = np.concatenate([designated, np.full(grow, -1, dtype=np.int64)])
                    group = np.array(p.group, dtype=np.int64)
                plan.presence[(area, y)] = pids
                _nw_greedy(plan, rng, area, y, pids, group, designated, sim)
        n_groups = len(p.g_members)
        n_pers = len(p.birth)
        birth = np.array(p.birth, dtype=np.int64)
        plan.edu = edu = np.full(n_pers, -1, dtype=np.int64)
        plan.group_country = [""] * n_groups
        plan.group_abroad = np.zeros(n_groups, dtype=bool)
    # background groups
    und = np.flatnonzero(mode == MODE_UNDECIDED)
    for g in und:
        u = rng.random()
        ten = p.g_first_tenure[g]
        if u < NW_PROB[ten]:
            mode[g] = MODE_NW
        elif u < NW_PROB[ten] + WESTERN_PROB:
            mode[g] = MODE_WESTERN
        elif u < NW_PROB[ten] + WESTERN_PROB + 0.015 and designated[g] >= 0:
            mode[g] = MODE_ONE_NW
        else:
            mode[g] = MODE_DANISH
    gm = mode[group]
    plan.nw = (gm == MODE_NW) | ((gm == MODE_ONE_NW) & (designated[group] == np.arange(n_pers)))
    for g in range(n_groups):
        if mode[g] == MODE_NW:
            plan.group_country[g] = str(rng.choice(C.NONWESTERN, p=_w(C.NONWESTERN_WEIGHTS)))
            plan.group_abroad[g] = rng.random() < 0.6
        elif mode[g] == MODE_ONE_NW:
            plan.group_country[g] = str(rng.choice(C.NONWESTERN, p=_w(C.NONWESTERN_WEIGHTS)))
        elif mode[g] == MODE_WESTERN:
            plan.group_country[g] = str(rng.choice(C.WESTERN_FOREIGN, p=_w(C.WESTERN_WEIGHTS)))
            plan.group_abroad[g] = rng.random() < 0.5
        else:
            plan.group_country[g] = "DK"
            plan.group_abroad[g] = rng.random() < 0.03
    # education: planted greedy on the K3 cohort, then the rest at random
    foreign = (gm == MODE_NW) | (gm == MODE_WESTERN)
    foreign |= (gm == MODE_ONE_NW) & (designated[group] == np.arange(n_pers))
    if planted:
        for y in C.K3_YEARS:
            ages = ages_jan1(birth, y)
            for area in sorted(C.TARGETS):
                pids = plan.presence[(area, y)]
                coh = pids[(ages[pids] >= 30) & (ages[pids] <= 59)]
                _edu_greedy(plan, rng, area, y, coh, foreign)
    ten_first = np.array([p.g_first_tenure[g] for g in range(n_groups)])[group]
    und = np.flatnonzero(edu < 0)
    for i in und:
        edu[i] = _draw_edu(rng, bool(foreign[i]), rng.random() < _basic_p(str(ten_first[i])))
    return plan, arr


def _w(ws: list[float]) -> np.ndarray:
    a = np.array(ws, dtype=float)
    return a / a.sum()


def _basic_p(ten: str) -> float:
    return {"almen": 0.35, "privat_udlejning": 0.2, "ukendt": 0.2, "offentlig": 0.25}.get(ten, 0.1)


def _draw_edu(rng: np.random.Generator, foreign: bool, basic: bool) -> int:
    cats = C.EDU_CATS
    if basic:
        if foreign:
            c = rng.choice(
                ["foreign_higher", "unknown", "foreign_basic", "dk_basic"], p=[0.35, 0.25, 0.2, 0.2]
            )
        else:
            c = "dk_basic" if rng.random() < 0.93 else "no_record"
    else:
        c = "dk_higher"
    return cats.index(str(c))


def _lodgers_needed(
    plan: Plan, area: str, y: int, pids: np.ndarray, group: np.ndarray, designated: np.ndarray
) -> int:
    """Lodgers (in pairs, to keep the parity) a hard NW target needs to become feasible."""
    tg = C.TARGETS[area]
    if ("nw", y) not in tg.exact | tg.below:
        return 0
    target = _target_count("nw", area, y, tg.nw[y], len(pids))
    fixed = 0
    cap = 0
    for pid, g in zip(pids.tolist(), group[pids].tolist(), strict=True):
        md = plan.mode[g]
        if md == MODE_NW:
            fixed += 1
        elif md == MODE_ONE_NW:
            fixed += int(designated[g] == pid)
        elif md == MODE_UNDECIDED:
            cap += 1
    need = target - fixed
    if need < 0:
        return 2 * (-need) + 2
    if need > cap - 2:
        return 2 * (need - cap + 3)
    return 0


def _target_count(kind: str, area: str, y: int, share: float, n: int) -> int:
    tg = C.TARGETS[area]
    if (kind, y) in tg.below:
        return (n + 1) // 2 - 1 if share < 0.5 else int(round(share * n))
    if (kind, y) in tg.exact:
        v = Fraction(str(share)) * n
        if v.denominator != 1:
            raise AssertionError(f"{area} {kind} {y}: {share} x {n} is not an integer")
        return int(v)
    return int(Fraction(str(share)) * n + Fraction(1, 2))


def _nw_greedy(
    plan: Plan,
    rng: np.random.Generator,
    area: str,
    y: int,
    pids: np.ndarray,
    group: np.ndarray,
    designated: np.ndarray,
    sim: Sim,
) -> None:
    mode = plan.mode
    share = C.TARGETS[area].nw.get(y)
    if share is None:
        return
    n = len(pids)
    target = _target_count("nw", area, y, share, n)
    gs = group[pids]
    fixed = 0
    und: dict[int, list[int]] = {}
    for pid, g in zip(pids.tolist(), gs.tolist(), strict=True):
        md = mode[g]
        if md == MODE_NW:
            fixed += 1
        elif md == MODE_ONE_NW:
            fixed += int(designated[g] == pid)
        elif md == MODE_UNDECIDED:
            und.setdefault(g, []).append(pid)
    need = target - fixed
    order = sorted(und)
    perm = rng.permutation(len(order))
    order = [order[i] for i in perm]
    for g in order:
        size = len(und[g])
        if 0 < size <= need and (size == 1 or need - size >= 0):
            mode[g] = MODE_NW
            need -= size
    for g in order:
        if need <= 0:
            break
        if mode[g] == MODE_UNDECIDED and designated[g] in und[g]:
            mode[g] = MODE_ONE_NW
            need -= 1
    for g in order:
        if mode[g] == MODE_UNDECIDED:
            mode[g] = MODE_WESTERN if rng.random() < 0.05 else MODE_DANISH
    if need != 0:
        hard = ("nw", y) in C.TARGETS[area].exact | C.TARGETS[area].below
        (plan.infeasible if hard else plan.soft).append(f"nw {area} {y}: {target} missed by {need}")


def _edu_greedy(
    plan: Plan,
    rng: np.random.Generator,
    area: str,
    y: int,
    coh: np.ndarray,
    foreign: np.ndarray,
) -> None:
    share = C.TARGETS[area].k3.get(y)
    if share is None:
        return
    edu = plan.edu
    target = _target_count("k3", area, y, share, len(coh))
    basic_idx = {C.EDU_CATS.index(c) for c in C.EDU_BASIC_R2018}
    fixed = sum(1 for i in coh if edu[i] >= 0 and int(edu[i]) in basic_idx)
    und = [int(i) for i in coh if edu[i] < 0]
    und = [und[i] for i in rng.permutation(len(und))]
    need = target - fixed
    for i in und:
        take = need > 0
        edu[i] = _draw_edu(rng, bool(foreign[i]), take)
        if take:
            need -= 1
    if need != 0:
        plan.soft.append(f"k3 {area} {y}: {target} missed by {need}")


# ---------------------------------------------------------------------------------------------
# yearly attributes
# ---------------------------------------------------------------------------------------------


def yearly(
    sim: Sim, plan: Plan, arr: dict[str, np.ndarray], rng: np.random.Generator, planted: bool
) -> None:
    """Benefits, convictions, income, taxpayer and student flags per person and year."""
    p = sim.p
    n = len(p.birth)
    birth = np.array(p.birth, dtype=np.int64)
    first = np.full(n, BIG, dtype=np.int64)
    last = np.zeros(n, dtype=np.int64)
    np.minimum.at(first, arr["pid"], arr["start"])
    np.maximum.at(last, arr["pid"], arr["end"])
    group = np.array(p.group, dtype=np.int64)
    ten = np.array([p.g_first_tenure[g] for g in range(len(p.g_members))])[group]
    k1p = np.vectorize(
        lambda t: {
            "almen": 0.22,
            "privat_udlejning": 0.13,
            "ukendt": 0.13,
            "offentlig": 0.13,
            "andel": 0.07,
        }.get(t, 0.04)
    )(ten)
    k1p = np.where(plan.nw, k1p * 1.6, k1p)
    convp = np.where(ten == "almen", 0.014, 0.006)
    # planted cohorts: (pid, t) -> area
    planted_pt: dict[tuple[int, int], str] = {}
    if planted:
        for (area, y), pids in plan.presence.items():
            if y - 1 in C.ATTRIBUTE_YEARS:
                for pid in pids.tolist():
                    planted_pt[(pid, y - 1)] = area
    for t in range(C.FIRST_YEAR, C.LAST_YEAR + 1):
        d0, d1 = C.day(t), C.day(t + 1)
        present = np.flatnonzero((first <= d1) & (last > d0))
        age = ages_jan1(birth[present], t + 1)
        if t <= 2024:
            # student and taxpayer flags (30 Sep t) for persons 15+ on 1 Jan t+1
            sel = age >= 15
            pp, aa = present[sel], age[sel]
            ps = np.select([aa < 20, aa < 25, aa < 30, aa < 65], [0.9, 0.5, 0.15, 0.02], 0.0)
            stud = rng.random(len(pp)) < ps
            tax = rng.random(len(pp)) < 0.97
            keys = list(zip(pp.tolist(), [t] * len(pp), strict=True))
            plan.student.update(zip(keys, stud.tolist(), strict=True))
            plan.taxpayer.update(zip(keys, tax.tolist(), strict=True))
        if planted_pt:
            keep = np.array([(pid, t) not in planted_pt for pid in present.tolist()], dtype=bool)
            present, age = present[keep], age[keep]
        _background_year(plan, rng, present, age, t, k1p, convp, d0, d1 - d0)
    if planted:
        _plant_years(sim, plan, rng, birth)
    # incomes for everyone else
    keys = [k for k in plan.student if k not in plan.income]
    if keys:
        kp = np.array([k[0] for k in keys], dtype=np.int64)
        kt = np.array([k[1] for k in keys], dtype=np.int64)
        ages_t = {t: ages_jan1(birth, t + 1) for t in C.ATTRIBUTE_YEARS}
        a = np.zeros(len(keys), dtype=np.int64)
        for t in C.ATTRIBUTE_YEARS:
            a[kt == t] = ages_t[t][kp[kt == t]]
        stud = np.array([plan.student[k] for k in keys], dtype=bool)
        base = np.select([a < 18, a < 25, a >= 65], [30_000, 150_000, 250_000], 400_000)
        base = np.where(stud, 110_000, base).astype(float)
        tf = {"almen": 0.7, "privat_udlejning": 0.85, "ejer": 1.25, "andel": 1.0}
        f = np.array([tf.get(x, 0.9) for x in ten[kp].tolist()]) * np.where(plan.nw[kp], 0.75, 1)
        u = rng.random(len(keys))
        ln = rng.lognormal(0, 0.45, size=len(keys))
        neg = rng.integers(1_000, 80_000, size=len(keys))
        inc = (base * f * ln * (1 + 0.02 * (kt - 2016))).astype(np.int64)
        inc = np.where(u < 0.013, -neg, inc)
        inc = np.where(u < 0.01, 0, inc)
        plan.income.update(zip(keys, inc.tolist(), strict=True))


def _background_year(
    plan: Plan,
    rng: np.random.Generator,
    pids: np.ndarray,
    ages: np.ndarray,
    t: int,
    k1p: np.ndarray,
    convp: np.ndarray,
    d0: int,
    ndays: int,
) -> None:
    """Random benefits and convictions of year t for persons outside any planted cohort."""
    m = len(pids)
    adult = (ages >= 18) & (ages <= 64)
    u = rng.random((m, 8))
    codes = np.array(C.COUNTING_CODES)[rng.integers(0, len(C.COUNTING_CODES), size=m)]
    s = rng.integers(0, ndays - 30, size=m)
    ln = rng.integers(30, 240, size=m)
    # counting benefits: half whole-year (fte 1 or 0.5), half a spell of 1-8 months
    k1 = adult & (u[:, 0] < k1p[pids])
    whole = k1 & (u[:, 1] < 0.5)
    spell = k1 & ~whole
    fte = np.where(u[:, 2] < 0.85, "1", "0.5")
    end = np.minimum(ndays - 1, s + ln)
    for i in np.flatnonzero(whole).tolist():
        plan.benefits.append((int(pids[i]), d0, d0 + ndays - 1, str(codes[i]), str(fte[i])))
    for i in np.flatnonzero(spell).tolist():
        plan.benefits.append((int(pids[i]), d0 + int(s[i]), d0 + int(end[i]), str(codes[i]), "1"))
    # non-counting: sickness, holiday pay, flex jobs (fte empty = 1)
    other = np.array(["KY24", "KY28", "KY22", "KY25"])[rng.integers(0, 4, size=m)]
    oe = np.minimum(ndays - 1, s + ln // 2)
    for i in np.flatnonzero(adult & (u[:, 3] < 0.06)).tolist():
        plan.benefits.append((int(pids[i]), d0 + int(s[i]), d0 + int(oe[i]), str(other[i]), ""))
    if t <= 2024:
        stud = np.array([plan.student.get((int(p), t), False) for p in pids.tolist()], dtype=bool)
        for i in np.flatnonzero(stud & (ages >= 18) & (u[:, 4] < 0.8)).tolist():
            plan.benefits.append((int(pids[i]), d0, d0 + ndays - 1, "KY21", "1"))
    for i in np.flatnonzero((ages >= 60) & (ages <= 64) & (u[:, 5] < 0.1)).tolist():
        plan.benefits.append((int(pids[i]), d0, d0 + ndays - 1, "KY27", "1"))
    laws = np.array(["straffeloven", "vaabenloven", "lov_om_euforiserende_stoffer"])
    law = laws[np.searchsorted([0.8, 0.88], rng.random(m))]
    dd = rng.integers(0, ndays, size=m)
    for i in np.flatnonzero((ages >= 18) & (u[:, 6] < convp[pids])).tolist():
        plan.convictions.append((int(pids[i]), d0 + int(dd[i]), str(law[i])))
    for i in np.flatnonzero((ages >= 18) & (u[:, 7] < 0.01)).tolist():
        plan.convictions.append((int(pids[i]), d0 + int(dd[i]) // 2, "faerdselsloven"))


def _plant_years(sim: Sim, plan: Plan, rng: np.random.Generator, birth: np.ndarray) -> None:
    for area in sorted(C.TARGETS):
        tg = C.TARGETS[area]
        for t in C.ATTRIBUTE_YEARS:
            pids = plan.presence[(area, t + 1)]
            ages = ages_jan1(birth[pids], t + 1)
            d0, d1 = C.day(t), C.day(t + 1)
            ndays = d1 - d0
            # K1: exact FTE on the 18-64 cohort
            coh = pids[(ages >= 18) & (ages <= 64)]
            nn = len(coh)
            fte = Fraction(int(Fraction(str(tg.k1[t])) * nn * 20 + Fraction(1, 2)), 20)
            if ("k1", t) in tg.exact and Fraction(str(tg.k1[t])) * nn != fte:
                raise AssertionError(f"k1 {area} {t} not exact")
            order = coh[rng.permutation(nn)]
            full = int(fte)
            frac = fte - full
            for k, pid in enumerate(order.tolist()):
                if k < full:
                    u = rng.random()
                    code = str(rng.choice(C.COUNTING_CODES))
                    if u < 0.6:
                        plan.benefits.append((pid, d0, d1 - 1, code, "1"))
                    elif u < 0.85:
                        mid = C.day(t, 7, 1)
                        plan.benefits.append((pid, d0, mid - 1, code, "1"))
                        plan.benefits.append((pid, mid, d1 - 1, "KY01", ""))
                    else:  # over the cap: 1.0 + 0.5 -> counts 1.0 (a second, other code)
                        plan.benefits.append((pid, d0, d1 - 1, code, "1"))
                        extra = "KY14" if code != "KY14" else "KY13"
                        plan.benefits.append((pid, d0, d1 - 1, extra, "0.5"))
                elif k == full and frac > 0:
                    plan.benefits.append((pid, d0, d1 - 1, "KY12", _dec(frac)))
                elif rng.random() < 0.05:
                    s = int(rng.integers(0, ndays - 60))
                    plan.benefits.append((pid, d0 + s, d0 + s + 45, "KY24", ""))
            plan.k1[(area, t)] = (fte, nn)
            # K2: exact number of persons convicted under the three laws
            coh2 = pids[ages >= 18]
            x = int(Fraction(str(tg.k2[t])) * len(coh2) + Fraction(1, 2))
            order = coh2[rng.permutation(len(coh2))]
            for k, pid in enumerate(order.tolist()):
                if k < x:
                    law = str(
                        rng.choice(
                            ["straffeloven", "vaabenloven", "lov_om_euforiserende_stoffer"],
                            p=[0.8, 0.08, 0.12],
                        )
                    )
                    plan.convictions.append((pid, d0 + int(rng.integers(0, ndays)), law))
                    if rng.random() < 0.1:  # a second decision the same year counts once
                        plan.convictions.append(
                            (pid, d0 + int(rng.integers(0, ndays)), "straffeloven")
                        )
                elif rng.random() < 0.01:
                    plan.convictions.append(
                        (pid, d0 + int(rng.integers(0, ndays)), "faerdselsloven")
                    )
            plan.k2[(area, t)] = (x, len(coh2))
            # K4: exact mean income of taxpayers 15-64 not in education
            pop = [
                int(pid)
                for pid, a in zip(pids.tolist(), ages.tolist(), strict=True)
                if 15 <= a <= 64 and plan.taxpayer.get((pid, t)) and not plan.student.get((pid, t))
            ]
            mean = Fraction(str(tg.k4[t])) * C.REGIONAL_MEAN_INCOME[t]
            if ("k4", t) in tg.exact and mean.denominator != 1:
                raise AssertionError(f"k4 {area} {t} not exact")
            m_int = int(mean + Fraction(1, 2))
            total = m_int * len(pop)
            draws = [int(m_int * rng.lognormal(0, 0.35)) for _ in pop]
            diff = total - sum(draws)
            if pop:
                share, rest = divmod(diff, len(pop))
                draws = [v + share for v in draws]
                draws[0] += rest
            for pid, v in zip(pop, draws, strict=True):
                plan.income[(pid, t)] = v
            plan.k4[(area, t)] = (total, len(pop))


def _dec(f: Fraction) -> str:
    """Exact decimal string of a fraction with a power-of-ten-friendly denominator."""
    s = f"{float(f):.6f}".rstrip("0").rstrip(".")
    assert Fraction(s) == f, f
    return s
