"""The status-link panel on the staff case page: active links, lockouts, the patient's questions."""

from django import template
from django.utils import timezone

from cases.models import PatientQuestion, StatusLink
from cases.status_link_forms import DELIVERY_CHOICES, StatusLinkForm

register = template.Library()


@register.inclusion_tag("cases/_status_links.html", takes_context=True)
def status_link_panel(context) -> dict:
    """Two queries: the case's active links (with who issued them) and its questions."""
    case = context["case"]
    now = timezone.now()
    links = list(
        StatusLink.objects.filter(case=case, revoked_at__isnull=True, expires_at__gt=now)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    for link in links:
        link.locked_now = link.is_locked(now)
    return {
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "links": links,
        "questions": list(PatientQuestion.objects.filter(case=case)),
        "link_form": context.get("status_link_form") or StatusLinkForm(prefix="link"),
        "new_link_url": context.get("new_status_link_url"),
        "delivery_choices": DELIVERY_CHOICES,
    }
