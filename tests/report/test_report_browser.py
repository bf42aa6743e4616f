"""The HTML report in headless Chromium: every page loads offline without console errors, the
map and the charts render (non-blank screenshots), all links resolve, the map controls work,
suppressed cells show as "–", and sections follow the marts that exist."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
from PIL import Image, ImageStat

from loaders.publicdata import GRID_LEVELS, indicators
from loaders.report.build import DASH, area_page, fmt_value


def pages(report_dir: Path) -> list[Path]:
    return sorted(report_dir.rglob("*.html"))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def visit(context, path: Path):  # noqa: ANN001, ANN201
    """Open a page; returns (page, problems) where problems lists console errors, page
    errors, failed requests and every attempt to reach the network."""
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    def guard(route) -> None:  # noqa: ANN001
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            problems.append(f"network request (report must be offline): {url}")
            route.abort()

    page.route("**/*", guard)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, problems


def non_blank(png: bytes, name: str, out_dir: Path) -> tuple[float, int]:
    (out_dir / name).write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    variance = sum(ImageStat.Stat(image.convert("L")).var)
    colours = len(image.getcolors(maxcolors=1 << 20) or [])
    return variance, colours


def test_report_has_expected_pages(report_dir: Path, conn: psycopg.Connection) -> None:
    assert (report_dir / "index.html").exists()
    assert (report_dir / "about.html").exists()
    assert (report_dir / "assets" / "report.css").exists()
    assert (report_dir / "assets" / "report.js").exists()
    areas = conn.execute(
        "select area_level, area_id from marts.dim_area where is_current"
    ).fetchall()
    assert areas, "dim_area is empty"
    for level, area_id in areas:
        if level not in GRID_LEVELS:
            assert (report_dir / area_page(level, area_id)).exists(), (level, area_id)


def test_every_page_loads_offline_without_console_errors(report_dir: Path, browser_context) -> None:  # noqa: ANN001
    failures = {}
    for path in pages(report_dir):
        page, problems = visit(browser_context, path)
        assert page.title().endswith("boligmon"), path
        page.close()
        if problems:
            failures[str(path.relative_to(report_dir))] = problems
    assert not failures, failures


def test_all_links_resolve_locally(report_dir: Path) -> None:
    broken, external = [], []
    checked = 0
    for path in pages(report_dir):
        parser = Links()
        parser.feed(path.read_text(encoding="utf-8"))
        for url in parser.urls:
            if url.startswith("#"):
                continue
            if re.match(r"^[a-z]+:", url):
                external.append((path.name, url))
                continue
            target = (path.parent / url.split("#")[0]).resolve()
            checked += 1
            if not target.exists():
                broken.append((str(path.relative_to(report_dir)), url))
    assert checked > 0
    assert not external, f"links leaving the report (must work offline): {external}"
    assert not broken, broken


def test_no_cdn_or_remote_assets(report_dir: Path) -> None:
    for path in [*pages(report_dir), *(report_dir / "assets").iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), path


def test_map_renders_and_switches(report_dir: Path, browser_context, screenshot_dir: Path) -> None:  # noqa: ANN001
    page, problems = visit(browser_context, report_dir / "index.html")
    visible = page.locator("svg.map:not([hidden])")
    assert visible.count() == 1
    variance, colours = non_blank(visible.screenshot(), "map-index.png", screenshot_dir)
    assert variance > 50 and colours >= 3, (variance, colours)
    page.screenshot(path=str(screenshot_dir / "report-index.png"), full_page=True)

    def state() -> tuple[str, list[str]]:
        svg = page.locator("svg.map:not([hidden])")
        level = svg.get_attribute("data-level")
        titles = svg.locator("path title").all_text_contents()
        return level, titles

    level0, titles0 = state()
    options = page.locator("#map-indicator option").all()
    assert len(options) >= 2
    current = page.locator("#map-indicator").input_value()
    other = next(o.get_attribute("value") for o in options if o.get_attribute("value") != current)
    page.select_option("#map-indicator", other)
    level1, titles1 = state()
    assert level1 == level0 and titles1 != titles0, "indicator switch changed nothing"
    levels = [o.get_attribute("value") for o in page.locator("#map-level option").all()]
    if len(levels) > 1:
        target = next(lv for lv in levels if lv != level0)
        page.select_option("#map-level", target)
        assert state()[0] == target
        assert page.locator("svg.map:not([hidden])").count() == 1
    assert not problems, problems
    page.close()


def test_area_charts_render(
    report_dir: Path,
    browser_context,
    screenshot_dir: Path,
    conn: psycopg.Connection,  # noqa: ANN001
) -> None:
    # the area with the most published values gets its charts checked pixel by pixel
    level, area_id = conn.execute(
        "select f.area_level, f.area_id from marts.fct_area_indicators as f "
        "inner join marts.dim_area as a on f.area_level = a.area_level "
        "and f.area_id = a.area_id and a.is_current "
        "where not f.is_suppressed group by 1, 2 order by count(*) desc, 1, 2 limit 1"
    ).fetchone()
    page, problems = visit(browser_context, report_dir / area_page(level, area_id))
    charts = page.locator("svg.chart:not(.empty)")
    assert charts.count() >= 3
    assert page.locator("svg.chart polyline").count() > 0
    for i in range(min(charts.count(), 3)):
        variance, colours = non_blank(
            charts.nth(i).screenshot(), f"chart-{level}-{area_id}-{i}.png", screenshot_dir
        )
        assert variance > 50 and colours >= 3, (i, variance, colours)
    locator = page.locator("svg.map")
    variance, colours = non_blank(locator.screenshot(), "map-locator.png", screenshot_dir)
    assert variance > 50 and colours >= 3
    page.screenshot(path=str(screenshot_dir / "report-area.png"), full_page=True)
    assert not problems, problems
    page.close()


def test_key_figures_match_marts_and_suppressed_show_dash(
    report_dir: Path, conn: psycopg.Connection
) -> None:
    kinds = {i.indicator_id: i.kind for i in indicators(conn)}
    rows = conn.execute(
        """
        with latest as (
            select indicator_id, max(period_date) as period_date
            from marts.fct_area_indicators where tenure = 'all' group by indicator_id
        )
        select f.area_level, f.area_id, f.indicator_id, f.numerator::float8, f.share::float8,
               f.is_suppressed
        from marts.fct_area_indicators as f
        inner join latest using (indicator_id, period_date)
        inner join marts.dim_area as a
            on f.area_level = a.area_level and f.area_id = a.area_id and a.is_current
        where f.tenure = 'all'
        """
    ).fetchall()
    assert rows
    cell = re.compile(r'data-indicator="([^"]+)"[^>]*>([^<]*)<')
    pages_cache: dict[str, dict[str, str]] = {}
    suppressed_seen = 0
    for level, area_id, indicator_id, numerator, share, is_suppressed in rows:
        name = area_page(level, area_id)
        if name not in pages_cache:
            text = (report_dir / name).read_text(encoding="utf-8")
            pages_cache[name] = dict(cell.findall(text))
        shown = pages_cache[name][indicator_id]
        kind = kinds[indicator_id]
        if is_suppressed:
            suppressed_seen += 1
            assert shown == DASH, (name, indicator_id, shown)
        else:
            expected = fmt_value(numerator if kind == "count" else share, kind)
            assert shown == expected, (name, indicator_id, shown, expected)
    assert pages_cache


def test_sections_follow_existing_marts(
    report_dir: Path, marts: set[str], conn: psycopg.Connection
) -> None:
    assert (report_dir / "early_warning.html").exists() == ("fct_early_warning" in marts)
    has_flows = "fct_flows" in marts or "fct_area_turnover" in marts
    assert (report_dir / "flows.html").exists() == has_flows
    about = (report_dir / "about.html").read_text(encoding="utf-8")
    for mart in ("fct_area_criteria", "fct_area_status", "fct_early_warning", "fct_flows"):
        if mart not in marts:
            assert f"marts.{mart} er ikke bygget endnu" in about
    area_pages = list((report_dir / "areas").glob("*.html"))
    with_criteria = [p for p in area_pages if "Kriterier mod tærskler" in p.read_text("utf-8")]
    if "fct_area_criteria" not in marts:
        assert not with_criteria
    else:
        (assessed,) = conn.execute(
            "select count(*) from marts.fct_area_criteria as c inner join marts.dim_area as a "
            "on c.area_level = a.area_level and c.area_id = a.area_id and a.is_current"
        ).fetchone()
        assert bool(with_criteria) == (assessed > 0)
    if "fct_flows" in marts:
        flows = (report_dir / "flows.html").read_text(encoding="utf-8")
        assert 'class="sankey"' in flows or "kunne ikke" in flows or "Ingen offentlig" in flows
    index = (report_dir / "index.html").read_text(encoding="utf-8")
    assert ("Listestatus" in index) == ("fct_area_status" in marts)


@pytest.mark.parametrize("page_name", ["index.html", "about.html"])
def test_pages_are_danish(report_dir: Path, page_name: str) -> None:
    text = (report_dir / page_name).read_text(encoding="utf-8")
    assert '<html lang="da">' in text
    assert "diskretion" in text


def test_no_missing_value_leaks_as_text(report_dir: Path) -> None:
    """Missing values are shown as "–", never as pandas/Python spellings."""
    leak = re.compile(r'>\s*(nan|NaN|None|NaT|<NA>)\s*<|="(nan|None|NaT)"')
    for path in pages(report_dir):
        match = leak.search(path.read_text(encoding="utf-8"))
        assert not match, (path.name, match.group(0) if match else None)
