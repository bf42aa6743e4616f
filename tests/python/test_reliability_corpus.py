"""The malformed-input corpus: every case is written at test time and loaded with the CLI.

A rejected case must exit 1 with one paragraph naming the file, the row or line, the column and
the rule (asserted on the message), write exactly one new raw._load_log row (`failed`, with the
same message) and leave every raw table, and every earlier load log row, byte-identical
(checksums before/after). An accepted case asserts the exact stored values.

The cases complement test_loaders_bad_input.py (not repeated here). docs/reliability.md lists
them by category.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import invoke
from fakedata import areas_gdf, fake_cpr, make_inbox
from reliability import max_load_id, raw_checksums, write_csv
from typer.testing import CliRunner

from loaders.contract import SOURCES

C = [fake_cpr(i) for i in range(10)]
U = "0a3f50a1-0000-4000-8000-0000000000{:02d}"  # fake UUIDs
DK = "Æblevænget Øst, Ålborg — æøå ÆØÅ é ü"
PERSONS = "cpr;sex;birth_date;status"


def _p(rows: list[str], header: str = PERSONS, **kw) -> Callable[[Path], Path]:
    return lambda d: write_csv(d / "persons.csv", header, rows, **kw)


def _f(name: str, header: str, rows: list[str], **kw) -> Callable[[Path], Path]:
    return lambda d: write_csv(d / name, header, rows, **kw)


def _person(i: int, sex: str = "M", born: str = "1950-01-01", status: str = "01") -> str:
    return f"{C[i]};{sex};{born};{status}"


# --------------------------------------------------------------------------- builders


def _mixed_encoding(d: Path) -> Path:
    path = d / "addresses.csv"
    head = "address_id;municipality_code;street_name\n"
    path.write_bytes(
        head.encode()
        + f"{U.format(1)};0101;Ærøgade\n".encode()
        + f"{U.format(2)};0101;Ærøgade\n".encode("cp1252")
    )
    return path


def _bom_then_cp1252(d: Path) -> Path:
    path = d / "benefits.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + f"cpr;period_start;benefit_code\n{C[1]};2024-01-01;KØ\n".encode("cp1252")
    )
    return path


def _cp1252_undefined(d: Path) -> Path:
    path = d / "flis.csv"
    rows = [f"{C[i]};2024-0{i + 1};absence_days;2" for i in range(3)]
    path.write_bytes(
        ("cpr;period;measure;value\n" + "\n".join(rows) + "\n").encode() + b"\x81bad;x\n"
    )
    return path


def _xlsx_renamed_csv(d: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["cpr", "income_year", "gross_income_dkk"])
    book.save(d / "tmp.xlsx")
    return (d / "tmp.xlsx").rename(d / "income.csv")


def _ten_mb_line(d: Path) -> Path:
    path = d / "persons.csv"
    path.write_bytes(b"cpr;sex;" + b"x" * (10 * 1024 * 1024))  # no line break at all
    return path


def _ten_mb_field(d: Path) -> Path:
    return write_csv(d / "persons.csv", PERSONS, [_person(1, status="9" * (10 * 1024 * 1024))])


def _truncated_last_line(d: Path) -> Path:
    header = "cpr;sex;birth_date;status;status_date;death_date"
    rows = [f"{_person(i)};2020-01-01;" for i in range(3)] + [f"{C[3]};K;1951-02-03;"]
    return write_csv(d / "persons.csv", header, rows, final_eol=False)


def _truncated_in_quote(d: Path) -> Path:
    header = "address_id;municipality_code;street_name"
    rows = [f'{U.format(1)};0101;"Ærøgade"', f'{U.format(2)};0101;"Ærø']
    return write_csv(d / "addresses.csv", header, rows, final_eol=False)


def _cut(path: Path, fraction: float = 0.5) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def _official_xlsx(d: Path, rows: list[list[object]], name: str = "official_lists.xlsx") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["list_year", "list_date", "municipality", "area_name", "residents"])
    for row in rows:
        sheet.append(row)
    book.save(d / name)
    return d / name


def _truncated_xlsx(d: Path) -> Path:
    return _cut(_official_xlsx(d, [[2024, dt.date(2024, 12, 1), "Testrup", "Fiktivparken", 9]]))


def _truncated_parquet(d: Path) -> Path:
    from fakedata import benefits_parquet

    return _cut(benefits_parquet(d / "benefits.parquet"))


def _truncated_gpkg(d: Path) -> Path:
    from fakedata import areas_gpkg

    return _cut(areas_gpkg(d / "areas.gpkg"), 0.3)


def _csv_named_xlsx(d: Path) -> Path:
    return write_csv(d / "official_lists.xlsx", "list_year;municipality;area_name", ["2024;T;A"])


def _empty_parquet(d: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("cpr", pa.string()), ("income_year", pa.int64())])
    schema = schema.append(pa.field("gross_income_dkk", pa.float64()))
    pq.write_table(schema.empty_table(), d / "income.parquet")
    return d / "income.parquet"


def _cpr_as_number_xlsx(d: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["cpr", "income_year", "gross_income_dkk"])
    sheet.append([int("0101509000"), 2023, 250000])  # Excel dropped the leading zero
    book.save(d / "income.xlsx")
    return d / "income.xlsx"


def _dup_official_xlsx(d: Path) -> Path:
    row = [2024, dt.date(2024, 12, 1), "Testrup Kommune", "Fiktivparken", 2104]
    again = [*row[:4], 2105]  # same key, another value (exact copies are loaded as delivered)
    return _official_xlsx(d, [row, [2024, None, "Testrup Kommune", "Bakken", 10], again])


def _gdf_file(d: Path, gdf, name: str = "areas.geojson") -> Path:  # noqa: ANN001
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name.endswith(".gpkg"):
            gdf.to_file(d / name, layer="areas", driver="GPKG")
        else:
            gdf.to_file(d / name, driver="GeoJSON")
    return d / name


def _dup_areas(d: Path) -> Path:
    gdf = areas_gdf("EPSG:4326")
    gdf.loc[1, "area_id"] = "BO-9001"  # same level, id and valid_from as feature 1
    return _gdf_file(d, gdf)


def _areas_interval(d: Path) -> Path:
    gdf = areas_gdf("EPSG:4326")
    gdf["valid_to"] = ["2024-12-31", "2023-01-01", None]
    return _gdf_file(d, gdf)


def _lonlat_labelled_utm(d: Path) -> Path:
    return _gdf_file(d, areas_gdf("EPSG:25832"), "areas.gpkg")  # degrees said to be metres


def _utm_labelled_lonlat(d: Path) -> Path:
    gdf = areas_gdf("EPSG:4326").to_crs("EPSG:25832").set_crs("EPSG:4326", allow_override=True)
    return _gdf_file(d, gdf, "areas.gpkg")  # metres said to be degrees


def _geom(d: Path, geom: object) -> Path:
    gdf = areas_gdf("EPSG:4326")
    gdf.loc[2, "geometry"] = geom
    return _gdf_file(d, gdf)


def _empty_geometry(d: Path) -> Path:
    import shapely

    return _geom(d, shapely.Polygon())


def _point_geometry(d: Path) -> Path:
    import shapely

    return _geom(d, shapely.Point(12.5, 55.6))


def _formula_without_value(d: Path) -> Path:
    import openpyxl

    path = _official_xlsx(d, [[2024, dt.date(2024, 12, 1), "Testrup", "Fiktivparken", 0]])
    book = openpyxl.load_workbook(path)
    book.active["E2"] = "=1000+1104"  # openpyxl saves no computed result
    book.save(path)
    return path


def _merged_cells(d: Path) -> Path:
    import openpyxl

    path = _official_xlsx(
        d,
        [
            [2024, dt.date(2024, 12, 1), "Testrup", "Fiktivparken", 10],
            [2024, dt.date(2024, 12, 1), None, "Bakken", 20],
        ],
    )
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("C2:C3")  # one municipality cell for both rows
    book.save(path)
    return path


# --------------------------------------------------------------------------- rejected cases

REJECTED: list[tuple[str, str, str, Callable[[Path], Path], list[str]]] = [
    # category, case, source, builder, fragments of the message
    (
        "encoding",
        "mixed_utf8_and_cp1252",
        "addresses",
        _mixed_encoding,
        ["addresses.csv: rejected (nothing loaded)", "mixes encodings", "line 2", "line 3"],
    ),
    (
        "encoding",
        "bom_but_cp1252",
        "benefits",
        _bom_then_cp1252,
        ["byte order mark but line 2 is not valid UTF-8"],
    ),
    (
        "encoding",
        "byte_undefined_in_cp1252",
        "flis",
        _cp1252_undefined,
        ["neither valid UTF-8 nor Windows-1252", "line 5 has bytes"],
    ),
    (
        "encoding",
        "xlsx_renamed_to_csv",
        "income",
        _xlsx_renamed_csv,
        ["income.csv: rejected", "not text in UTF-8 or Windows-1252", "renamed spreadsheet"],
    ),
    (
        "delimiter",
        "tab_separated",
        "persons",
        _p([_person(1).replace(";", "\t")], header=PERSONS.replace(";", "\t")),
        ["No ';' or ',' delimiter found in the header line"],
    ),
    (
        "delimiter",
        "pipe_separated",
        "residences",
        _f("residences.csv", "cpr|kvhx|moved_in", [f"{C[1]}|010112340012|2020-01-01"]),
        ["residences.csv: rejected", "No ';' or ',' delimiter found"],
    ),
    (
        "delimiter",
        "data_rows_with_other_delimiter",
        "persons",
        _p([_person(i).replace(";", ",") for i in range(3)]),
        ["line 2 (the first data row) has 1 field but the header has 4", "same delimiter"],
    ),
    (
        "columns",
        "missing_required_column",
        "residences",
        _f("residences.csv", "cpr;kvhx;moved_out", [f"{C[1]};010112340012;2020-01-01"]),
        [
            "Required column missing for source residences: moved_in "
            "(or tilflytningsdato/tilflyttet). The header has: cpr, kvhx, moved_out."
        ],
    ),
    (
        "columns",
        "renamed_column",
        "persons",
        _p([_person(1)], header="cpr;sex;birthdate;status"),
        ["missing for source persons: birth_date", "The header has: cpr, sex, birthdate, status"],
    ),
    (
        "columns",
        "same_column_twice_by_alias",
        "persons",
        _p([_person(1) + ";K"], header=PERSONS + ";køn"),
        ["Columns 'sex' and 'køn' both mean sex; deliver only one of them"],
    ),
    (
        "columns",
        "same_column_name_twice",
        "persons",
        _p([_person(1) + ";01"], header=PERSONS + ";status"),
        ["Columns 'status' and 'status' both mean status"],
    ),
    (
        "columns",
        "no_header_row",
        "persons",
        _p([_person(2)], header=_person(1)),
        ["Required columns missing", "The first row must be a header row", f"{C[1][:6]}-****"],
    ),
    (
        "columns",
        "extra_fields_in_a_later_row",
        "persons",
        _p([_person(1), _person(2), _person(3) + ";x;y"]),
        ["CSV structure is broken", "Expected 4 fields in line 4, saw 6"],
    ),
    (
        "empty",
        "zero_bytes",
        "persons",
        lambda d: write_csv(d / "persons.csv", "", [], final_eol=False),
        ["persons.csv: rejected (nothing loaded). The file is empty"],
    ),
    (
        "empty",
        "header_only",
        "education",
        _f("education.csv", "cpr;as_of_date;highest_level", []),
        ["education.csv: rejected (nothing loaded). The file has no data rows."],
    ),
    (
        "empty",
        "parquet_without_rows",
        "income",
        _empty_parquet,
        ["income.parquet: rejected (nothing loaded). The file has no data rows."],
    ),
    (
        "truncated",
        "csv_cut_in_last_row",
        "persons",
        _truncated_last_line,
        ["the last line (line 5) has 4 fields but the header has 6", "looks truncated"],
    ),
    (
        "truncated",
        "csv_cut_inside_quotes",
        "addresses",
        _truncated_in_quote,
        ["CSV structure is broken", "EOF inside string"],
    ),
    (
        "truncated",
        "xlsx_cut_in_half",
        "official_lists",
        _truncated_xlsx,
        ["official_lists.xlsx: rejected", "cannot be read as an Excel workbook"],
    ),
    (
        "truncated",
        "parquet_cut_in_half",
        "benefits",
        _truncated_parquet,
        ["benefits.parquet: rejected", "cannot be read as a Parquet file"],
    ),
    (
        "truncated",
        "geopackage_cut",
        "areas",
        _truncated_gpkg,
        ["areas.gpkg: rejected", "cannot be read as a GeoPackage"],
    ),
    (
        "truncated",
        "csv_named_xlsx",
        "official_lists",
        _csv_named_xlsx,
        ["official_lists.xlsx: rejected", "cannot be read as an Excel workbook"],
    ),
    (
        "long line",
        "ten_mb_without_line_break",
        "persons",
        _ten_mb_line,
        ["Required columns missing for source persons", "(10,485,760 characters)"],
    ),
    (
        "long line",
        "ten_mb_field",
        "persons",
        _ten_mb_field,
        ["rule 'status is one of 01, 03", "row 1 in column status", "(10,485,760 characters)"],
    ),
    (
        "dates",
        "slashes",
        "residences",
        _f("residences.csv", "cpr;kvhx;moved_in", [f"{C[1]};010112340012;2020/01/15"]),
        [
            "1 row breaks rule 'moved_in is a valid date (YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY)'",
            "row 1 in column moved_in, e.g. '2020/01/15'",
        ],
    ),
    (
        "dates",
        "words_and_two_digit_year",
        "education",
        _f(
            "education.csv",
            "cpr;as_of_date;highest_level",
            [f"{C[1]};1. januar 2024;lvu", f"{C[2]};01-02-24;kvu"],
        ),
        ["2 rows break rule 'as_of_date is a valid date", "rows 1, 2 in column as_of_date"],
    ),
    (
        "dates",
        "29_february_2023",
        "convictions",
        _f("convictions.csv", "cpr;decision_date;law", [f"{C[1]};29.02.2023;straffeloven"]),
        ["decision_date is a valid date", "row 1 in column decision_date, e.g. '29.02.2023'"],
    ),
    (
        "dates",
        "month_00",
        "area_members",
        _f("area_members.csv", "area_id;address_id;valid_from", [f"BO-1;{U.format(1)};2024-00-10"]),
        ["valid_from is a valid date", "e.g. '2024-00-10'"],
    ),
    (
        "cpr",
        "letter_o_for_zero",
        "residences",
        _f("residences.csv", "cpr;kvhx;moved_in", ["01015O9000;010112340012;2020-01-01"]),
        ["rule 'cpr is a valid CPR number", "row 1 in column cpr", "e.g. '010159-****'"],
    ),
    (
        "cpr",
        "day_00_and_30_february",
        "benefits",
        _f(
            "benefits.csv",
            "cpr;period_start;benefit_code",
            ["0001509000;2024-01-01;KH", "3002509001;2024-01-01;KH"],
        ),
        ["2 rows break rule 'cpr is a valid CPR number", "rows 1, 2", "000150-****"],
    ),
    (
        "cpr",
        "eleven_digits",
        "education",
        _f("education.csv", "cpr;as_of_date;highest_level", [f"{C[1]}1;2024-01-01;lvu"]),
        ["rule 'cpr is a valid CPR number", "row 1 in column cpr"],
    ),
    (
        "cpr",
        "invalid_mother_cpr",
        "persons",
        _p([_person(1) + ";12345"], header=PERSONS + ";mor_cpr"),
        ["rule 'mother_cpr is a valid CPR number", "row 1 in column mother_cpr", "'****'"],
    ),
    (
        "cpr",
        "cpr_as_number_in_xlsx",
        "income",
        _cpr_as_number_xlsx,
        ["rule 'cpr is a valid CPR number", "row 1 in column cpr", "101509-****"],
    ),
    (
        "cpr",
        "empty_cpr",
        "flis",
        _f("flis.csv", "cpr;period;measure;value", [f"{C[1]};2024-01;x;1", ";2024-01;x;1"]),
        ["1 row breaks rule 'cpr is not empty': row 2 in column cpr"],
    ),
    (
        "duplicate keys",
        "cpr_with_and_without_dash",
        "persons",
        _p([_person(1), _person(2), _person(1, sex="K").replace(C[1], fake_cpr(1, dash=True))]),
        ["2 rows break rule 'the key (cpr) is unique within the file': rows 1, 3 in column cpr"],
    ),
    (
        "duplicate keys",
        "same_date_in_two_notations",
        "education",
        _f(
            "education.csv",
            "cpr;as_of_date;highest_level",
            [f"{C[1]};2024-01-01;lvu", f"{C[1]};01.01.2024;kvu"],
        ),
        ["rule 'the key (cpr, as_of_date) is unique within the file': rows 1, 2"],
    ),
    (
        "duplicate keys",
        "official_list_row_twice_xlsx",
        "official_lists",
        _dup_official_xlsx,
        ["the key (list_year, municipality, area_name) is unique", "rows 1, 3"],
    ),
    (
        "duplicate keys",
        "area_feature_twice",
        "areas",
        _dup_areas,
        ["the key (area_level, area_id, valid_from) is unique", "rows 1, 2"],
    ),
    (
        "intervals",
        "benefit_ends_before_start",
        "benefits",
        _f(
            "benefits.csv",
            "cpr;period_start;period_end;benefit_code",
            [f"{C[1]};2024-03-01;2024-02-01;KH"],
        ),
        ["rule 'period_start <= period_end (interval from <= to)'", "row 1 in columns"],
    ),
    (
        "intervals",
        "area_version_ends_before_start",
        "areas",
        _areas_interval,
        ["rule 'valid_from <= valid_to", "row 2 in columns valid_from, valid_to"],
    ),
    (
        "values",
        "negative_floor_area_absurd_rooms",
        "dwellings",
        _f(
            "dwellings.csv",
            "unit_id;unit_usage_code;floor_area_m2;rooms;construction_year",
            [f"{U.format(1)};140;-72;3;1968", f"{U.format(2)};140;80;500;3024"],
        ),
        [
            "rule 'floor_area_m2 is between 0 and 100000': row 1",
            "rule 'rooms is between 0 and 200': row 2",
            "rule 'construction_year is between 1000 and 2100': row 2",
        ],
    ),
    (
        "values",
        "negative_fte_share",
        "benefits",
        _f(
            "benefits.csv", "cpr;period_start;benefit_code;fte_share", [f"{C[1]};2024-01-01;K;-0,5"]
        ),
        ["rule 'fte_share is between 0 and 1': row 1 in column fte_share, e.g. '-0.5'"],
    ),
    (
        "values",
        "percentage_over_100",
        "official_lists",
        _f(
            "official_lists.csv",
            "list_year;municipality;area_name;share_non_western",
            ["2024;Testrup;Fiktivparken;155,1"],
        ),
        ["rule 'share_non_western is between 0 and 100'", "e.g. '155.1'"],
    ),
    (
        "values",
        "coordinates_in_degrees",
        "addresses",
        _f(
            "addresses.csv",
            "address_id;municipality_code;x;y",
            [f"{U.format(1)};0101;12.56;55.7"],
        ),
        ["rule 'x is between 100000 and 1000000'", "rule 'y is between 6000000 and 6500000'"],
    ),
    (
        "values",
        "thousands_separator_and_decimals",
        "income",
        _f("income.csv", "cpr;income_year;gross_income_dkk", [f"{C[1]};2023,5;250.000,50"]),
        ["rule 'income_year is a whole number'", "rule 'gross_income_dkk is a number"],
    ),
    (
        "values",
        "boolean_maybe",
        "education",
        _f(
            "education.csv",
            "cpr;as_of_date;highest_level;is_in_education",
            [f"{C[1]};2024-01-01;lvu;måske"],
        ),
        ["rule 'is_in_education is a boolean", "e.g. 'måske'"],
    ),
    (
        "codes",
        "unknown_sex_and_status",
        "persons",
        _p([_person(1, sex="X"), _person(2, status="99")]),
        ["rule 'sex is one of M, K, 1, 2': row 1", "rule 'status is one of 01, 03", "'99'"],
    ),
    (
        "codes",
        "unknown_education_level",
        "education",
        _f("education.csv", "cpr;as_of_date;highest_level", [f"{C[1]};2024-01-01;phd"]),
        ["rule 'highest_level is one of grundskole", "e.g. 'phd'"],
    ),
    (
        "codes",
        "unknown_subsidy_code",
        "dwellings",
        _f("dwellings.csv", "unit_id;unit_usage_code;subsidy_code", [f"{U.format(1)};140;99"]),
        ["rule 'subsidy_code is one of 0, 10", "row 1 in column subsidy_code, e.g. '99'"],
    ),
    (
        "codes",
        "unknown_list_category",
        "official_lists",
        _f(
            "official_lists.csv",
            "list_year;municipality;area_name;published_categories",
            ["2024;Testrup;Fiktivparken;ghetto2"],
        ),
        ["rule 'published_categories is ';'-separated list categories'", "'ghetto2'"],
    ),
    (
        "codes",
        "five_digit_municipality_code",
        "residences",
        _f(
            "residences.csv",
            "cpr;kvhx;moved_in;moved_in_from_municipality",
            [f"{C[1]};010112340012;2020-01-01;12345"],
        ),
        ["rule 'moved_in_from_municipality is 4 digits'", "e.g. '12345'"],
    ),
    (
        "codes",
        "flis_month_13",
        "flis",
        _f("flis.csv", "cpr;period;measure;value", [f"{C[1]};2024-13;absence_days;1"]),
        ["rule 'period is a month YYYY-MM'", "e.g. '2024-13'"],
    ),
    (
        "codes",
        "address_id_not_a_uuid",
        "area_members",
        _f("area_members.csv", "area_id;address_id", ["BO-1;0a3f50a1-0000-4000-8000"]),
        ["rule 'address_id is a UUID'", "row 1 in column address_id"],
    ),
    (
        "crs",
        "degrees_labelled_utm",
        "areas",
        _lonlat_labelled_utm,
        [
            "3 rows break rule 'geometry lies in Denmark in EPSG:25832",
            "rows 1, 2, 3 in column geom",
            "read as EPSG:25832",
        ],
    ),
    (
        "crs",
        "metres_labelled_lonlat",
        "areas",
        _utm_labelled_lonlat,
        ["rule 'geometry lies in Denmark in EPSG:25832", "from EPSG:4326"],
    ),
    (
        "geometry",
        "empty_polygon",
        "areas",
        _empty_geometry,
        ["rule 'geometry is a valid Polygon or MultiPolygon", "row 3 in column geom, e.g. 'empty'"],
    ),
    (
        "geometry",
        "point_not_polygon",
        "areas",
        _point_geometry,
        ["rule 'geometry is a valid Polygon", "row 3", "a Point, not a polygon"],
    ),
    (
        "xlsx",
        "formula_without_saved_result",
        "official_lists",
        _formula_without_value,
        ["1 cell holds a formula without a saved result, e.g. E2 (residents) =1000+1104"],
    ),
    (
        "xlsx",
        "merged_cells",
        "official_lists",
        _merged_cells,
        ["has merged cells (C2:C3)", "Unmerge the cells"],
    ),
]


@pytest.fixture(scope="module")
def loaded(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[psycopg.Connection]:
    """Raw tables holding one valid delivery per source, so "unchanged" means something."""
    from loaders.copy import load_file
    from loaders.db import ensure_schema

    with psycopg.connect(dbname=database, autocommit=True) as conn:
        ensure_schema(conn)
        tables = ", ".join(["raw._rejects", "raw._load_log"] + [f"raw.{s.name}" for s in SOURCES])
        conn.execute(f"truncate {tables}")
        for source, path in make_inbox(tmp_path_factory.mktemp("inbox")).items():
            load_file(source, path)
        yield conn


@pytest.mark.parametrize(
    ("category", "case", "source", "make", "expected"),
    REJECTED,
    ids=[f"{c[0].replace(' ', '_')}-{c[1]}" for c in REJECTED],
)
def test_rejected(
    loaded: psycopg.Connection,
    tmp_path: Path,
    category: str,
    case: str,
    source: str,
    make: Callable[[Path], Path],
    expected: list[str],
) -> None:
    conn = loaded
    last = max_load_id(conn)
    before = raw_checksums(conn)
    path = make(tmp_path)
    result = invoke(CliRunner(), "load", source, path)
    message = result.stderr.strip()
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert message.startswith(f"error: {path.name}: "), message[:500]
    assert "\n" not in message and "Traceback" not in result.output
    assert len(message) < 2000, len(message)
    for fragment in expected:
        assert fragment in message, (fragment, message)
    for cpr in C:
        assert cpr not in message and cpr[:6] + "-" + cpr[6:] not in message
    assert raw_checksums(conn, log_up_to=last) == before, "raw tables or old log rows changed"
    new = conn.execute(
        "select source, file_name, status, rows_loaded, message from raw._load_log "
        "where load_id > %s order by load_id",
        (last,),
    ).fetchall()
    assert len(new) == 1 and new[0][:4] == (source, path.name, "failed", 0), new
    assert message == f"error: {new[0][4]}"


# --------------------------------------------------------------------------- accepted cases
# Each builder writes the file; each check gets the connection and the new load_id.


def _rows(conn: psycopg.Connection, sql: str, load_id: int) -> list[tuple]:
    return conn.execute(sql, {"id": load_id}).fetchall()


def _bom_crlf_extra_column(d: Path) -> Path:
    header = PERSONS + ";kommentar;doedsdag"
    rows = [f"{_person(1, 'K')};hej;2020-01-01", f"{_person(2)};;"]
    return write_csv(d / "persons.csv", "\ufeff" + header, rows, eol="\r\n")


def _check_bom_crlf(conn: psycopg.Connection, load_id: int) -> None:
    rows = _rows(
        conn,
        "select length(person_key), sex, birth_date, status, death_date, _source_row "
        "from raw.persons where _load_id = %(id)s order by _source_row",
        load_id,
    )
    assert rows == [
        (64, "K", dt.date(1950, 1, 1), "01", None, 1),
        (64, "M", dt.date(1950, 1, 1), "01", None, 2),
    ]
    encoding, message = conn.execute(
        "select encoding, message from raw._load_log where load_id = %s", (load_id,)
    ).fetchone()
    assert encoding == "utf-8-sig"
    assert message == "ignored unknown columns: kommentar, doedsdag"


def _addresses_cp1252(d: Path) -> Path:
    header = "adresseid;kommunekode;vejnavn;husnr;etage;dør;status"
    row = f"{U.format(1)};101;{DK};7Å;kæl;tv Ø;gældende"
    return write_csv(d / "addresses.csv", header, [row], encoding="cp1252")


def _check_addresses(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn,
        "select municipality_code, street_name, house_number, floor, door, status "
        "from raw.addresses where _load_id = %(id)s",
        load_id,
    ) == [("0101", DK, "7Å", "kæl", "tv Ø", "gældende")]
    assert conn.execute(
        "select encoding from raw._load_log where load_id = %s", (load_id,)
    ).fetchone() == ("cp1252",)


def _dwellings_bom_comma(d: Path) -> Path:
    header = "\ufeffenhed_id,enh020,afdeling"
    return write_csv(d / "dwellings.csv", header, [f'{U.format(1)},140,"Ørestad-7 {DK}"'])


def _check_dwellings(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn, "select unit_id, afdeling_id from raw.dwellings where _load_id = %(id)s", load_id
    ) == [(U.format(1), f"Ørestad-7 {DK}")]


def _benefits_parquet(d: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "cpr": [C[1], C[2]],
            "period_start": [dt.date(2024, 1, 1)] * 2,
            "benefit_code": ["SYGEDAGPENGE-Ø", "ukendt ydelse æøå"],  # unknown codes: kept
        }
    )
    pq.write_table(table, d / "benefits.parquet")
    return d / "benefits.parquet"


def _check_benefits(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn,
        "select benefit_code from raw.benefits where _load_id = %(id)s order by _source_row",
        load_id,
    ) == [("SYGEDAGPENGE-Ø",), ("ukendt ydelse æøå",)]


def _flis_xlsx(d: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["cpr", "periode", "mål", "værdi"])
    sheet.append([C[1], "2024-05", "fravær_dage_øvrigt", 2.5])
    book.save(d / "flis.xlsx")
    return d / "flis.xlsx"


def _check_flis(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn, "select period, measure, value::text from raw.flis where _load_id = %(id)s", load_id
    ) == [("2024-05", "fravær_dage_øvrigt", "2.5")]


def _convictions_unknown_law(d: Path) -> Path:
    header = "cpr;afgørelsesdato;lov"
    return write_csv(d / "convictions.csv", header, [f"{C[1]};01.06.2023;færdselsloven"])


def _check_convictions(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn, "select decision_date, law from raw.convictions where _load_id = %(id)s", load_id
    ) == [(dt.date(2023, 6, 1), "færdselsloven")]


SQL = "Robert'); DROP TABLE raw.persons; --"
FORMULAS = ("=cmd|' /C calc'!A0", "+45 1234", "@SUM(A1:A9)", '=HYPERLINK("http://x","klik")')


def _sql_and_formula_text(d: Path) -> Path:
    header = 'list_year;municipality;area_name;official_area_code;"x""); drop table raw.income; --"'
    rows = [
        f'2024;{FORMULAS[0]};"{SQL}";{FORMULAS[1]};1',
        f'2024;{FORMULAS[2]};"{FORMULAS[3].replace(chr(34), chr(34) * 2)}";;2',
    ]
    return write_csv(d / "official_lists.csv", header, rows)


def _check_sql_and_formulas(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn,
        "select municipality, area_name, official_area_code from raw.official_lists "
        "where _load_id = %(id)s order by _source_row",
        load_id,
    ) == [(FORMULAS[0], SQL, FORMULAS[1]), (FORMULAS[2], FORMULAS[3], None)]
    assert conn.execute("select count(*) > 0 from raw.persons").fetchone() == (True,)
    assert conn.execute("select to_regclass('raw.income') is not null").fetchone() == (True,)
    message = conn.execute(
        "select message from raw._load_log where load_id = %s", (load_id,)
    ).fetchone()[0]
    assert message == 'ignored unknown columns: x"); drop table raw.income; --'


def _official_xlsx_danish_formulas(d: Path) -> Path:
    """Danish names, a text cell that looks like a formula, and a formula with a saved result
    (written into the sheet XML, as Excel does; openpyxl itself saves none)."""
    import openpyxl

    path = d / "official_lists.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["listeår", "kommune", "område", "omraadekode", "beboere"])
    sheet.append([2024, "Ærø Kommune", DK, "BO-Å1", 0])
    sheet.append([2024, "Ærø Kommune", "Bakken", None, 10])
    sheet["D3"] = FORMULAS[3]
    sheet["D3"].data_type = "s"  # text, not a formula
    sheet["E2"] = "=1000+1104"
    book.save(path)
    tmp = d / "rewritten.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>1000+1104</f><v />" in data
                data = data.replace(b"<f>1000+1104</f><v />", b"<f>1000+1104</f><v>2104</v>")
            dst.writestr(item, data)
    return tmp.rename(path)


def _check_official_xlsx(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn,
        "select municipality, area_name, official_area_code, residents::text "
        "from raw.official_lists where _load_id = %(id)s order by _source_row",
        load_id,
    ) == [("Ærø Kommune", DK, "BO-Å1", "2104"), ("Ærø Kommune", "Bakken", FORMULAS[3], "10")]


def _areas_danish_3857(d: Path) -> Path:
    gdf = areas_gdf("EPSG:4326").to_crs("EPSG:3857")
    gdf["area_id"] = ["ØST-1", "ØST-2", "BYDEL-Å"]
    gdf["area_name"] = [DK, "Søndermarken", "Bydel Åløkke"]
    gdf["area_level"] = ["boligområde", "boligområde", "bydel_øst"]
    gdf["official_area_code"] = ["BO-Æ1", None, None]
    gdf["parent_area_id"] = ["BYDEL-Å", "BYDEL-Å", None]
    return _gdf_file(d, gdf, "areas.gpkg")


def _check_areas(conn: psycopg.Connection, load_id: int) -> None:
    rows = _rows(
        conn,
        "select area_id, area_name, area_level, official_area_code, parent_area_id, "
        "st_srid(geom), st_xmin(geom) between 720000 and 730000 "
        "from raw.areas where _load_id = %(id)s order by _source_row",
        load_id,
    )
    assert rows == [
        ("ØST-1", DK, "boligområde", "BO-Æ1", "BYDEL-Å", 25832, True),
        ("ØST-2", "Søndermarken", "boligområde", None, "BYDEL-Å", 25832, True),
        ("BYDEL-Å", "Bydel Åløkke", "bydel_øst", None, None, 25832, True),
    ]
    crs, message = conn.execute(
        "select crs, message from raw._load_log where load_id = %s", (load_id,)
    ).fetchone()
    assert crs == "EPSG:3857"
    assert "reprojected from EPSG:3857 to EPSG:25832" in message
    assert "1 invalid geometries repaired with make_valid" in message


def _area_members_cp1252(d: Path) -> Path:
    header = "område_id;adresseid;gyldig_fra"
    return write_csv(
        d / "area_members.csv", header, [f"ØST-1;{U.format(1)};01-12-2024"], encoding="cp1252"
    )


def _check_area_members(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(
        conn, "select area_id, valid_from from raw.area_members where _load_id = %(id)s", load_id
    ) == [("ØST-1", dt.date(2024, 12, 1))]


def _overlapping_residences(d: Path) -> Path:
    header = "cpr;kvhx;moved_in;moved_out"
    rows = [f"{C[1]};010112340012;2020-01-01;2022-01-01", f"{C[1]};010112340014;2021-06-01;"]
    return write_csv(d / "residences.csv", header, rows)


def _check_residences(conn: psycopg.Connection, load_id: int) -> None:
    # Overlaps per person are resolved in dbt staging (earliest-starting wins), by design.
    assert _rows(
        conn,
        "select kvhx, moved_in, moved_out from raw.residences where _load_id = %(id)s "
        "order by _source_row",
        load_id,
    ) == [
        ("010112340012", dt.date(2020, 1, 1), dt.date(2022, 1, 1)),
        ("010112340014", dt.date(2021, 6, 1), None),
    ]


def _overlapping_areas(d: Path) -> Path:
    import shapely

    gdf = areas_gdf("EPSG:4326")
    gdf.loc[1, "geometry"] = shapely.box(12.555, 55.705, 12.565, 55.715)  # overlaps feature 1
    return _gdf_file(d, gdf)


def _check_overlapping_areas(conn: psycopg.Connection, load_id: int) -> None:
    assert _rows(conn, "select count(*) from raw.areas where _load_id = %(id)s", load_id) == [(3,)]
    message = conn.execute(
        "select message from raw._load_log where load_id = %s", (load_id,)
    ).fetchone()[0]
    assert "areas overlapping within their level (kept, check the layer): boligomraade" in message


ACCEPTED: list[tuple[str, str, str, Callable[[Path], Path], Callable]] = [
    ("encoding", "bom_crlf_unknown_columns", "persons", _bom_crlf_extra_column, _check_bom_crlf),
    ("danish letters", "addresses_cp1252", "addresses", _addresses_cp1252, _check_addresses),
    ("danish letters", "dwellings_bom_comma", "dwellings", _dwellings_bom_comma, _check_dwellings),
    (
        "danish letters",
        "benefits_parquet_unknown_codes",
        "benefits",
        _benefits_parquet,
        _check_benefits,
    ),
    ("danish letters", "flis_xlsx", "flis", _flis_xlsx, _check_flis),
    (
        "danish letters",
        "convictions_unknown_law",
        "convictions",
        _convictions_unknown_law,
        _check_convictions,
    ),
    ("danish letters", "areas_gpkg_epsg3857", "areas", _areas_danish_3857, _check_areas),
    (
        "danish letters",
        "area_members_cp1252",
        "area_members",
        _area_members_cp1252,
        _check_area_members,
    ),
    (
        "sql and formulas",
        "text_stored_verbatim",
        "official_lists",
        _sql_and_formula_text,
        _check_sql_and_formulas,
    ),
    (
        "xlsx",
        "saved_formula_result_and_formula_text",
        "official_lists",
        _official_xlsx_danish_formulas,
        _check_official_xlsx,
    ),
    (
        "intervals",
        "overlapping_residences_kept",
        "residences",
        _overlapping_residences,
        _check_residences,
    ),
    (
        "geometry",
        "overlapping_areas_reported",
        "areas",
        _overlapping_areas,
        _check_overlapping_areas,
    ),
]


@pytest.mark.parametrize(
    ("category", "case", "source", "make", "check"),
    ACCEPTED,
    ids=[f"{c[0].replace(' ', '_')}-{c[1]}" for c in ACCEPTED],
)
def test_accepted(
    loaded: psycopg.Connection,
    tmp_path: Path,
    category: str,
    case: str,
    source: str,
    make: Callable[[Path], Path],
    check: Callable[[psycopg.Connection, int], None],
) -> None:
    conn = loaded
    before = {t: v for t, v in raw_checksums(conn).items() if t not in (source, "_load_log")}
    path = make(tmp_path)
    result = invoke(CliRunner(), "load", source, path)
    assert result.exit_code == 0, result.output
    load_id = max_load_id(conn)
    assert conn.execute(
        "select source, file_name, status from raw._load_log where load_id = %s", (load_id,)
    ).fetchone() == (source, path.name, "loaded")
    check(conn, load_id)
    after = {t: v for t, v in raw_checksums(conn).items() if t not in (source, "_load_log")}
    assert after == before, "an accepted file changed another raw table"


def test_corpus_size() -> None:
    """At least 40 cases, and every source of the data contract has a rejected case."""
    assert len(REJECTED) + len(ACCEPTED) >= 40
    assert {c[2] for c in REJECTED} == {s.name for s in SOURCES}
