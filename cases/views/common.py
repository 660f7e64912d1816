"""What the views share: the decorators that let the care team in, the case page several staff
views render, and the patient pages' language and dead-link answer (the CSRF failure page needs
them too). Not a view itself; the one module views may import from each other.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from cases.access import (
    get_case_for_user,
    is_staff_member,
    is_supervisor,
    render_case_page,
)
from cases.business_days import team_today
from cases.contacts import selectors as contact_selectors
from cases.error_summary import CONFIRM, ErrorSummary, error_summary
from cases.models import Case, StatusLink, Step
from cases.workflow import selectors, services
from cases.workflow.forms import CaseStatusForm, HoldReviewForm, NoteForm, ReassignForm


def care_team_required(view):
    """Logged in (else the login page) and on the care team (else 404, as for any unseen case)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_staff_member(request.user):
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def supervisor_required(view):
    """Logged in (else the login page) and a supervisor (else 404, as for any unseen page)."""

    @care_team_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_supervisor(request.user):
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


# The case page's forms about one step (the others are about the case).
STEP_FORMS = ("step_form", "due_date_form", "snooze_form")

# Where a case-page form leads back to once it has done its work (Today sends `next`).
NEXT_FIELD = "next"
NEXT_MAX_LENGTH = 500


def safe_next(request: HttpRequest) -> str:
    """The page a case-page form should lead back to: `next` from the form sent, or from the
    case page's query string, when it is a path on this site (never another host, scheme or
    a protocol-relative `//host`, never a control character); else ""."""
    candidate = request.POST.get(NEXT_FIELD) or request.GET.get(NEXT_FIELD) or ""
    if (
        len(candidate) <= NEXT_MAX_LENGTH
        and candidate.startswith("/")
        and candidate.isprintable()
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None)
    ):
        return candidate
    return ""


def case_form_done(request: HttpRequest, case: Case, *, anchor: str = "", done: bool = True):
    """Where every case-page form sends the user once it is answered: with `done` (saved, or
    already saved by a double click) back to `next` (Today) when the page was opened from
    there, else to the case page at `anchor`; not done (a refusal shown as a message) to the
    case page again, still carrying `next` so the next try leads back too."""
    target = safe_next(request)
    if done and target:
        return redirect(target)
    query = f"?{urlencode({NEXT_FIELD: target})}" if target else ""
    return redirect(f"{case.get_absolute_url()}{query}{'#' + anchor if anchor else ''}")


def case_page(request: HttpRequest, case: Case, status: int = 200, **bound) -> HttpResponse:
    """Render the case page; `bound` replaces a blank form with the one the user just sent."""
    steps = selectors.case_page_steps(case)
    today = team_today()
    bound_step_id = bound.pop("step_id", None)
    next_url = safe_next(request)
    sent = next((form for name, form in bound.items() if name in STEP_FORMS), None)
    for step in steps:
        step.days_overdue = 0 if step.is_finished else selectors.days_overdue(step.due_date, today)
        step.allowed = sorted(services.STEP_TRANSITIONS[step.status])
        # The forms of the step the user sent back carry the version they sent, not the
        # current one: else fixing or confirming it would pass over a colleague's change.
        step.form_version = (
            sent.data.get("version", "") if sent and step.pk == bound_step_id else step.version
        )
    context = {
        "case": case,
        "steps": steps,
        "bound_step_id": bound_step_id,
        "reasons": selectors.case_reasons(case),
        "note_form": NoteForm(),
        "status_form": CaseStatusForm(case=case, today=today, initial={"version": case.version}),
        "case_transitions": [
            status
            for status in Case.Status.values
            if status in services.CASE_TRANSITIONS[case.status]
        ],
        "reassign_form": ReassignForm(
            initial={"social_worker": case.social_worker_id, "version": case.version}
        )
        if is_supervisor(request.user)
        else None,
        "questions": selectors.patient_questions(case),
        "notes": case.notes.select_related("author")[:50],
        "timeline": selectors.case_timeline(case),
        "contact_log": contact_selectors.case_contact_log(
            case, user=request.user, now=timezone.now()
        ),
        "follow_ups": contact_selectors.case_follow_ups(case, today=today),
        "step_form": None,
        "due_date_form": None,
        "hold_review_form": HoldReviewForm(
            initial={"review_on": case.hold_review_on, "version": case.version}
        ),
        "today": today,
        "next_url": next_url,
        "next_is_today": next_url.startswith(reverse("today")),
    }
    context.update(bound)
    context["error_summary"] = _case_page_errors(bound, bound_step_id)
    return render_case_page(request, "workflow/case_detail.html", context, case=case, status=status)


