"""Staff pages about records requests: a new request, one request's page (its details, sending
it, each record's arrival, the extension notice), its letter as a PDF, and the team-wide list.

Every case is fetched through `cases.access.get_case_for_user` and every page that shows it
rendered through `cases.access.render_case_page`; the list records each page it shows with
`audit_list_view`, the letter its download as an export.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import get_case_for_user, is_supervisor, render_case_page
from cases.audit import audit_list_view, audit_record
from cases.business_days import team_today
from cases.error_summary import ErrorSummary, error_summary
from cases.models import AuditEvent, Case, RecordsRequest
from cases.records import clocks, selectors, services
from cases.records.forms import (
    ExtensionForm,
    ReceiveForm,
    RecordsRequestEditForm,
    RecordsRequestForm,
    SendForm,
)
from cases.views.common import care_team_required, safe_next
from cases.workflow.form_rules import Difference, differences
from cases.workflow.selectors import social_workers


def _case_anchor(case: Case) -> str:
    return f"{case.get_absolute_url()}#records-requests"


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _request_done(request: HttpRequest, case: Case, records_request: RecordsRequest):
    """After an action on a request's page: back to the page that sent the user here (Today's
    `next`) once the request needs nothing more today — sent, extended, or every record in —
    else the request's page again, still carrying `next` (another record may arrive too)."""
    next_url = safe_next(request)
    receiving = request.resolver_match.url_name == "records_item_receive"
    if next_url and (records_request.completed_on or not receiving):
        return redirect(next_url)
    return redirect(
        _with_next(
            reverse(
                "records_request_detail",
                kwargs={"case_id": case.pk, "records_request_id": records_request.pk},
            ),
            next_url,
        )
    )


@require_http_methods(["GET", "POST"])
@care_team_required
def records_request_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    status = 200
    if request.method == "POST":
        form = RecordsRequestForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.records_request_create(
                    case=case,
                    by=request.user,
                    kinds=form.cleaned_data["kinds"],
                    description=form.cleaned_data["description"],
                    **form.detail_fields(),
                )
            except services.AlreadySaved as repeat:
                messages.info(request, str(repeat))
                return redirect(safe_next(request) or _case_anchor(case))
            except services.TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Records request saved.")
                return redirect(safe_next(request) or _case_anchor(case))
    else:
        form = RecordsRequestForm(initial={"method": RecordsRequest.Method.FAX})
    context = {
        "case": case,
        "form": form,
        "error_summary": error_summary(form, {"kinds": "id_kinds_0"}),
        "follow_up_days": settings.RECORDS_FOLLOW_UP_BUSINESS_DAYS,
        "next_url": safe_next(request),
    }
    return render_case_page(request, "records/request_new.html", context, case=case, status=status)


# The ids the request page gives the inputs it writes by hand, per form.
FIELD_IDS = {
    "send_form": {
        NON_FIELD_ERRORS: "send-sent-on",
        "sent_on": "send-sent-on",
        "follow_up_on": "send-follow-up-on",
    },
    "extension_form": {NON_FIELD_ERRORS: "extension-notice-on", "notice_on": "extension-notice-on"},
}


