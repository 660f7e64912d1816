"""The *Overdue now* report: every overdue step across the team, oldest first.

Definitions: `cases.reports.registry`."""

import datetime

from django.db import models
from django.db.models import (
    Exists,
    F,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncDate

from cases.business_days import team_today
from cases.models import (
    Case,
    Delivery,
    Reminder,
    Rule,
    Stage,
    Step,
    Urgency,
)
from cases.models.staff import name_from_parts
from cases.reports.common import ACTIVE_STEP_STATUSES
from cases.reports.parts import (
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
)

# --- 3. Overdue now ---------------------------------------------------------------------------


def _overdue_steps(filters: ReportFilters, today: datetime.date) -> QuerySet[Step]:
    return Step.objects.filter(
        status__in=ACTIVE_STEP_STATUSES,
        due_date__lt=today,
        case__status=Case.Status.OPEN,
    ).filter(filters.cases_q("case__"))


def _sent_for_this_due_date(rule: str) -> Exists:
    """A reminder of `rule` for the step's current due date whose message went out (alone or in
    a digest; one left out of its digest as no longer applying is released). Reminders store
    their due date as midnight UTC (see cases.reminders.sweep)."""
    return Exists(
        Reminder.objects.annotate(for_date=TruncDate("due_at", tzinfo=datetime.UTC)).filter(
            step=OuterRef("pk"),
            rule=rule,
            for_date=OuterRef("due_date"),
            delivery__status=Delivery.Status.SENT,
            released=0,
        )
    )


def overdue_now(filters: ReportFilters, today: datetime.date | None = None) -> Report:
    """Every overdue step on the team's open cases today, oldest first, however long ago it fell
    due: the report is as of today, so the filters' period is not used. One query."""
    today = today or team_today()
    rows = list(
        _overdue_steps(filters, today)
        .annotate(
            days_overdue=models.ExpressionWrapper(
                Value(today, output_field=models.DateField()) - F("due_date"),
                output_field=models.DurationField(),
            ),
            reminded=_sent_for_this_due_date(Rule.OVERDUE),
            alerted=_sent_for_this_due_date(Rule.ESCALATION),
        )
        .values(
            "reminded",
            "alerted",
            "case_id",
            "stage",
            "status",
            "due_date",
            "days_overdue",
            "case__urgency",
            "case__patient__full_name",
            "case__social_worker__first_name",
            "case__social_worker__last_name",
            "case__social_worker__username",
        )
        .order_by("due_date", "case_id", "position")
    )
    for row in rows:
        row["case"] = f"#{row['case_id']}"
        row["patient"] = row["case__patient__full_name"]
        row["stage"] = Stage(row["stage"]).label
        row["status"] = Step.Status(row["status"]).label
        row["urgency"] = Urgency(row["case__urgency"]).label
        row["days_overdue"] = row["days_overdue"].days
        row["owner"] = name_from_parts(
            row["case__social_worker__first_name"],
            row["case__social_worker__last_name"],
            row["case__social_worker__username"],
        )
        row["reminded"] = "Yes" if row["reminded"] else "No"
        row["alerted"] = "Yes" if row["alerted"] else "No"
    table = Table(
        "overdue",
        "Overdue steps, oldest first",
        [
            Column("case", "Case"),
            Column("patient", "Patient"),
            Column("stage", "Step"),
            Column("status", "Step status"),
            Column("owner", "Owner"),
            Column("due_date", "Due", "date"),
            Column("days_overdue", "Days overdue", "count"),
            Column("urgency", "Urgency"),
            Column("reminded", "Owner reminded"),
            Column("alerted", "Supervisors alerted"),
        ],
        rows,
        note="Steps in progress or blocked on open cases whose due date is before today, as of "
        "today; days overdue are calendar days since the due date. Reminded and alerted "
        "mean an overdue reminder (to the owner or the colleague covering) and an escalation (to "
        "the supervisors) for the current due date went out.",
    )
    return Report(
        slug="overdue",
        title="Overdue now",
        tables=[table],
        headlines=[
            Headline("Overdue steps", len(rows)),
            Headline("Most days overdue", rows[0]["days_overdue"] if rows else None),
        ],
    )
