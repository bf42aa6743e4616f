"""National scale: about 6.0 M residents in 98 municipalities, streamed one municipality at a time.

Each municipality is simulated, planted with background attributes only (no planted scenarios:
the national data set is for the benchmark) and appended to the inbox files before the next one
starts, so peak memory is set by the largest municipality, not by the nation.
"""

from __future__ import annotations

import csv
import json
import math
import resource
import shutil
import time
from pathlib import Path

import numpy as np

from . import config as C
from . import plant
from .generator import _add_special_persons, _manifest, _write_csv, write_all, write_seeds
from .geo import build_geo
from .plant import resident_mask
from .sim import Sim

N_MUNICIPALITIES = 98
NATIONAL_RESIDENTS = 6_000_000
PERSONS_PER_DWELLING = 2.08  # residents per dwelling (occupancy 0.97 x household size)
SHARES = {
    "almen": 0.20,
    "andel": 0.16,
    "privat": 0.17,
    "offentlig": 0.02,
    "ejerlejl": 0.11,
    "house": 0.34,
}
PITCH = 40_000.0  # metres between municipality origins on the national grid


def municipality_sizes(rng: np.random.Generator) -> list[int]:
    """Residents per municipality: lognormal shares summing to about 6.0 M (largest ~0.6 M)."""
    w = rng.lognormal(0.0, 0.85, size=N_MUNICIPALITIES)
    w = np.sort(w)[::-1]
    w[0] = max(w[0], w[1] * 2.5)  # one capital-size municipality
    sizes = NATIONAL_RESIDENTS * w / w.sum()
    out = [int(max(1_800, min(650_000, s))) for s in sizes]
    return [out[i] for i in rng.permutation(len(out))]


def _background(residents: int) -> tuple[int, dict[str, int]]:
    dwellings = residents / PERSONS_PER_DWELLING
    bg = {k: int(round(dwellings * v)) for k, v in SHARES.items()}
    cells = bg["house"] / 49 + sum(v for k, v in bg.items() if k != "house") / 160 + 12
    side = max(16, 4 * math.ceil(math.sqrt(cells * 1.5) / 4))
    return side, bg


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def generate_national(
    out_dir: Path, seed: int = 42, messy: bool = False, max_municipalities: int | None = None
) -> dict:
    """Stream all municipalities into out_dir/inbox; messy mode is not offered at this scale."""
    if messy:
        raise ValueError("messy mode is not offered at national scale")
    t0 = time.time()
    out_dir = Path(out_dir)
    for sub in ("inbox", "truth", "seeds_reference"):
        if (out_dir / sub).exists():
            shutil.rmtree(out_dir / sub)
    ss = np.random.SeedSequence(seed)
    r_sizes = np.random.default_rng(ss.spawn(1)[0])
    sizes = municipality_sizes(r_sizes)
    seeds = ss.spawn(N_MUNICIPALITIES + 1)[1:]
    counters: dict[int, int] = {}
    counts: dict = {}
    summary_rows = []
    n = N_MUNICIPALITIES if max_municipalities is None else max_municipalities
    for k in range(n):
        tm, cm = time.time(), _cpu()
        code = f"{901 + k:04d}"
        side, bg = _background(sizes[k])
        r_geo, r_sim, r_plant, r_write = (np.random.default_rng(s) for s in seeds[k].spawn(4))
        x0 = 440_000.0 + (k % 10) * PITCH
        y0 = 6_050_000.0 + (k // 10) * PITCH
        geo = build_geo(
            r_geo,
            side,
            bg,
            planted=False,
            muni_code=code,
            prefix=f"_{code}",
            x0=x0,
            y0=y0,
            nonresidential_addresses=int(0.3 * sum(bg.values())),
        )
        sim = Sim(geo, r_sim)
        sim.run()
        _add_special_persons(sim, r_sim)
        plan, arr = plant.decide(sim, r_plant, planted=False)
        plant.yearly(sim, plan, arr, r_plant, planted=False)
        c = write_all(
            out_dir,
            geo,
            sim,
            plan,
            arr,
            r_write,
            seeds_dir=None,
            cpr_counters=counters,
            append=k > 0,
            official=k == 0,
        )
        c.pop("_to_codes")
        for key, v in c.items():
            counts[key] = counts.get(key, 0) + v
        res25 = int(resident_mask(sim, C.day(2025), arr).sum())
        moves = sum(1 for t in sim.p.r_to if t == "")  # intervals followed by another here
        summary_rows.append(
            [
                code,
                f"Synthby {code}",
                str(sizes[k]),
                str(res25),
                str(len(geo.dw_adr)),
                str(len(geo.adr_id)),
                str(len(sim.p.birth)),
                str(len(sim.p.r_pid)),
                str(moves),
                f"{time.time() - tm:.1f}",
                f"{_cpu() - cm:.1f}",
                str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024),
            ]
        )
        del geo, sim, plan, arr
        print(
            f"  municipality {code}: {sizes[k]:,} target, {res25:,} residents 2025-01-01, "
            f"{summary_rows[-1][9]} s ({summary_rows[-1][10]} s CPU), "
            f"peak {summary_rows[-1][11]} MB",
            flush=True,
        )
    write_seeds(out_dir / "seeds_reference")
    with open(out_dir / "seeds_reference" / "municipalities.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "region_code"])
        w.writerows([[r[0], r[1], C.REGION_CODE] for r in summary_rows])
    counts["truth/national_summary.csv"] = _write_csv(
        out_dir / "truth" / "national_summary.csv",
        [
            "municipality_code",
            "name",
            "target_residents",
            "residents_2025_01_01",
            "dwellings",
            "addresses",
            "persons",
            "residence_rows",
            "rows_open_or_internal",
            "seconds",
            "cpu_seconds",
            "peak_rss_mb_so_far",
        ],
        summary_rows,
    )
    summary = _manifest(out_dir, seed, "national", False, counts)
    summary.update(
        seconds=round(time.time() - t0, 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        cpu_seconds=round(
            resource.getrusage(resource.RUSAGE_SELF).ru_utime
            + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
            1,
        ),
        municipalities=n,
    )
    (out_dir / "truth" / "timing.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