def _request_page(
    request: HttpRequest,
    case: Case,
    records_request: RecordsRequest,
    status: int = 200,
    *,
    conflict: str = "",
    changed: list[Difference] | None = None,
    **bound,
) -> HttpResponse:
    """The request's page; `bound` replaces a blank form with the one the user just sent
    (`receive_form` with `item_id`, the item it was for)."""
    today = team_today()
    item_id = bound.pop("item_id", None)
    version = records_request.version
    edit_form = bound.get("edit_form") or RecordsRequestEditForm(
        initial={
            "version": version,
            "contact": records_request.contact_id,
            "contact_other": records_request.contact_other,
            "method": records_request.method,
            "sent_on": records_request.sent_on,
            "follow_up_on": records_request.follow_up_on,
            "tracking_number": records_request.tracking_number,
            "release_reference": records_request.release_reference,
        }
    )
    items = list(records_request.items.all())
    for item in items:
        item.label = selectors.item_label(item)
        sent = bound.get("receive_form") if item.pk == item_id else None
        item.form_data = sent.data if sent is not None else {}
        item.form_errors = sent.errors if sent is not None else {}
    summary = ErrorSummary(links=[])
    for name, form in bound.items():
        if form.errors:
            if name == "receive_form":
                ids = {
                    NON_FIELD_ERRORS: f"item-{item_id}-received-on",
                    "received_on": f"item-{item_id}-received-on",
                }
            else:
                ids = FIELD_IDS.get(name)
            summary = error_summary(form, ids)
            break
    sent_back = next((form for form in bound.values() if form.errors), None)
    context = {
        "case": case,
        "records_request": records_request,
        "clock": clocks.request_clock(records_request, today),
        "items": items,
        "edit_form": edit_form,
        "send_form": bound.get("send_form"),
        "extension_form": bound.get("extension_form"),
        "bound_item_id": item_id,
        # The forms of the page carry the version the user sent back, not the current one.
        "form_version": sent_back.data.get("version", "") if sent_back else version,
        "today": today,
        "conflict": conflict,
        "differences": changed or [],
        "error_summary": summary,
        "next_url": safe_next(request),
        "extension_deadline": clocks.extension_notice_deadline(records_request.sent_on)
        if records_request.sent_on
        else None,
    }
    return render_case_page(
        request, "records/request_detail.html", context, case=case, status=status
    )


def _request(request: HttpRequest, case_id: int, records_request_id: int):
    case = get_case_for_user(request, case_id)
    return case, selectors.request_for_case(case, records_request_id)


@require_http_methods(["GET", "POST"])
@care_team_required
def records_request_detail(
    request: HttpRequest, case_id: int, records_request_id: int
) -> HttpResponse:
    """GET: the request. POST: save its details; a stale copy is refused with what is saved
    now beside what was typed, and what was typed kept."""
    case, records_request = _request(request, case_id, records_request_id)
    if request.method != "POST":
        return _request_page(request, case, records_request)
    form = RecordsRequestEditForm(request.POST)
    if not form.is_valid():
        return _request_page(request, case, records_request, 400, edit_form=form)
    try:
        services.records_request_update(
            records_request=records_request,
            by=request.user,
            fields=form.detail_fields(),
            expected_version=form.cleaned_data["version"],
        )
    except services.ConflictError as error:
        records_request.refresh_from_db()
        saved = {name: getattr(records_request, name) for name in services.DETAIL_FIELDS}
        changed = differences(form, saved)
        form.refuse_as_conflict(error, current_version=records_request.version)
        return _request_page(
            request,
            case,
            records_request,
            409,
            conflict=str(error),
            changed=changed,
            edit_form=form,
        )
    except services.TransitionError as error:
        form.add_error(None, str(error))
        return _request_page(request, case, records_request, 400, edit_form=form)
    messages.success(request, "Records request saved.")
    return redirect(
        "records_request_detail", case_id=case.pk, records_request_id=records_request.pk
    )


def _action_posted(request, case, records_request, form, *, form_name, save, success, **extra):
    """What every action form of the request page answers once posted (as the case page's
    step forms do): a mistake or a refused move comes back with what was typed (400), a stale
    page as a conflict with the current version (409), a double click calmly."""
    if not form.is_valid():
        return _request_page(request, case, records_request, 400, **{form_name: form}, **extra)
    try:
        save()
    except services.AlreadySaved as repeat:
        messages.info(request, str(repeat))
    except services.ConflictError as error:
        records_request.refresh_from_db()
        form.refuse_as_conflict(error, current_version=records_request.version)
        return _request_page(
            request,
            case,
            records_request,
            409,
            conflict=str(error),
            **{form_name: form},
            **extra,
        )
    except services.TransitionError as error:
        form.add_error(None, str(error))
        return _request_page(request, case, records_request, 400, **{form_name: form}, **extra)
    else:
        messages.success(request, success())
    records_request.refresh_from_db(fields=["completed_on"])
    return _request_done(request, case, records_request)


