"""The input data contract as code: the single source of truth for every source the loaders accept.

Everything else is generated from here: the raw table DDL (`raw.<source>`), the header matching
(canonical names plus documented Danish aliases), the parsing of each column, and the
great-expectations suites in `loaders/expectations/<source>.json`.

Raw naming rules (the dbt staging models rely on them):

- table `raw.<source>`; columns are the canonical names of data-contract.md, except CPR columns,
  which become `<prefix>person_key` (`cpr` -> `person_key`, `mother_cpr` -> `mother_person_key`):
  the lowercase hex HMAC-SHA256 pseudonym;
- plus `_load_id`, `_source_file`, `_source_row` (1-based data row; for xlsx the data row below
  the header, for GIS layers the feature index) and `_loaded_at`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["cpr", "text", "code", "verbatim", "date", "numeric", "integer", "boolean"]

#: Postgres type per kind. Codes and ids stay text so leading zeros survive.
PG_TYPES: dict[str, str] = {
    "cpr": "text",
    "text": "text",
    "code": "text",
    "verbatim": "text",
    "date": "date",
    "numeric": "numeric",
    "integer": "integer",
    "boolean": "boolean",
}

UUID_PATTERN = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
COUNTRY_PATTERN = r"^(?:[0-9]{1,4}|[A-Za-z]{2,3})$"
MUNICIPALITY_PATTERN = r"^[0-9]{4}$"
# CPR style KVHX: kommune 4 + vej 4 + husnr 4 + etage 3 + doer 4 = 19 characters, space padded.
# Trailing padding is often stripped by exports, so 9-19 characters are accepted as delivered.
KVHX_PATTERN = r"^[0-9]{8}.{1,11}$"
PERIOD_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
CATEGORIES = (
    "udsat",
    "parallelsamfund",
    "omdannelse",
    "forebyggelse",
    "ghetto",
    "haardt_ghetto",
    "saerligt_udsat",
)
CATEGORIES_PATTERN = (
    r"^\s*(?:" + "|".join(CATEGORIES) + r")\s*(?:;\s*(?:" + "|".join(CATEGORIES) + r")\s*)*;?\s*$"
)

TRUE_WORDS = frozenset({"true", "1", "ja", "j", "yes", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "nej", "n", "no", "f"})


@dataclass(frozen=True)
class Column:
    """One column of a source as delivered (canonical name) and as stored in raw."""

    name: str
    kind: Kind
    required: bool = False  # the header must contain the column (else the file is rejected)
    nullable: bool = True  # empty values allowed
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] | None = None  # accepted values (after trimming and padding)
    pattern: str | None = None  # regex the trimmed value must match
    pad: int | None = None  # left-pad digit-only codes with zeros to this width
    min_value: float | None = None
    max_value: float | None = None
    description: str = ""

    @property
    def raw_name(self) -> str:
        """Column name in raw.<source>: CPR columns become <prefix>person_key."""
        if self.kind == "cpr":
            return self.name[: -len("cpr")] + "person_key"
        return self.name

    @property
    def pg_type(self) -> str:
        return PG_TYPES[self.kind]

    @property
    def is_personal(self) -> bool:
        return self.kind == "cpr"


@dataclass(frozen=True)
class Source:
    """One delivered file type of data-contract.md."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # canonical names, unique within one file
    intervals: tuple[tuple[str, str], ...] = ()  # (from, to): from <= to when both present
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one of these columns set per row
    geometry: bool = False  # carries geom geometry(MultiPolygon, 25832)
    formats: tuple[str, ...] = ("csv", "xlsx", "parquet")

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def has_cpr(self) -> bool:
        return any(col.kind == "cpr" for col in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns if col.required)

    def raw_name(self, name: str) -> str:
        return self.column(name).raw_name


def _c(name: str, kind: Kind, *aliases: str, **kw: object) -> Column:
    return Column(name, kind, aliases=aliases, **kw)  # type: ignore[arg-type]


def _cpr(name: str, *aliases: str, required: bool = True) -> Column:
    return Column(
        name,
        "cpr",
        required=required,
        nullable=not required,
        aliases=aliases,
        description="CPR number, replaced by its HMAC-SHA256 pseudonym before loading.",
    )


