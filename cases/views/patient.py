"""The patient's status page, reached through a private link: `/s/<token>/`.

1. The token is the only thing in the URL; a token that is unknown, expired, revoked or locked
   gets one calm page, the same bytes and status whatever the reason.
2. A usable link first asks for the patient's date of birth. A right answer starts a short
   session for that link alone (30 minutes idle, counted to within the minute); then the check
   is asked again.
3. Every page the patient or carer sees is recorded on the case's audit trail, with the IP.
4. The page speaks the patient's preferred language unless they chose another on the page.
"""

import datetime
from functools import wraps

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cases.audit import audit_record
from cases.error_summary import error_summary
from cases.models import AuditEvent, PatientQuestion, StatusLink
from cases.patient import links as status_links
from cases.patient import page as patient_page
from cases.patient.forms import BirthDateForm, QuestionForm
from cases.security import ACTIVITY_WRITE_SECONDS
from cases.views.common import activate_language, unavailable

# The question box's id in patient/_question_field.html, for the error summary's link.
QUESTION_FIELD_IDS = {NON_FIELD_ERRORS: "question-text", "text": "question-text"}

# Questions patients often want to ask; each can be added with one tap.
SUGGESTED_QUESTIONS = [
    translation.gettext_noop("What type of tumour do I have, and how sure are you?"),
    translation.gettext_noop("Do you agree with the plan my doctors made?"),
    translation.gettext_noop("What other treatments could I try?"),
    translation.gettext_noop("Is there a clinical trial that could help me?"),
    translation.gettext_noop("What side effects should I watch for?"),
    translation.gettext_noop("Who do I call if I have a question after today?"),
]


def _session_is_fresh(request: HttpRequest, link: StatusLink, now: datetime.datetime) -> bool:
    state = request.session.get(status_links.SESSION_KEY)
    if not state or state.get("link") != link.pk:
        return False
    last_seen = datetime.datetime.fromisoformat(state["seen"])
    if now - last_seen > status_links.SESSION_IDLE_LIMIT:
        del request.session[status_links.SESSION_KEY]
        return False
    # As the staff's idle clock: rewritten at most once a minute, so a page does not cost a
    # session write; the check comes back at most that much early, never late.
    if abs((now - last_seen).total_seconds()) >= ACTIVITY_WRITE_SECONDS:
        state["seen"] = now.isoformat()
        request.session.modified = True
    return True


def _open_link(request: HttpRequest, token: str, now: datetime.datetime):
    """The usable link for `token`, with the visitor's language set; or the response to send
    instead: the calm page for a link that does not work, or the redirect that stores a
    language the visitor chose."""
    link = status_links.status_link_for_token(token, now=now)
    if link is None:
        return unavailable(request)
    switched = _language_switch(request)
    if switched is not None:
        return switched
    activate_language(request, link)
    return link


def status_link_page(view):
    """Open the link (see `_open_link`), and send a visitor without a fresh session for this
    link back to the birth-date check."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        now = timezone.now()
        link = _open_link(request, token, now)
        if isinstance(link, HttpResponse):
            return link
        if not _session_is_fresh(request, link, now):
            return redirect("patient_status", token=token)
        return view(request, link, token, *args, **kwargs)

    return wrapper


def _language_switch(request: HttpRequest) -> HttpResponse | None:
    """`?lang=es` stores the choice in Django's language cookie and reloads the clean URL."""
    code = request.GET.get("lang", "")
    if request.method != "GET" or code not in dict(settings.LANGUAGES):
        return None
    response = redirect(request.path)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    link = _open_link(request, token, now)
    if isinstance(link, HttpResponse):
        return link
    if request.method == "POST":
        form = BirthDateForm(request.POST)
        if form.is_valid():
            date_of_birth = form.cleaned_data["date_of_birth"]
            if status_links.status_link_check(link=link, date_of_birth=date_of_birth, now=now):
                request.session.cycle_key()
                request.session[status_links.SESSION_KEY] = {
                    "link": link.pk,
                    "seen": now.isoformat(),
                }
                return redirect("patient_status", token=token)
            if not link.is_usable(now):
                return unavailable(request)
            form.add_error(None, gettext("That date does not match our records. Please try again."))
        return render(request, "patient/check.html", {"form": form, "token": token}, status=400)
    if not _session_is_fresh(request, link, now):
        return render(request, "patient/check.html", {"form": BirthDateForm(), "token": token})
    return _status_page(request, link, token)


