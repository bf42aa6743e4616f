"""Constants of the synthetic municipality: codes, reference values and planted scenario designs.

Everything the generator plants is declared here, so `truth/scenarios.md` and the tests can point
at one place. All dates are integer day numbers (days since 1970-01-01) inside the generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

EPOCH = dt.date(1970, 1, 1).toordinal()


def day(y: int, m: int = 1, d: int = 1) -> int:
    """Day number (days since 1970-01-01) of a calendar date."""
    return dt.date(y, m, d).toordinal() - EPOCH


@lru_cache(maxsize=65536)
def iso(n: int) -> str:
    """ISO date string of a day number."""
    return dt.date.fromordinal(int(n) + EPOCH).isoformat()


def year_of(n: int) -> int:
    return dt.date.fromordinal(int(n) + EPOCH).year


# Register coverage of the local data and the list years the truth covers.
HIST_START = day(2016, 1, 1)
HIST_END = day(2026, 1, 1)  # exclusive: the history covers 2016-01-01 .. 2025-12-31
FIRST_YEAR = 2016
LAST_YEAR = 2025
COMPUTED_LIST_YEARS = list(range(2018, 2026))  # the local data can compute these lists
OFFICIAL_LIST_YEARS = list(range(2013, 2018))  # only the published lists exist for these
ATTRIBUTE_YEARS = list(range(2016, 2025))  # benefit/conviction/income/education years t

# Fictional municipality (code 0999 is not a Danish municipality code); region Hovedstaden.
MUNICIPALITY_CODE = "0999"
MUNICIPALITY_NAME = "Synthby"
REGION_CODE = "1084"
X0, Y0 = 690_000.0, 6_170_000.0  # south-west corner in EPSG:25832
CELL = 250.0  # metres; one afdeling or one estate per cell

# Other municipalities used as move origins/destinations (codes are real Danish codes but only
# used as labels of the other end of a move).
OTHER_MUNICIPALITIES = ["0101", "0147", "0151", "0153", "0157", "0159", "0161", "0163", "0165"]
FOREIGN_CODE_BASE = 5100  # CPR: 5100+ = abroad

# Regional mean gross income (15-64, taxpayers, excluding persons in education), region 1084.
# Multiples of 20 so that 0.55 x mean is an integer (exact K4 plants).
REGIONAL_MEAN_INCOME = {y: 360_000 + 9_000 * (y - 2015) for y in range(2012, 2026)}
# National share of residents 18+ convicted in year t (seed national_conviction_share).
NATIONAL_CONVICTION_SHARE = {
    2012: "0.0095",
    2013: "0.0093",
    2014: "0.0090",
    2015: "0.0088",
    2016: "0.0086",
    2017: "0.0084",
    2018: "0.0082",
    2019: "0.0080",
    2020: "0.00725",
    2021: "0.00725",
    2022: "0.0080",
    2023: "0.0079",
    2024: "0.0078",
    2025: "0.0078",
}

# Countries (ISO-3166 alpha-2). is_western per criteria.md section 2.5.
COUNTRIES: list[tuple[str, str, bool, bool]] = [
    ("DK", "Danmark", True, False),
    ("DE", "Tyskland", True, False),
    ("SE", "Sverige", True, False),
    ("NO", "Norge", True, False),
    ("PL", "Polen", True, False),
    ("RO", "Rumaenien", True, False),
    ("GB", "Storbritannien", True, False),
    ("US", "USA", True, False),
    ("HR", "Kroatien", True, False),
    ("TR", "Tyrkiet", False, True),
    ("SY", "Syrien", False, True),
    ("IQ", "Irak", False, True),
    ("LB", "Libanon", False, True),
    ("SO", "Somalia", False, True),
    ("AF", "Afghanistan", False, True),
    ("PK", "Pakistan", False, True),
    ("IR", "Iran", False, True),
    ("VN", "Vietnam", False, False),
    ("UA", "Ukraine", False, False),
    ("BA", "Bosnien-Hercegovina", False, False),
    ("TH", "Thailand", False, False),
    ("PH", "Filippinerne", False, False),
]
WESTERN_FOREIGN = ["DE", "SE", "NO", "PL", "RO", "GB", "US", "HR"]
WESTERN_WEIGHTS = [0.22, 0.15, 0.1, 0.2, 0.13, 0.08, 0.05, 0.07]
NONWESTERN = ["TR", "SY", "IQ", "LB", "SO", "AF", "PK", "IR", "VN", "UA", "BA", "TH", "PH"]
NONWESTERN_WEIGHTS = [0.14, 0.13, 0.1, 0.08, 0.08, 0.07, 0.06, 0.06, 0.06, 0.08, 0.06, 0.04, 0.04]

# Benefit codes (the municipality's own codes) and whether they count for K1.
BENEFITS: list[tuple[str, str, bool, str]] = [
    ("KY01", "kontanthjaelp", True, "criteria.md 2.1: counts [sec S11]"),
    ("KY02", "uddannelseshjaelp", True, "criteria.md 2.1: counts [sec S11]"),
    ("KY03", "selvforsoergelses- og hjemrejseydelse", True, "criteria.md 2.1: counts [sec S11]"),
    ("KY04", "overgangsydelse", True, "criteria.md 2.1: counts [sec S11]"),
    ("KY05", "integrationsydelse", True, "criteria.md 2.1: counts [sec S11]"),
    ("KY11", "foertidspension", True, "criteria.md 2.1: counts [default; unc] (S83)"),
    ("KY12", "a-dagpenge", True, "criteria.md 2.1: counts [default; unc]"),
    ("KY13", "ledighedsydelse", True, "criteria.md 2.1: counts [default; unc]"),
    ("KY14", "ressourceforloeb", True, "criteria.md 2.1: counts [default; unc]"),
    ("KY15", "jobafklaringsforloeb", True, "criteria.md 2.1: counts [default; unc]"),
    ("KY16", "revalidering", True, "criteria.md 2.1: counts [default; unc]"),
    ("KY21", "SU", False, "criteria.md 2.1: does not count [sec S11]"),
    ("KY22", "feriedagpenge", False, "criteria.md 2.1: does not count [sec S11]"),
    ("KY23", "barselsdagpenge", False, "criteria.md 2.1: does not count [sec S11]"),
    ("KY24", "sygedagpenge fra beskaeftigelse", False, "criteria.md 2.1: does not count"),
    ("KY25", "fleksjob", False, "criteria.md 2.1: does not count [sec S11]"),
    ("KY26", "fleksydelse", False, "criteria.md 2.1: does not count [sec S11]"),
    ("KY27", "efterloen", False, "criteria.md 2.1: does not count [sec S11]"),
    ("KY28", "sygedagpenge oevrige", False, "criteria.md 2.1: does not count [default; unc]"),
    ("KY31", "folkepension", False, "outside 18-64 in practice; not a K1 benefit"),
]
COUNTING_CODES = [c for c, _, counts, _ in BENEFITS if counts]
NONCOUNTING_CODES = ["KY21", "KY22", "KY23", "KY24", "KY25", "KY26", "KY27", "KY28"]
UNKNOWN_BENEFIT_CODES = ["KY99", "X-17"]  # messy mode only: reported, never counted

EDU_LEVELS = ["grundskole", "gymnasial", "erhvervsfaglig", "kvu", "mvu", "lvu", "unknown"]
# Education categories (fixed per adult). Which count as "basic" under each rule:
#   r2013 (all sources, unknown = basic): dk_basic, foreign_basic, unknown, no_record
#   r2018+ (Danish-only):                 all but dk_higher
EDU_CATS = ["dk_basic", "foreign_basic", "unknown", "no_record", "foreign_higher", "dk_higher"]
EDU_BASIC_R2013 = {"dk_basic", "foreign_basic", "unknown", "no_record"}
EDU_BASIC_R2018 = {"dk_basic", "foreign_basic", "unknown", "no_record", "foreign_higher"}

# Tenures (criteria.md section 6) as used in the truth files.
TENURES = ["almen", "andel", "offentlig", "ejer", "privat_udlejning", "ukendt"]

# Move (spell-end) rates per year by tenure: higher in almen and private rental.
MOVE_RATE = {
    "almen": 0.22,
    "andel": 0.12,
    "offentlig": 0.19,
    "ejer": 0.085,
    "privat_udlejning": 0.28,
    "ukendt": 0.35,
}
INTERNAL_MOVE_SHARE = 0.55  # share of spell ends that move within the municipality

# Planted area ids.
AREA_U = "bo_001"  # becomes udsat in 2024 by crossing exactly two thresholds; early warning
AREA_K = "bo_002"  # omdannelse chain (criteria.md 5.3), demolition, displacement origin
AREA_F = "bo_003"  # forebyggelse; sits exactly on the K1, K4 and NW thresholds in 2024
AREA_R = "bo_006"  # receiving area of the displacement (small almen area, new-built 2024)
AREA_S = "bo_007"  # tiny area that disclosure control must suppress
OFFICIAL_CODES = {AREA_U: "SB-0999-001", AREA_K: "SB-0999-002", AREA_F: "SB-0999-003"}
AREA_NAMES = {
    AREA_U: "Ugleparken",
    AREA_K: "Kaerparken",
    AREA_F: "Fyrrehoejen",
    AREA_R: "Rosenvaenget",
    AREA_S: "Smedegaarden",
}
DEMOLITION_START = day(2024, 3, 1)
DEMOLITION_END = day(2024, 10, 1)  # dwellings of the demolished afdeling end on this day
LETTING_STOP = day(2023, 7, 1)  # no new lettings in the demolished afdeling from this day
NEWBUILD_FROM = day(2024, 1, 1)  # receiving area's new afdeling valid from this day
DISPLACEMENT_TO_R = 0.65  # share of relocated households that get a new dwelling in AREA_R
CONVERSION_DAY = day(2021, 7, 1)  # almen -> privat udlejning (sale of one afdeling)
BOUNDARY_CHANGE_DAY = day(2020, 8, 1)  # sd_01 / sd_02 boundary moves east by half a cell


@dataclass(frozen=True)
class Target:
    """Designed values of one planted area (shares are fractions).

    nw[Y], k3[Y]: on 1 Jan Y (K3 status 30 Sep Y-1); k1[t], k2[t], k4[t]: calendar/income year t
    measured on the cohort of 1 Jan t+1. `exact` marks values that must be hit exactly; `below`
    marks a NW value that must be the largest count strictly below one half.
    """

    nw: dict[int, float]
    k1: dict[int, float]
    k2: dict[int, float]
    k3: dict[int, float]
    k4: dict[int, float]
    exact: set[tuple[str, int]] = field(default_factory=set)
    below: set[tuple[str, int]] = field(default_factory=set)


def _const(v: float, years: range) -> dict[int, float]:
    return {y: v for y in years}


NW_YEARS = range(2016, 2026)
T_YEARS = range(2016, 2025)
K3_YEARS = range(2017, 2026)

TARGETS: dict[str, Target] = {
    AREA_U: Target(
        nw=_const(0.22, NW_YEARS),
        k1=dict(zip(T_YEARS, [0.30, 0.31, 0.32, 0.33, 0.35, 0.37, 0.39, 0.43, 0.44], strict=True)),
        k2=_const(0.012, T_YEARS),
        k3=_const(0.50, K3_YEARS),
        k4=dict(zip(T_YEARS, [0.62, 0.61, 0.60, 0.59, 0.58, 0.57, 0.56, 0.54, 0.53], strict=True)),
    ),
    AREA_K: Target(
        nw={**_const(0.58, NW_YEARS), 2021: 0.56, 2022: 0.54, 2023: 0.499, 2024: 0.54, 2025: 0.54},
        k1=_const(0.46, T_YEARS),
        k2=_const(0.017, T_YEARS),
        k3=_const(0.66, K3_YEARS),
        k4=_const(0.50, T_YEARS),
        below={("nw", 2023)},
    ),
    AREA_F: Target(
        nw={**_const(0.44, NW_YEARS), 2022: 0.46, 2023: 0.48, 2024: 0.50, 2025: 0.48},
        k1={**_const(0.33, T_YEARS), 2022: 0.40, 2023: 0.40},
        k2=_const(0.010, T_YEARS),
        k3=_const(0.63, K3_YEARS),
        k4={**_const(0.60, T_YEARS), 2023: 0.55},
        exact={("nw", 2024), ("k1", 2022), ("k1", 2023), ("k4", 2023)},
    ),
    AREA_R: Target(
        nw=_const(0.35, NW_YEARS),
        k1=_const(0.28, T_YEARS),
        k2=_const(0.010, T_YEARS),
        k3=_const(0.45, K3_YEARS),
        k4=_const(0.70, T_YEARS),
    ),
}

# Official (published) r2013 lists for the years before the local data (percent, one decimal).
# Area K: listed 2013-2015 and 2017, not 2016 (the run breaks and restarts in 2017).
OFFICIAL_K = {
    2013: (1262, 47.1, 2.21, 63.5, 49.2, 58.3, "ghetto"),
    2014: (1251, 46.3, 2.05, 64.0, 50.1, 59.1, "ghetto"),
    2015: (1248, 45.8, 1.98, 65.2, 50.4, 59.6, "ghetto"),
    2017: (1239, 46.0, 1.81, 65.8, 50.2, 60.2, "ghetto"),
}
# (list_year, municipality, area_name, official_area_code, residents, k1, k2, k3, k4, nw, cats)
OFFICIAL_OTHER = [
    (2013, "Andetby", "Nordparken", "", 2410, 44.0, 3.1, 55.0, 50.0, 57.0, "ghetto"),
    (2014, "Andetby", "Nordparken", "", 2398, 43.1, 2.9, 54.0, 51.0, 58.0, "ghetto"),
    (2015, "Andetby", "Nordparken", "", 2377, 42.4, 2.8, 53.1, 51.3, 58.8, "ghetto"),
    (2016, "Andetby", "Nordparken", "", 2350, 41.9, 2.75, 52.5, 52.0, 59.2, "ghetto"),
    (2017, "Andetby", "Nordparken", "", 2311, 41.2, 2.72, 52.1, 52.4, 59.5, "ghetto"),
]
