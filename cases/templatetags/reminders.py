"""The case page's box of reminders that could not be delivered."""

from django import template

from cases.models import Case
from cases.reminders.outbox import undelivered_reminders as undelivered

register = template.Library()


@register.inclusion_tag("reminders/_undelivered.html")
def undelivered_reminders(case: Case) -> dict:
    return {"case": case, "deliveries": undelivered(case=case)}
