"""Derive seeds/bbr_codes.csv from the real BBR code lists (../shared/realdata/bbr_kodelister).

Source: github.com/DanmarksAdresser/BBRkodelister (MIT, scraped from teknik.bbr.dk/kodelister,
2019), as `bbr_kodelister.csv` (kodeliste,kode,navn). Only the lists the warehouse uses are kept;
codes and names are copied unchanged (names whitespace-collapsed). Run again when the code lists
are updated:

    python scripts/make_bbr_code_seeds.py [path/to/bbr_kodelister.csv]
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("BOLIGMON_REALDATA") or ROOT.parent / "shared" / "realdata")
DEFAULT_SOURCE = REALDATA / "bbr_kodelister" / "bbr_kodelister.csv"
TARGET = ROOT / "seeds" / "bbr_codes.csv"
#: the code lists of the BBR fields the adapters and models use
LISTS = (
    "BygAnvendelse",
    "Boligtype",
    "EnhAnvendelse",
    "Ejerforholdskode",
    "Kommunekode",
    "Livscyklus",
    "OffentligStoette",
    "Udlejningsforhold",
)


def derive(source: Path) -> list[tuple[str, str, str]]:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = [
            (r["kodeliste"], r["kode"].strip(), " ".join(r["navn"].split()))
            for r in csv.DictReader(handle)
            if r["kodeliste"] in LISTS
        ]
    missing = set(LISTS) - {r[0] for r in rows}
    if missing:
        raise SystemExit(f"{source}: code lists missing: {', '.join(sorted(missing))}")
    return sorted(set(rows), key=lambda r: (r[0], r[1].zfill(8)))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        raise SystemExit(f"{source}: not found (the BBR code lists, bbr_kodelister.csv)")
    rows = derive(source)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["kodeliste", "code", "name"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} codes of {len(LISTS)} lists to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
