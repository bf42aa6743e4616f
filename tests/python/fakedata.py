"""Synthetic delivery files for the loader tests, written at test time.

CPR numbers are fake: serials 9000-9999 on simple dates, never checked against anything real.
Nothing CPR-shaped is committed to the repository.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import psycopg

FIXTURES = Path(__file__).parent.parent / "fixtures"


def fake_cpr(i: int, dash: bool = False) -> str:
    """A CPR-shaped test value: valid date part, serial 9000+i (mod-11 is not applied)."""
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    year = 50 + i % 50
    serial = 9000 + i % 1000
    text = f"{day:02d}{month:02d}{year:02d}"
    return f"{text}-{serial:04d}" if dash else f"{text}{serial:04d}"


def all_fake_cprs(n: int = 40) -> list[str]:
    return [fake_cpr(i) for i in range(n)]


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def persons_csv(path: Path, n: int = 6, encoding: str = "utf-8", delimiter: str = ";") -> Path:
    d = delimiter
    lines = [
        d.join(
            [
                "cpr",
                "køn",
                "fødselsdato",
                "fødeland",
                "statsborgerskab",
                "mor_cpr",
                "status",
                "statusdato",
                "adressebeskyttelse",
                "dødsdato",
            ]
        )
    ]
    for i in range(n):
        lines.append(
            d.join(
                [
                    fake_cpr(i, dash=i % 2 == 0),
                    "M" if i % 2 else "K",
                    f"{1 + i % 28:02d}-{1 + (i // 28) % 12:02d}-19{50 + i % 50:02d}",
                    "5100" if i % 3 == 0 else "DK",
                    "DK",
                    fake_cpr(i + 100) if i % 2 else "",
                    "01" if i % 5 else "90",
                    "2020-01-01",
                    "ja" if i == 1 else "nej",
                    "" if i % 5 else "15.03.2021",
                ]
            )
        )
    return write_text(path, "\n".join(lines) + "\n", encoding)


def residences_csv(path: Path, n: int = 6) -> Path:
    lines = [
        "cpr,kvhx,adresseid,tilflytningsdato,fraflytningsdato,"
        "tilflytning_fra_kommunekode,annulleret"
    ]
    for i in range(n):
        kvhx = "010112340012 st    " if i % 2 else ""
        address = "" if i % 2 else "0a3f50a1-0000-4000-8000-000000000003"
        lines.append(
            f"{fake_cpr(i)},{kvhx},{address},2015-0{1 + i % 9}-01,"
            f"{'2019-12-31' if i % 3 == 0 else ''},{'0147' if i % 2 else '851'},"
            f"{'1' if i == 4 else '0'}"
        )
    return write_text(path, "\n".join(lines) + "\n")


def education_csv(path: Path, n: int = 6) -> Path:
    levels = ["grundskole", "gymnasial", "erhvervsfaglig", "kvu", "mvu", "lvu", "unknown"]
    lines = ["cpr;as_of_date;highest_level;completed_in_denmark;is_in_education"]
    for i in range(n):
        lines.append(f"{fake_cpr(i)};2024-01-01;{levels[i % 7]};{'j' if i % 2 else ''};n")
    return write_text(path, "\n".join(lines) + "\n")


def convictions_csv(path: Path, n: int = 3) -> Path:
    laws = ["straffeloven", "vaabenloven", "faerdselsloven"]
    lines = ["cpr;afgørelsesdato;lov"]
    for i in range(n):
        lines.append(f"{fake_cpr(i)};0{1 + i}.06.2023;{laws[i % 3]}")
    return write_text(path, "\n".join(lines) + "\n")


def flis_csv(path: Path, n: int = 4) -> Path:
    lines = ["cpr;periode;measure;value"]
    for i in range(n):
        lines.append(f"{fake_cpr(i)};2024-0{1 + i % 9};absence_days;{i},5")
        lines.append(f"{fake_cpr(i)};2024-0{1 + i % 9};school_days;20")
    return write_text(path, "\n".join(lines) + "\n")


def benefits_parquet(path: Path, n: int = 5) -> Path:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "cpr": [fake_cpr(i) for i in range(n)],
            "period_start": [dt.date(2024, 1 + i % 12, 1) for i in range(n)],
            "period_end": [dt.date(2024, 1 + i % 12, 28) if i % 2 else None for i in range(n)],
            "benefit_code": ["KH01" if i % 2 else "SU" for i in range(n)],
            "fte_share": [0.5 if i % 2 else None for i in range(n)],
        }
    )
    pq.write_table(table, path)
    return path


def income_xlsx(path: Path, n: int = 5) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["cpr", "indkomstår", "bruttoindkomst", "fuldt_skattepligtig", "studerende"])
    for i in range(n):
        sheet.append([fake_cpr(i), 2023, 250000.5 + i, True, i == 2])
    book.save(path)
    return path


def official_lists_xlsx(path: Path) -> Path:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "listeår",
            "listedato",
            "kommune",
            "område",
            "residents",
            "share_non_western",
            "published_categories",
        ]
    )
    sheet.append(
        [
            2022,
            dt.datetime(2022, 12, 1),
            "Testrup Kommune",
            "Fiktivparken",
            2000,
            55.5,
            "udsat;parallelsamfund",
        ]
    )
    sheet.append([])
    sheet.append([2021, dt.date(2021, 12, 1), "Testrup Kommune", "Fiktivparken", 1990, 54, "udsat"])
    book.save(path)
    return path


def areas_gdf(crs: str | None = "EPSG:4326"):  # noqa: ANN201 - GeoDataFrame
    import geopandas as gpd
    import shapely

    # Two small squares near Copenhagen in lon/lat, a bow-tie (invalid, repairable) and a
    # MultiPolygon.
    square = shapely.box(12.55, 55.70, 12.56, 55.71)
    bowtie = shapely.Polygon([(12.57, 55.70), (12.58, 55.71), (12.58, 55.70), (12.57, 55.71)])
    multi = shapely.MultiPolygon(
        [shapely.box(12.50, 55.60, 12.51, 55.61), shapely.box(12.52, 55.60, 12.53, 55.61)]
    )
    return gpd.GeoDataFrame(
        {
            "area_id": ["BO-9001", "BO-9002", "BD-1"],
            "area_name": ["Fiktivparken", "Eksempelvænget", "Bydel Øst"],
            "area_level": ["boligomraade", "boligomraade", "bydel"],
            "official_area_code": ["BO-9001", None, None],
            "valid_from": ["2024-12-01", "2024-12-01", "2020-01-01"],
        },
        geometry=[square, bowtie, multi],
        crs=crs,
    )


def areas_gpkg(path: Path) -> Path:
    areas_gdf().to_file(path, layer="areas", driver="GPKG")
    return path


def areas_geojson(path: Path) -> Path:
    areas_gdf().to_file(path, driver="GeoJSON")
    return path


def make_inbox(directory: Path) -> dict[str, Path]:
    """One valid file per source, in the formats a municipality delivers."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "persons": persons_csv(directory / "persons.csv"),
        "residences": residences_csv(directory / "residences.csv"),
        "education": education_csv(directory / "education.csv"),
        "convictions": convictions_csv(directory / "convictions.csv"),
        "flis": flis_csv(directory / "flis.csv"),
        "benefits": benefits_parquet(directory / "benefits.parquet"),
        "income": income_xlsx(directory / "income_2023.xlsx"),
        "areas": areas_gpkg(directory / "areas.gpkg"),
    }
    for name in ("addresses", "dwellings", "official_lists", "area_members"):
        files[name] = Path(shutil.copy(FIXTURES / f"{name}.csv", directory / f"{name}.csv"))
    return files


