"""The reminder delivery report: sent, failed and undelivered by channel.

Definitions: `cases.reports.registry`."""

from django.db.models import (
    Count,
    Q,
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

# --- The registry -----------------------------------------------------------------------------


# --- 7. Reminder delivery ---------------------------------------------------------------------


def reminder_delivery(filters: ReportFilters) -> Report:
    """Messages created in the period by channel and outcome, and escalations by social worker.
    Two queries. Digests and monthly summaries carry no single case, so a social-worker,
    urgency or centre filter counts only the messages about one case."""
    first, last = filters.moments()
    deliveries = Delivery.objects.filter(created_at__gte=first, created_at__lt=last)
    case_filter = filters.cases_q("case__")
    if case_filter:
        deliveries = deliveries.filter(case_filter)
    by_channel = {
        row["channel"]: row
        for row in deliveries.values("channel").annotate(
            sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
            failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
            undelivered=Count("pk", filter=Q(status=Delivery.Status.DEAD)),
            waiting=Count(
                "pk", filter=Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
            ),
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
        Reminder.objects.filter(rule=Rule.ESCALATION, created_at__gte=first, created_at__lt=last)
        .filter(filters.cases_q("case__"))
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