def _audit_view(link: StatusLink, obj=None) -> None:
    audit_record(
        action=AuditEvent.Action.VIEW,
        actor_label=link.actor_label,
        obj=obj or link.case,
        case=link.case,
        # Which link: a patient's and a carer's views of the same case can be told apart.
        changes={"status_link": link.pk},
    )


def _status_page(
    request: HttpRequest, link: StatusLink, token: str, *, form=None, status: int = 200
) -> HttpResponse:
    _audit_view(link)
    content = patient_page.status_page_content(link.case)
    asked = {question.text for question in content["questions"]}
    suggestions = [text for text in (gettext(s) for s in SUGGESTED_QUESTIONS) if text not in asked]
    context = content | {
        "token": token,
        "audience": link.audience,
        "question_form": form or QuestionForm(),
        "error_summary": error_summary(form, QUESTION_FIELD_IDS),
        "suggestions": suggestions,
        "can_add_question": len(content["questions"]) < status_links.MAX_QUESTIONS,
    }
    return render(request, "patient/status.html", context, status=status)


def _back_to_status_page(token: str) -> HttpResponse:
    """A form's address opened by GET (the page a phone shows after a refused question,
    reopened or shared) leads to the status page: the language chosen is in its cookie."""
    return redirect("patient_status", token=token)


@require_http_methods(["GET", "POST"])
@status_link_page
def question_add(request: HttpRequest, link: StatusLink, token: str) -> HttpResponse:
    if request.method == "GET":
        return _back_to_status_page(token)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            status_links.patient_question_add(link=link, text=form.cleaned_data["text"])
        except status_links.LinkError:
            form.add_error(None, gettext("You have the most questions we can keep. Remove one."))
        else:
            return redirect(reverse("patient_status", kwargs={"token": token}) + "#questions")
    return _status_page(request, link, token, form=form, status=400)


def _question_for(link: StatusLink, question_id: int) -> PatientQuestion | None:
    """The case's question, or None when it is gone (removed already: a second click, an old
    tab), which the views answer by going back to the status page's questions."""
    return PatientQuestion.objects.filter(pk=question_id, case=link.case).first()


def _to_the_questions(token: str) -> HttpResponse:
    return redirect(reverse("patient_status", kwargs={"token": token}) + "#questions")


@require_http_methods(["GET", "POST"])
@status_link_page
def question_edit(
    request: HttpRequest, link: StatusLink, token: str, question_id: int
) -> HttpResponse:
    question = _question_for(link, question_id)
    if question is None:
        return _to_the_questions(token)
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            status_links.patient_question_update(
                link=link, question=question, text=form.cleaned_data["text"]
            )
            return redirect(reverse("patient_status", kwargs={"token": token}) + "#questions")
        status = 400
    else:
        _audit_view(link, question)
        form = QuestionForm(initial={"text": question.text})
        status = 200
    return render(
        request,
        "patient/question_edit.html",
        {
            "form": form,
            "token": token,
            "question": question,
            "error_summary": error_summary(form, QUESTION_FIELD_IDS),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@status_link_page
def question_remove(
    request: HttpRequest, link: StatusLink, token: str, question_id: int
) -> HttpResponse:
    if request.method == "GET":
        return _back_to_status_page(token)
    question = _question_for(link, question_id)
    if question is not None:
        status_links.patient_question_remove(link=link, question=question)
    return _to_the_questions(token)


@require_GET
@status_link_page
def appointment_calendar(request: HttpRequest, link: StatusLink, token: str) -> HttpResponse:
    appointment = patient_page.appointment_for(link.case)
    if appointment is None:
        return redirect("patient_status", token=token)
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor_label=link.actor_label,
        obj=appointment,
        case=link.case,
    )
    description = gettext("Your second-opinion visit.")
    if appointment.what_to_bring:
        description += "\n" + gettext("What to bring:") + " " + appointment.what_to_bring
    body = patient_page.appointment_ics(
        appointment,
        summary=gettext("Second-opinion visit"),
        description=description,
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
