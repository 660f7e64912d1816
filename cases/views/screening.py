"""Staff pages of the screening part: recording a distress screening, a plan for one that has
none, a barrier to care, something done about it, and closing it. Each fetches its case
through `cases.access.get_case_for_user`, calls one service and renders through
`cases.access.render_case_page` (the view is recorded). A form sent back keeps what was typed.

After saving, each goes back to the case page at the panel, or to `next` (a path on this site,
such as the Today page a row was opened from)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user, render_case_page
from cases.business_days import team_today
from cases.contacts.selectors import follow_up_assignees
from cases.error_summary import ErrorSummary, error_summary
from cases.models import PROBLEM_GROUPS, Barrier, Case, DistressScreening
from cases.screening import rules, selectors, services
from cases.screening.forms import (
    BarrierCloseForm,
    BarrierForm,
    InterventionForm,
    PlanForm,
    ScreeningForm,
)
from cases.views.common import care_team_required, safe_next

ANCHOR = "screening"


def _back(request: HttpRequest, case: Case) -> HttpResponse:
    return redirect(safe_next(request) or f"{case.get_absolute_url()}#{ANCHOR}")


def _page(
    request: HttpRequest, template: str, context: dict, *, case: Case, sent: list, status: int
) -> HttpResponse:
    """Render one of these pages; the first form sent back with errors gets the summary."""
    with_errors = next((form for form in sent if form.errors), None)
    context = {
        "case": case,
        "next": safe_next(request),
        "threshold": rules.threshold(),
        "error_summary": error_summary(with_errors) if with_errors else ErrorSummary(links=[]),
        **context,
    }
    return render_case_page(request, template, context, case=case, status=status)


def _saved(request: HttpRequest, case: Case, save, form, success: str) -> HttpResponse | None:
    """Call `save()`; a double click is said calmly, a refusal goes onto the form (None: the
    page is shown again)."""
    try:
        save()
    except services.AlreadySaved as repeat:
        messages.info(request, str(repeat))
    except services.ConflictError as error:
        form.add_error(None, f"{error} Reload the page to see it as it is now.")
        return None
    except services.TransitionError as error:
        form.add_error(None, str(error))
        return None
    else:
        messages.success(request, success)
    return _back(request, case)


@require_http_methods(["GET", "POST"])
@care_team_required
def screening_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    data = request.POST if request.method == "POST" else None
    form = ScreeningForm(
        data,
        team=follow_up_assignees(case),
        initial={"screened_on": team_today(), "screened_by": request.user.pk},
    )
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            fields = form.screening_fields()
            done = _saved(
                request,
                case,
                lambda: services.screening_record(case=case, by=request.user, **fields),
                form,
                f"Distress screening recorded: score {fields['score']}."
                + (" Referral follow-up added." if fields["plan"] == "referral" else ""),
            )
            if done:
                return done
    return _page(
        request,
        "screening/screening_form.html",
        {"form": form, "groups": _problem_groups(form)},
        case=case,
        sent=[form],
        status=status,
    )


def _problem_groups(form: ScreeningForm) -> list[dict]:
    """The problem list's checkboxes by group, as the NCCN form groups them."""
    chosen = set(form["problems"].value() or [])
    return [
        {
            "key": group,
            "label": label,
            "problems": [
                {"value": f"{group}.{code}", "label": text, "checked": f"{group}.{code}" in chosen}
                for code, text in problems
            ],
        }
        for group, label, problems in PROBLEM_GROUPS
    ]


@require_http_methods(["GET", "POST"])
@care_team_required
def screening_plan(request: HttpRequest, case_id: int, screening_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    screening = get_object_or_404(DistressScreening, pk=screening_id, case=case)
    screening.case = case
    if screening.plan:
        messages.info(request, "This screening already has its plan.")
        return _back(request, case)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, screening=screening, initial={"version": screening.version})
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            fields = form.plan_fields()
            done = _saved(
                request,
                case,
                lambda: services.screening_plan_record(
                    screening=screening,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **fields,
                ),
                form,
                "Plan recorded.",
            )
            if done:
                return done
    return _page(
        request,
        "screening/plan_form.html",
        {"form": form, "screening": screening},
        case=case,
        sent=[form],
        status=status,
    )


@require_http_methods(["GET", "POST"])
@care_team_required
def barrier_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    data = request.POST if request.method == "POST" else None
    form = BarrierForm(
        data, resources=selectors.resources(), initial={"identified_on": team_today()}
    )
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            fields = form.cleaned_data
            done = _saved(
                request,
                case,
                lambda: services.barrier_add(
                    case=case,
                    by=request.user,
                    kind=fields["kind"],
                    description=fields["description"],
                    identified_on=fields["identified_on"],
                    resource=fields["resource"],
                    intervention_note=fields["intervention_note"],
                ),
                form,
                "Barrier to care recorded.",
            )
            if done:
                return done
    return _page(
        request,
        "screening/barrier_form.html",
        {"form": form},
        case=case,
        sent=[form],
        status=status,
    )


def _barrier_of(case: Case, barrier_id: int) -> Barrier:
    barrier = get_object_or_404(
        Barrier.objects.prefetch_related("interventions__resource"), pk=barrier_id, case=case
    )
    barrier.case = case
    return barrier


@require_http_methods(["GET", "POST"])
@care_team_required
def barrier_detail(request: HttpRequest, case_id: int, barrier_id: int) -> HttpResponse:
    """A barrier with what was done about it; its two forms (something done, closing it) post
    here with `action` naming which."""
    case = get_case_for_user(request, case_id)
    barrier = _barrier_of(case, barrier_id)
    action = request.POST.get("action") if request.method == "POST" else None
    today = team_today()
    intervention_form = InterventionForm(
        request.POST if action == "intervention" else None,
        barrier=barrier,
        resources=selectors.resources(),
        initial={"done_on": today},
    )
    close_form = BarrierCloseForm(
        request.POST if action == "close" else None,
        barrier=barrier,
        initial={"closed_on": today, "version": barrier.version},
    )
    status = 200
    if action == "intervention":
        status = 400
        if intervention_form.is_valid():
            fields = intervention_form.cleaned_data
            done = _saved(
                request,
                case,
                lambda: services.barrier_intervention_add(
                    barrier=barrier,
                    by=request.user,
                    resource=fields["resource"],
                    note=fields["note"],
                    done_on=fields["done_on"],
                ),
                intervention_form,
                "Recorded what was done.",
            )
            if done:
                return done
    elif action == "close":
        status = 400
        if close_form.is_valid():
            fields = close_form.cleaned_data
            done = _saved(
                request,
                case,
                lambda: services.barrier_close(
                    barrier=barrier,
                    by=request.user,
                    status=fields["status"],
                    closed_on=fields["closed_on"],
                    unresolved_reason=fields["unresolved_reason"],
                    expected_version=fields["version"],
                ),
                close_form,
                "Barrier resolved."
                if fields["status"] == Barrier.Status.RESOLVED
                else "Barrier closed unresolved.",
            )
            if done:
                return done
    elif request.method == "POST":
        messages.error(request, "Choose what to record: something done, or closing the barrier.")
    return _page(
        request,
        "screening/barrier_detail.html",
        {
            "barrier": barrier,
            "intervention_form": intervention_form,
            "close_form": close_form,
        },
        case=case,
        sent=[intervention_form, close_form],
        status=status,
    )