@require_POST
@care_team_required
def records_request_send(
    request: HttpRequest, case_id: int, records_request_id: int
) -> HttpResponse:
    case, records_request = _request(request, case_id, records_request_id)
    form = SendForm(request.POST)
    return _action_posted(
        request,
        case,
        records_request,
        form,
        form_name="send_form",
        save=lambda: services.records_request_send(
            records_request=records_request,
            by=request.user,
            sent_on=form.cleaned_data["sent_on"],
            follow_up_on=form.cleaned_data["follow_up_on"],
            expected_version=form.cleaned_data["version"],
        ),
        success=lambda: (
            f"Marked sent. The answer is due {records_request.answer_due_on:%b %-d, %Y}."
        ),
    )


@require_POST
@care_team_required
def records_item_receive(
    request: HttpRequest, case_id: int, records_request_id: int, records_item_id: int
) -> HttpResponse:
    case, records_request = _request(request, case_id, records_request_id)
    item = selectors.item_for_request(records_request, records_item_id)
    form = ReceiveForm(request.POST)

    def success() -> str:
        what = selectors.item_label(item)
        if item.received_on is None:
            return f"{what}: marked not received."
        done = " Every record of this request has arrived." if records_request.completed_on else ""
        return f"{what}: received {item.received_on:%b %-d, %Y}.{done}"

    return _action_posted(
        request,
        case,
        records_request,
        form,
        form_name="receive_form",
        item_id=item.pk,
        save=lambda: services.records_item_receive(
            item=item,
            by=request.user,
            received_on=form.received,
            expected_version=form.cleaned_data["version"],
        ),
        success=success,
    )


@require_POST
@care_team_required
def records_request_extend(
    request: HttpRequest, case_id: int, records_request_id: int
) -> HttpResponse:
    case, records_request = _request(request, case_id, records_request_id)
    form = ExtensionForm(request.POST)
    return _action_posted(
        request,
        case,
        records_request,
        form,
        form_name="extension_form",
        save=lambda: services.records_request_extend(
            records_request=records_request,
            by=request.user,
            notice_on=form.cleaned_data["notice_on"],
            expected_version=form.cleaned_data["version"],
        ),
        success=lambda: (
            "Extension notice recorded. The answer is now due "
            f"{records_request.answer_due_on:%b %-d, %Y}."
        ),
    )


@require_GET
@care_team_required
def records_request_letter(
    request: HttpRequest, case_id: int, records_request_id: int
) -> HttpResponse:
    """The request letter with its fax cover sheet, as a PDF to print or fax. The download is
    recorded as an export; its file name holds the request's number only."""
    # Imported here, not at the top: fpdf2 costs every process two seconds (cases/records/pdf.py).
    from cases.records.pdf import letter_pdf

    case, records_request = _request(request, case_id, records_request_id)
    pdf = letter_pdf(records_request)
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        obj=records_request,
        case=case,
        changes={"export": "records request letter", "records_request": records_request.pk},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="records-request-{records_request.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the team-wide list --------------------------------------------------------------------------


def _number(text: str) -> int | None:
    # isascii: "²".isdigit() is true too, and int() refuses it.
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


@require_GET
@care_team_required
def records_requests(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    supervisor = is_supervisor(request.user)
    filters = selectors.RequestFilters(
        show=show if show in dict(selectors.SHOWS) else "open",
        contact=_number(request.GET.get("contact", "")),
        social_worker=_number(request.GET.get("worker", "")) if supervisor else None,
    )
    today = team_today()
    requests = selectors.requests_list(user=request.user, filters=filters, today=today)
    page = Paginator(requests, selectors.REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.requests_rows(page.object_list, today=today, with_worker=supervisor)
    audit_list_view(
        actor=request.user,
        list_name="records_requests",
        page=page.number,
        filters={
            "show": filters.show,
            "contact": filters.contact,
            "social_worker": filters.social_worker,
        },
        case_ids=list(dict.fromkeys(row.case_id for row in rows)),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/requests_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "shows": selectors.SHOWS,
            "contacts": selectors.contacts_with_requests(),
            "workers": social_workers() if supervisor else [],
            "query": query.urlencode(),
            "today": today,
        },
    )
