"""Static SVG charts, for documents drawn without JavaScript (PDF through WeasyPrint).

Each function returns the text of one ``<svg>`` element (inline in HTML) sized in CSS pixels,
with its texts escaped and its font given by `font_family`:

- `line_chart`: lines over a numeric x axis (years), with labelled ticks, a legend and
  optional point markers (a target, a milestone);
- `bar_chart`: horizontal bars with their labels and values;
- `ring_chart`: segments around a circle in two rings (such as the 17 SDGs: an inner ring in
  the goals' colours with their numbers, an outer ring coloured by status).

Axis ranges come from "nice" tick steps (1, 2, 2.5 or 5 x 10^k).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT_FAMILY = "IPAPGothic, 'IPAGothic', 'Noto Sans CJK JP', system-ui, sans-serif"
INK = "#1c2733"
MUTED = "#5d6b7a"
GRID = "#e5e8eb"


@dataclass(frozen=True)
class Line:
    """One line: a name (legend), x and y values (None leaves a gap), a colour."""

    name: str
    x: Sequence[float]
    y: Sequence[float | None]
    colour: str
    dash: bool = False


@dataclass(frozen=True)
class Marker:
    """A point drawn over the lines: ``diamond``, ``circle`` or ``cross``, with a label."""

    x: float
    y: float
    label: str
    colour: str = INK
    shape: str = "diamond"


@dataclass(frozen=True)
class Segment:
    """One segment of a ring chart: `inner` colour and `text`, `outer` colour, a `title`."""

    text: str
    inner: str
    outer: str
    title: str = ""


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def format_tick(value: float) -> str:
    """A tick label: thousands separators, no needless decimals."""
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6g}"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 11,
    anchor: str = "start",
    colour: str = MUTED,
    weight: str = "normal",
    font_family: str = FONT_FAMILY,
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}" font-weight="{weight}" font-family="{escape(font_family)}">'
        f"{escape(text)}</text>"
    )


def line_chart(
    lines: Sequence[Line],
    *,
    markers: Sequence[Marker] = (),
    y_title: str = "",
    width: int = 640,
    height: int = 280,
    y_from_zero: bool = False,
    font_family: str = FONT_FAMILY,
    title: str = "",
) -> str:
    """An SVG line chart of `lines` (x: years), with `markers` and a legend above."""
    xs = [float(x) for line in lines for x in line.x] + [m.x for m in markers]
    ys = [float(y) for line in lines for y in line.y if y is not None] + [m.y for m in markers]
    if not xs or not ys:
        return _empty(width, height, font_family)
    y_low, y_high = (min(0.0, min(ys)) if y_from_zero else min(ys)), max(ys)
    pad = (y_high - y_low) * 0.08 or abs(y_high) * 0.1 or 1.0
    y_ticks = nice_ticks(y_low - (0 if y_from_zero else pad), y_high + pad)
    x_low, x_high = min(xs), max(xs)
    if x_high == x_low:
        x_low, x_high = x_low - 1, x_high + 1
    left, right, bottom = 64, 16, 30
    layout = _legend_layout(_legend_entries(lines, markers), left, width - right)
    legend_rows = 1 + max((row for _, row, _ in layout), default=-1)
    top = 14 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x_low) / (x_high - x_low) * plot_w

    def py(y: float) -> float:
        return top + (y_ticks[-1] - y) / (y_ticks[-1] - y_ticks[0]) * plot_h

    parts = [_open(width, height, title)]
    for tick in y_ticks:
        y = py(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            _text(left - 6, y + 4, format_tick(tick), anchor="end", font_family=font_family)
        )
    step = max(1, math.ceil((x_high - x_low) / 8))
    year = math.ceil(x_low)
    while year <= x_high:
        parts.append(
            _text(
                px(year),
                height - bottom + 16,
                str(int(year)),
                anchor="middle",
                font_family=font_family,
            )
        )
        year += step
    if y_title:
        parts.append(
            f'<text transform="translate(12,{top + plot_h / 2:.1f}) rotate(-90)" font-size="11" '
            f'text-anchor="middle" fill="{MUTED}" font-family="{escape(font_family)}">'
            f"{escape(y_title)}</text>"
        )
    for line in lines:
        points = [
            (px(float(x)), py(float(y)))
            for x, y in zip(line.x, line.y, strict=True)
            if y is not None
        ]
        if not points:
            continue
        dash = ' stroke-dasharray="5 4"' if line.dash else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{line.colour}" '
            f'stroke-width="2.2"{dash}/>'
        )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.8" fill="{line.colour}"/>' for x, y in points
        )
    for marker in markers:
        parts.append(_marker(px(marker.x), py(marker.y), marker))
    parts.extend(_legend(lines, markers, left, width - right, font_family))
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    label = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{label}'
    )


def _empty(width: int, height: int, font_family: str) -> str:
    return (
        _open(width, height, "")
        + _text(width / 2, height / 2, "–", anchor="middle", font_family=font_family)
        + "</svg>"
    )


def _marker(x: float, y: float, marker: Marker) -> str:
    if marker.shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{marker.colour}"/>'
    if marker.shape == "cross":
        return (
            f'<path d="M{x - 5:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 5:.1f} M{x - 5:.1f},'
            f'{y + 5:.1f} L{x + 5:.1f},{y - 5:.1f}" stroke="{marker.colour}" stroke-width="2.5"/>'
        )
    return (
        f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} '
        f'L{x - 7:.1f},{y:.1f} Z" fill="{marker.colour}"/>'
    )


def text_width(text: str, size: int = 11) -> float:
    """An estimate of the width of `text` in pixels: wide (CJK) characters count one em,
    others about 0.58 em."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def _legend_entries(lines: Sequence[Line], markers: Sequence[Marker]) -> list[tuple[str, str, str]]:
    entries = [(line.name, line.colour, "line") for line in lines]
    entries += [(m.label, m.colour, m.shape) for m in markers]
    return list(dict.fromkeys(entries))


