"""Bar charts drawn on the server as SVG: no JavaScript, nothing from a CDN, prints cleanly.

`bar_chart` turns the rows of a report's table into shapes that `reports/_chart.html` draws;
the table itself is shown beside the chart, so every number is there for screen readers too.
"""

from dataclasses import dataclass

from cases.reports.parts import Chart, format_value

WIDTH = 720
HEIGHT = 260
LEFT = 56
RIGHT = 12
TOP = 16
BOTTOM = 64
MAX_LABELS = 16
LABEL_LENGTH = 14
# Dark enough against white for WCAG's 3:1 for graphics, and told apart by the legend.
COLOURS = ("#1f4e79", "#b54708")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    y: float
    text: str


def short_label(text: str, limit: int = LABEL_LENGTH) -> str:
    """`text` in at most `limit` characters, cut between words with an ellipsis, never inside a
    word (a single long word keeps its first letters). The bar's tooltip and the table beside
    the chart hold the whole name."""
    if len(text) <= limit:
        return text
    head = text[:limit]  # a space at its end means the word before it is whole
    words = head.rsplit(" ", 1)[0] if " " in head else ""
    return (words or text[: limit - 1]).rstrip(" ,.-") + "…"


def _from_first_value(chart: Chart, rows: list[dict]) -> list[dict]:
    for index, row in enumerate(rows):
        if any(row.get(key) for key, _ in chart.series):
            return rows[index:]
    return rows


def bar_chart(chart: Chart, rows: list[dict], *, chart_id: str, table_id: str) -> dict:
    if chart.over_time:
        rows = _from_first_value(chart, rows)
    values = [[row.get(key) for row in rows] for key, _ in chart.series]
    top = max((float(value) for series in values for value in series if value), default=0)
    top = top or 1
    if chart.kind == "count":
        top = int(-(-top // 2) * 2)  # an even whole number, so the middle tick is whole too
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    group_width = plot_width / max(len(rows), 1)
    bar_width = group_width * 0.8 / max(len(chart.series), 1)
    bars = []
    for series_index, ((_, legend), series) in enumerate(zip(chart.series, values, strict=True)):
        for row_index, (row, value) in enumerate(zip(rows, series, strict=True)):
            if not value:
                continue
            height = float(value) / top * plot_height
            bars.append(
                Bar(
                    x=round(
                        LEFT
                        + row_index * group_width
                        + group_width * 0.1
                        + series_index * bar_width,
                        2,
                    ),
                    y=round(TOP + plot_height - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    colour=COLOURS[series_index % len(COLOURS)],
                    title=f"{row[chart.label_key]}: {legend} {format_value(value, chart.kind)}",
                )
            )
    every = max(1, -(-len(rows) // MAX_LABELS))
    labels = [
        AxisLabel(
            x=round(LEFT + (index + 0.5) * group_width, 2),
            y=TOP + plot_height + 14,
            text=short_label(str(row[chart.label_key])),
        )
        for index, row in enumerate(rows)
        if index % every == 0
    ]
    # Counts are labelled with whole numbers: `top` is even, so its half is whole too.
    ticks = [
        Tick(
            y=round(TOP + plot_height * (1 - share), 2),
            text=format_value(
                round(top * share) if chart.kind == "count" else top * share, chart.kind
            ),
        )
        for share in (0, 0.5, 1)
    ]
    return {
        "id": chart_id,
        "title": chart.title,
        "table_id": table_id,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "legend": [
            {"text": legend, "colour": COLOURS[index % len(COLOURS)], "x": LEFT + index * 180}
            for index, (_, legend) in enumerate(chart.series)
        ],
        "legend_y": HEIGHT - 14,
    }
