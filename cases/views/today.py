"""Today, the social worker's worklist (and the supervisor's view of the team's), and the
case page's form that changes a hold's review date."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from cases.access import is_supervisor
from cases.audit import audit_list_view
from cases.today import selectors
from cases.views.common import care_team_required, case_form_done, case_page, case_with_records
from cases.workflow import services
from cases.workflow.forms import HoldReviewForm
from cases.workflow.selectors import social_workers

# The list of a supervisor's own rows on the team's view: their follow-ups.
OWN_LIST = "follow-ups"

INVALID_WORKER = (
    "That social worker is not on the team (the link may be old). Showing the whole team; "
    "choose someone from the table."
)


@require_safe
@care_team_required
def today(request: HttpRequest) -> HttpResponse:
    supervisor = is_supervisor(request.user)
    workers = list(social_workers()) if supervisor else []
    asked = request.GET.get("worker", "")
    worker = next((person for person in workers if str(person.pk) == asked), None)
    invalid_worker = supervisor and bool(asked) and worker is None
    show = request.GET.get("show", "")
    show = show if show in selectors.KINDS_BY_SLUG else ""
    # Where each row's link leads back to: this page, rebuilt from the values it understood.
    kept = {"worker": worker.pk} if worker else {}
    page = request.GET.get("page", "")
    if show:
        kept["show"] = show
        if page.isascii() and page.isdigit() and len(page) < 6:
            kept["page"] = page
    back_to = reverse("today") + (f"?{urlencode(kept)}" if kept else "")
    day = selectors.day_for()
    team = selectors.team_counts(workers, day) if supervisor else []
    own = None
    if supervisor and worker is None:
        # The team's view: the counts per worker; each worker's rows are one click away. The
        # supervisor's own follow-ups are listed with their rows (whole when asked for).
        own_whole = show == OWN_LIST
        own = selectors.supervisor_follow_ups(
            request.user, day, back_to=back_to, whole=own_whole, page_number=page
        )
        lists, show = selectors.team_totals(team), OWN_LIST if own_whole else ""
    else:
        lists = selectors.today_lists(
            selectors.scope_for(request.user, worker=worker),
            day,
            back_to=back_to,
            show=show,
            page_number=page,
        )
    shown = next((listed for listed in lists if listed.slug == show), None)
    if own is not None:
        shown = own if show else None
    audit_list_view(
        actor=request.user,
        list_name="today",
        page=shown.page.number if shown else 1,
        filters={"worker": worker.pk if worker else None, "show": show},
        case_ids=sorted(
            {row.case_id for listed in [*lists, *([own] if own else [])] for row in listed.rows}
        ),
    )
    return render(
        request,
        "today/today.html",
        {
            "day": day,
            "lists": lists,
            "shown": shown,
            "worker": worker,
            "invalid_worker": INVALID_WORKER if invalid_worker else "",
            "team": team,
            "team_view": supervisor and worker is None,
            "own": [own] if own is not None else [],
            "kinds": selectors.KINDS,
            "workers": workers,
            "list_cap": selectors.LIST_CAP,
        },
        status=400 if invalid_worker else 200,
    )


@require_POST
@care_team_required
def case_hold_review(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    form = HoldReviewForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, 400, hold_review_form=form)
    try:
        services.case_hold_review_move(
            case=case,
            review_on=form.cleaned_data["review_on"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.AlreadySaved as repeat:
        messages.info(request, str(repeat))
        return case_form_done(request, case, anchor="status")
    except services.ConflictError as error:
        case.refresh_from_db(fields=["status", "status_reason", "hold_review_on", "version"])
        form.refuse_as_conflict(error, current_version=case.version)
        return case_page(request, case, 409, hold_review_form=form)
    except services.TransitionError as error:
        form.add_error(None, str(error))
        return case_page(request, case, 400, hold_review_form=form)
    messages.success(request, f"The hold will be reviewed on {case.hold_review_on:%b %-d, %Y}.")
    return case_form_done(request, case, anchor="status")
