"""Histograms of whole days per month, so a report reads a few hundred rows, not every step.

How they are kept (also in the README):
1. `ReportHistogram` holds, per measure (`cases.reports.measures`), month, group and number of
   days, how many rows took that many days and how many of them were within their limit.
2. `report_histograms_rebuild` (the command `python manage.py report_histograms`, and the bulk
   seed at its end) computes them all from the rows and marks them built (`ReportHistogramBuild`).
3. Every service that changes a measured row of a case — a step done or reopened, a case
   completed, reopened or withdrawn or its dates edited, its reasons edited, an appointment
   moved, a records request sent, extended or a record received — calls
   `report_histograms_watch(case_id)` once it holds the case's lock and `.apply()` before it
   returns: the case's rows are counted before and after, and the difference is added as rows
   of its own in the same transaction. So a change shows at once, and two transactions never
   count the same change twice. A case just opened is counted whole by
   `report_histograms_add_case(case_id)` (nothing of it was counted before).
4. A report with the default filters (no social worker, urgency or centre) reads the whole
   months of its period from the histograms and counts the days at either end (a month begun,
   today's) from the rows, then takes the percentiles of the sum. With any other filter, or
   before the first build, it counts every row directly. Both give the same figures (tested on
   random data sets on both databases).
Writes that bypass the services (the admin, raw SQL, a restore) are followed by a rebuild; so is
`python manage.py business_calendar`, which renumbers the days.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cases.models import Case, ReportHistogram, ReportHistogramBuild
from cases.reports.measures import MEASURES, Measure
from cases.reports.parts import ReportFilters
from cases.reports.sql import day_counts

# {(month, group, days): (rows, rows flagged)}
Counts = dict[tuple[int, str, int], tuple[int, int]]


def report_histograms_built() -> bool:
    return ReportHistogramBuild.objects.exists()


def _counts(measure: Measure, rows) -> Counts:
    return {
        (month, group, days): (count, flagged)
        for month, group, days, count, flagged in day_counts(
            measure.values(rows), counting=measure.counting, flag_day=measure.flagged
        )
    }


@transaction.atomic
def report_histograms_rebuild(*, now: datetime.datetime | None = None) -> int:
    """Every histogram from the rows, one row per key; returns the rows written."""
    ReportHistogram.objects.all().delete()
    ReportHistogramBuild.objects.all().delete()
    written = 0
    for measure in MEASURES:
        histogram = [
            ReportHistogram(
                metric=measure.name,
                month=month,
                group=group,
                value=days,
                count=count,
                flagged=flagged,
            )
            for (month, group, days), (count, flagged) in _counts(measure, measure.rows()).items()
        ]
        ReportHistogram.objects.bulk_create(histogram, batch_size=2000)
        written += len(histogram)
    ReportHistogramBuild.objects.create(built_at=now or timezone.now())
    return written


class _Watch:
    """One case's measured rows before a change; `apply()` adds the difference after it."""

    def __init__(self, case_ids: Iterable[int], *, new: bool = False):
        self.case_ids = list(case_ids)
        self.built = report_histograms_built()
        if new:
            # Cases made in this transaction: no other sees them, none of their rows counted.
            self.before = {measure.name: {} for measure in MEASURES}
            return
        if self.built:
            # Whoever counts a case's rows holds its lock until the difference is added, so
            # two changes to one case are counted one after the other.
            list(
                Case.objects.select_for_update(no_key=True)
                .filter(pk__in=self.case_ids)
                .values_list("pk")
            )
        self.before = self._snapshot() if self.built else {}

    def _snapshot(self) -> dict[str, Counts]:
        return {
            measure.name: _counts(measure, measure.rows().filter(measure.of_cases(self.case_ids)))
            for measure in MEASURES
        }

    def apply(self) -> None:
        if not self.built:
            return
        after = self._snapshot()
        changes = []
        for name, counts in after.items():
            before = self.before[name]
            for key in before.keys() | counts.keys():
                old, new = before.get(key, (0, 0)), counts.get(key, (0, 0))
                if old != new:
                    month, group, days = key
                    changes.append(
                        ReportHistogram(
                            metric=name,
                            month=month,
                            group=group,
                            value=days,
                            count=new[0] - old[0],
                            flagged=new[1] - old[1],
                        )
                    )
        ReportHistogram.objects.bulk_create(changes)


