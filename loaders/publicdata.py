"""Queries shared by the exports and the report. Everything here reads marts only (through a
`loaders.marts.reader()` connection) and returns pandas/geopandas frames.

Suppressed cells stay NULL (NaN in pandas): nothing here fills, imputes or rounds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import psycopg
from psycopg import sql

from loaders.marts import columns, existing_marts, first_present, table

#: Indicators whose `share` is an amount in DKK (a mean), not a fraction.
AMOUNT_INDICATORS = {"k4_income"}
#: Grid levels: their ids encode the south-west corner (DDKN: 100m_<N/100>_<E/100>).
GRID_LEVELS = {"grid_1km": 1000, "grid_100m": 100}
GRID_ID = re.compile(r"^(?P<size>\d+k?m)_(?P<n>\d+)_(?P<e>\d+)$")
#: Order of area levels from coarse to fine (unknown levels go last, alphabetically).
LEVEL_ORDER = ["kommune", "bydel", "skoledistrikt", "sogn", "boligomraade", "afdeling"]
LEVEL_LABELS = {
    "kommune": "Kommune",
    "bydel": "Bydel",
    "skoledistrikt": "Skoledistrikt",
    "sogn": "Sogn",
    "boligomraade": "Boligområde",
    "afdeling": "Boligafdeling",
    "grid_1km": "Kvadratnet 1 km",
    "grid_100m": "Kvadratnet 100 m",
}
TENURE_LABELS = {
    "all": "Alle ejerformer",
    "almen": "Almen bolig",
    "andel": "Andelsbolig",
    "ejer": "Ejerbolig",
    "privat_udlejning": "Privat udlejning",
    "offentlig": "Offentlig ejet",
    "ukendt": "Ukendt ejerform",
    "udenfor": "Uden for kommunen",
}


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_da: str
    name_en: str
    kind: str  # share | count | amount
    period_type: str
    direction: str
    legal_criterion: str | None


def level_sort_key(level: str) -> tuple[int, str]:
    if level in LEVEL_ORDER:
        return (LEVEL_ORDER.index(level), level)
    if level in GRID_LEVELS:
        return (len(LEVEL_ORDER) + 1 + list(GRID_LEVELS).index(level), level)
    return (len(LEVEL_ORDER), level)


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level.replace("_", " ").capitalize())


def frame(
    conn: psycopg.Connection, query: sql.Composable | str, params: tuple = ()
) -> pd.DataFrame:
    cur = conn.execute(query, params)
    names = [d.name for d in cur.description] if cur.description else []
    return pd.DataFrame(cur.fetchall(), columns=names)


def indicators(conn: psycopg.Connection) -> list[Indicator]:
    """The indicator catalogue (dim_indicator) with how each value is to be read."""
    df = frame(conn, "select * from marts.dim_indicator order by indicator_id")
    result = []
    for row in df.itertuples(index=False):
        if row.indicator_id in AMOUNT_INDICATORS:
            kind = "amount"
        elif row.numerator_definition == row.denominator_definition:
            kind = "count"
        else:
            kind = "share"
        result.append(
            Indicator(
                indicator_id=row.indicator_id,
                name_da=row.name_da,
                name_en=row.name_en,
                kind=kind,
                period_type=row.period_type,
                direction=row.direction,
                legal_criterion=None
                if pd.isna(row.legal_criterion) or row.legal_criterion == "floor"
                else row.legal_criterion,
            )
        )
    order = {"count": 0, "share": 1, "amount": 2}
    return sorted(
        result, key=lambda i: (order[i.kind], i.legal_criterion is not None, i.indicator_id)
    )


def latest_periods(conn: psycopg.Connection) -> dict[str, date]:
    """The latest period_date of each indicator (tenure 'all')."""
    rows = conn.execute(
        "select indicator_id, max(period_date) from marts.fct_area_indicators "
        "where tenure = 'all' group by indicator_id"
    ).fetchall()
    return {indicator_id: period for indicator_id, period in rows}


def latest_long(conn: psycopg.Connection, tenure: str = "all") -> pd.DataFrame:
    """One row per area level × area × indicator at that indicator's latest period."""
    return frame(
        conn,
        """
        with latest as (
            select indicator_id, max(period_date) as period_date
            from marts.fct_area_indicators
            where tenure = 'all'
            group by indicator_id
        )
        select f.area_level, f.area_id, f.indicator_id, f.period_date, f.numerator,
               f.denominator, f.share, f.is_suppressed, f.suppression_reason
        from marts.fct_area_indicators as f
        inner join latest using (indicator_id, period_date)
        where f.tenure = %s
        """,
        (tenure,),
    )


