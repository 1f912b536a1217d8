"""Small bar charts drawn on the server as inline SVG: the organisation and author pages' profiles.

The page computes each bar's box here and the template only writes ``<rect>`` elements (``_charts.html``),
so the charts need no script and no style attribute (the Content-Security-Policy allows neither inline).
Each chart is an image with a name (its ``<title>``), and the template gives the same numbers as a table, so
a screen reader, a text browser and a printout all have them.
"""

from __future__ import annotations

from dataclasses import dataclass

YEARS_SHOWN = 30
"""The most recent years a year chart spans at most (older ones are in its table)."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    url: str | None = None


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: names its title element
    title: str  # the image's accessible name
    bars: list[Bar]
    width: int
    height: int
    rows: list[tuple[str, int, str | None]]  # (label, value, link) for the table, every value


def columns(
    chart_id: str, title: str, items: list[tuple[str, int, str | None]], width: int = 360, height: int = 120
) -> Chart:
    """Vertical bars, one per item in order (years): heights relative to the largest value."""
    shown = items[-YEARS_SHOWN:]
    most = max((value for _label, value, _url in shown), default=0) or 1
    step = width / max(1, len(shown))
    gap = min(2.0, step * 0.2)
    bars = []
    for n, (label, value, url) in enumerate(shown):
        tall = round((height - 2) * value / most, 1)
        bars.append(
            Bar(label, value, round(n * step + gap / 2, 1), round(height - tall, 1), round(step - gap, 1), tall, url)
        )
    return Chart(chart_id, title, bars, width, height, [row for row in items if row[1]])


def rows_chart(
    chart_id: str, title: str, items: list[tuple[str, int, str | None]], width: int = 360, bar_height: int = 18
) -> Chart:
    """Horizontal bars, one per item in order (strength areas): lengths relative to the largest value."""
    most = max((value for _label, value, _url in items), default=0) or 1
    bars = [
        Bar(label, value, 0.0, float(n * (bar_height + 6)), round(width * value / most, 1), float(bar_height), url)
        for n, (label, value, url) in enumerate(items)
    ]
    height = max(1, len(items) * (bar_height + 6) - 6)
    return Chart(chart_id, title, bars, width, height, items)


def year_items(counts: dict[int, int]) -> list[tuple[int, int]]:
    """Every year from the first to the last with a document, with its count (0 in between), oldest first."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(year, counts.get(year, 0)) for year in range(first, last + 1)]