_REQ = {"required": True, "nullable": False}
_VALID_FROM = ("gyldig_fra", "virkning_fra", "virkningfra", "fra_dato")
_VALID_TO = ("gyldig_til", "virkning_til", "virkningtil", "til_dato")

SOURCES: tuple[Source, ...] = (
    Source(
        "persons",
        "CPR person master; one row per person.",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c("sex", "code", "koen", "kon", codes=("M", "K", "1", "2"), **_REQ),
            _c("birth_date", "date", "foedselsdato", "fodselsdato", **_REQ),
            _c("birth_country", "code", "foedeland", "fodeland", pattern=COUNTRY_PATTERN),
            _c("citizenship", "code", "statsborgerskab", pattern=COUNTRY_PATTERN),
            _cpr("mother_cpr", "mor_cpr", "cpr_mor", required=False),
            _cpr("father_cpr", "far_cpr", "cpr_far", required=False),
            _c("mother_birth_country", "code", "mor_foedeland", pattern=COUNTRY_PATTERN),
            _c("father_birth_country", "code", "far_foedeland", pattern=COUNTRY_PATTERN),
            _c(
                "status",
                "code",
                "cpr_status",
                "personstatus",
                codes=("01", "03", "05", "07", "20", "30", "50", "60", "70", "80", "90"),
                pad=2,
                **_REQ,
            ),
            _c("status_date", "date", "statusdato"),
            _c("address_protected", "boolean", "adressebeskyttelse", "navne_og_adressebeskyttelse"),
            _c("death_date", "date", "doedsdato", "dodsdato"),
            _c("emigration_date", "date", "udrejsedato", "udvandringsdato"),
        ),
        key=("cpr",),
    ),
    Source(
        "residences",
        "CPR address history; one row per person x address interval [moved_in, moved_out).",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c("kvhx", "verbatim", pattern=KVHX_PATTERN),
            _c("address_id", "code", "adresseid", "adresse_id", "dar_id", pattern=UUID_PATTERN),
            _c("moved_in", "date", "tilflytningsdato", "tilflyttet", **_REQ),
            _c("moved_out", "date", "fraflytningsdato", "fraflyttet"),
            _c(
                "moved_in_from_municipality",
                "code",
                "tilflytning_fra_kommunekode",
                "tilflyttet_fra_kommune",
                pattern=MUNICIPALITY_PATTERN,
                pad=4,
            ),
            _c(
                "moved_out_to_municipality",
                "code",
                "fraflytning_til_kommunekode",
                "fraflyttet_til_kommune",
                pattern=MUNICIPALITY_PATTERN,
                pad=4,
            ),
            _c("is_annulled", "boolean", "annulleret", "er_annulleret"),
        ),
        key=("cpr", "moved_in", "kvhx", "address_id", "is_annulled"),
        intervals=(("moved_in", "moved_out"),),
        one_of=(("kvhx", "address_id"),),
    ),
    Source(
        "addresses",
        "DAR unit addresses with history; one row per address x validity period.",
        (
            _c("address_id", "code", "adresseid", "adresse_id", pattern=UUID_PATTERN, **_REQ),
            _c(
                "access_address_id",
                "code",
                "husnummerid",
                "husnummer_id",
                "adgangsadresseid",
                pattern=UUID_PATTERN,
            ),
            _c("kvhx", "verbatim", pattern=KVHX_PATTERN),
            _c(
                "municipality_code",
                "code",
                "kommunekode",
                "kommune_kode",
                pattern=MUNICIPALITY_PATTERN,
                pad=4,
                **_REQ,
            ),
            _c("street_code", "code", "vejkode", pattern=r"^[0-9]{4}$", pad=4),
            _c("street_name", "text", "vejnavn"),
            _c("house_number", "text", "husnr", "husnummer"),
            _c("floor", "text", "etage"),
            _c("door", "text", "doer", "dor"),
            _c("postcode", "code", "postnr", "postnummer", pattern=r"^[0-9]{4}$", pad=4),
            _c(
                "x",
                "numeric",
                "etrs89koordinat_oest",
                "koordinat_oest",
                "oest",
                min_value=100000,
                max_value=1000000,
            ),
            _c(
                "y",
                "numeric",
                "etrs89koordinat_nord",
                "koordinat_nord",
                "nord",
                min_value=6000000,
                max_value=6500000,
            ),
            _c("status", "code", "adressestatus"),
            _c("valid_from", "date", *_VALID_FROM),
            _c("valid_to", "date", *_VALID_TO),
        ),
        key=("address_id", "valid_from"),
        intervals=(("valid_from", "valid_to"),),
    ),
    Source(
        "dwellings",
        "BBR units joined to their building; one row per unit x validity period.",
        (
            _c("unit_id", "code", "enhed_id", "enhedid", pattern=UUID_PATTERN, **_REQ),
            _c(
                "address_id",
                "code",
                "adresseid",
                "adresse_id",
                "adresseidentificerer",
                pattern=UUID_PATTERN,
            ),
            _c("building_id", "code", "bygning_id", "bygningid", pattern=UUID_PATTERN),
            _c(
                "unit_usage_code",
                "code",
                "enh020",
                "enhedens_anvendelse",
                pattern=r"^[0-9]{3}$",
                **_REQ,
            ),
            _c(
                "housing_type_code",
                "code",
                "enh023",
                "boligtype",
                codes=("1", "2", "3", "4", "5", "E", "e"),
            ),
            _c("letting_code", "code", "enh045", "udlejningsforhold", codes=("1", "2", "3")),
            _c(
                "subsidy_code",
                "code",
                "enh046",
                "offentlig_stoette",
                "offentlig_stotte",
                codes=("0", "10", "15", "20", "25", "30", "40", "42", "80"),
            ),
            _c(
                "ownership_code",
                "code",
                "byg066",
                "ejerforhold",
                codes=("10", "20", "30", "40", "41", "50", "60", "70", "80", "90", "99"),
            ),
            _c(
                "floor_area_m2",
                "numeric",
                "enh026",
                "samlet_areal",
                "areal",
                min_value=0,
                max_value=100000,
            ),
            _c(
                "rooms",
                "integer",
                "enh031",
                "antal_vaerelser",
                "vaerelser",
                min_value=0,
                max_value=200,
            ),
            _c(
                "construction_year",
                "integer",
                "byg026",
                "opfoerelsesaar",
                "opforelsesaar",
                min_value=1000,
                max_value=2100,
            ),
            _c("afdeling_id", "code", "afdeling", "afdelingsnummer", "boligafdeling"),
            _c("valid_from", "date", *_VALID_FROM),
            _c("valid_to", "date", *_VALID_TO),
        ),
        key=("unit_id", "valid_from"),
        intervals=(("valid_from", "valid_to"),),
    ),
    Source(
        "benefits",
        "Benefit periods (Momentum/KY/eIndkomst extract); one row per person x period x code.",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c("period_start", "date", "periode_start", "startdato", "periode_fra", **_REQ),
            _c("period_end", "date", "periode_slut", "slutdato", "periode_til"),
            _c("benefit_code", "code", "ydelseskode", "ydelse", **_REQ),
            _c("fte_share", "numeric", "fuldtidsandel", "fuldtidsperson", min_value=0, max_value=1),
        ),
        key=("cpr", "period_start", "benefit_code"),
        intervals=(("period_start", "period_end"),),
    ),
    Source(
        "education",
        "Highest completed education per person and status date.",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c("as_of_date", "date", "opgoerelsesdato", "opgorelsesdato", "pr_dato", **_REQ),
            _c(
                "highest_level",
                "code",
                "hoejeste_uddannelse",
                "hojeste_uddannelse",
                "uddannelsesniveau",
                codes=("grundskole", "gymnasial", "erhvervsfaglig", "kvu", "mvu", "lvu", "unknown"),
                **_REQ,
            ),
            _c("completed_in_denmark", "boolean", "fuldfoert_i_danmark", "fuldfort_i_danmark"),
            _c("is_in_education", "boolean", "under_uddannelse"),
        ),
        key=("cpr", "as_of_date"),
    ),
    Source(
        "income",
        "Yearly gross income per person (eIndkomst/SKAT).",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c(
                "income_year",
                "integer",
                "indkomstaar",
                "indkomst_aar",
                "aar",
                min_value=1900,
                max_value=2100,
                **_REQ,
            ),
            _c("gross_income_dkk", "numeric", "bruttoindkomst", "brutto_indkomst", **_REQ),
            _c("is_taxpayer", "boolean", "fuldt_skattepligtig", "skattepligtig"),
            _c("is_student", "boolean", "studerende", "er_studerende"),
        ),
        key=("cpr", "income_year"),
    ),
    Source(
        "convictions",
        "Guilty decisions per person (other laws than the three are kept and ignored in dbt).",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c("decision_date", "date", "afgoerelsesdato", "afgorelsesdato", "domsdato", **_REQ),
            _c("law", "code", "lov", "lovomraade", **_REQ),
        ),
    ),
    Source(
        "flis",
        "FLIS DAP person-level measures, long format; one row per person x month x measure.",
        (
            _cpr("cpr", "cprnr", "cpr_nr", "personnummer"),
            _c("period", "code", "periode", "maaned", pattern=PERIOD_PATTERN, **_REQ),
            _c("measure", "code", "maal", "indikator", "noegletal", **_REQ),
            _c("value", "numeric", "vaerdi", "vardi"),
        ),
        key=("cpr", "period", "measure"),
    ),
    Source(
        "official_lists",
        "The ministry's published lists and criterion values (percentages 0-100).",
        (
            _c(
                "list_year",
                "integer",
                "listeaar",
                "liste_aar",
                "aar",
                min_value=1990,
                max_value=2100,
                **_REQ,
            ),
            _c("list_date", "date", "listedato", "offentliggjort"),
            _c("municipality", "text", "kommune", "kommunenavn", **_REQ),
            _c("area_name", "text", "omraade", "omraadenavn", "boligomraade", **_REQ),
            _c("official_area_code", "code", "omraadekode", "omraade_kode", "official_a"),
            _c("residents", "numeric", "beboere", "antal_beboere", min_value=0),
            _c(
                "share_outside_labour_market",
                "numeric",
                "andel_uden_for_arbejdsmarkedet",
                min_value=0,
                max_value=100,
            ),
            _c(
                "share_convicted",
                "numeric",
                "andel_domfaeldte",
                "andel_domfaldte",
                min_value=0,
                max_value=100,
            ),
            _c(
                "convicted_threshold",
                "numeric",
                "graense_domfaeldte",
                "graense_domfaldte",
                min_value=0,
                max_value=100,
            ),
            _c(
                "share_basic_education_only",
                "numeric",
                "andel_kun_grundskole",
                min_value=0,
                max_value=100,
            ),
            _c(
                "income_share_of_region",
                "numeric",
                "indkomst_andel_af_region",
                min_value=0,
                max_value=1000,
            ),
            _c("share_non_western", "numeric", "andel_ikke_vestlige", min_value=0, max_value=100),
            _c(
                "published_categories", "text", "kategorier", "kategori", pattern=CATEGORIES_PATTERN
            ),
        ),
        key=("list_year", "municipality", "area_name"),
    ),
    Source(
        "areas",
        "Area polygons, one layer per area level and boundary version (EPSG:25832).",
        (
            _c("area_id", "code", "omraade_id", "omraadeid", **_REQ),
            _c("area_name", "text", "omraadenavn", "navn"),
            _c("area_level", "code", "niveau", "omraadeniveau", **_REQ),
            _c("official_area_code", "code", "omraadekode", "omraade_kode", "official_a"),
            _c("parent_area_id", "code", "overordnet_omraade_id", "parent_id", "parent_are"),
            _c("valid_from", "date", *_VALID_FROM),
            _c("valid_to", "date", *_VALID_TO),
        ),
        key=("area_level", "area_id", "valid_from"),
        intervals=(("valid_from", "valid_to"),),
        geometry=True,
        formats=("gpkg", "geojson", "shp"),
    ),
    Source(
        "area_members",
        "Explicit address memberships of areas (they win over point-in-polygon).",
        (
            _c("area_id", "code", "omraade_id", "omraadeid", **_REQ),
            _c("address_id", "code", "adresseid", "adresse_id", pattern=UUID_PATTERN),
            _c(
                "access_address_id",
                "code",
                "husnummerid",
                "husnummer_id",
                "adgangsadresseid",
                pattern=UUID_PATTERN,
            ),
            _c("valid_from", "date", *_VALID_FROM),
            _c("valid_to", "date", *_VALID_TO),
        ),
        key=("area_id", "address_id", "access_address_id", "valid_from"),
        intervals=(("valid_from", "valid_to"),),
        one_of=(("address_id", "access_address_id"),),
    ),
)

