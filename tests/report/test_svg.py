"""The SVG renderers on hand-made inputs (no database): gaps for suppressed values, escaping,
map projection, Sankey widths; and the Sankey rendered in Chromium is not blank."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from PIL import Image, ImageStat
from shapely.geometry import box

from loaders.report import svg
from loaders.report.build import fmt_amount, fmt_int, fmt_share, fmt_value


def test_line_chart_breaks_at_suppressed_values() -> None:
    points = [
        (date(2020, m, 28), v)
        for m, v in zip(range(1, 8), [0.1, 0.2, None, 0.3, 0.3, None, 0.4], strict=True)
    ]
    out = svg.line_chart([svg.Series("Alle", points)], fmt_share, title="t & <x>")
    ET.fromstring(out)  # well-formed XML
    assert out.count("<polyline") == 2  # [0.1, 0.2] and [0.3, 0.3]
    assert out.count("<circle") == 1  # the lone 0.4
    assert "t &amp; &lt;x&gt;" in out


def test_line_chart_without_values_says_so() -> None:
    out = svg.line_chart([svg.Series("Alle", [(date(2020, 1, 1), None)])], fmt_share)
    assert "Ingen offentliggjorte værdier" in out and "<polyline" not in out


def test_map_projects_north_up_and_links() -> None:
    shapes = [
        svg.MapShape("a", "Nord", box(0, 1000, 1000, 2000), "#ff0000", "Nord: 10 %", "a.html"),
        svg.MapShape("b", "Syd", box(0, 0, 1000, 1000), "#00ff00", "Syd: –"),
    ]
    out = svg.map_svg(shapes, title="Kort", width=206)
    ET.fromstring(out)
    paths = re.findall(r'<path d="M([0-9.]+) ([0-9.]+)[^"]*" fill="(#[0-9a-f]+)"', out)
    ys = {fill: float(y) for _, y, fill in paths}
    assert ys["#ff0000"] < ys["#00ff00"]  # north is drawn above south
    assert '<a href="a.html">' in out and out.count("<a ") == 1


def test_sankey_widths_are_proportional(tmp_path: Path, browser_context) -> None:  # noqa: ANN001
    flows = [
        ("fra Almen", "til Ejer", 30.0),
        ("fra Almen", "til Almen", 10.0),
        ("fra Ejer", "til Ejer", 20.0),
    ]
    out = svg.sankey_svg(
        flows, title="S", colors={"fra Almen": "#d62728", "fra Ejer": "#2ca02c"}, fmt=fmt_int
    )
    ET.fromstring(out)
    nodes = re.findall(r'width="14" height="([0-9.]+)" fill="[^"]+"/><text[^>]*>([^<(]+)\(', out)
    heights = {label.strip(): float(h) for h, label in nodes}
    assert set(heights) == {"fra Almen", "fra Ejer", "til Ejer", "til Almen"}
    assert abs(heights["fra Almen"] / heights["til Ejer"] - 40 / 50) < 0.02
    assert abs(heights["fra Ejer"] / heights["til Almen"] - 20 / 10) < 0.02
    page_path = tmp_path / "sankey.html"
    page_path.write_text(f"<!DOCTYPE html><html><body>{out}</body></html>", encoding="utf-8")
    page = browser_context.new_page()
    page.goto(page_path.as_uri())
    png = page.locator("svg.sankey").screenshot()
    page.close()
    image = Image.open(io.BytesIO(png)).convert("L")
    assert sum(ImageStat.Stat(image).var) > 50


def test_danish_number_formats() -> None:
    assert fmt_share(0.3412) == "34,1 %"
    assert fmt_int(12345.4) == "12.345"
    assert fmt_amount(299018) == "299.018 kr."
    assert fmt_value(None, "share") == "–"
    assert fmt_value(float("nan"), "count") == "–"
