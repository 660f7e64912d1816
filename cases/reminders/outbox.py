"""Reads about reminders: the outbox of recent sends and a case's undelivered reminders."""

from django.db.models import Q, QuerySet

from cases.access import is_supervisor, visible_cases
from cases.models import Case, Delivery


def outbox(*, user, status: str = "") -> QuerySet[Delivery]:
    """Recent deliveries `user` may see: a supervisor all, a social worker those addressed to
    them and those about cases they own or cover. Newest first; two tables, one query."""
    deliveries = Delivery.objects.select_related("recipient")
    if not is_supervisor(user):
        deliveries = deliveries.filter(
            Q(recipient=user) | Q(case__in=visible_cases(user).values("pk"))
        )
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")


def undelivered_reminders(*, case: Case) -> list[Delivery]:
    """Dead deliveries about `case`: its own, and digests that carried one of its reminders."""
    return list(
        Delivery.objects.filter(
            Q(case=case)
            | Q(pk__in=case.reminders.filter(delivery__isnull=False).values("delivery_id")),
            status=Delivery.Status.DEAD,
        )
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )
