"""What a report is made of — its filters, tables, headline figures and charts — and how a
figure is written, the same on the page and in the CSV."""

import datetime
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cases.business_days import team_today


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date
    end: datetime.date
    social_worker: int | None = None
    urgency: str = ""
    centre: int | None = None

    @classmethod
    def default(cls, today: datetime.date | None = None) -> "ReportFilters":
        """The twelve months up to today: this month and the eleven before it."""
        today = today or team_today()
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return cls(start=datetime.date(year, (month - 1) % 12 + 1, 1), end=today)

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as instants: from the start day's midnight to the day after the end, in
        the team's time zone, so an index on the timestamp serves the filter."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def cases_q(self, prefix: str = "") -> Q:
        """Social worker, urgency and centre, on the case reached through `prefix`."""
        q = Q()
        if self.social_worker:
            q &= Q(**{f"{prefix}social_worker_id": self.social_worker})
        if self.urgency:
            q &= Q(**{f"{prefix}urgency": self.urgency})
        if self.centre:
            q &= Q(**{f"{prefix}centre_id": self.centre})
        return q

    def in_period(self, field_name: str) -> Q:
        first, after = self.moments()
        return Q(**{f"{field_name}__gte": first, f"{field_name}__lt": after})

    def of_month(self, month: int) -> "ReportFilters":
        """The filters narrowed to one month (yyyymm) of the period: its row of a table by
        month, and the cases behind that row."""
        first = datetime.date(month // 100, month % 100, 1)
        after = (first + datetime.timedelta(days=32)).replace(day=1)
        return replace(
            self,
            start=max(self.start, first),
            end=min(self.end, after - datetime.timedelta(days=1)),
        )

    def months(self) -> list[int]:
        """Every month of the period as yyyymm, so a month with nothing still shows as 0."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(year * 100 + month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


# A row whose counts link to the cases behind them (`cases.reports.drill`) names itself under
# this key: a worker's id, a stage, a month as yyyymm. Never a patient's data: it goes into the
# link's address.
ROW_KEY = "key"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, count, days, percent, date


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""

    def cells(self, row: dict[str, Any]) -> list[str]:
        return [format_value(row.get(column.key), column.kind) for column in self.columns]


@dataclass(frozen=True)
class Headline:
    label: str
    value: Any
    kind: str = "count"

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)


@dataclass(frozen=True)
class Chart:
    """A bar chart of some columns of a table, drawn beside that table."""

    title: str
    table_key: str
    label_key: str
    series: tuple[tuple[str, str], ...]  # (column key, legend label)
    kind: str = "count"
    # A chart over months starts at the first month with a value: the months before a team's
    # first case are not drawn as a run of empty bars (the table still lists them).
    over_time: bool = False


@dataclass
class Report:
    slug: str
    title: str
    tables: list[Table]
    headlines: list[Headline] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def format_value(value: Any, kind: str) -> str:
    """One text for a figure, shared by the page and the CSV."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{float(value) * 100:.0f}%"
    if kind == "days":
        return f"{float(value):.1f}"
    if kind == "date":
        return value.isoformat()
    return str(value)


def text_key(text: str | None) -> str:
    """A row key for typed text (a payer, a source's name): a digest, so no typed text goes into
    a link's address."""
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def share(part: int | None, whole: int | None) -> float | None:
    return part / whole if whole else None


def month_label(yyyymm: int) -> str:
    return datetime.date(yyyymm // 100, yyyymm % 100, 1).strftime("%b %Y")
