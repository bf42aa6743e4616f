"""Build the static HTML report (out/report): overview map, area pages, early warning, flows.

Reads marts only, as bi_reader (`loaders.marts.reader`). Each section appears only when its mart
exists; a missing mart is named on the "Om tallene" page, never replaced by invented data.
Suppressed cells are shown as "–" with a note.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup
from psycopg import sql

from loaders import publicdata as pdata
from loaders.marts import columns, existing_marts, first_present, reader, table
from loaders.report import svg
from loaders.report.assets import CSS, JS
from loaders.report.templates import TEMPLATES

DASH = "–"
MISSING_FILL = "#d0d0d0"
SEQ_BAD = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]  # higher is worse
SEQ_NEUTRAL = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
TENURE_COLORS = {
    "all": "#12355b",
    "almen": "#d62728",
    "andel": "#9467bd",
    "ejer": "#2ca02c",
    "privat_udlejning": "#ff7f0e",
    "offentlig": "#8c564b",
    "ukendt": "#7f7f7f",
    "udenfor": "#17becf",
}
STATUS_LABELS = {
    "none": "Ingen liste",
    "undetermined": "Kan ikke afgøres",
    "forebyggelse": "Forebyggelsesområde",
    "udsat": "Udsat boligområde",
    "parallelsamfund": "Parallelsamfund",
    "omdannelse": "Omdannelsesområde",
    "ghetto": "Ghettoområde",
    "haardt_ghetto": "Hårdt ghettoområde",
}
STATUS_COLORS = {
    "none": "#f2f2f2",
    "undetermined": "#bcbddc",
    "forebyggelse": "#fee08b",
    "udsat": "#fdae61",
    "ghetto": "#f46d43",
    "parallelsamfund": "#f46d43",
    "haardt_ghetto": "#a50026",
    "omdannelse": "#a50026",
}
REASONS = {
    "area_below_floor": "området har under 100 beboere eller 50 husstande",
    "small_numerator": "færre end 5 personer i tælleren",
    "small_denominator": "færre end 5 personer i nævneren",
    "small_complement": "færre end 5 personer uden for tælleren",
    "complementary": "sekundær diskretion (kunne ellers regnes ud)",
}
MAX_GRID_CELLS = 2500
COLUMN_LABELS = {
    "area_level": "niveau",
    "area_id": "id",
    "tenure": "ejerform",
    "as_of_date": "opgjort",
    "target_list_year": "listeår",
    "regime_id": "regelsæt",
    "category_id": "kategori",
    "warning_type": "varsel",
    "driving_criteria": "kriterier",
    "is_official_assessment": "officielt område",
    "criteria_met_count": "kriterier opfyldt",
    "status": "status nu",
    "projected_status_next_list": "forventet status næste liste",
    "streak_years": "år i træk",
}
CRITERIA_LABELS = {
    "nw": "Indvandrere og efterkommere fra ikke-vestlige lande",
    "k1": "Uden tilknytning til arbejdsmarked eller uddannelse",
    "k2": "Dømte",
    "k3": "Alene grundskoleuddannelse",
    "k4": "Bruttoindkomst i forhold til regionen",
    "f1": "Uden tilknytning til arbejdsmarked eller uddannelse (forebyggelse)",
    "f2": "Dømte (forebyggelse)",
    "f3": "Alene grundskoleuddannelse (forebyggelse)",
    "f4": "Bruttoindkomst i forhold til regionen (forebyggelse)",
    "residents": "Beboere (befolkningsgrænse)",
}


# --- formatting (Danish) ---------------------------------------------------------------------


def fmt_int(v: float) -> str:
    return f"{round(v):,}".replace(",", ".")


def fmt_share(v: float, decimals: int = 1) -> str:
    return f"{v * 100:.{decimals}f}".replace(".", ",") + " %"


def fmt_amount(v: float) -> str:
    return fmt_int(v) + " kr."


def formatter(kind: str):  # noqa: ANN201
    return {"count": fmt_int, "amount": fmt_amount}.get(kind, fmt_share)


def fmt_value(v: Any, kind: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return DASH
    return formatter(kind)(float(v))


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)


def area_page(level: str, area_id: str) -> str:
    return f"areas/{slug(level)}--{slug(area_id)}.html"


def equivalent(code: Any) -> Any:
    if code is None or not isinstance(code, str) or code in ("none", "undetermined", "all"):
        return code
    return code if code.endswith("_equivalent") else code + "_equivalent"


def status_name(code: Any) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return DASH
    code = str(code)
    base = code.removesuffix("_equivalent")
    label = STATUS_LABELS.get(base, base)
    return f"Svarende til {label.lower()}" if code.endswith("_equivalent") else label


# --- data ------------------------------------------------------------------------------------


@dataclass
class ReportData:
    generated_at: str
    marts: set[str]
    indicators: list[pdata.Indicator]
    areas: Any  # GeoDataFrame
    latest: pd.DataFrame
    periods: dict[str, date]
    series: pd.DataFrame
    status: pd.DataFrame | None
    warnings: pd.DataFrame | None
    coverage: pd.DataFrame | None
    criteria: pd.DataFrame | None = None
    criteria_regime: str | None = None
    status_history: pd.DataFrame | None = None
    flows: dict[str, Any] = field(default_factory=dict)
    turnover: pd.DataFrame | None = None


def load(conn: psycopg.Connection) -> ReportData:
    marts = existing_marts(conn)
    inds = pdata.indicators(conn)
    series = pdata.frame(
        conn,
        """
        select f.area_level, f.area_id, f.tenure, f.indicator_id, f.period_date,
               f.share::float8 as share, f.numerator::float8 as numerator, f.is_suppressed
        from marts.fct_area_indicators as f
        inner join marts.dim_period as p on f.period_date = p.period_date
        inner join marts.dim_indicator as i on f.indicator_id = i.indicator_id
        where f.area_level not like 'grid%%'
          and (i.period_type <> 'point_in_time' or p.is_month_end)
        order by f.period_date
        """,
    )
    coverage = None
    if "fct_data_coverage" in marts:
        coverage = pdata.frame(
            conn, "select * from marts.fct_data_coverage order by period_date desc limit 1"
        )
    data = ReportData(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        marts=marts,
        indicators=inds,
        areas=pdata.areas(conn),
        latest=pdata.latest_long(conn),
        periods=pdata.latest_periods(conn),
        series=series,
        status=pdata.latest_status(conn),
        warnings=pdata.early_warning(conn),
        coverage=coverage,
    )
    if "fct_area_criteria" in marts:
        load_criteria(conn, data)
    if "fct_area_status" in marts:
        load_status_history(conn, data)
    if "fct_flows" in marts:
        data.flows = load_flows(conn)
    if "fct_area_turnover" in marts:
        data.turnover = load_turnover(conn)
    return data


def load_turnover(conn: psycopg.Connection) -> pd.DataFrame:
    """Latest year of fct_area_turnover, all tenures, one row per area and one column per
    measure (rate per 100 residents when the mart has it); generic table otherwise."""
    cols = columns(conn, "fct_area_turnover")
    value = first_present(cols, "rate_per_100", "share")
    year = first_present(cols, "move_year", "period_year", "year")
    if not (value and year and "measure_id" in cols and "area_id" in cols):
        return load_latest_generic(conn, "fct_area_turnover")
    where = sql.SQL("{y} = (select max({y}) from {t}) and area_level not like 'grid%%'").format(
        y=sql.Identifier(year), t=table("fct_area_turnover")
    )
    if "tenure" in cols:
        where = sql.SQL("{} and tenure = 'all'").format(where)
    query = sql.SQL(
        "select {y} as year, area_level, area_id, measure_id, {v}::float8 as value from {t} "
        "where {w}"
    ).format(y=sql.Identifier(year), v=sql.Identifier(value), t=table("fct_area_turnover"), w=where)
    df = pdata.frame(conn, query)
    if df.empty:
        return df
    wide = df.pivot_table(
        index=["year", "area_level", "area_id"],
        columns="measure_id",
        values="value",
        aggfunc="first",
        dropna=False,
    ).reset_index()
    wide.columns.name = None
    wide = wide.sort_values(
        ["area_level", "area_id"],
        key=lambda s: s.map(lambda v: pdata.level_sort_key(v) if s.name == "area_level" else v),
    )
    per = "pr. 100" if value == "rate_per_100" else "andel,"
    labels = {
        "year": "år",
        "area_level": "niveau",
        "area_id": "område",
        "in_movers": f"tilflyttere ({per} beboere)",
        "out_movers": f"fraflyttere ({per} beboere)",
        "net_migration": f"nettotilflytning ({per} beboere)",
        "churn": f"omsætning, til + fra ({per} beboere)",
        "births": f"fødte ({per} beboere)",
        "deaths": f"døde ({per} beboere)",
        "fraflytning": f"fraflytningsprocent ({per} boliger)",
        "stayers": f"blivende ({per} beboere 1. jan.)",
    }
    return wide.rename(columns=labels)


def load_criteria(conn: psycopg.Connection, data: ReportData) -> None:
    cols = columns(conn, "fct_area_criteria")
    value = first_present(cols, "value", "criterion_value")
    threshold = first_present(cols, "threshold", "criterion_threshold")
    year = first_present(cols, "target_list_year", "list_year")
    if not (value and threshold and year and "criterion_id" in cols):
        return
    regime = pdata.preferred_regime(conn, "fct_area_criteria", cols)
    label = "criterion_label" if "criterion_label" in cols else "criterion_id"
    is_met = "is_met" if "is_met" in cols else None
    as_of = "as_of_date" if "as_of_date" in cols else None
    wanted = ["area_level", "area_id", "criterion_id", label, year, value, threshold]
    wanted += [c for c in (is_met, as_of) if c]
    where = [sql.SQL("tenure = 'all'")] if "tenure" in cols else []
    params: tuple = ()
    if regime:
        where.append(sql.SQL("regime_id = %s"))
        params = (regime,)
    query = sql.SQL("select {cols} from {t} where {w}").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in dict.fromkeys(wanted)),
        t=table("fct_area_criteria"),
        w=sql.SQL(" and ").join(where) if where else sql.SQL("true"),
    )
    df = pdata.frame(conn, query, params)
    if as_of:  # per list year the latest as-of date
        df = (
            df.sort_values(as_of)
            .groupby(["area_level", "area_id", "criterion_id", year], as_index=False)
            .last()
        )
    df = df.rename(
        columns={value: "value", threshold: "threshold", year: "list_year", label: "label"}
    )
    for col in ("value", "threshold"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    data.criteria = df
    data.criteria_regime = regime


def load_status_history(conn: psycopg.Connection, data: ReportData) -> None:
    cols = columns(conn, "fct_area_status")
    year = first_present(cols, "target_list_year", "list_year")
    status = first_present(cols, "status_label", "status")
    if not (year and status):
        return
    regime = pdata.preferred_regime(conn, "fct_area_status", cols)
    extra = [c for c in ("criteria_met_count", "streak_years", "as_of_date") if c in cols]
    where = [sql.SQL("tenure = 'all'")] if "tenure" in cols else []
    params: tuple = ()
    if regime:
        where.append(sql.SQL("regime_id = %s"))
        params = (regime,)
    query = sql.SQL("select area_level, area_id, {cols} from {t} where {w}").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in [year, status, *extra]),
        t=table("fct_area_status"),
        w=sql.SQL(" and ").join(where) if where else sql.SQL("true"),
    )
    df = pdata.frame(conn, query, params)
    if "as_of_date" in df.columns:
        df = (
            df.sort_values("as_of_date")
            .groupby(["area_level", "area_id", year], as_index=False)
            .last()
        )
    data.status_history = df.rename(columns={year: "list_year", status: "status"})


def load_latest_generic(conn: psycopg.Connection, name: str) -> pd.DataFrame:
    cols = [c for c in columns(conn, name) if c not in ("geom", "geom_wgs84")]
    period = first_present(cols, "period_date", "as_of_date", "period_year", "year", "move_year")
    where = sql.SQL("true")
    if period:
        where = sql.SQL("{p} = (select max({p}) from {t})").format(
            p=sql.Identifier(period), t=table(name)
        )
    query = sql.SQL("select {cols} from {t} where {w}").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in cols), t=table(name), w=where
    )
    return pdata.frame(conn, query)


NOT_MOVES = {"birth", "death", "tenure_conversion"}
OUTSIDE_LABELS = {
    "from_other_municipality": "Anden kommune",
    "to_other_municipality": "Anden kommune",
    "from_abroad": "Udlandet",
    "to_abroad": "Udlandet",
}


def flow_node(tenure: str, move_type: str | None) -> str:
    """Label of one end of a flow: the tenure, or where a move from/to outside leads."""
    if tenure in ("none", "outside", "udenfor", "external") or tenure is None:
        return OUTSIDE_LABELS.get(move_type or "", "Uden for kommunen")
    return pdata.TENURE_LABELS.get(tenure, tenure)


def load_flows(conn: psycopg.Connection) -> dict[str, Any]:
    """Tenure-to-tenure flows for the whole municipality in the latest period of fct_flows."""
    cols = columns(conn, "fct_flows")
    origin = first_present(
        cols, "origin_tenure", "from_tenure", "tenure_from", "source_tenure", "tenure_origin"
    )
    dest = first_present(
        cols, "destination_tenure", "to_tenure", "tenure_to", "target_tenure", "tenure_destination"
    )
    value = first_present(
        cols, "persons", "n_persons", "movers", "n_movers", "moves", "n_moves", "flow_persons"
    )
    period = first_present(cols, "period_year", "move_year", "year", "period_date", "period_start")
    info: dict[str, Any] = {"columns": cols, "recognised": bool(origin and dest and value)}
    if not info["recognised"]:
        return info
    where: list[sql.Composable] = []
    for level_col in ("area_level", "origin_area_level"):
        if level_col in cols:
            levels = [
                r[0]
                for r in conn.execute(
                    sql.SQL("select distinct {} from {}").format(
                        sql.Identifier(level_col), table("fct_flows")
                    )
                ).fetchall()
            ]
            if "kommune" in levels:
                where.append(sql.SQL("{} = 'kommune'").format(sql.Identifier(level_col)))
            break
    for total_col in ("destination_area_id", "origin_area_id"):
        # rows with area id 'all' are totals over the other rows: count each move once
        if total_col in cols:
            (has_total,) = conn.execute(
                sql.SQL("select exists (select from {} where {} = 'all')").format(
                    table("fct_flows"), sql.Identifier(total_col)
                )
            ).fetchone()
            if has_total:
                where.append(sql.SQL("{} = 'all'").format(sql.Identifier(total_col)))
    if period:
        where.append(
            sql.SQL("{p} = (select max({p}) from {t})").format(
                p=sql.Identifier(period), t=table("fct_flows")
            )
        )
    kind = sql.Identifier("move_type") if "move_type" in cols else sql.SQL("null")
    query = sql.SQL(
        "select {o}::text, {d}::text, {k}::text, sum({v})::float8, "
        "count(*) filter (where {v} is null), max({p})::text from {t} where {w} group by 1, 2, 3"
    ).format(
        o=sql.Identifier(origin),
        d=sql.Identifier(dest),
        k=kind,
        v=sql.Identifier(value),
        p=sql.Identifier(period) if period else sql.SQL("null"),
        t=table("fct_flows"),
        w=sql.SQL(" and ").join(where) if where else sql.SQL("true"),
    )
    rows = conn.execute(query).fetchall()
    flows: dict[tuple[str, str], float] = defaultdict(float)
    suppressed = 0
    for o, d, move_type, v, n_null, _ in rows:
        # tenure 'all' rows are totals; births, deaths and conversions are not moves
        if "all" in (o, d) or move_type in NOT_MOVES:
            continue
        suppressed += n_null
        if v is not None:
            flows[(flow_node(o, move_type), flow_node(d, move_type))] += v
    info["flows"] = [(o, d, v) for (o, d), v in flows.items()]
    info["suppressed"] = suppressed
    info["period"] = next((p for *_, p in rows if p), None)
    info["value_column"] = value
    return info


# --- map classification ----------------------------------------------------------------------


def classify(
    values: dict[str, float | None], ind: pdata.Indicator
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    present = [v for v in values.values() if v is not None and not math.isnan(v)]
    palette = SEQ_BAD if ind.direction in ("higher_is_worse", "lower_is_worse") else SEQ_NEUTRAL
    if ind.direction == "lower_is_worse":
        palette = list(reversed(palette))
    fmt = formatter(ind.kind)
    legend: list[tuple[str, str]] = []
    fills: dict[str, str] = {}
    if present:
        lo, hi = min(present), max(present)
        if ind.kind == "share":
            lo, hi = math.floor(lo * 100) / 100, math.ceil(hi * 100) / 100
        n = 5 if hi > lo else 1
        step = (hi - lo) / n if n > 1 else 0
        breaks = [lo + step * i for i in range(n + 1)] if n > 1 else [lo, hi]
        colors = palette if n > 1 else [palette[2]]
        for key, v in values.items():
            if v is None or math.isnan(v):
                continue
            idx = 0 if step == 0 else min(int((v - lo) / step), n - 1)
            fills[key] = colors[idx]
        for i in range(n):
            legend.append((colors[i], f"{fmt(breaks[i])} – {fmt(breaks[i + 1])}"))
    legend.append((MISSING_FILL, f"{DASH} ikke offentliggjort (diskretion)"))
    return fills, legend


# --- pages -----------------------------------------------------------------------------------


class Site:
    def __init__(self, out_dir: Path, data: ReportData, initial_indicator: str):
        self.out = out_dir
        self.data = data
        self.initial = initial_indicator
        self.env = Environment(
            loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True)
        )
        self.ind_by_id = {i.indicator_id: i for i in data.indicators}
        self.names = {
            (r.area_level, r.area_id): r.area_name for r in data.areas.itertuples(index=False)
        }
        self.written: list[Path] = []
        self.background = [
            r.geometry for r in data.areas.itertuples(index=False) if r.area_level == "kommune"
        ]
        self.nav = [("index.html", "Oversigt")]
        if data.warnings is not None:
            self.nav.append(("early_warning.html", "Tidlig varsling"))
        if "fct_flows" in data.marts or data.turnover is not None:
            self.nav.append(("flows.html", "Flytninger"))
        self.nav.append(("about.html", "Om tallene"))

    def render(self, name: str, template: str, depth: int = 0, **ctx: Any) -> None:
        prefix = "../" * depth
        html = self.env.get_template(template).render(
            root=prefix,
            nav=self.nav,
            current=name,
            generated_at=self.data.generated_at,
            **ctx,
        )
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.written.append(path)

    # map shapes per level ------------------------------------------------------------------

    def levels(self) -> list[str]:
        counts = self.data.areas.groupby("area_level").size()
        levels = [
            lv for lv in counts.index if lv not in pdata.GRID_LEVELS or counts[lv] <= MAX_GRID_CELLS
        ]
        return sorted(levels, key=pdata.level_sort_key)

    def page_levels(self) -> list[str]:
        return [lv for lv in self.levels() if lv not in pdata.GRID_LEVELS]

    def latest_values(self) -> dict[tuple[str, str, str], tuple[float | None, Any]]:
        out = {}
        for r in self.data.latest.itertuples(index=False):
            ind = self.ind_by_id.get(r.indicator_id)
            raw = r.numerator if ind and ind.kind == "count" else r.share
            value = None if raw is None or pd.isna(raw) else float(raw)
            reason = None if pd.isna(r.suppression_reason) else str(r.suppression_reason)
            out[(r.area_level, r.area_id, r.indicator_id)] = (value, reason)
        return out

    def map_layers(self, level: str, latest: dict) -> tuple[list[str], dict[str, Any]]:
        keys = [r.area_id for r in self.data.areas.itertuples(index=False) if r.area_level == level]
        order: list[str] = []
        layers: dict[str, Any] = {}
        for ind in self.data.indicators:
            values = {k: latest.get((level, k, ind.indicator_id), (None, None))[0] for k in keys}
            fills, legend = classify(values, ind)
            period = self.data.periods.get(ind.indicator_id)
            tips = {
                k: f"{self.names.get((level, k), k)}: {fmt_value(values[k], ind.kind)}"
                for k in keys
            }
            layers[ind.indicator_id] = {
                "title": ind.name_da,
                "fills": fills,
                "tips": tips,
                "legend": legend,
                "caption": f"{ind.name_da}, {period.isoformat() if period else ''}; "
                "alle ejerformer. Grå: ikke offentliggjort (diskretion).",
            }
            order.append(ind.indicator_id)
        status = self.data.status
        if status is not None and not status.empty:
            col = pdata.status_label_column(status)
            part = status[status["area_level"] == level]
            codes = {r.area_id: getattr(r, col) for r in part.itertuples(index=False)}
            if codes:
                fills = {
                    k: STATUS_COLORS.get(str(c).removesuffix("_equivalent"), MISSING_FILL)
                    for k, c in codes.items()
                    if c is not None
                }
                used = sorted({str(c).removesuffix("_equivalent") for c in codes.values() if c})
                layers["_status"] = {
                    "title": "Listestatus (skyggeberegning)",
                    "fills": fills,
                    "tips": {
                        k: f"{self.names.get((level, k), k)}: {status_name(codes.get(k))}"
                        for k in keys
                    },
                    "legend": [(STATUS_COLORS.get(c, MISSING_FILL), status_name(c)) for c in used]
                    + [(MISSING_FILL, f"{DASH} ikke beregnet")],
                    "caption": "Kommunens egen beregning af kriterierne (skyggeberegning), "
                    "ikke den officielle liste"
                    + (
                        f"; listeår {int(part['target_list_year'].max())}"
                        if "target_list_year" in part.columns
                        and part["target_list_year"].notna().any()
                        else ""
                    )
                    + (
                        f", regelsæt {part['regime_id'].iloc[0]}"
                        if "regime_id" in part.columns
                        else ""
                    )
                    + ".",
                }
                order.insert(0, "_status")
        warnings = pdata.early_warning_per_area(self.data.warnings)
        if warnings is not None and "area_level" in warnings.columns:
            part = warnings[warnings["area_level"] == level]
            counts = {r.area_id: int(r.early_warning_count) for r in part.itertuples(index=False)}
            colours = {0: "#f2f2f2", 1: "#fdae61", 2: "#d7191c"}
            layers["_warning"] = {
                "title": "Tidlig varsling (antal varsler)",
                "fills": {k: colours[min(counts.get(k, 0), 2)] for k in keys},
                "tips": {
                    k: f"{self.names.get((level, k), k)}: {counts.get(k, 0)} varsler" for k in keys
                },
                "legend": [
                    (colours[0], "ingen varsler"),
                    (colours[1], "1 varsel"),
                    (colours[2], "2 eller flere varsler"),
                ],
                "caption": "Varsler i seneste opgørelse (marts.fct_early_warning); se siden "
                "Tidlig varsling.",
            }
            order.insert(1 if "_status" in layers else 0, "_warning")
        return order, layers

    def shapes(self, level: str, link_depth: int = 0, highlight: str | None = None):  # noqa: ANN201
        prefix = "../" * link_depth
        shapes = []
        for r in self.data.areas.itertuples(index=False):
            if r.area_level != level:
                continue
            href = None
            if level not in pdata.GRID_LEVELS and r.area_id != highlight:
                href = prefix + area_page(level, r.area_id)
            shapes.append(
                svg.MapShape(
                    key=r.area_id,
                    name=r.area_name or r.area_id,
                    geom=r.geometry,
                    fill=MISSING_FILL if r.area_id != highlight else "#fdae61",
                    href=href,
                )
            )
        return shapes

    # pages ---------------------------------------------------------------------------------

    def index(self) -> None:
        latest = self.latest_values()
        levels = self.levels()
        map_data: dict[str, Any] = {"levels": {}, "missing": MISSING_FILL, "initial": self.initial}
        svgs = []
        initial_level = "boligomraade" if "boligomraade" in levels else levels[0]
        for level in levels:
            order, layers = self.map_layers(level, latest)
            map_data["levels"][level] = {"order": order, "layers": layers}
            shapes = self.shapes(level)
            first = layers.get(self.initial) or layers[order[0]]
            for s in shapes:
                s.fill = first["fills"].get(s.key, MISSING_FILL)
                s.tooltip = first["tips"].get(s.key, s.name)
            attrs = {"data-level": level}
            if level != initial_level:
                attrs["hidden"] = ""
            svgs.append(
                Markup(
                    svg.map_svg(
                        shapes,
                        title=f"Kort: {pdata.level_label(level)}",
                        svg_id=f"map-{slug(level)}",
                        width=760,
                        attrs=attrs,
                        background=self.background if level != "kommune" else (),
                    )
                )
            )
        init_layers = map_data["levels"][initial_level]["layers"]
        init_layer = init_layers.get(self.initial) or next(iter(init_layers.values()))
        tables = [self.area_table(level, latest) for level in self.page_levels()]
        self.render(
            "index.html",
            "index.html",
            title="Boligsocial monitorering",
            levels=[(lv, pdata.level_label(lv)) for lv in levels],
            initial_level=initial_level,
            indicators=map_data["levels"][initial_level]["order"],
            layer_titles={
                k: v["title"] for k, v in map_data["levels"][initial_level]["layers"].items()
            },
            initial=self.initial if self.initial in init_layers else None,
            init_layer=init_layer,
            svgs=svgs,
            map_json=Markup(json.dumps(map_data, ensure_ascii=False).replace("</", "<\\/")),
            tables=tables,
            has_status=self.data.status is not None,
            missing_sections=self.missing_sections(),
        )

    def key_indicators(self) -> list[pdata.Indicator]:
        wanted = ["residents", "households", "origin_nw", "k1", "k3_dk_only", "k4_income"]
        found = [self.ind_by_id[i] for i in wanted if i in self.ind_by_id]
        return found or self.data.indicators[:5]

    def area_table(self, level: str, latest: dict) -> dict[str, Any]:
        keys = self.key_indicators()
        status_by_area = {}
        if self.data.status is not None and not self.data.status.empty:
            col = pdata.status_label_column(self.data.status)
            part = self.data.status[self.data.status["area_level"] == level]
            status_by_area = {r.area_id: getattr(r, col) for r in part.itertuples(index=False)}
        rows = []
        for r in self.data.areas.itertuples(index=False):
            if r.area_level != level:
                continue
            cells = []
            for ind in keys:
                value, _ = latest.get((level, r.area_id, ind.indicator_id), (None, None))
                cells.append(fmt_value(value, ind.kind))
            rows.append(
                {
                    "name": r.area_name or r.area_id,
                    "href": area_page(level, r.area_id),
                    "official": None if pd.isna(r.official_area_code) else r.official_area_code,
                    "cells": cells,
                    "status": status_name(status_by_area.get(r.area_id))
                    if status_by_area
                    else None,
                }
            )
        return {
            "level": pdata.level_label(level),
            "headers": [i.name_da for i in keys],
            "rows": rows,
            "has_status": bool(status_by_area),
        }

    def missing_sections(self) -> list[str]:
        missing = []
        for mart, section in (
            ("fct_area_criteria", "kriterier mod tærskler på områdesiderne"),
            ("fct_area_status", "listestatus på kort og områdesider"),
            ("fct_early_warning", "tidlig varsling"),
            ("fct_flows", "flytninger mellem ejerformer (Sankey)"),
        ):
            if mart not in self.data.marts:
                missing.append(f"{section} (marts.{mart} er ikke bygget endnu)")
        return missing

    def area_pages(self) -> None:
        latest = self.latest_values()
        series = self.data.series
        grouped = {k: g for k, g in series.groupby(["area_level", "area_id"])}
        for level in self.page_levels():
            shapes = None
            for r in self.data.areas.itertuples(index=False):
                if r.area_level != level:
                    continue
                shapes = self.shapes(level, link_depth=1, highlight=r.area_id)
                locator = Markup(
                    svg.map_svg(
                        shapes,
                        title=f"Placering af {r.area_name}",
                        width=360,
                        highlight=r.area_id,
                        background=self.background if level != "kommune" else (),
                    )
                )
                part = grouped.get((level, r.area_id))
                charts = self.indicator_charts(part)
                key_rows = []
                for ind in self.data.indicators:
                    value, reason = latest.get((level, r.area_id, ind.indicator_id), (None, None))
                    period = self.data.periods.get(ind.indicator_id)
                    key_rows.append(
                        {
                            "id": ind.indicator_id,
                            "name": ind.name_da,
                            "legal": ind.legal_criterion,
                            "period": period.isoformat() if period else "",
                            "value": fmt_value(value, ind.kind),
                            "suppressed": value is None,
                            "reason": REASONS.get(reason, reason) if reason else "",
                        }
                    )
                self.render(
                    area_page(level, r.area_id),
                    "area.html",
                    depth=1,
                    title=r.area_name or r.area_id,
                    level=pdata.level_label(level),
                    area=r,
                    official=None if pd.isna(r.official_area_code) else r.official_area_code,
                    locator=locator,
                    key_rows=key_rows,
                    charts=charts,
                    criteria=self.criteria_charts(level, r.area_id),
                    criteria_regime=self.data.criteria_regime,
                    has_criteria_mart="fct_area_criteria" in self.data.marts,
                    status_rows=self.status_rows(level, r.area_id),
                    has_status_mart="fct_area_status" in self.data.marts,
                )

    def indicator_charts(self, part: pd.DataFrame | None) -> list[dict[str, Any]]:
        charts = []
        if part is None:
            return charts
        by_ind = {k: g for k, g in part.groupby("indicator_id")}
        for ind in self.data.indicators:
            rows = by_ind.get(ind.indicator_id)
            if rows is None:
                continue
            value_col = "numerator" if ind.kind == "count" else "share"
            series_list = []
            legend = []
            total_points = suppressed_points = 0
            table_rows = []
            for tenure in TENURE_COLORS:
                t_rows = rows[rows["tenure"] == tenure]
                if t_rows.empty:
                    continue
                points = [
                    (p, None if pd.isna(v) else float(v))
                    for p, v in zip(t_rows["period_date"], t_rows[value_col], strict=True)
                ]
                if tenure != "all" and all(v is None for _, v in points):
                    continue
                is_all = tenure == "all"
                if is_all:
                    total_points = len(points)
                    suppressed_points = sum(v is None for _, v in points)
                    step = max(1, len(points) // 24)
                    table_rows = [
                        (p.isoformat(), fmt_value(v, ind.kind))
                        for i, (p, v) in enumerate(points)
                        if i % step == 0 or i == len(points) - 1
                    ]
                series_list.append(
                    svg.Series(
                        name=pdata.TENURE_LABELS.get(tenure, tenure),
                        points=points,
                        color=TENURE_COLORS[tenure],
                        width=2.6 if is_all else 1.3,
                        markers=ind.period_type != "point_in_time",
                        tooltips=is_all,
                    )
                )
                legend.append((TENURE_COLORS[tenure], pdata.TENURE_LABELS.get(tenure, tenure)))
            charts.append(
                {
                    "title": ind.name_da,
                    "subtitle": ind.name_en,
                    "legal": ind.legal_criterion,
                    "svg": Markup(
                        svg.line_chart(series_list, formatter(ind.kind), title=ind.name_da)
                    ),
                    "legend": legend,
                    "suppressed": suppressed_points,
                    "total": total_points,
                    "table": table_rows,
                }
            )
        return charts

    def criteria_charts(self, level: str, area_id: str) -> list[dict[str, Any]]:
        df = self.data.criteria
        if df is None:
            return []
        part = df[(df["area_level"] == level) & (df["area_id"] == area_id)]
        charts = []
        for crit, rows in part.groupby("criterion_id"):
            rows = rows.sort_values("list_year")
            dates = [date(int(y), 12, 1) for y in rows["list_year"]]
            values = [None if pd.isna(v) else float(v) for v in rows["value"]]
            thresholds = [None if pd.isna(v) else float(v) for v in rows["threshold"]]
            amount = any(v is not None and v > 5 for v in values + thresholds)
            kind = "count" if amount else "share"
            fmt = fmt_int if amount else (lambda v: fmt_share(v, 1))
            chart = svg.line_chart(
                [
                    svg.Series(
                        "Værdi",
                        list(zip(dates, values, strict=True)),
                        "#12355b",
                        markers=True,
                        tooltips=True,
                    ),
                    svg.Series(
                        "Tærskel",
                        list(zip(dates, thresholds, strict=True)),
                        "#c0392b",
                        dash="6 4",
                        markers=False,
                        tooltips=True,
                    ),
                ],
                fmt,
                title=f"Kriterium {crit}",
            )
            met = rows["is_met"].tolist() if "is_met" in rows.columns else []
            charts.append(
                {
                    "title": f"{str(crit).upper()}: "
                    + CRITERIA_LABELS.get(str(crit).lower(), str(rows["label"].iloc[-1])),
                    "svg": Markup(chart),
                    "rows": [
                        (
                            int(y),
                            fmt_value(v, kind),
                            fmt_value(t, kind),
                            DASH
                            if i >= len(met) or met[i] is None
                            else ("ja" if met[i] else "nej"),
                        )
                        for i, (y, v, t) in enumerate(
                            zip(rows["list_year"], values, thresholds, strict=True)
                        )
                    ],
                }
            )
        return charts

    def status_rows(self, level: str, area_id: str) -> list[tuple[Any, ...]]:
        df = self.data.status_history
        if df is None:
            return []
        part = df[(df["area_level"] == level) & (df["area_id"] == area_id)].sort_values("list_year")
        return [
            (
                int(r.list_year),
                status_name(r.status),
                self.whole(getattr(r, "criteria_met_count", None)),
                self.whole(getattr(r, "streak_years", None)),
            )
            for r in part.itertuples(index=False)
        ]

    def early_warning_page(self) -> None:
        df = self.data.warnings
        if df is None:
            return
        df = df.copy()
        grid_rows = 0
        if "area_level" in df.columns:
            is_grid = df["area_level"].isin(list(pdata.GRID_LEVELS))
            grid_rows = int(is_grid.sum())
            df = df[~is_grid]
            df = df.sort_values(
                ["area_level", "area_id"],
                key=lambda c: c.map(pdata.level_sort_key) if c.name == "area_level" else c,
            )
        if "area_id" in df.columns and "area_level" in df.columns:
            df.insert(
                0,
                "område",
                [
                    self.names.get((lv, a), a)
                    for lv, a in zip(df["area_level"], df["area_id"], strict=True)
                ],
            )
        links: list[str | None] = [None] * len(df)
        if {"area_level", "area_id"} <= set(df.columns):
            links = [
                None if lv in pdata.GRID_LEVELS or (lv, a) not in self.names else area_page(lv, a)
                for lv, a in zip(df["area_level"], df["area_id"], strict=True)
            ]
            df["area_level"] = df["area_level"].map(pdata.level_label)
        official = (
            df["is_official_assessment"].fillna(False).astype(bool)
            if "is_official_assessment" in df.columns
            else pd.Series(True, index=df.index)
        )
        for col in ("status", "projected_status_next_list", "category_id"):
            if col in df.columns:
                # outside the ministry's areas a category is only "svarende til" (criteria.md §4)
                df[col] = [
                    status_name(equivalent(v) if not off else v)
                    for v, off in zip(df[col], official, strict=True)
                ]
        headers = [COLUMN_LABELS.get(c, c) for c in df.columns]
        rows = [
            {"cells": [self.cell(v) for v in r], "href": link}
            for r, link in zip(df.itertuples(index=False), links, strict=True)
        ]
        self.render(
            "early_warning.html",
            "table_page.html",
            title="Tidlig varsling",
            intro="Områder tæt på en tærskel eller en liste (marts.fct_early_warning, seneste "
            "opgørelse, gældende regelsæt). Skyggeberegning: kommunens egen beregning, ikke den "
            "officielle liste."
            + (
                f" {grid_rows} varsler for kvadratnetceller er ikke vist her; de står i "
                "GeoPackage- og CSV-eksporten."
                if grid_rows
                else ""
            ),
            headers=headers,
            rows=rows,
        )

    def flows_page(self) -> None:
        if "fct_flows" not in self.data.marts and self.data.turnover is None:
            return
        flows = self.data.flows
        sankey = None
        if flows.get("recognised"):
            named = [("fra " + o, "til " + d, v) for o, d, v in flows["flows"]]
            colours_by_label = {pdata.TENURE_LABELS.get(k, k): c for k, c in TENURE_COLORS.items()}
            colors = {}
            for o, d, _ in flows["flows"]:
                colors["fra " + o] = colours_by_label.get(o, "#17becf")
                colors["til " + d] = colours_by_label.get(d, "#17becf")
            sankey = Markup(
                svg.sankey_svg(
                    named, title="Flytninger mellem ejerformer", colors=colors, fmt=fmt_int
                )
            )
        turnover = None
        if self.data.turnover is not None:
            df = self.data.turnover.copy()
            if {"niveau", "område"} <= set(df.columns):
                known = [
                    (lv, a) in self.names for lv, a in zip(df["niveau"], df["område"], strict=True)
                ]
                df = df[known]
                df["område"] = [
                    self.names.get((lv, a), a)
                    for lv, a in zip(df["niveau"], df["område"], strict=True)
                ]
                df["niveau"] = df["niveau"].map(pdata.level_label)
            turnover = {
                "headers": list(df.columns),
                "rows": [[self.cell(v) for v in r] for r in df.itertuples(index=False)],
            }
        self.render(
            "flows.html",
            "flows.html",
            title="Flytninger",
            flows=flows,
            sankey=sankey,
            turnover=turnover,
        )

    @staticmethod
    def whole(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return DASH
        return str(int(value))

    @staticmethod
    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return DASH
        if isinstance(value, bool):
            return "ja" if value else "nej"
        if isinstance(value, float):
            return f"{value:.1f}".replace(".", ",")
        return str(value)

    def about_page(self) -> None:
        coverage = None
        if self.data.coverage is not None and not self.data.coverage.empty:
            coverage = []
            for key, value in self.data.coverage.iloc[0].items():
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    shown = DASH
                elif key.endswith("_share"):
                    shown = fmt_share(float(value))
                elif isinstance(value, numbers.Number):
                    shown = fmt_int(float(value))
                else:
                    shown = str(value)
                coverage.append((key, shown))
        self.render(
            "about.html",
            "about.html",
            title="Om tallene",
            marts=sorted(self.data.marts),
            missing=self.missing_sections(),
            indicators=self.data.indicators,
            periods=self.data.periods,
            coverage=coverage,
            reasons=REASONS,
        )


def build_report(out_dir: Path, indicator: str = "origin_nw") -> list[Path]:
    """Write the report into out_dir (replacing an earlier report there); returns the pages."""
    with reader() as conn:
        data = load(conn)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "assets").mkdir(parents=True)
    (out_dir / "assets" / "report.css").write_text(CSS, encoding="utf-8")
    (out_dir / "assets" / "report.js").write_text(JS, encoding="utf-8")
    site = Site(out_dir, data, indicator)
    site.index()
    site.area_pages()
    site.early_warning_page()
    site.flows_page()
    site.about_page()
    return site.written


def pages_by_kind(paths: list[Path]) -> dict[str, list[Path]]:
    kinds: dict[str, list[Path]] = defaultdict(list)
    for p in paths:
        kinds["area" if p.parent.name == "areas" else p.stem].append(p)
    return dict(kinds)
