"""python -m loaders.synthetic --out DIR --seed N --scale {small,municipality,national} [--messy]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .generator import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m loaders.synthetic", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="output folder (inbox/, truth/ ...)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--scale", choices=["small", "municipality", "national"], default="municipality"
    )
    ap.add_argument("--messy", action="store_true", help="write the inbox as messy real exports")
    ap.add_argument(
        "--municipalities",
        type=int,
        default=None,
        help="national scale only: generate just the first N municipalities",
    )
    a = ap.parse_args(argv)
    extra = {} if a.municipalities is None else {"max_municipalities": a.municipalities}
    s = generate(a.out, seed=a.seed, scale=a.scale, messy=a.messy, **extra)
    rows = s.get("row_counts", {})
    print(f"synthetic {s['scale']} seed={s['seed']} messy={s['messy']} -> {s['out_dir']}")
    for k in sorted(rows):
        print(f"  {k:40s} {rows[k]:>12,}")
    for k in ("seconds", "cpu_seconds", "simulation_seconds", "peak_rss_mb"):
        if k in s:
            print(f"  {k}: {s[k]}")
    if "--json" in sys.argv:
        print(json.dumps(s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
