"""A case's status links, on a page of their own: the active ones, issue (and send or copy),
revoke, re-issue. The case page shows how many are active or locked and links here.

The token exists only in the response to the action that issued it: it is shown to copy or sent
by email or text, never stored, so issuing renders this page instead of redirecting.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import get_case_for_user, render_case_page
from cases.models import StatusLink
from cases.patient import links as status_links
from cases.patient.forms import DELIVERY_CHOICES, DeliveryForm, StatusLinkForm
from cases.views.common import care_team_required
from cases.workflow import selectors


def _links_page(
    request: HttpRequest, case, status: int = 200, *, form=None, new_link_url: str = ""
) -> HttpResponse:
    context = {
        "case": case,
        "links": selectors.status_links_active(case),
        "link_form": form or StatusLinkForm(prefix="link"),
        "new_link_url": new_link_url,
        "delivery_choices": DELIVERY_CHOICES,
    }
    return render_case_page(request, "patient/status_links.html", context, case=case, status=status)


def _back_to_links(case_id: int) -> HttpResponse:
    return redirect("status_links", case_id=case_id)


def _deliver(request: HttpRequest, case, issued: status_links.IssuedLink, delivery: str):
    url = request.build_absolute_uri(reverse("patient_status", kwargs={"token": issued.token}))
    if delivery == "copy":
        messages.success(request, "Status link ready. Copy it now: it is shown only once.")
        return _links_page(request, case, new_link_url=url)
    try:
        status_links.status_link_send(issued=issued, url=url, channel=delivery, by=request.user)
    except (status_links.SendError, status_links.LinkError) as error:
        messages.error(request, f"{error} The link works: copy it below and share it another way.")
        return _links_page(request, case, 502, new_link_url=url)
    messages.success(request, "Status link sent.")
    return _back_to_links(case.pk)


@require_http_methods(["GET", "POST"])
@care_team_required
def status_links_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """GET: the case's links and the form to issue one; POST: issue one."""
    case = get_case_for_user(request, case_id)
    if request.method == "GET":
        return _links_page(request, case)
    form = StatusLinkForm(request.POST, prefix="link")
    if not form.is_valid():
        return _links_page(request, case, 400, form=form)
    try:
        issued = status_links.status_link_issue(
            case=case,
            by=request.user,
            audience=form.cleaned_data["audience"],
            carer_name=form.cleaned_data["carer_name"],
            carer_phone=form.cleaned_data["carer_phone"],
            carer_email=form.cleaned_data["carer_email"],
        )
    except status_links.LinkError as error:
        # Shown as a message: a closed case's page has no form to show it beside.
        messages.error(request, str(error))
        return _links_page(request, case, 400, form=form)
    return _deliver(request, case, issued, form.cleaned_data["delivery"])


def _link_for(case, link_id: int) -> StatusLink:
    link = get_object_or_404(StatusLink, pk=link_id, case=case)
    link.case = case
    return link


@require_POST
@care_team_required
def status_link_revoke(request: HttpRequest, case_id: int, link_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    try:
        status_links.status_link_revoke(link=_link_for(case, link_id), by=request.user)
    except status_links.LinkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Status link revoked. It no longer opens the status page.")
    return _back_to_links(case.pk)


@require_POST
@care_team_required
def status_link_reissue(request: HttpRequest, case_id: int, link_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    form = DeliveryForm(request.POST)
    delivery = form.cleaned_data["delivery"] if form.is_valid() else "copy"
    try:
        issued = status_links.status_link_reissue(link=_link_for(case, link_id), by=request.user)
    except status_links.LinkError as error:
        messages.error(request, str(error))
        return _back_to_links(case.pk)
    if issued.revoked_replacements:
        messages.info(
            request,
            "This link had already been re-issued (was the button pressed twice?). That newer "
            "link is revoked too, so only the new one works.",
        )
    return _deliver(request, case, issued, delivery)
