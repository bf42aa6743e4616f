"""Charts and maps as inline SVG, rendered in Python.

Why not a JavaScript charting library: the report must work offline on a municipal intranet, in
locked-down browsers, for years. Inline SVG needs no CDN, no vendored 4 MB bundle, no script to
draw (pages print and render with JavaScript off), and it is testable as text. A few lines of
shared vanilla JavaScript (assets/report.js) only switch which precomputed map colouring shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

FONT = "font-family=\"system-ui, 'Segoe UI', Arial, sans-serif\""


@dataclass
class Series:
    name: str
    points: list[tuple[date, float | None]]
    color: str = "#1f5fa8"
    width: float = 2.0
    dash: str | None = None
    markers: bool = False
    tooltips: bool = False


@dataclass
class MapShape:
    key: str
    name: str
    geom: object  # shapely geometry in a projected CRS (metres)
    fill: str = "#eeeeee"
    tooltip: str = ""
    href: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    value = start
    while value <= hi + step * 0.5:
        ticks.append(round(value, 10))
        value += step
        if len(ticks) > 12:
            break
    return ticks


def line_chart(
    series: Sequence[Series],
    fmt: Callable[[float], str],
    *,
    title: str = "",
    width: int = 640,
    height: int = 240,
    zero_based: bool = True,
) -> str:
    """A time-series line chart; None values break the line (suppressed periods)."""
    left, right, top, bottom = 64, 22, 12, 28
    values = [v for s in series for _, v in s.points if v is not None]
    dates = [d for s in series for d, _ in s.points]
    label = escape(title)
    if not values or not dates:
        return (
            f'<svg class="chart empty" role="img" aria-label="{label}" viewBox="0 0 {width} 60" '
            f'width="{width}" height="60"><text x="8" y="34" {FONT} font-size="13" fill="#555">'
            "Ingen offentliggjorte værdier (–)</text></svg>"
        )
    lo = min(0.0, min(values)) if zero_based else min(values)
    hi = max(values)
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    left = max(left, 14 + 7 * max(len(fmt(t)) for t in ticks))
    d0, d1 = min(dates).toordinal(), max(dates).toordinal()
    if d1 == d0:
        d0, d1 = d0 - 180, d1 + 180
    pw, ph = width - left - right, height - top - bottom

    def x(d: date) -> float:
        return left + (d.toordinal() - d0) / (d1 - d0) * pw

    def y(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo or 1) * ph

    out = [
        f'<svg class="chart" role="img" aria-label="{label}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for t in ticks:
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            'stroke="#e3e3e3"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" {FONT} font-size="11" '
            f'fill="#444">{escape(fmt(t))}</text>'
        )
    first_year, last_year = min(dates).year, max(dates).year
    step = max(1, math.ceil((last_year - first_year + 1) / 10))
    for year in range(first_year, last_year + 2, step):
        d = date(year, 1, 1)
        if d0 <= d.toordinal() <= d1 and x(d) <= width - right - 8:
            out.append(
                f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="{top}" y2="{top + ph}" '
                'stroke="#f0f0f0"/>'
                f'<text x="{x(d):.1f}" y="{height - 8}" text-anchor="middle" {FONT} '
                f'font-size="11" fill="#444">{year}</text>'
            )
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}" stroke="#888"/>'
    )
    for s in series:
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for d, v in sorted(s.points, key=lambda p: p[0]):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(d):.1f},{y(v):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) == 1:
                cx, cy = seg[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{s.color}"/>')
            else:
                out.append(
                    f'<polyline fill="none" stroke="{s.color}" stroke-width="{s.width}"{dash} '
                    f'stroke-linejoin="round" points="{" ".join(seg)}"/>'
                )
        if s.markers or s.tooltips:
            for d, v in s.points:
                if v is None:
                    continue
                tip = f"<title>{escape(s.name)} {d.isoformat()}: {escape(fmt(v))}</title>"
                r = 3 if s.markers else 6
                fill = s.color if s.markers else "transparent"
                out.append(
                    f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="{r}" fill="{fill}">{tip}</circle>'
                )
    out.append("</svg>")
    return "".join(out)


def _ring(coords: Sequence[tuple[float, ...]], tx: Callable[[float, float], str]) -> str:
    pts = [tx(c[0], c[1]) for c in coords]
    return "M" + "L".join(pts) + "Z"


def _path(geom: object, tx: Callable[[float, float], str]) -> str:
    polys = getattr(geom, "geoms", [geom])
    parts = []
    for poly in polys:
        if poly.is_empty:
            continue
        parts.append(_ring(poly.exterior.coords, tx))
        parts.extend(_ring(i.coords, tx) for i in poly.interiors)
    return "".join(parts)


def map_svg(
    shapes: Sequence[MapShape],
    *,
    title: str,
    width: int = 640,
    svg_id: str | None = None,
    highlight: str | None = None,
    css_class: str = "map",
    attrs: dict[str, str] | None = None,
    background: Sequence[object] = (),
) -> str:
    """A choropleth of projected polygons (EPSG:25832: x east, y north, metres), drawn over
    `background` polygons (e.g. the municipality) for orientation."""
    shapes = [s for s in shapes if s.geom is not None and not s.geom.is_empty]
    if not shapes:
        return '<p class="note">Ingen områdegeometri.</p>'
    back = [g for g in background if g is not None and not g.is_empty]
    bounds = [s.geom.bounds for s in shapes] + [g.bounds for g in back]
    minx = min(b[0] for b in bounds)
    miny = min(b[1] for b in bounds)
    maxx = max(b[2] for b in bounds)
    maxy = max(b[3] for b in bounds)
    pad = 6
    scale = (width - 2 * pad) / max(maxx - minx, 1.0)
    height = int((maxy - miny) * scale + 2 * pad)
    tolerance = max(maxx - minx, maxy - miny) / 1500

    def tx(px: float, py: float) -> str:
        return f"{(px - minx) * scale + pad:.1f} {(maxy - py) * scale + pad:.1f}"

    ident = f' id="{escape(svg_id)}"' if svg_id else ""
    for key, value in (attrs or {}).items():
        ident += f' {key}="{escape(value)}"' if value else f" {key}"
    out = [
        f'<svg{ident} class="{css_class}" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f7fbff"/>',
    ]
    for geom in back:
        out.append(
            f'<path d="{_path(geom.simplify(tolerance), tx)}" fill="#e9edf1" '
            'stroke="#9aa4ae" stroke-width="1" fill-rule="evenodd" pointer-events="none"/>'
        )
    ordered = sorted(shapes, key=lambda s: s.key == highlight)
    for s in ordered:
        geom = s.geom.simplify(tolerance, preserve_topology=True)
        extra = "".join(f' {k}="{escape(v)}"' for k, v in s.attrs.items())
        stroke = (
            'stroke="#000" stroke-width="3"'
            if s.key == highlight
            else 'stroke="#555" stroke-width="0.8"'
        )
        path = (
            f'<path d="{_path(geom, tx)}" fill="{s.fill}" fill-rule="evenodd" {stroke} '
            f'data-area="{escape(s.key)}"{extra}><title>{escape(s.tooltip or s.name)}</title>'
            "</path>"
        )
        if s.href:
            path = f'<a href="{escape(s.href)}">{path}</a>'
        out.append(path)
    out.append("</svg>")
    return "".join(out)


def sankey_svg(
    flows: Sequence[tuple[str, str, float]],
    *,
    title: str,
    colors: dict[str, str],
    fmt: Callable[[float], str],
    width: int = 820,
    height: int = 420,
) -> str:
    """A two-column Sankey diagram: origin categories left, destination categories right."""
    flows = [(a, b, v) for a, b, v in flows if v and v > 0]
    if not flows:
        return '<p class="note">Ingen offentliggjorte flytninger (–).</p>'
    left_tot: dict[str, float] = {}
    right_tot: dict[str, float] = {}
    for a, b, v in flows:
        left_tot[a] = left_tot.get(a, 0) + v
        right_tot[b] = right_tot.get(b, 0) + v
    total = sum(v for _, _, v in flows)
    gap, node_w, label_w, top = 10, 14, 200, 8
    usable = height - 2 * top - gap * (max(len(left_tot), len(right_tot)) - 1)
    k = usable / total
    x_left, x_right = label_w, width - label_w - node_w

    def layout(totals: dict[str, float]) -> dict[str, float]:
        pos, cursor = {}, float(top)
        for name in sorted(totals, key=lambda n: -totals[n]):
            pos[name] = cursor
            cursor += totals[name] * k + gap
        return pos

    ly, ry = layout(left_tot), layout(right_tot)
    out_off = dict.fromkeys(left_tot, 0.0)
    in_off = dict.fromkeys(right_tot, 0.0)
    out = [
        f'<svg class="sankey" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for a, b, v in sorted(flows, key=lambda f: (-left_tot[f[0]], -right_tot[f[1]])):
        h = v * k
        y0 = ly[a] + out_off[a]
        y1 = ry[b] + in_off[b]
        out_off[a] += h
        in_off[b] += h
        xa, xb = x_left + node_w, x_right
        mid = (xa + xb) / 2
        d = (
            f"M{xa:.1f},{y0:.1f}C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {xb:.1f},{y1:.1f}"
            f"L{xb:.1f},{y1 + h:.1f}C{mid:.1f},{y1 + h:.1f} {mid:.1f},{y0 + h:.1f} "
            f"{xa:.1f},{y0 + h:.1f}Z"
        )
        out.append(
            f'<path d="{d}" fill="{colors.get(a, "#999")}" fill-opacity="0.45" stroke="none">'
            f"<title>{escape(a)} → {escape(b)}: {escape(fmt(v))}</title></path>"
        )
    for name, y0 in ly.items():
        h = left_tot[name] * k
        out.append(
            f'<rect x="{x_left}" y="{y0:.1f}" width="{node_w}" height="{max(h, 1):.1f}" '
            f'fill="{colors.get(name, "#999")}"/>'
            f'<text x="{x_left - 6}" y="{y0 + h / 2 + 4:.1f}" text-anchor="end" {FONT} '
            f'font-size="12">{escape(name)} ({escape(fmt(left_tot[name]))})</text>'
        )
    for name, y0 in ry.items():
        h = right_tot[name] * k
        out.append(
            f'<rect x="{x_right}" y="{y0:.1f}" width="{node_w}" height="{max(h, 1):.1f}" '
            f'fill="{colors.get(name, "#999")}"/>'
            f'<text x="{x_right + node_w + 6}" y="{y0 + h / 2 + 4:.1f}" {FONT} '
            f'font-size="12">{escape(name)} ({escape(fmt(right_tot[name]))})</text>'
        )
    out.append("</svg>")
    return "".join(out)
