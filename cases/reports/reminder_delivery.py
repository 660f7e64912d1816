"""The reminder delivery report: sent, failed and undelivered by channel.

Definitions: `cases.reports.registry`."""

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from cases.models import (
    Channel,
    Delivery,
    Reminder,
    Rule,
)
from cases.models.staff import name_from_parts
from cases.reports.parts import (
    ROW_KEY,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
)

# --- 7. Reminder delivery ---------------------------------------------------------------------

# Each outcome column of the messages table: the delivery statuses it counts.
DELIVERY_STATUSES: dict[str, tuple[str, ...]] = {
    "sent": (Delivery.Status.SENT,),
    "failed": (Delivery.Status.FAILED,),
    "undelivered": (Delivery.Status.DEAD,),
    "waiting": (Delivery.Status.PENDING, Delivery.Status.SENDING),
}


def deliveries_in_period(filters: ReportFilters) -> QuerySet:
    """The messages the report counts: created in the period and, with a social-worker,
    urgency or centre filter, only those about one case that matches it. The report counts them
    by `DELIVERY_STATUSES` and the drill-down (`cases.reports.drill`) lists them."""
    deliveries = Delivery.objects.filter(filters.in_period("created_at"))
    case_filter = filters.cases_q("case__")
    if case_filter:
        deliveries = deliveries.filter(case_filter)
    return deliveries


def escalations_in_period(filters: ReportFilters) -> QuerySet:
    """The escalations the report counts (per social worker, each step once): created in the
    period, with the filters."""
    return Reminder.objects.filter(filters.in_period("created_at"), rule=Rule.ESCALATION).filter(
        filters.cases_q("case__")
    )


def reminder_delivery(filters: ReportFilters) -> Report:
    """Messages created in the period by channel and outcome, and escalations by social worker.
    Two queries. Digests and monthly summaries carry no single case, so a social-worker,
    urgency or centre filter counts only the messages about one case."""
    by_channel = {
        row["channel"]: row
        for row in deliveries_in_period(filters)
        .values("channel")
        .annotate(
            **{
                column: Count("pk", filter=Q(status__in=statuses))
                for column, statuses in DELIVERY_STATUSES.items()
            }
        )
    }
    channel_rows = []
    for channel, label in Channel.choices:
        counts = by_channel.get(channel, {})
        channel_rows.append(
            {
                ROW_KEY: channel,
                "channel": label,
                "sent": counts.get("sent", 0),
                "failed": counts.get("failed", 0),
                "undelivered": counts.get("undelivered", 0),
                "waiting": counts.get("waiting", 0),
            }
        )
    escalations = list(
        escalations_in_period(filters)
        .values(
            "case__social_worker_id",
            "case__social_worker__first_name",
            "case__social_worker__last_name",
            "case__social_worker__username",
        )
        .annotate(steps=Count("step", distinct=True))
        .order_by("-steps", "case__social_worker__username")
    )
    escalation_rows = [
        {
            ROW_KEY: row["case__social_worker_id"],
            "social_worker": name_from_parts(
                row["case__social_worker__first_name"],
                row["case__social_worker__last_name"],
                row["case__social_worker__username"],
            ),
            "steps": row["steps"],
        }
        for row in escalations
    ]
    undelivered = sum(row["undelivered"] for row in channel_rows)
    return Report(
        slug="reminders",
        title="Reminder delivery",
        tables=[
            Table(
                "channels",
                "Messages by channel",
                [
                    Column("channel", "Channel"),
                    Column("sent", "Sent", "count"),
                    Column("failed", "Failed, will retry", "count"),
                    Column("undelivered", "Undelivered", "count"),
                    Column("waiting", "Waiting to go", "count"),
                ],
                channel_rows,
                note="Messages created in the period, by what became of them. Undelivered "
                "messages gave up after their retries; the outbox lists them and the admin "
                "sends them again.",
            ),
            Table(
                "escalations",
                "Escalations by social worker",
                [
                    Column("social_worker", "Social worker"),
                    Column("steps", "Steps escalated", "count"),
                ],
                escalation_rows,
                note="Steps overdue by 3 business days whose escalation to the supervisors was "
                "created in the period.",
            ),
        ],
        headlines=[
            Headline("Messages sent", sum(row["sent"] for row in channel_rows)),
            Headline("Undelivered", undelivered),
            Headline("Steps escalated", sum(row["steps"] for row in escalation_rows)),
        ],
    )