def latest_wide(conn: psycopg.Connection, tenure: str = "all") -> pd.DataFrame:
    """One row per area level × area; per indicator `<id>_share`, `<id>_numerator`,
    `<id>_denominator` (NULL when suppressed) and `n_suppressed` (suppressed cells)."""
    long = latest_long(conn, tenure)
    keys = ["area_level", "area_id"]
    if long.empty:
        return pd.DataFrame(columns=keys)
    values = long.pivot_table(
        index=keys,
        columns="indicator_id",
        values=["share", "numerator", "denominator"],
        aggfunc="first",
        dropna=False,
    )
    counts = {i.indicator_id for i in indicators(conn) if i.kind == "count"}
    names: list[str | None] = []
    for measure, ind in values.columns:
        if ind in counts:  # residents, households: the count itself; its "share" is always 1
            names.append(ind if measure == "numerator" else None)
        else:
            names.append(f"{ind}_{measure}")
    values.columns = [n or f"_drop_{i}" for i, n in enumerate(names)]
    ordered = [n for n in names if n and n in counts] + sorted(
        (n for n in names if n and n not in counts), key=lambda c: (c.rsplit("_", 1)[0], c)
    )
    wide = values[ordered].astype(float)
    suppressed = long.groupby(keys)["is_suppressed"].sum().rename("n_suppressed").astype(int)
    return wide.join(suppressed).reset_index()


def grid_polygon(area_id: str):  # noqa: ANN201 - shapely geometry
    from shapely.geometry import box

    match = GRID_ID.match(area_id)
    if not match:
        return None
    size = 1000 if match["size"] == "1km" else int(match["size"].rstrip("m"))
    north, east = int(match["n"]) * size, int(match["e"]) * size
    return box(east, north, east + size, north + size)


def areas(conn: psycopg.Connection):  # noqa: ANN201 - geopandas.GeoDataFrame
    """Current areas of every level in EPSG:25832 (dim_area), plus the grid cells that have
    indicator rows (their square is computed from the DDKN id)."""
    import geopandas as gpd
    import shapely

    df = frame(
        conn,
        "select area_level, area_id, area_name, official_area_code, parent_area_id, "
        "valid_from, area_m2, st_asbinary(geom) as wkb from marts.dim_area where is_current",
    )
    geoms = shapely.from_wkb(df.pop("wkb").map(bytes)) if not df.empty else []
    result = gpd.GeoDataFrame(df, geometry=list(geoms), crs=25832)
    grid = frame(
        conn,
        "select distinct area_level, area_id from marts.fct_area_indicators "
        "where area_level = any(%s)",
        (list(GRID_LEVELS),),
    )
    if not grid.empty:
        grid["area_name"] = grid["area_id"]
        cells = gpd.GeoDataFrame(grid, geometry=grid["area_id"].map(grid_polygon), crs=25832)
        cells = cells[cells.geometry.notna()]
        cells["area_m2"] = cells.geometry.area
        result = pd.concat([result, cells], ignore_index=True)
    result["area_m2"] = result["area_m2"].astype(float)
    return gpd.GeoDataFrame(result, geometry="geometry", crs=25832)


# --- criteria and early warning (feat/criteria): used only when the marts exist -------------

STATUS_COLUMNS = (
    "status_label",
    "status",
    "criteria_met_count",
    "criteria_required",
    "is_udsat",
    "is_parallelsamfund",
    "is_omdannelse",
    "is_forebyggelse",
    "streak_years",
    "years_to_omdannelse",
    "projected_status_next_list",
    "status_change_vs_last_published",
)