SOURCES_BY_NAME: dict[str, Source] = {source.name: source for source in SOURCES}

META_COLUMNS_DDL = (
    "_load_id bigint not null",
    "_source_file text not null",
    "_source_row integer not null",
    "_loaded_at timestamptz not null default now()",
)
GEOMETRY_DDL = "geom geometry(MultiPolygon, 25832)"


def get_source(name: str) -> Source:
    try:
        return SOURCES_BY_NAME[name]
    except KeyError:
        from loaders.errors import UserError

        raise UserError(
            f"unknown source '{name}'. Known sources: {', '.join(SOURCES_BY_NAME)}."
        ) from None


def normalise_header(name: str) -> str:
    """Fold a delivered header to the form used for matching: lowercase ASCII snake_case."""
    text = name.strip().lstrip("\ufeff").lower()
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text


def header_map(source: Source) -> dict[str, str]:
    """Accepted (normalised) header -> canonical column name."""
    mapping: dict[str, str] = {}
    for col in source.columns:
        for name in (col.name, *col.aliases):
            mapping[normalise_header(name)] = col.name
    return mapping


def raw_table_ddl(source: Source) -> str:
    """`create table if not exists raw.<source>` generated from the contract."""
    lines = [f"{col.raw_name} {col.pg_type}" for col in source.columns]
    if source.geometry:
        lines.append(GEOMETRY_DDL)
    lines.extend(META_COLUMNS_DDL)
    body = ",\n    ".join(lines)
    return f"create table if not exists raw.{source.name} (\n    {body}\n)"