def _legend_layout(
    entries: Sequence[tuple[str, str, str]], left: float, right: float
) -> list[tuple[float, int, str]]:
    """(x, row, label) of each legend entry, flowing left to right and wrapping; a label
    longer than the chart is shortened."""
    out: list[tuple[float, int, str]] = []
    x, row = left, 0
    for name, _colour, _kind in entries:
        label = name
        while text_width(label) > right - left - 40 and len(label) > 4:
            label = label[:-2].rstrip() + "…"
        width = 24 + text_width(label) + 16
        if x > left and x + width > right:
            x, row = left, row + 1
        out.append((x, row, label))
        x += width
    return out


def _legend(
    lines: Sequence[Line], markers: Sequence[Marker], left: float, right: float, font_family: str
) -> list[str]:
    parts = []
    entries = _legend_entries(lines, markers)
    for (name, colour, kind), (x, row, label) in zip(
        entries, _legend_layout(entries, left, right), strict=True
    ):
        y = 12 + 18 * row
        if kind == "line":
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x + 18:.1f}" y2="{y - 4}" '
                f'stroke="{colour}" stroke-width="3"/>'
            )
        else:
            parts.append(_marker(x + 9, y - 4, Marker(0, 0, name, colour, kind)))
        parts.append(_text(x + 24, y, label, colour=INK, font_family=font_family))
    return parts


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    *,
    width: int = 640,
    bar_height: int = 22,
    value_format: str = "{:,.0f}",
    font_family: str = FONT_FAMILY,
    title: str = "",
) -> str:
    """Horizontal bars, one per label, with the value written after each bar."""
    label_w = 230
    height = 8 + len(labels) * (bar_height + 8)
    top = max([abs(v) for v in values] + [1e-12])
    parts = [_open(width, height, title)]
    for i, (label, value, colour) in enumerate(zip(labels, values, colours, strict=True)):
        y = 6 + i * (bar_height + 8)
        w = (width - label_w - 70) * abs(value) / top
        parts.append(
            _text(
                label_w - 8,
                y + bar_height * 0.7,
                label,
                anchor="end",
                colour=INK,
                font_family=font_family,
            )
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" '
            f'fill="{colour}" rx="2"/>'
        )
        parts.append(
            _text(
                label_w + w + 6,
                y + bar_height * 0.7,
                value_format.format(value),
                colour=INK,
                font_family=font_family,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def _arc(cx: float, cy: float, r0: float, r1: float, a0: float, a1: float) -> str:
    """The path of a ring segment between radii r0 < r1 and angles a0 < a1 (degrees,
    clockwise from the top)."""

    def point(r: float, a: float) -> tuple[float, float]:
        rad = math.radians(a - 90)
        return cx + r * math.cos(rad), cy + r * math.sin(rad)

    large = 1 if a1 - a0 > 180 else 0
    x0, y0 = point(r1, a0)
    x1, y1 = point(r1, a1)
    x2, y2 = point(r0, a1)
    x3, y3 = point(r0, a0)
    return (
        f"M{x0:.2f},{y0:.2f} A{r1:.2f},{r1:.2f} 0 {large} 1 {x1:.2f},{y1:.2f} "
        f"L{x2:.2f},{y2:.2f} A{r0:.2f},{r0:.2f} 0 {large} 0 {x3:.2f},{y3:.2f} Z"
    )


def ring_chart(
    segments: Sequence[Segment],
    *,
    size: int = 300,
    font_family: str = FONT_FAMILY,
    title: str = "",
) -> str:
    """Segments around a circle, the first centred at the top, clockwise: an inner ring in
    each segment's `inner` colour with its `text`, an outer ring in its `outer` colour."""
    n = max(1, len(segments))
    c = size / 2
    step = 360.0 / n
    parts = [_open(size, size, title)]
    for i, segment in enumerate(segments):
        a0, a1 = i * step - step / 2 + 0.6, (i + 1) * step - step / 2 - 0.6
        parts.append(
            f'<path d="{_arc(c, c, c * 0.30, c * 0.60, a0, a1)}" fill="{segment.inner}">'
            f"<title>{escape(segment.title)}</title></path>"
        )
        parts.append(f'<path d="{_arc(c, c, c * 0.63, c * 0.98, a0, a1)}" fill="{segment.outer}"/>')
        rad = math.radians(i * step - 90)
        x, y = c + c * 0.45 * math.cos(rad), c + c * 0.45 * math.sin(rad)
        parts.append(
            _text(
                x,
                y + 4,
                segment.text,
                size=max(8, int(size / 26)),
                anchor="middle",
                colour="#ffffff",
                weight="bold",
                font_family=font_family,
            )
        )
    parts.append("</svg>")
    return "".join(parts)