def report_histograms_watch(*case_ids: int) -> _Watch:
    """Call before changing the cases' measured rows (it locks the cases' rows), and `.apply()`
    the result before the transaction ends (see the module's text)."""
    return _Watch(case_ids)


def report_histograms_add_case(case_id: int) -> None:
    """Count a case opened in this transaction, with all its rows, once they are written."""
    _Watch([case_id], new=True).apply()


def whole_months(start: datetime.date, end: datetime.date) -> list[int]:
    """The months (yyyymm) lying wholly within `start`–`end`."""
    return [
        month
        for month in ReportFilters(start=start, end=end).months()
        if _month_first(month) >= start and _month_last(month) <= end
    ]


def _month_first(month: int) -> datetime.date:
    return datetime.date(month // 100, month % 100, 1)


def _month_last(month: int) -> datetime.date:
    year, number = divmod(month, 100)
    following = datetime.date(year + number // 12, number % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


# Within `report_histograms_shared()`: whether they are built, and each (filters, measure)'s
# histogram already read.
_shared: ContextVar[dict | None] = ContextVar("report_histograms_shared", default=None)


@contextmanager
def report_histograms_shared() -> Iterator[None]:
    """Within the block (which writes nothing), whether the histograms are built is asked once
    and each measure's histogram of a period read once: the dashboard builds five reports, and
    two of them read the cases opened and completed."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def uses_histograms(filters: ReportFilters) -> bool:
    """The histograms serve the default filters (everyone), once built."""
    if filters.cases_q():
        return False
    shared = _shared.get()
    if shared is None:
        return report_histograms_built()
    if "built" not in shared:
        shared["built"] = report_histograms_built()
    return shared["built"]


def histogram_counts(filters: ReportFilters, *measures: Measure) -> list[Counts]:
    """The histogram of each measure's rows in the period: whole months from the histograms
    (one query for all the measures), the days at either end counted from the rows (one query
    a measure); within `report_histograms_shared()`, only those not read already."""
    shared = _shared.get()
    if shared is None:
        return _histogram_counts(filters, measures)
    unread = [measure for measure in measures if (filters, measure.name) not in shared]
    if unread:
        for measure, counts in zip(unread, _histogram_counts(filters, unread), strict=True):
            shared[filters, measure.name] = counts
    return [shared[filters, measure.name] for measure in measures]


def _histogram_counts(filters: ReportFilters, measures: Sequence[Measure]) -> list[Counts]:
    months = whole_months(filters.start, filters.end)
    totals: dict[str, dict[tuple[int, str, int], list[int]]] = {
        measure.name: defaultdict(lambda: [0, 0]) for measure in measures
    }
    kept = (
        ReportHistogram.objects.filter(metric__in=list(totals), month__in=months)
        .values_list("metric", "month", "group", "value")
        .annotate(rows=Sum("count"), flagged=Sum("flagged"))
        .order_by()
    )
    for metric, month, group, days, count, flagged in kept:
        totals[metric][month, group, days][0] += count
        totals[metric][month, group, days][1] += flagged
    if months:
        ends = [
            (filters.start, _month_first(months[0]) - datetime.timedelta(days=1)),
            (_month_last(months[-1]) + datetime.timedelta(days=1), filters.end),
        ]
    else:
        ends = [(filters.start, filters.end)]
    for measure in measures:
        edge = None
        for first, last in ends:
            if first <= last:
                days_q = measure.in_days(first, last)
                edge = days_q if edge is None else edge | days_q
        if edge is not None:
            for key, (count, flagged) in _counts(measure, measure.rows().filter(edge)).items():
                totals[measure.name][key][0] += count
                totals[measure.name][key][1] += flagged
    return [
        {key: (count, flagged) for key, (count, flagged) in totals[measure.name].items() if count}
        for measure in measures
    ]
