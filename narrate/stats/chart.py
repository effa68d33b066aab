"""Downloads per day as an inline SVG bar chart, drawn on the server: no script, nothing fetched.

The chart is an image with a one-sentence summary as its accessible name; the page gives the same figures as a
table, which is what screen readers read. Bars and labels are drawn in ``currentColor``, so the chart follows the
page's colours (and its dark mode).
"""

from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28
"""Margins: the left one holds the scale, the bottom one the dates."""


def nice_ceiling(value: int) -> int:
    """The scale's top: ``value`` rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def summary(days: list[tuple[dt.date, int]]) -> str:
    """The chart in one sentence: the period, the total and the busiest day."""
    if not days:
        return "Bar chart of downloads per day: no days."
    total = sum(count for _, count in days)
    busiest_day, most = max(days, key=lambda item: (item[1], item[0]))
    span = f"{_date(days[0][0])} to {_date(days[-1][0])}"
    if not total:
        return f"Bar chart of downloads per day, {span}: no downloads."
    return (
        f"Bar chart of downloads per day, {span}: {total} download{'s' if total != 1 else ''} in all, "
        f"the most on {_date(busiest_day)} ({most})."
    )


def bar_chart(days: list[tuple[dt.date, int]]) -> Markup:
    """An SVG bar chart of (day, downloads), oldest first."""
    top = nice_ceiling(max((count for _, count in days), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(days), 1)
    opening = (
        f'<svg class="chart" role="img" aria-label="{escape(summary(days))}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" fill="currentColor" font-size="12">'
    )
    parts = [opening]
    for value in sorted({0, top // 2 if top >= 2 else 0, top}):
        y = TOP + plot_height - plot_height * value / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" '
            f'stroke-opacity="0.35" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for index, (day, count) in enumerate(days):
        if count:
            height = plot_height * count / top
            x = LEFT + index * slot + slot * 0.15
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_height - height:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" data-date="{day.isoformat()}" data-downloads="{count}"/>'
            )
    for index in sorted({0, len(days) // 2, len(days) - 1} if days else set()):
        x = LEFT + index * slot + slot / 2
        anchor = "start" if index == 0 and len(days) > 1 else ("end" if index == len(days) - 1 else "middle")
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">{_date(days[index][0])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"
