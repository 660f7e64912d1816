"""The team caseload report: open, overdue, due this week, on hold and urgent cases
per social worker.

Definitions: `cases.reports.registry`."""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from cases.access import SOCIAL_WORKERS
from cases.business_days import team_today
from cases.models import (
    Case,
    Urgency,
)
from cases.models.staff import name_from_parts
from cases.reports.histograms import histogram_counts, uses_histograms
from cases.reports.measures import CASES_COMPLETED, CASES_OPENED
from cases.reports.overdue import _overdue_steps
from cases.reports.parts import (
    ROW_KEY,
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
)

# --- 1. Team caseload -----------------------------------------------------------------------


def case_conditions(filters: ReportFilters, today: datetime.date, prefix: str = "") -> dict[str, Q]:
    """Each count of cases in the caseload table as a condition on the case reached through
    `prefix`: the counts and the drill-down's lists (`cases.reports.drill`) both read them."""
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    first, after = filters.moments()

    def on_case(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    case_q = filters.cases_q(prefix)
    open_q = on_case(status=Case.Status.OPEN) & case_q
    return {
        "open_cases": open_q,
        "due_this_week": open_q & on_case(next_due_date__range=(monday, sunday)),
        "on_hold": on_case(status=Case.Status.ON_HOLD) & case_q,
        "urgent": open_q & on_case(urgency=Urgency.URGENT),
        "opened": on_case(opened_at__gte=first, opened_at__lt=after) & case_q,
        "completed": on_case(
            status=Case.Status.COMPLETED, closed_at__gte=first, closed_at__lt=after
        )
        & case_q,
    }


# The caseload table's counts as of today (of open and held cases), and of the period.
AS_OF_TODAY = ("open_cases", "due_this_week", "on_hold", "urgent")
OF_THE_PERIOD = ("opened", "completed")
NAME_FIELDS = ("id", "first_name", "last_name", "username")


def _counted(filters: ReportFilters, today: datetime.date, workers: QuerySet) -> list[dict]:
    """Each worker's counts, counted from every case. One query."""
    return list(
        workers.annotate(
            **{
                figure: Count("cases", filter=condition)
                for figure, condition in case_conditions(filters, today, "cases__").items()
            }
        )
        .values(*NAME_FIELDS, *AS_OF_TODAY, *OF_THE_PERIOD)
        .order_by("first_name", "last_name", "username")
    )


def _from_histograms(filters: ReportFilters, today: datetime.date, workers: QuerySet) -> list:
    """The same counts: as of today from the open and held cases alone (grouped by status too,
    so the index on status and owner serves it), opened and completed in the period from the
    histograms (`cases.reports.histograms`). Five queries."""
    rows = list(workers.values(*NAME_FIELDS).order_by("first_name", "last_name", "username"))
    conditions = case_conditions(filters, today)
    held = (
        Case.objects.filter(status__in=[Case.Status.OPEN, Case.Status.ON_HOLD])
        .values_list("status", "social_worker_id")
        .annotate(**{figure: Count("id", filter=conditions[figure]) for figure in AS_OF_TODAY})
        .order_by()
    )
    counts: dict = defaultdict(lambda: dict.fromkeys([*AS_OF_TODAY, *OF_THE_PERIOD], 0))
    for _, worker, *figures in held:
        for figure, count in zip(AS_OF_TODAY, figures, strict=True):
            counts[str(worker)][figure] += count
    for figure, histogram in zip(
        OF_THE_PERIOD, histogram_counts(filters, CASES_OPENED, CASES_COMPLETED), strict=True
    ):
        for (_, worker, _), (count, _) in histogram.items():
            counts[worker][figure] += count
    return [row | counts[str(row["id"])] for row in rows]


def team_caseload(filters: ReportFilters, today: datetime.date | None = None) -> Report:
    """Per social worker: open cases, overdue steps, due this week, on hold, urgent, opened and
    completed in the period. Two queries counted from the rows, or six with the histograms
    (`cases.reports.histograms`), after asking whether they are built."""
    today = today or team_today()
    # Every social worker, and anyone else who still owns an open or held case (an account
    # deactivated or moved to another role): their cases count in the totals too.
    users = get_user_model().objects
    social_workers = users.filter(groups__name=SOCIAL_WORKERS, is_active=True).values("pk")
    owners = Case.objects.filter(status__in=[Case.Status.OPEN, Case.Status.ON_HOLD]).values(
        "social_worker_id"
    )
    workers = users.filter(Q(pk__in=social_workers) | Q(pk__in=owners))
    if filters.social_worker:
        workers = workers.filter(pk=filters.social_worker)
    if uses_histograms(filters):
        rows = _from_histograms(filters, today, workers)
    else:
        rows = _counted(filters, today, workers)
    overdue_by_worker = dict(
        _overdue_steps(filters, today)
        .values_list("case__social_worker_id")
        .annotate(steps=Count("id"))
        .order_by()
    )
    for row in rows:
        row["name"] = name_from_parts(row["first_name"], row["last_name"], row["username"])
        row[ROW_KEY] = row["id"]
        row["overdue_steps"] = overdue_by_worker.get(row["id"], 0)
    figures = ["open_cases", "overdue_steps", "due_this_week", "on_hold", "urgent"]
    totals = {key: sum(row[key] for row in rows) for key in [*figures, "opened", "completed"]}
    open_counts = [row["open_cases"] for row in rows]
    table = Table(
        key="caseload",
        caption="Caseload by social worker",
        columns=[
            Column("name", "Social worker"),
            Column("open_cases", "Open cases", "count"),
            Column("overdue_steps", "Overdue steps", "count"),
            Column("due_this_week", "Due this week", "count"),
            Column("on_hold", "On hold", "count"),
            Column("urgent", "Urgent (open)", "count"),
            Column("opened", "Opened in period", "count"),
            Column("completed", "Completed in period", "count"),
        ],
        rows=rows,
        note="Open, overdue, due this week, on hold and urgent are as of today; opened and "
        "completed count the cases opened or completed in the period.",
    )
    return Report(
        slug="caseload",
        title="Team caseload",
        tables=[table],
        headlines=[
            Headline("Open cases", totals["open_cases"]),
            Headline("Overdue steps", totals["overdue_steps"]),
            Headline("Due this week", totals["due_this_week"]),
            Headline("On hold", totals["on_hold"]),
            Headline(
                "Open cases per social worker",
                _spread(open_counts),
                "text",
            ),
            Headline("Opened in period", totals["opened"]),
            Headline("Completed in period", totals["completed"]),
        ],
        charts=[
            Chart(
                "Open cases and overdue steps by social worker",
                "caseload",
                "name",
                (("open_cases", "Open cases"), ("overdue_steps", "Overdue steps")),
            )
        ],
    )


def _spread(counts: list[int]) -> str | None:
    """How the open cases are shared, read with its label as a sentence: "Open cases per social
    worker: between 4 and 31" (the fewest any one worker has, and the most)."""
    if not counts:
        return None
    fewest, most = min(counts), max(counts)
    if fewest == most:
        return f"{most} each"
    return f"between {fewest} and {most}"
