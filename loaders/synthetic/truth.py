"""Truth tables: what the warehouse must find, from the generator's own decisions.

Residents and households come from the simulated occupancy (who the generator put where), the
criterion counts from the planting decisions in plant.py. Nothing here reads the written files.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from . import config as C
from .geo import BIG, Geo
from .plant import Plan, ages_jan1, resident_mask
from .sim import Sim

LEVELS = ["afdeling", "boligomraade", "skoledistrikt", "bydel", "kommune"]


def snapshot_dates() -> list[int]:
    """Month ends 2016-01-31 .. 2025-12-31 and 1 Jan 2016 .. 2025, sorted."""
    out = set()
    for y in range(C.FIRST_YEAR, C.LAST_YEAR + 1):
        out.add(C.day(y))
        for m in range(1, 13):
            nxt = C.day(y + (m == 12), m % 12 + 1)
            out.add(nxt - 1)
    return sorted(out)


def address_areas(g: Geo) -> dict[str, list[tuple[int, int, np.ndarray]]]:
    """Per level: epochs (from, to, area id per unit address) by the planted rules.

    Rule: area_members win for their level; else point in polygon of the access point on the
    version valid on the day; a point on a shared edge goes to the smallest area_id.
    """
    ax = np.array(g.acc_x)[np.array(g.adr_acc)]
    ay = np.array(g.acc_y)[np.array(g.adr_acc)]
    out: dict[str, list[tuple[int, int, np.ndarray]]] = {}
    for level in LEVELS:
        rows = sorted([a for a in g.areas if a[2] == level], key=lambda r: r[0])
        cuts = sorted({C.day(1900)} | {r[5] for r in rows} | {r[6] for r in rows if r[6] < BIG})
        cuts = [c for c in cuts] + [BIG]
        epochs = []
        for e0, e1 in zip(cuts[:-1], cuts[1:], strict=True):
            ids = np.full(len(ax), "", dtype=object)
            for aid, _n, _lv, _o, _p, vf, vt, (x1, y1, x2, y2) in rows:
                if not (vf <= e0 < vt):
                    continue
                hit = (ids == "") & (ax >= x1) & (ax <= x2) & (ay >= y1) & (ay <= y2)
                ids[hit] = aid
            for aid, adr, vf, vt in g.members:
                lv = next(r[2] for r in g.areas if r[0] == aid)
                if lv == level and vf <= e0 < vt:
                    ids[adr] = aid
            epochs.append((e0, e1, ids))
        out[level] = epochs
    return out


def areas_on(epochs: list[tuple[int, int, np.ndarray]], on: int) -> np.ndarray:
    for e0, e1, ids in epochs:
        if e0 <= on < e1:
            return ids
    raise ValueError(on)


def tenure_on(g: Geo, on: int) -> np.ndarray:
    ten = np.array(g.dw_tenure, dtype=object)
    if on >= C.CONVERSION_DAY:
        ten[np.array(g.dw_converted, dtype=bool)] = "privat_udlejning"
    return ten


def area_indicators(
    g: Geo, sim: Sim, plan: Plan, arr: dict[str, np.ndarray], planted: bool
) -> list[tuple[str, str, str, str, str, str, str]]:
    """Rows (period, level, area_id, tenure, indicator_id, numerator, denominator)."""
    epochs = address_areas(g)
    adr_of_dw = np.array(g.dw_adr, dtype=np.int64)
    rows: list[tuple[str, str, str, str, str, str, str]] = []
    tix = {t: k for k, t in enumerate(C.TENURES)}
    for on in snapshot_dates():
        m = resident_mask(sim, on, arr)
        dw = arr["dw"][m]
        adr = adr_of_dw[dw]
        ten = tenure_on(g, on)[dw]
        per = C.iso(on)
        for level in LEVELS:
            ids = areas_on(epochs[level], on)[adr]
            all_ids = sorted({r[0] for r in g.areas if r[2] == level and r[5] <= on < r[6]})
            pos = {a: k for k, a in enumerate(all_ids)}
            keep = ids != ""
            ai = np.array([pos[a] for a in ids[keep]], dtype=np.int64)
            ti = np.array([tix[t] for t in ten[keep]], dtype=np.int64)
            ad = adr[keep]
            nt = len(C.TENURES) + 1
            res = np.zeros((len(all_ids), nt), dtype=np.int64)
            hh = np.zeros((len(all_ids), nt), dtype=np.int64)
            for tcol, tvals in ((0, np.zeros_like(ti)), (1, ti + 1)):
                key = ai * nt + (tvals if tcol else 0)
                res += np.bincount(key, minlength=len(all_ids) * nt).reshape(-1, nt)
                ukey = np.unique(key * (len(g.adr_id) + 1) + ad) // (len(g.adr_id) + 1)
                hh += np.bincount(ukey, minlength=len(all_ids) * nt).reshape(-1, nt)
            for k, a in enumerate(all_ids):
                for j, tt in enumerate(["all", *C.TENURES]):
                    if j > 0 and res[k, j] == 0:
                        continue
                    rows.append((per, level, a, tt, "residents", str(res[k, j]), ""))
                    rows.append((per, level, a, tt, "households", str(hh[k, j]), ""))
    if planted:
        rows.extend(planted_indicators(sim, plan))
    return rows


def planted_indicators(sim: Sim, plan: Plan) -> list[tuple[str, str, str, str, str, str, str]]:
    birth = np.array(sim.p.birth, dtype=np.int64)
    rows = []
    b13 = {C.EDU_CATS.index(c) for c in C.EDU_BASIC_R2013}
    b18 = {C.EDU_CATS.index(c) for c in C.EDU_BASIC_R2018}
    for area in sorted(C.TARGETS):
        for y in range(C.FIRST_YEAR, C.LAST_YEAR + 1):
            per = C.iso(C.day(y))
            pids = plan.presence[(area, y)]
            base = (per, "boligomraade", area, "all")
            rows.append((*base, "nw_share", str(int(plan.nw[pids].sum())), str(len(pids))))
            ages = ages_jan1(birth[pids], y)
            coh = pids[(ages >= 30) & (ages <= 59)]
            e = plan.edu[coh]
            # K3 of 1 Jan y reads the education status of 30 Sep y-1: only years with a file
            if y - 1 in C.ATTRIBUTE_YEARS:
                n18 = str(int(np.isin(e, list(b18)).sum()))
                n13 = str(int(np.isin(e, list(b13)).sum()))
                rows.append((*base, "k3_share", n18, str(len(coh))))
                rows.append((*base, "k3_share_r2013", n13, str(len(coh))))
            t = y - 1
            if t in C.ATTRIBUTE_YEARS:
                f, n = plan.k1[(area, t)]
                rows.append((*base, "k1_share", _dec(f), str(n)))
                x, n2 = plan.k2[(area, t)]
                rows.append((*base, "k2_share", str(x), str(n2)))
                s, n4 = plan.k4[(area, t)]
                rows.append((*base, "k4_income_ratio", str(s), str(n4)))
    return rows


def _dec(f: Fraction) -> str:
    s = f"{float(f):.6f}".rstrip("0").rstrip(".")
    assert Fraction(s) == f
    return s


def _fmt(f: Fraction | None) -> str:
    return "" if f is None else f"{float(f):.10f}"


# ---------------------------------------------------------------------------------------------
# criteria
# ---------------------------------------------------------------------------------------------
# (criterion) -> (operator, threshold, window) per regime; K2 threshold for r2018+ is a multiple
REGIMES: dict[str, dict[str, tuple[str, Fraction, int]]] = {
    "r2013": {
        "nw": ("gt", Fraction("0.5"), 1),
        "k1": ("gt", Fraction("0.4"), 2),
        "k2": ("gt", Fraction("0.027"), 2),
        "k3": ("gt", Fraction("0.5"), 1),
        "k4": ("lt", Fraction("0.55"), 1),
    },
    "r2018": {
        "nw": ("gt", Fraction("0.5"), 1),
        "k1": ("gt", Fraction("0.4"), 2),
        "k2": ("ge", Fraction(3), 2),
        "k3": ("gt", Fraction("0.6"), 1),
        "k4": ("lt", Fraction("0.55"), 1),
    },
    "r2021": {
        "nw": ("gt", Fraction("0.5"), 1),
        "k1": ("gt", Fraction("0.4"), 2),
        "k2": ("ge", Fraction(3), 2),
        "k3": ("gt", Fraction("0.6"), 1),
        "k4": ("lt", Fraction("0.55"), 1),
    },
    "r2021f": {
        "nw": ("gt", Fraction("0.3"), 1),
        "k1": ("gt", Fraction("0.3"), 2),
        "k2": ("ge", Fraction(2), 2),
        "k3": ("gt", Fraction("0.6"), 1),
        "k4": ("lt", Fraction("0.65"), 1),
    },
}
IN_FORCE = {
    y: ("r2013" if y < 2018 else "r2018" if y < 2021 else "r2021") for y in range(2010, 2030)
}


def _met(op: str, v: Fraction, t: Fraction) -> bool:
    return v > t if op == "gt" else v >= t if op == "ge" else v < t


def criteria_rows(sim: Sim, plan: Plan) -> tuple[list[str], list[list[str]]]:
    """truth/criteria.csv: planted area x list year x regime (computed) + official history."""
    birth = np.array(sim.p.birth, dtype=np.int64)
    b13 = [C.EDU_CATS.index(c) for c in C.EDU_BASIC_R2013]
    b18 = [C.EDU_CATS.index(c) for c in C.EDU_BASIC_R2018]
    cols = [
        "area_level",
        "area_id",
        "official_area_code",
        "list_year",
        "regime_id",
        "is_regime_in_force",
        "source",
        "residents",
        "is_above_floor",
    ]
    for c in ["nw", "k1", "k2", "k3", "k4"]:
        cols += [f"{c}_y1_num", f"{c}_y1_den"]
        if c in ("k1", "k2"):
            cols += [f"{c}_y2_num", f"{c}_y2_den"]
        cols += [f"{c}_value", f"{c}_operator", f"{c}_threshold", f"{c}_is_met"]
    cols += ["n_met_k1_k4", "on_published_series", "streak_years", "expected_categories"]
    out: list[list[str]] = []
    # the published ghetto/parallelsamfund series: official lists before 2018, computed after
    series: dict[tuple[str, int], bool] = {}
    for y in C.OFFICIAL_LIST_YEARS:
        for area in C.TARGETS:
            series[(area, y)] = area == C.AREA_K and y in C.OFFICIAL_K
    computed: dict[tuple[str, int, str], dict] = {}
    for area in sorted(C.TARGETS):
        for y in C.COMPUTED_LIST_YEARS:
            pids = plan.presence[(area, y)]
            ages = ages_jan1(birth[pids], y)
            coh3 = pids[(ages >= 30) & (ages <= 59)]
            e = plan.edu[coh3]
            base = {
                "residents": len(pids),
                "nw": (int(plan.nw[pids].sum()), len(pids)),
                "k1": [plan.k1[(area, t)] for t in (y - 2, y - 1)],
                "k2": [plan.k2[(area, t)] for t in (y - 2, y - 1)],
                "k3_r2013": (int(np.isin(e, b13).sum()), len(coh3)),
                "k3_r2018": (int(np.isin(e, b18).sum()), len(coh3)),
                "k4": plan.k4[(area, y - 1)],
            }
            for regime in ["r2013", "r2018", "r2021", "r2021f"]:
                computed[(area, y, regime)] = base
    # categories by regime in list-year order, so the series is known for the streak
    cats: dict[tuple[str, int, str], tuple[list[str], int, dict]] = {}
    for y in C.COMPUTED_LIST_YEARS:
        for area in sorted(C.TARGETS):
            res: dict[str, dict] = {}
            for regime in ["r2013", "r2018", "r2021", "r2021f"]:
                res[regime] = _evaluate(regime, y, computed[(area, y, regime)])
            inforce = IN_FORCE[y]
            flag = "ghetto" if inforce in ("r2013", "r2018") else "parallelsamfund"
            series[(area, y)] = flag in res[inforce]["cats"]
            for regime in ["r2013", "r2018", "r2021", "r2021f"]:
                r = res[regime]
                cl = list(r["cats"])
                streak = 0
                yy = y
                while series.get((area, yy), False):
                    streak += 1
                    yy -= 1
                if regime == "r2018" and "ghetto" in cl and streak >= 5:
                    cl.append("haardt_ghetto")
                if regime == "r2021" and "parallelsamfund" in cl and streak >= 5:
                    cl.append("omdannelse")
                if regime == "r2021f" and "forebyggelse" in cl and "udsat" in res["r2021"]["cats"]:
                    cl.remove("forebyggelse")
                cats[(area, y, regime)] = (cl, streak, r)
    for area in sorted(C.TARGETS):
        code = C.OFFICIAL_CODES.get(area, "")
        for y in C.OFFICIAL_LIST_YEARS:
            row = {c: "" for c in cols}
            row.update(
                area_level="boligomraade",
                area_id=area,
                official_area_code=code,
                list_year=str(y),
                regime_id="r2013",
                is_regime_in_force="true",
                source="official",
            )
            on = series[(area, y)]
            row["on_published_series"] = str(on).lower()
            if area == C.AREA_K and y in C.OFFICIAL_K:
                res_, k1, k2, k3, k4, nw, catstr = C.OFFICIAL_K[y]
                row.update(
                    residents=str(res_),
                    is_above_floor="true",
                    k1_value=f"{k1 / 100:.4f}",
                    k2_value=f"{k2 / 100:.4f}",
                    k3_value=f"{k3 / 100:.4f}",
                    k4_value=f"{k4 / 100:.4f}",
                    nw_value=f"{nw / 100:.4f}",
                    expected_categories=catstr,
                )
            out.append([row[c] for c in cols])
        for y in C.COMPUTED_LIST_YEARS:
            for regime in ["r2013", "r2018", "r2021", "r2021f"]:
                cl, streak, r = cats[(area, y, regime)]
                row = {c: "" for c in cols}
                row.update(
                    area_level="boligomraade",
                    area_id=area,
                    official_area_code=code,
                    list_year=str(y),
                    regime_id=regime,
                    is_regime_in_force=str(
                        IN_FORCE[y] == regime or (regime == "r2021f" and y >= 2021)
                    ).lower(),
                    source="computed",
                    residents=str(r["residents"]),
                    is_above_floor=str(r["residents"] >= 1000).lower(),
                    n_met_k1_k4=str(r["n_met"]),
                    on_published_series=str(series[(area, y)]).lower(),
                    streak_years=str(streak),
                    expected_categories=";".join(cl),
                )
                for c, d in r["crit"].items():
                    for k, (num, den) in enumerate(d["parts"]):
                        row[f"{c}_y{k + 1}_num"] = num
                        row[f"{c}_y{k + 1}_den"] = den
                    row[f"{c}_value"] = _fmt(d["value"])
                    row[f"{c}_operator"] = d["op"]
                    row[f"{c}_threshold"] = _fmt(d["threshold"])
                    row[f"{c}_is_met"] = "" if d["met"] is None else str(d["met"]).lower()
                out.append([row[c] for c in cols])
    return cols, out


def _evaluate(regime: str, y: int, b: dict) -> dict:
    spec = REGIMES[regime]
    crit: dict[str, dict] = {}
    nat = [Fraction(C.NATIONAL_CONVICTION_SHARE[t]) for t in (y - 2, y - 1)]
    for c in ["nw", "k1", "k2", "k3", "k4"]:
        op, thr, _w = spec[c]
        if c == "nw":
            parts = [b["nw"]]
            value = Fraction(parts[0][0], parts[0][1]) if parts[0][1] else None
            strparts = [(str(parts[0][0]), str(parts[0][1]))]
        elif c in ("k1", "k2"):
            parts = b[c]
            shares = [Fraction(x) / n for x, n in parts] if all(n for _x, n in parts) else None
            value = sum(shares, Fraction(0)) / 2 if shares else None
            strparts = [(_dec(Fraction(x)) if c == "k1" else str(x), str(n)) for x, n in parts]
            if c == "k2" and regime != "r2013":
                thr = thr * (nat[0] + nat[1]) / 2
        elif c == "k3":
            x, n = b["k3_r2013" if regime == "r2013" else "k3_r2018"]
            value = Fraction(x, n) if n else None
            strparts = [(str(x), str(n))]
        else:
            s, n = b["k4"]
            value = Fraction(s, n) / C.REGIONAL_MEAN_INCOME[y - 1] if n else None
            strparts = [(str(s), str(n))]
        met = None if value is None else _met(op, value, thr)
        crit[c] = {"parts": strparts, "value": value, "op": op, "threshold": thr, "met": met}
    n_met = sum(1 for c in ["k1", "k2", "k3", "k4"] if crit[c]["met"])
    floor = b["residents"] >= 1000
    cats: list[str] = []
    if floor:
        if regime == "r2013":
            if n_met + int(bool(crit["nw"]["met"])) >= 3:
                cats.append("ghetto")
        elif regime in ("r2018", "r2021"):
            if n_met >= 2:
                cats.append("udsat")
                if crit["nw"]["met"]:
                    cats.append("ghetto" if regime == "r2018" else "parallelsamfund")
        elif regime == "r2021f" and crit["nw"]["met"] and n_met >= 2:
            cats.append("forebyggelse")
    return {"crit": crit, "n_met": n_met, "cats": cats, "residents": b["residents"]}


# Designed expectations, checked against the truth after every run (fails loudly on a seed that
# does not reproduce a scenario).
DESIGNED: dict[tuple[str, int], str] = {
    **{(C.AREA_U, y): "" for y in range(2018, 2024)},
    (C.AREA_U, 2024): "udsat",
    (C.AREA_U, 2025): "udsat",
    **{(C.AREA_K, y): "udsat;ghetto" for y in (2018, 2019, 2020)},
    (C.AREA_K, 2021): "udsat;parallelsamfund;omdannelse",
    (C.AREA_K, 2022): "udsat;parallelsamfund;omdannelse",
    (C.AREA_K, 2023): "udsat",
    (C.AREA_K, 2024): "udsat;parallelsamfund",
    (C.AREA_K, 2025): "",
    **{(C.AREA_F, y): "" for y in (2018, 2019, 2020)},
    **{(C.AREA_F, y): "forebyggelse" for y in range(2021, 2026)},
    **{(C.AREA_R, y): "" for y in range(2018, 2026)},
}


def check_designed(cols: list[str], rows: list[list[str]]) -> list[str]:
    """Compare the in-force categories with the design; return the mismatches."""
    ix = {c: i for i, c in enumerate(cols)}
    got: dict[tuple[str, int], list[str]] = {}
    for r in rows:
        if r[ix["source"]] != "computed" or r[ix["is_regime_in_force"]] != "true":
            continue
        key = (r[ix["area_id"]], int(r[ix["list_year"]]))
        cats = [c for c in r[ix["expected_categories"]].split(";") if c]
        got.setdefault(key, []).extend(cats)
    bad = []
    for key, want in DESIGNED.items():
        w = sorted(c for c in want.split(";") if c)
        if sorted(got.get(key, [])) != w:
            bad.append(f"{key}: designed {w}, got {sorted(got.get(key, []))}")
    return bad


def flows(g: Geo, sim: Sim, arr: dict[str, np.ndarray], to_codes: list[str]) -> list[list[str]]:
    """Out-moves of Area K (displacement) and the tenure conversion (rules: scenarios.md)."""
    epochs = address_areas(g)
    pid, start, end = arr["pid"], arr["start"], arr["end"]
    adr = np.array(sim.p.r_adr, dtype=np.int64)
    dw = arr["dw"]
    to = np.array(sim.p.r_to, dtype=object)
    codes = np.array(to_codes, dtype=object)
    by_start = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(pid, start, strict=True))}
    agg: dict[tuple, tuple[set[int], set[tuple[int, int]]]] = {}
    for i in range(len(pid)):
        e = int(end[i])
        if e >= BIG or dw[i] < 0 or to[i] == "death":
            continue
        origin = areas_on(epochs["boligomraade"], e - 1)[adr[i]]
        if origin != C.AREA_K:
            continue
        nxt = by_start.get((int(pid[i]), e))
        if nxt is not None and dw[nxt] >= 0:
            dest = areas_on(epochs["boligomraade"], e)[adr[nxt]] or "none"
            if dest == origin:
                continue
            dten = str(tenure_on(g, e)[dw[nxt]])
            kind = "internal"
        else:
            code = str(codes[i])
            if code and int(code) >= C.FOREIGN_CODE_BASE:
                dest, dten, kind = "abroad", "", "abroad"
            else:
                dest, dten, kind = f"k_{code}", "", "other_municipality"
        y = C.year_of(e)
        key = ("displacement", "boligomraade", origin, "almen", dest, dten, kind, y)
        s = agg.setdefault(key, (set(), set()))
        s[0].add(int(pid[i]))
        s[1].add((int(adr[i]), e))
    rows = [[*map(str, k), str(len(v[0])), str(len(v[1]))] for k, v in sorted(agg.items())]
    # tenure conversion: residents of the converted afdeling on the conversion day
    on = C.CONVERSION_DAY
    m = resident_mask(sim, on, arr)
    conv = np.array(g.dw_converted, dtype=bool)[np.maximum(dw, 0)] & m
    rows.append(
        [
            "tenure_conversion",
            "afdeling",
            g.conversion_af,
            "almen",
            g.conversion_af,
            "privat_udlejning",
            "in_place",
            str(C.year_of(on)),
            str(len(set(pid[conv].tolist()))),
            str(len(set(adr[conv].tolist()))),
        ]
    )
    return rows


FLOW_COLS = [
    "flow_type",
    "area_level",
    "origin_area_id",
    "origin_tenure",
    "destination_area_id",
    "destination_tenure",
    "destination_kind",
    "year",
    "persons",
    "households",
]


def disclosure_and_protected(
    g: Geo, sim: Sim, arr: dict[str, np.ndarray]
) -> tuple[list[list[str]], list[list[str]]]:
    """Public eligibility (>= 100 residents and >= 50 households) and protected residents."""
    epochs = address_areas(g)
    adr_of_dw = np.array(g.dw_adr, dtype=np.int64)
    group = np.array(sim.p.group, dtype=np.int64)
    prot = np.array(sim.p.g_protected, dtype=bool)[group]
    disc, prows = [], []
    for on in [C.day(y) for y in C.COMPUTED_LIST_YEARS] + [C.day(2025, 12, 31)]:
        m = resident_mask(sim, on, arr)
        adr = adr_of_dw[arr["dw"][m]]
        pids = arr["pid"][m]
        for level in ("afdeling", "boligomraade"):
            ids = areas_on(epochs[level], on)[adr]
            for a in sorted({r[0] for r in g.areas if r[2] == level and r[5] <= on < r[6]}):
                sel = ids == a
                n, hh = int(sel.sum()), len(set(adr[sel].tolist()))
                ok = n >= 100 and hh >= 50
                disc.append([C.iso(on), level, a, str(n), str(hh), str(ok).lower()])
                if level == "boligomraade" and a in C.TARGETS:
                    prows.append([C.iso(on), level, a, str(int(prot[pids[sel]].sum()))])
    return disc, prows
