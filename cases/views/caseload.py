"""The caseload's bulk reassignment: a supervisor ticks cases on the list and gives them to one
social worker. The outcome (or the form's mistakes, with the ticked boxes) goes into the
session as case ids and the caseload it came from shows it once (`cases.caseload.selectors`):
a patient's name never travels in a message cookie or a URL."""

from dataclasses import asdict

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.caseload.forms import BulkReassignForm
from cases.caseload.selectors import REASSIGN_SESSION_KEY
from cases.caseload.services import cases_reassign
from cases.models.staff import display_name
from cases.views.common import supervisor_required

# What of the caseload's address the form sends back, so the supervisor returns to the same
# filters, order and page.
KEPT_PARAMS = ("stage", "urgency", "due", "status", "worker", "sort", "page")


def _back_to_caseload(sent: str) -> str:
    """The caseload with the filters the form came from; nothing else (never another site)."""
    kept = QueryDict(mutable=True)
    for name, value in QueryDict(sent).items():
        if name in KEPT_PARAMS:
            kept[name] = value
    return f"{reverse('caseload')}?{kept.urlencode()}" if kept else reverse("caseload")


@require_POST
@supervisor_required
def caseload_reassign(request: HttpRequest) -> HttpResponse:
    form = BulkReassignForm(request.POST)
    back = _back_to_caseload(request.POST.get("back", ""))
    if not form.is_valid():
        request.session[REASSIGN_SESSION_KEY] = {
            # Each mistake with the element it is about: the chooser, or the list's boxes.
            "errors": [
                [error, "reassign-to" if name == "social_worker" else "caseload-table"]
                for name, errors in form.errors.items()
                for error in errors
            ],
            "checked": sorted(form.selected()),
            "social_worker": request.POST.get("social_worker", "")[:12],
        }
        return redirect(back)
    chosen = form.cleaned_data["social_worker"]
    outcome = cases_reassign(
        by=request.user, social_worker=chosen, selected=form.cleaned_data["selected"]
    )
    request.session[REASSIGN_SESSION_KEY] = {"outcome": asdict(outcome), "to": display_name(chosen)}
    return redirect(back)