LOAD_LOG_DDL = """
create table if not exists raw._load_log (
    load_id bigserial primary key,
    source text not null,
    file_name text not null,
    file_sha256 text,
    rows_read bigint,
    rows_loaded bigint,
    rows_rejected bigint,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    status text not null
        check (status in ('running', 'loaded', 'failed', 'skipped_duplicate')),
    delimiter text,
    encoding text,
    crs text,
    loader_version text not null,
    message text,
    loaded_by text not null default current_user
)"""

LOAD_LOG_INDEX_DDL = (
    "create index if not exists _load_log_source_sha256_idx "
    "on raw._load_log (source, file_sha256) where status = 'loaded'"
)

REJECTS_DDL = """
create table if not exists raw._rejects (
    load_id bigint not null references raw._load_log (load_id),
    source text not null,
    file_name text not null,
    source_row integer,
    column_name text,
    rule text not null,
    masked_value text,
    reason text not null
)"""


def all_ddl() -> list[tuple[str, list[str]]]:
    """(relation, statements creating it) for the raw schema, in dependency order.

    Statements are idempotent (`if not exists`); `db.ensure_schema` runs them only for
    relations that are missing, so a loader role that does not own existing tables works.
    """
    ddl: list[tuple[str, list[str]]] = [
        ("raw._load_log", [LOAD_LOG_DDL, LOAD_LOG_INDEX_DDL]),
        ("raw._rejects", [REJECTS_DDL]),
    ]
    for source in SOURCES:
        description = source.description.replace("'", "''")
        ddl.append(
            (
                f"raw.{source.name}",
                [
                    raw_table_ddl(source),
                    f"comment on table raw.{source.name} is "
                    f"'{description} Written by boligmon loaders.'",
                ],
            )
        )
    return ddl


def parse_rule(col: Column) -> str:
    """The sentence naming what a parseable column must look like."""
    if col.kind == "date":
        return f"{col.name} is a valid date (YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY)"
    if col.kind == "numeric":
        return f"{col.name} is a number (decimal point, or decimal comma in ';' files)"
    if col.kind == "integer":
        return f"{col.name} is a whole number"
    if col.kind == "boolean":
        return f"{col.name} is a boolean (true/false, 1/0, ja/nej, j/n, yes/no, t/f)"
    if col.kind == "cpr":
        return f"{col.name} is a valid CPR number (10 digits or DDMMYY-SSSS, valid day and month)"
    raise ValueError(col.kind)