def _latest_filter(cols: list[str], name: str) -> sql.Composable:
    """Conditions selecting the latest as-of date / list year (and the current regime)."""
    parts: list[sql.Composable] = []
    where_tenure = sql.SQL("tenure = 'all'") if "tenure" in cols else sql.SQL("true")
    for col in ("as_of_date", "target_list_year", "list_year"):
        if col in cols:
            parts.append(
                sql.SQL("{c} = (select max({c}) from {t} where {w})").format(
                    c=sql.Identifier(col), t=table(name), w=where_tenure
                )
            )
            break
    if "target_list_year" in cols and "as_of_date" in cols:
        parts.append(
            sql.SQL(
                "target_list_year = (select max(target_list_year) from {t} "
                "where as_of_date = (select max(as_of_date) from {t}))"
            ).format(t=table(name))
        )
    if "tenure" in cols:
        parts.append(sql.SQL("tenure = 'all'"))
    return sql.SQL(" and ").join(parts) if parts else sql.SQL("true")


def preferred_regime(conn: psycopg.Connection, name: str, cols: list[str]) -> str | None:
    """The regime to show: r2021 (the law in force) when present, else the newest one."""
    if "regime_id" not in cols:
        return None
    regimes = [
        r[0]
        for r in conn.execute(
            sql.SQL("select distinct regime_id from {} order by 1").format(table(name))
        ).fetchall()
    ]
    if not regimes:
        return None
    return "r2021" if "r2021" in regimes else regimes[-1]


def latest_status(conn: psycopg.Connection) -> pd.DataFrame | None:
    """Latest list status per area from fct_area_status (None when the mart does not exist)."""
    if "fct_area_status" not in existing_marts(conn):
        return None
    cols = columns(conn, "fct_area_status")
    wanted = [c for c in STATUS_COLUMNS if c in cols]
    extra = [c for c in ("as_of_date", "target_list_year", "regime_id") if c in cols]
    where = _latest_filter(cols, "fct_area_status")
    regime = preferred_regime(conn, "fct_area_status", cols)
    params: tuple = ()
    if regime:
        where = sql.SQL("{} and regime_id = %s").format(where)
        params = (regime,)
    query = sql.SQL("select area_level, area_id, {cols} from {t} where {w}").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in extra + wanted),
        t=table("fct_area_status"),
        w=where,
    )
    df = frame(conn, query, params)
    return df.drop_duplicates(["area_level", "area_id"])


def status_label_column(df: pd.DataFrame) -> str | None:
    return first_present(list(df.columns), "status_label", "status")


def early_warning(conn: psycopg.Connection) -> pd.DataFrame | None:
    """fct_early_warning at its latest as-of date (None when the mart does not exist)."""
    if "fct_early_warning" not in existing_marts(conn):
        return None
    cols = columns(conn, "fct_early_warning")
    hidden = {"geom", "geom_wgs84", "persons_to_flip", "movers_to_flip", "income_gap_dkk"}
    keep = [c for c in cols if c not in hidden]
    where = _latest_filter(cols, "fct_early_warning")
    params: tuple = ()
    regime = preferred_regime(conn, "fct_early_warning", cols)
    if regime:  # the law in force and its variants (r2021 and r2021f), not back-casts
        where = sql.SQL("{} and regime_id like %s").format(where)
        params = (regime + "%",)
    query = sql.SQL("select {cols} from {t} where {w}").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in keep),
        t=table("fct_early_warning"),
        w=where,
    )
    return frame(conn, query, params)


def early_warning_per_area(ew: pd.DataFrame | None) -> pd.DataFrame | None:
    """Number of warnings and their reasons per area (for map/GeoPackage columns)."""
    if ew is None or "area_id" not in ew.columns:
        return None
    keys = [c for c in ("area_level", "area_id") if c in ew.columns]
    reason = first_present(
        list(ew.columns), "warning_reason", "warning_type", "reason", "rule_id", "signal"
    )
    grouped = ew.groupby(keys)
    out = grouped.size().rename("early_warning_count").to_frame()
    if reason:
        out["early_warning_reasons"] = grouped[reason].agg(
            lambda s: "; ".join(sorted({str(v) for v in s if pd.notna(v)}))
        )
    return out.reset_index()
