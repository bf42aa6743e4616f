"""The hand-made mini municipality (40 persons, 10 addresses, 3 areas) as an inbox.

A port of the team's /tmp/mini/gen.py, so the operations tests carry their own data. Small on
purpose: a full `dbt build` on it takes well under a minute.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

AREAS = {
    "area_id": ["k_0999", "bo_001", "bo_002"],
    "area_name": ["Synthby", "Nord", "Syd"],
    "area_level": ["kommune", "boligomraade", "boligomraade"],
    "official_area_code": [None, "X1", None],
    "parent_area_id": [None, "k_0999", "k_0999"],
    "valid_from": ["2010-01-01"] * 3,
    "valid_to": [None] * 3,
}
BOXES = [
    box(700000, 6170000, 701000, 6171000),
    box(700000, 6170500, 701000, 6171000),
    box(700000, 6170000, 701000, 6170500),
]


def write_areas(path: Path, names: list[str] | None = None) -> Path:
    data = dict(AREAS)
    if names:
        data["area_name"] = names
    gpd.GeoDataFrame(data, geometry=BOXES, crs=25832).to_file(path, driver="GPKG")
    return path


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _cpr(born: dt.date, n: int) -> str:
    return born.strftime("%d%m%y") + f"{n:04d}"


def write_inbox(inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    write_areas(inbox / "areas.gpkg")
    addrs: list[dict[str, object]] = []
    for i in range(10):
        y = 6170750 if i < 5 else 6170250
        if i == 9:
            y = 6170500  # on the edge
        addrs.append(
            {
                "address_id": str(uuid.UUID(int=i + 1)),
                "access_address_id": str(uuid.UUID(int=1000 + i)),
                "kvhx": f"0999{1000 + i:04d}{i + 1:>4}{'':3}{'':4}",
                "municipality_code": "0999",
                "street_code": str(1000 + i),
                "street_name": "Testvej",
                "house_number": str(i + 1),
                "floor": "",
                "door": "",
                "postcode": "9999",
                "x": 700100 + i * 50,
                "y": y,
                "status": "1",
                "valid_from": "2000-01-01",
                "valid_to": "",
            }
        )
    _write(inbox / "addresses.csv", addrs)
    dwellings = [
        {
            "unit_id": str(uuid.UUID(int=5000 + i)),
            "address_id": a["address_id"],
            "building_id": str(uuid.UUID(int=6000 + i)),
            "unit_usage_code": "140",
            "housing_type_code": "1",
            "letting_code": "1" if i % 2 else "2",
            "subsidy_code": "10" if i < 3 else "0",
            "ownership_code": "20" if i < 3 else "10",
            "floor_area_m2": 70,
            "rooms": 3,
            "construction_year": 1970,
            "afdeling_id": "af_1" if i < 3 else "",
            "valid_from": "2000-01-01",
            "valid_to": "",
        }
        for i, a in enumerate(addrs)
    ]
    _write(inbox / "dwellings.csv", dwellings)
    persons, res, ben, edu, inc = [], [], [], [], []
    for n in range(40):
        born = dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 27)
        c = _cpr(born, 1000 + n * 2)
        western = bool(n % 3)
        persons.append(
            {
                "cpr": c,
                "sex": "M" if n % 2 else "K",
                "birth_date": born.isoformat(),
                "birth_country": "DK" if western else "SY",
                "citizenship": "DK",
                "mother_cpr": "",
                "father_cpr": "",
                "mother_birth_country": "DK" if western else "SY",
                "father_birth_country": "",
                "status": "01",
                "status_date": "",
                "address_protected": "false",
                "death_date": "",
                "emigration_date": "",
            }
        )
        res.append(
            {
                "cpr": c,
                "kvhx": "",
                "address_id": addrs[n % 10]["address_id"],
                "moved_in": "2015-03-01",
                "moved_out": "" if n % 5 else "2020-06-15",
                "moved_in_from_municipality": "0101",
                "moved_out_to_municipality": "",
                "is_annulled": "false",
            }
        )
        if n % 4 == 0:
            ben.append(
                {
                    "cpr": c,
                    "period_start": "2018-01-01",
                    "period_end": "2018-12-31",
                    "benefit_code": "kontanthjaelp",
                    "fte_share": "1",
                }
            )
        edu.append(
            {
                "cpr": c,
                "as_of_date": "2017-09-30",
                "highest_level": "grundskole" if n % 2 else "lvu",
                "completed_in_denmark": "true",
                "is_in_education": "false",
            }
        )
        inc.append(
            {
                "cpr": c,
                "income_year": "2018",
                "gross_income_dkk": str(200000 + n * 1000),
                "is_taxpayer": "true",
                "is_student": "false",
            }
        )
    for name, rows in (
        ("persons", persons),
        ("residences", res),
        ("benefits", ben),
        ("education", edu),
        ("income", inc),
    ):
        _write(inbox / f"{name}.csv", rows)
    return inbox
