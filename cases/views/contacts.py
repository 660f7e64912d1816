"""Staff pages of the contact part: logging a call (fax, email, …) and correcting it, adding a
follow-up, changing one (another day, another person), marking one done or open again. Each
fetches its case through `cases.access.get_case_for_user`, calls one service and renders through
`cases.access.render_case_page` (the view is recorded). A form sent back keeps what was typed.

After saving, each goes back to the case page at its section, or to `next` (a path on this
site, such as the Today page a row was opened from)."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import get_case_for_user, render_case_page
from cases.business_days import add_business_days, team_today
from cases.contacts import selectors, services
from cases.contacts.forms import (
    ContactLogCorrectionForm,
    ContactLogForm,
    FollowUpChangeForm,
    FollowUpForm,
)
from cases.error_summary import ErrorSummary, error_summary
from cases.models import Case, ContactLogEntry, FollowUp, RecordsRequest
from cases.models.staff import display_name
from cases.views.common import care_team_required, safe_next
from cases.workflow.form_rules import differences, saved_values


def _next(request: HttpRequest) -> str:
    """The page to return to (Today's `next`), checked as every case-page form checks it."""
    return safe_next(request)


def _back(request: HttpRequest, case: Case, anchor: str) -> HttpResponse:
    return redirect(_next(request) or f"{case.get_absolute_url()}#{anchor}")


def _page(
    request: HttpRequest, template: str, context: dict, *, case: Case, sent: list, status: int
) -> HttpResponse:
    """Render one of these pages; the first form sent back with errors gets the summary."""
    with_errors = next((form for form in sent if form.errors), None)
    context = {
        "case": case,
        "next": _next(request),
        "error_summary": error_summary(with_errors) if with_errors else ErrorSummary(links=[]),
        **context,
    }
    return render_case_page(request, template, context, case=case, status=status)


def _after_conflict(request: HttpRequest, record, form, make_form) -> tuple:
    """A save refused as a conflict: (the form again, the differences). The record is read as
    saved now; where what was typed differs from it is shown beside it; what was typed stays in
    the form, now against the current version, so saving again after reading the differences
    replaces them knowingly."""
    record.refresh_from_db()
    changed = differences(form, saved_values(record, form))
    data = request.POST.copy()
    data["version"] = str(record.version)
    return make_form(data), changed


def _this_minute() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _follow_up_words(follow_up: services.NewFollowUp | FollowUp, case: Case) -> str:
    """ "for Alex Rivera, due Thu Dec 3, 2026 at 2:00 pm"."""
    who = display_name(follow_up.assignee or case.social_worker)
    return f"for {who}, due {services.due_words(follow_up.due_on, follow_up.due_time)}"


@require_http_methods(["GET", "POST"])
@care_team_required
def contact_log_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    data = request.POST if request.method == "POST" else None
    form = ContactLogForm(
        data, groups=selectors.directory(), initial={"occurred_at": _this_minute()}
    )
    follow_up_form = FollowUpForm(
        data,
        prefix="follow_up",
        optional=True,
        assignees=selectors.follow_up_assignees(case),
        initial={"assignee": case.social_worker_id},
    )
    status = 200
    if data is not None:
        status = 400
        # Both forms are checked (no short circuit), so every mistake is shown at once.
        if form.is_valid() & follow_up_form.is_valid():
            follow_up = follow_up_form.new_follow_up()
            try:
                services.contact_log_add(
                    case=case, by=request.user, fields=form.entry_fields(), follow_up=follow_up
                )
            except services.AlreadySaved as repeat:
                messages.info(request, str(repeat))
                return _back(request, case, "contact-log")
            except services.TransitionError as error:
                form.add_error(None, str(error))
            else:
                said = f" Follow-up {_follow_up_words(follow_up, case)}." if follow_up else ""
                messages.success(request, "Contact logged." + said)
                return _back(request, case, "contact-log")
    return _page(
        request,
        "contacts/contact_log_form.html",
        {"form": form, "follow_up_form": follow_up_form, "correcting": None},
        case=case,
        sent=[form, follow_up_form],
        status=status,
    )


@require_http_methods(["GET", "POST"])
@care_team_required
def contact_log_correct(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    entry = get_object_or_404(
        ContactLogEntry.objects.select_related("author"), pk=entry_id, case=case
    )
    entry.case = case
    refusal = services.correction_refusal(entry, request.user, timezone.now())
    groups = selectors.directory(include=entry.contact_id)
    if refusal and request.method != "POST":
        messages.error(request, refusal)
        return redirect(f"{case.get_absolute_url()}#contact-log")
    if refusal:
        # Sent too late (after midnight) or by someone else: nothing typed is lost; the page
        # offers to log it as a new entry instead.
        return _page(
            request,
            "contacts/contact_log_form.html",
            {"form": ContactLogForm(request.POST, groups=groups), "refused": refusal},
            case=case,
            sent=[],
            status=403,
        )
    status, conflict, changed = 200, None, []
    if request.method != "POST":
        initial = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
        initial |= {"contact": str(entry.contact_id or ""), "version": entry.version}
        form = ContactLogCorrectionForm(groups=groups, initial=initial)
    else:
        form = ContactLogCorrectionForm(request.POST, groups=groups)
        status = 400
        if form.is_valid():
            try:
                services.contact_log_correct(
                    entry=entry,
                    by=request.user,
                    fields=form.entry_fields(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.AlreadySaved as repeat:
                messages.info(request, str(repeat))
                return _back(request, case, "contact-log")
            except services.ConflictError as error:
                form, changed = _after_conflict(
                    request, entry, form, lambda data: ContactLogCorrectionForm(data, groups=groups)
                )
                conflict, status = str(error), 409
            except services.TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Contact-log entry corrected.")
                return _back(request, case, "contact-log")
    return _page(
        request,
        "contacts/contact_log_form.html",
        {
            "form": form,
            "correcting": entry,
            "conflict": conflict,
            "differences": changed,
        },
        case=case,
        sent=[] if conflict else [form],
        status=status,
    )


def _linked(request: HttpRequest, case: Case, model, name: str):
    """The record of `case` named by the query parameter `name` (`?records_request=<id>`), or
    None without one; a value that names none of this case's is a 404, like any dead link."""
    value = request.GET.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        raise Http404("No such record on this case.")
    return get_object_or_404(model.objects.select_related("contact"), pk=int(value), case=case)


@require_http_methods(["GET", "POST"])
@care_team_required
def follow_up_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    records_request = _linked(request, case, RecordsRequest, "records_request")
    contact_entry = _linked(request, case, ContactLogEntry, "contact_entry")
    today = team_today()
    initial = {"assignee": case.social_worker_id, "due_on": add_business_days(today, 1)}
    if records_request is not None:
        initial["what"] = f"Chase the records request to {records_request.contact_name}"[:300]
        if records_request.follow_up_on and records_request.follow_up_on >= today:
            initial["due_on"] = records_request.follow_up_on
    elif contact_entry is not None:
        initial["what"] = f"Call {contact_entry.contact_name} back"[:300]
    data = request.POST if request.method == "POST" else None
    form = FollowUpForm(data, assignees=selectors.follow_up_assignees(case), initial=initial)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            follow_up = form.new_follow_up()
            try:
                services.follow_up_create(
                    case=case,
                    by=request.user,
                    what=follow_up.what,
                    due_on=follow_up.due_on,
                    due_time=follow_up.due_time,
                    assignee=follow_up.assignee,
                    contact_entry=contact_entry,
                    records_request=records_request,
                )
            except services.AlreadySaved as repeat:
                messages.info(request, str(repeat))
                return _back(request, case, "follow-ups")
            except services.TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Follow-up added {_follow_up_words(follow_up, case)}.")
                return _back(request, case, "follow-ups")
    return _page(
        request,
        "contacts/follow_up_form.html",
        {"form": form, "records_request": records_request, "contact_entry": contact_entry},
        case=case,
        sent=[form],
        status=status,
    )


def _follow_up_of(case: Case, follow_up_id: int) -> FollowUp:
    follow_up = get_object_or_404(FollowUp, pk=follow_up_id, case=case)
    follow_up.case = case
    return follow_up


def _change_refusal(follow_up: FollowUp, case: Case) -> str:
    """Why this follow-up cannot be changed now, or "" (the service says the same)."""
    if case.is_closed:
        return "This case is closed. Reopen it before changing its follow-ups."
    if follow_up.done_at is not None:
        return "This follow-up is done. Reopen it before changing it."
    return ""


@require_http_methods(["GET", "POST"])
@care_team_required
def follow_up_change(request: HttpRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    """Move a follow-up to another day, hand it to a colleague, or reword it. A stale copy is
    refused with what is saved now beside what was typed (which stays in the form)."""
    case = get_case_for_user(request, case_id)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("assignee"), pk=follow_up_id, case=case
    )
    follow_up.case = case
    refusal = _change_refusal(follow_up, case)
    if refusal and request.method != "POST":
        # Done or closed: said calmly, on the case page. A change sent after a colleague marked
        # it done is refused by the service below, with what was typed kept.
        messages.error(request, refusal)
        return _back(request, case, f"follow-up-{follow_up.pk}")

    def form_for(data=None, **kwargs) -> FollowUpChangeForm:
        return FollowUpChangeForm(
            data,
            assignees=selectors.follow_up_assignees(case, keeping=follow_up.assignee),
            saved_day=follow_up.due_on,
            saved_version=follow_up.version,
            **kwargs,
        )

    status, conflict, changed = 200, None, []
    if request.method != "POST":
        initial = {name: getattr(follow_up, name) for name in services.FOLLOW_UP_FIELDS}
        form = form_for(initial=initial | {"version": follow_up.version})
    else:
        form = form_for(request.POST)
        status = 400
        if form.is_valid():
            typed = form.new_follow_up()
            try:
                saved = services.follow_up_change(
                    follow_up=follow_up,
                    by=request.user,
                    what=typed.what,
                    due_on=typed.due_on,
                    due_time=typed.due_time,
                    assignee=typed.assignee,
                    expected_version=form.cleaned_data["version"],
                )
            except services.AlreadySaved as repeat:
                messages.info(request, str(repeat))
                return _back(request, case, "follow-ups")
            except services.ConflictError as error:
                form, changed = _after_conflict(request, follow_up, form, form_for)
                conflict, status = str(error), 409
            except services.TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Follow-up changed {_follow_up_words(saved, case)}.")
                return _back(request, case, "follow-ups")
    return _page(
        request,
        "contacts/follow_up_form.html",
        {"form": form, "changing": follow_up, "conflict": conflict, "differences": changed},
        case=case,
        sent=[] if conflict else [form],
        status=status,
    )


@require_POST
@care_team_required
def follow_up_done(request: HttpRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    follow_up = _follow_up_of(case, follow_up_id)
    try:
        services.follow_up_done(follow_up=follow_up, by=request.user)
    except services.AlreadySaved as repeat:
        messages.info(request, str(repeat))
    else:
        messages.success(request, f"Follow-up done: {follow_up.what}")
    return _back(request, case, "follow-ups")


@require_POST
@care_team_required
def follow_up_reopen(request: HttpRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    follow_up = _follow_up_of(case, follow_up_id)
    try:
        services.follow_up_reopen(follow_up=follow_up, by=request.user)
    except services.AlreadySaved as repeat:
        messages.info(request, str(repeat))
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Follow-up open again: {follow_up.what}")
    return _back(request, case, "follow-ups")