EXPECTED_ROWS = {
    "persons": 6,
    "residences": 6,
    "education": 6,
    "convictions": 3,
    "flis": 8,
    "benefits": 5,
    "income": 5,
    "areas": 3,
    "addresses": 4,
    "dwellings": 4,
    "official_lists": 3,
    "area_members": 3,
}


def snapshot(conn: psycopg.Connection) -> dict[str, object]:
    """Row counts of every raw table, plus the load log and rejects content."""
    from loaders.contract import SOURCES

    counts = {
        s.name: conn.execute(f"select count(*) from raw.{s.name}").fetchone()[0] for s in SOURCES
    }
    log = conn.execute(
        "select load_id, source, file_name, file_sha256, status, rows_loaded "
        "from raw._load_log order by load_id"
    ).fetchall()
    rejects = conn.execute("select count(*) from raw._rejects").fetchone()[0]
    return {"counts": counts, "log": log, "rejects": rejects}


CPR_LIKE = re.compile(r"(?<![0-9a-f])\d{6}-?\d{4}(?![0-9a-f])")


def text_values(conn: psycopg.Connection) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text value in schema raw."""
    columns = conn.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw' and data_type = 'text'"
    ).fetchall()
    out = []
    for table, column in columns:
        for (value,) in conn.execute(
            f'select "{column}" from raw."{table}" where "{column}" is not null'
        ).fetchall():
            out.append((table, column, value))
    return out


def cpr_record(kind: str, pnr: str, fields: dict[int, str], width: int = 400) -> str:
    """One fixed-width record of a classic CPR extract: record type in 1-3, PNR in 4-13, other
    fields by their 1-based start position (layout: domain.md §3.2)."""
    line = [" "] * width
    for start, text in {1: kind, 4: pnr, **fields}.items():
        line[start - 1 : start - 1 + len(text)] = list(text)
    return "".join(line).rstrip()
