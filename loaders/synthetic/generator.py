"""generate(): write the inbox files, seeds_reference and truth for one synthetic run."""

from __future__ import annotations

import csv
import hashlib
import json
import resource
import shutil
import time
from pathlib import Path

import numpy as np

from . import config as C
from . import plant, truth, write
from .geo import BIG, build_geo, kvhx
from .scenarios import scenarios_md
from .sim import Sim

SCALES: dict[str, dict] = {
    "small": {
        "side": 16,
        "background": {
            "almen": 80,
            "andel": 80,
            "privat": 80,
            "offentlig": 40,
            "ejerlejl": 40,
            "house": 147,
        },
    },
    "municipality": {
        "side": 32,
        "background": {
            "almen": 3650,
            "andel": 4580,
            "privat": 4890,
            "offentlig": 570,
            "ejerlejl": 3020,
            "house": 9670,
        },
    },
}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_csv(path: Path, header: list[str], rows: list[list[str]] | list[tuple]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return len(rows)


def generate(
    out_dir: Path,
    seed: int = 42,
    scale: str = "municipality",
    messy: bool = False,
    max_municipalities: int | None = None,
) -> dict:
    """Generate a synthetic municipality (or the nation) into out_dir; returns a summary dict.

    out_dir/inbox/: one file per source of data-contract.md; out_dir/seeds_reference/: the
    reference values consistent with the truth; out_dir/truth/: the planted truth.
    """
    t0 = time.time()
    out_dir = Path(out_dir)
    if scale == "national":
        from .national import generate_national

        return generate_national(
            out_dir, seed=seed, messy=messy, max_municipalities=max_municipalities
        )
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use small, municipality or national")
    for sub in ("inbox", "truth", "seeds_reference"):
        if (out_dir / sub).exists():
            shutil.rmtree(out_dir / sub)
    inbox, truth_dir, seeds = out_dir / "inbox", out_dir / "truth", out_dir / "seeds_reference"
    cfg = SCALES[scale]
    ss = np.random.SeedSequence(seed)
    r_geo, r_sim, r_plant, r_write, r_messy = (np.random.default_rng(s) for s in ss.spawn(5))
    geo = build_geo(r_geo, cfg["side"], cfg["background"], planted=True)
    sim = Sim(geo, r_sim)
    sim.run()
    _add_special_persons(sim, r_sim)
    plan, arr = plant.decide(sim, r_plant, planted=True)
    if plan.infeasible:
        raise RuntimeError("planting infeasible for this seed: " + "; ".join(plan.infeasible))
    plant.yearly(sim, plan, arr, r_plant, planted=True)
    t_sim = time.time() - t0
    counts = write_all(out_dir, geo, sim, plan, arr, r_write, seeds_dir=seeds)
    # truth
    ind = truth.area_indicators(geo, sim, plan, arr, planted=True)
    counts["truth/area_indicators.csv"] = _write_csv(
        truth_dir / "area_indicators.csv",
        ["period", "area_level", "area_id", "tenure", "indicator_id", "numerator", "denominator"],
        ind,
    )
    cols, crit = truth.criteria_rows(sim, plan)
    counts["truth/criteria.csv"] = _write_csv(truth_dir / "criteria.csv", cols, crit)
    bad = truth.check_designed(cols, crit)
    if bad:
        raise RuntimeError("designed scenario not reproduced: " + "; ".join(bad))
    flows = truth.flows(geo, sim, arr, counts.pop("_to_codes"))
    counts["truth/flows.csv"] = _write_csv(truth_dir / "flows.csv", truth.FLOW_COLS, flows)
    disc, prot = truth.disclosure_and_protected(geo, sim, arr)
    counts["truth/disclosure.csv"] = _write_csv(
        truth_dir / "disclosure.csv",
        ["period", "area_level", "area_id", "residents", "households", "is_public_eligible"],
        disc,
    )
    counts["truth/protected.csv"] = _write_csv(
        truth_dir / "protected.csv",
        ["period", "area_level", "area_id", "protected_residents"],
        prot,
    )
    (truth_dir / "scenarios.md").write_text(
        scenarios_md(geo, cols, crit, flows, disc, prot), encoding="utf-8"
    )
    if messy:
        from .messy import make_messy

        for k, v in make_messy(inbox, r_messy).items():
            counts[f"messy/{k}"] = v
    elapsed = time.time() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = _manifest(out_dir, seed, scale, messy, counts)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    summary.update(
        seconds=round(elapsed, 1),
        cpu_seconds=round(ru.ru_utime + ru.ru_stime, 1),
        simulation_seconds=round(t_sim, 1),
        peak_rss_mb=round(peak_mb),
    )
    return summary


def _manifest(out_dir: Path, seed: int, scale: str, messy: bool, counts: dict) -> dict:
    files = {}
    for path in sorted(out_dir.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            rel = path.relative_to(out_dir).as_posix()
            files[rel] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
    rows = {k: v for k, v in sorted(counts.items()) if not k.startswith("_")}
    manifest = {
        "generator": "loaders.synthetic",
        "seed": seed,
        "scale": scale,
        "messy": messy,
        "municipality_code": C.MUNICIPALITY_CODE,
        "region_code": C.REGION_CODE,
        "history": ["2016-01-01", "2025-12-31"],
        "row_counts": rows,
        "files": files,
    }
    (out_dir / "truth" / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return {
        "out_dir": str(out_dir),
        "seed": seed,
        "scale": scale,
        "messy": messy,
        "row_counts": rows,
    }


def _add_special_persons(sim: Sim, rng: np.random.Generator) -> None:
    """Status-03 persons (vejkode 9901, not in DAR) and persons at addresses without a unit."""
    p = sim.p
    for k in range(5):
        gid = sim.new_group("ukendt", C.day(2019, 3, 1), "special", hh="single")
        sim.p.g_births[gid] = []
        for m in p.g_members[gid]:
            p.special[m] = 3
            _rec_raw(sim, m, -1, -1, C.day(2019, 3, 1) + 30 * k, BIG)
    for a in sim.g.nodwelling_adr:
        gid = sim.new_group("ukendt", C.day(2018, 5, 1), "special", hh="single")
        sim.p.g_births[gid] = []
        for m in p.g_members[gid]:
            _rec_raw(sim, m, -1, a, C.day(2018, 5, 1), BIG)


def _rec_raw(sim: Sim, pid: int, dw: int, adr: int, st: int, en: int) -> None:
    p = sim.p
    p.r_pid.append(pid)
    p.r_dw.append(dw)
    p.r_adr.append(adr)
    p.r_start.append(st)
    p.r_end.append(en)
    p.r_from.append("ext")
    p.r_to.append("")


def write_all(
    out_dir: Path,
    geo,
    sim: Sim,
    plan,
    arr,
    rng: np.random.Generator,
    seeds_dir: Path | None,
    cpr_counters: dict | None = None,
    append: bool = False,
    official: bool = True,
) -> dict:
    """Write the inbox files (and the reference seeds); returns row counts."""
    inbox = out_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    counts: dict = {}
    p = sim.p
    cprs = write.make_cprs(
        np.array(p.birth), np.array(p.sex), cpr_counters if cpr_counters is not None else {}
    )
    fr, to = write.realise_codes(sim, plan, rng)
    counts["_to_codes"] = to

    def sink(name: str, rows) -> None:
        s = write.Sink(inbox / f"{name}.csv", write.HEADERS[name], append=append)
        s.write(rows)
        s.close()
        counts[f"inbox/{name}.csv"] = counts.get(f"inbox/{name}.csv", 0) + s.rows

    sink("persons", write.person_rows(sim, plan, rng, cprs, to))
    res = []
    for i in range(len(p.r_pid)):
        adr = p.r_adr[i]
        # status-03 persons live on vejkode 9901 (not in DAR)
        key = kvhx(geo, adr) if adr >= 0 else f"{geo.muni_code}9901{i % 50 + 1:03d} " + " " * 7
        res.append(
            [
                cprs[p.r_pid[i]],
                key,
                C.iso(p.r_start[i]),
                write.d_or_empty(p.r_end[i]),
                fr[i],
                to[i],
                "false",
            ]
        )
    # chronological per person: sort by cpr then moved_in (stable, deterministic)
    res.sort(key=lambda r: (r[0], r[2]))
    sink("residences", res)
    sink("addresses", write.address_rows(geo))
    sink("dwellings", write.dwelling_rows(geo))
    ben = sorted(plan.benefits, key=lambda b: (b[0], b[1], b[3], b[2]))
    sink("benefits", ([cprs[b[0]], C.iso(b[1]), C.iso(b[2]), b[3], b[4]] for b in ben))
    sink("education", write.education_rows(sim, plan, rng, cprs))
    inc = (
        [
            cprs[pid],
            str(t),
            str(plan.income[(pid, t)]),
            "true" if plan.taxpayer[(pid, t)] else "false",
            "true" if plan.student[(pid, t)] else "false",
        ]
        for pid, t in sorted(plan.income)
    )
    sink("income", inc)
    conv = sorted(plan.convictions)
    sink("convictions", ([cprs[c[0]], C.iso(c[1]), c[2]] for c in conv))
    sink("flis", write.flis_rows(sim, plan, arr, rng, cprs))
    if official:
        sink("official_lists", write.official_rows())
    mem = sorted(
        (a, geo.adr_id[adr], C.iso(vf), write.d_or_empty(vt)) for a, adr, vf, vt in geo.members
    )
    sink("area_members", mem)
    write.write_areas(geo, inbox / "areas.gpkg", append=append)
    if seeds_dir is not None:
        write_seeds(seeds_dir)
    return counts


def write_seeds(seeds: Path) -> None:
    src = "synthetic (loaders.synthetic config.py); consistent with truth/"
    _write_csv(
        seeds / "national_conviction_share.csv",
        ["year", "share", "source"],
        [[str(y), s, src] for y, s in sorted(C.NATIONAL_CONVICTION_SHARE.items())],
    )
    _write_csv(
        seeds / "regional_mean_income.csv",
        ["year", "region_code", "mean_gross_income_dkk", "source"],
        [[str(y), C.REGION_CODE, str(v), src] for y, v in sorted(C.REGIONAL_MEAN_INCOME.items())],
    )
    _write_csv(
        seeds / "benefit_classification.csv",
        ["code", "name", "counts_as_outside_labour_market", "legal_note"],
        [[c, n, str(k).lower(), note] for c, n, k, note in C.BENEFITS],
    )
    _write_csv(
        seeds / "flis_measures.csv",
        ["measure", "unit", "period_grain", "population", "description"],
        [
            ["in_daycare", "flag", "year (YYYY-09)", "children 1-5", "enrolled in dagtilbud"],
            ["school_days", "days", "school year (YYYY-06)", "pupils 6-16", "days of teaching"],
            ["absence_days", "days", "school year (YYYY-06)", "pupils 6-16", "days absent"],
            [
                "segregated_schooling",
                "flag",
                "school year (YYYY-06)",
                "pupils 6-16",
                "in a special school or class",
            ],
            [
                "exam_grade",
                "grade",
                "school year (YYYY-06)",
                "pupils aged 16",
                "mean grade at the 9th-grade exams",
            ],
            [
                "placed_outside_home",
                "flag",
                "year (YYYY-12)",
                "children 0-17",
                "anbragt uden for hjemmet during the year",
            ],
            [
                "preventive_measure",
                "flag",
                "year (YYYY-12)",
                "children 0-17",
                "forebyggende foranstaltning during the year",
            ],
        ],
    )
    _write_csv(
        seeds / "countries.csv",
        ["code", "name", "is_western", "is_menapt"],
        [[c, n, str(w).lower(), str(m).lower()] for c, n, w, m in C.COUNTRIES],
    )
    _write_csv(
        seeds / "municipalities.csv",
        ["code", "name", "region_code"],
        [[C.MUNICIPALITY_CODE, C.MUNICIPALITY_NAME, C.REGION_CODE]],
    )
    _write_csv(
        seeds / "area_aliases.csv",
        ["list_name", "municipality", "area_id"],
        [
            ["Kærparken", C.MUNICIPALITY_NAME, C.AREA_K],
            ["Kærparken m.fl.", C.MUNICIPALITY_NAME, C.AREA_K],
        ],
    )


_ = BIG
