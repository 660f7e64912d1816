"""The reports' ready-made periods, and the period a period is compared with.

A preset ends today, or at the end of a period already over: *this month* is the 1st to today,
*last month* the whole of last month, *this quarter* the quarter's first day to today, *last
quarter* the whole of the one before, *year to date* 1 January to today, *last 12 months* this
month and the eleven before it (the default period), and a calendar year the whole year (to
today, for this year).

The period compared with has the same length and ends the day before the period starts. A period
of whole calendar months (1 March to 31 May) is compared with as many whole months before it (1
December to 28 February); any other period with as many days before it (1 to 10 December: 21 to
30 November).
"""

import datetime
from dataclasses import dataclass

from cases.reports.parts import Headline, Report

PRESETS = (
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("year_to_date", "Year to date"),
    ("last_12_months", "Last 12 months"),
)
# Calendar years offered: this one and the ones before it.
YEARS_OFFERED = 6


def preset_choices(today: datetime.date) -> list[tuple[str, str]]:
    years = [
        (f"year_{year}", str(year)) for year in range(today.year, today.year - YEARS_OFFERED, -1)
    ]
    return [*PRESETS, *years]


def _month_start(year: int, month: int) -> datetime.date:
    """The 1st of the month `month` months after January of `year` (month may be < 1 or > 12)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime.date(year, month, 1)


def preset_period(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The (first day, last day) of `preset` on `today`; ValueError for an unknown preset."""
    quarter_month = (today.month - 1) // 3 * 3 + 1
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        first = _month_start(today.year, today.month - 1)
        return first, today.replace(day=1) - datetime.timedelta(days=1)
    if preset == "this_quarter":
        return datetime.date(today.year, quarter_month, 1), today
    if preset == "last_quarter":
        first = _month_start(today.year, quarter_month - 3)
        return first, datetime.date(today.year, quarter_month, 1) - datetime.timedelta(days=1)
    if preset == "year_to_date":
        return datetime.date(today.year, 1, 1), today
    if preset == "last_12_months":
        return _month_start(today.year, today.month - 11), today
    if preset.startswith("year_") and preset.removeprefix("year_").isdigit():
        year = int(preset.removeprefix("year_"))
        if today.year - YEARS_OFFERED < year <= today.year:
            return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    raise ValueError(f"Unknown period {preset!r}.")


def _is_month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period of the same length that ends the day before `start` (see the module's text)."""
    before = start - datetime.timedelta(days=1)
    if start.day == 1 and _is_month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return _month_start(start.year, start.month - months), before
    return before - (end - start), before


@dataclass(frozen=True)
class ComparedHeadline:
    label: str
    now: str
    before: str
    change: str


def compare_headlines(report: Report, previous: Report) -> list[ComparedHeadline]:
    """Each headline figure of `report` beside the same figure of the period before, and the
    change: counts by how many (+3), shares in percentage points (+5 points), days by how many
    days (−1.5 days). A figure in words (the most common reason) has no change."""
    before = {headline.label: headline for headline in previous.headlines}
    compared = []
    for headline in report.headlines:
        old = before.get(headline.label)
        compared.append(
            ComparedHeadline(
                headline.label,
                headline.text,
                old.text if old else "—",
                _change(headline, old),
            )
        )
    return compared


def _change(now: Headline, before: Headline | None) -> str:
    if before is None or now.kind == "text" or now.value is None or before.value is None:
        return "—"
    difference = float(now.value) - float(before.value)
    if now.kind == "percent":
        return f"{_signed(round(difference * 100))} points"
    if now.kind == "days":
        return f"{_signed(round(difference, 1), '.1f')} days"
    return _signed(round(difference))


def _signed(number: float, spec: str = "") -> str:
    """+3, −2 (a real minus sign), 0."""
    if not number:
        return format(0, spec)
    return ("+" if number > 0 else "−") + format(abs(number), spec)