def _case_page_errors(bound: dict, step_id: int | None) -> ErrorSummary:
    """The error summary of the one form sent, linked to the ids case_detail.html (and
    reminders/_snooze.html) give the inputs they write by hand, and workflow/_second_look.html
    its button."""
    field_ids = {
        "step_form": {
            NON_FIELD_ERRORS: f"step-{step_id}",
            "status": f"step-{step_id}-status",
            "reason": f"step-{step_id}-reason",
            CONFIRM: f"step-{step_id}-confirm",
        },
        "due_date_form": {CONFIRM: f"step-{step_id}-confirm"},
        "snooze_form": {
            "until": f"step-{step_id}-snooze-until",
            "reason": f"step-{step_id}-snooze-reason",
        },
        "status_form": {
            "status": "case-status",
            "reason": "case-status-reason",
            "review_on": "case-status-review-on",
            CONFIRM: "case-status-confirm",
        },
        "hold_review_form": {NON_FIELD_ERRORS: "hold-review", "review_on": "hold-review-on"},
        "note_form": {"body": "note-body"},
    }
    for name, form in bound.items():
        if getattr(form, "errors", None) or getattr(form, "warnings", None):
            return error_summary(form, field_ids.get(name))
    return ErrorSummary(links=[])


def case_with_records(request: HttpRequest, case_id: int) -> Case:
    return get_case_for_user(request, case_id, shape=selectors.case_page_case)


def step_for(case: Case, step_id: int) -> Step:
    step = get_object_or_404(Step, pk=step_id, case=case)
    step.case = case
    return step


def unavailable(request: HttpRequest) -> HttpResponse:
    """The one answer for every link that does not work, in both languages, with no form.

    Rendered in English whatever the visitor's language settings, with the Spanish part marked
    as Spanish, so every visitor gets the same bytes.
    """
    with translation.override("en"):
        return render(
            request,
            "patient/unavailable.html",
            {"help_phone": settings.PATIENT_HELP_PHONE},
            status=404,
        )


def activate_language(request: HttpRequest, link: StatusLink) -> None:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    languages = dict(settings.LANGUAGES)
    code = chosen if chosen in languages else link.case.patient.preferred_language
    translation.activate(code if code in languages else settings.LANGUAGE_CODE)
    request.LANGUAGE_CODE = translation.get_language()


def step_form_posted(
    request: HttpRequest,
    case: Case,
    step: Step,
    form,
    *,
    form_name: str,
    save: Callable[[], object],
    success: Callable[[], str],
) -> HttpResponse:
    """What every step form of the case page answers once posted: `save()` (the one service
    call) when the form is valid, then `success()` as the message. A form with mistakes or a
    move the workflow refuses comes back with what was typed (400); a stale one comes back as a
    conflict, with the step's current version (409); the second copy of a double click gets a
    calm message."""

    def sent_back(status: int) -> HttpResponse:
        return case_page(request, case, status, **{form_name: form}, step_id=step.pk)

    if not form.is_valid():
        return sent_back(400)
    try:
        save()
    except services.AlreadySaved as repeat:
        messages.info(request, str(repeat))
        return case_form_done(request, case, anchor=f"step-{step.pk}")
    except services.ConflictError as error:
        step.refresh_from_db(fields=["version"])
        form.refuse_as_conflict(error, current_version=step.version)
        return sent_back(409)
    except services.TransitionError as error:
        form.add_error(None, str(error))
        return sent_back(400)
    messages.success(request, success())
    return case_form_done(request, case, anchor=f"step-{step.pk}")
