"""The team caseload report: open, overdue, due this week, on hold and urgent cases
per social worker.

Definitions: `cases.reports.registry`."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Q,
)

from cases.access import SOCIAL_WORKERS
from cases.business_days import team_today
from cases.models import (
    Case,
    Urgency,
)
from cases.models.staff import name_from_parts
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


def team_caseload(filters: ReportFilters, today: datetime.date | None = None) -> Report:
    """Per social worker: open cases, overdue steps, due this week, on hold, urgent, opened and
    completed in the period. Two queries."""
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
    rows = list(
        workers.annotate(
            **{
                figure: Count("cases", filter=condition)
                for figure, condition in case_conditions(filters, today, "cases__").items()
            }
        )
        .values(
            "id",
            "first_name",
            "last_name",
            "username",
            "open_cases",
            "due_this_week",
            "on_hold",
            "urgent",
            "opened",
            "completed",
        )
        .order_by("first_name", "last_name", "username")
    )
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
