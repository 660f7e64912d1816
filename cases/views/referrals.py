"""The supervisor's Unassigned list: referrals the hospital's systems sent (FHIR API), each
waiting to be given to a social worker, which opens its case."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cases.access import duplicates_disclose
from cases.audit import audit_record
from cases.fhir import selectors, services
from cases.fhir.forms import ReferralAssignForm
from cases.models import AuditEvent, IncomingReferral
from cases.views.common import supervisor_required
from cases.workflow.selectors import open_cases_for_patient

PAGE_SIZE = 25


@supervisor_required
def referrals_unassigned(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.unassigned_referrals(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.referral_summaries(page.object_list)
    audit_record(
        action=AuditEvent.Action.VIEW,
        actor=request.user,
        changes={
            "list": "unassigned referrals",
            "page": page.number,
            "referrals": [row["pk"] for row in rows],
        },
    )
    return render(request, "fhir/referrals_unassigned.html", {"page": page, "rows": rows})


@supervisor_required
def referral_assign(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_object_or_404(IncomingReferral.objects.select_related("system"), pk=referral_id)
    if referral.case_id is not None:
        # Another tab or a colleague assigned it since this page was opened.
        messages.info(request, str(services.ReferralAlreadyAssigned()))
        return redirect("referrals_unassigned")
    summary = selectors.referral_summaries([referral])[0]
    duplicates = list(
        open_cases_for_patient(
            full_name=summary["full_name"], date_of_birth=summary["date_of_birth"]
        )
    )
    form = ReferralAssignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if duplicates and not form.cleaned_data["confirm_duplicate"]:
            form.add_error(
                "confirm_duplicate", "This patient has an open case: check it, then tick here."
            )
        else:
            try:
                case = services.referral_assign(
                    referral=referral,
                    social_worker=form.cleaned_data["social_worker"],
                    by=request.user,
                )
            except services.ReferralAlreadyAssigned as error:
                messages.info(request, str(error))
                return redirect("referrals_unassigned")
            except services.ReferralNoLongerValid as error:
                for message in error.errors:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, "Case opened from the referral. The referral step has started."
                )
                return redirect("case_detail", case_id=case.pk)
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user, obj=referral)
    return render(
        request,
        "fhir/referral_assign.html",
        {
            "referral": summary,
            "form": form,
            "duplicates": duplicates_disclose(user=request.user, cases=duplicates),
        },
        status=400 if request.method == "POST" else 200,
    )
