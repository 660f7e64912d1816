"""The spreadsheet import's pages, for supervisors: upload, preview (with the column mapping),
confirm or cancel, and the result. Each parses, calls `cases.imports`, renders. The rows wait
in the supervisor's session (`cases.imports.upload`), so no address carries anything of them.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.audit import audit_list_view
from cases.imports import upload as waiting
from cases.imports.forms import MappingForm, UploadForm
from cases.imports.mapping import (
    FIELDS,
    FIELDS_BY_NAME,
    MappingError,
    mapping_guess,
    mapping_remember,
)
from cases.imports.reading import SheetError, sheet_read
from cases.imports.services import import_preview, import_run, sheet_headers
from cases.imports.validation import CREATE, MATCH, REFUSE
from cases.views.common import supervisor_required

PREVIEW_PAGE_SIZE = 50
RESULT_PAGE_SIZE = 100
SHOWS = [
    ("", "Every row"),
    (CREATE, "To create"),
    (MATCH, "Already in Navigator"),
    (REFUSE, "With a problem"),
]
NOTHING_WAITING = (
    "No upload is waiting: it was imported or cancelled, or it waited longer than allowed. "
    "Upload the file again."
)
UPLOAD_CHANGED = (
    "Nothing was imported: the upload waiting is no longer the one that page showed (another "
    "tab uploaded a file or changed the columns since). Check this preview, then import."
)


@supervisor_required
def case_import(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = sheet_read(content=upload.read(), filename=upload.name)
        except SheetError as error:
            form.add_error("file", str(error))
        else:
            columns = mapping_guess(sheet_headers(sheet))
            waiting.upload_keep(request.session, sheet=sheet, columns=columns)
            return redirect("case_import_preview")
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "fields": FIELDS,
            "max_mb": settings.CASE_IMPORT_MAX_MB,
            "wait_minutes": settings.CASE_IMPORT_WAIT_MINUTES,
        },
        status=400 if posted else 200,
    )


@supervisor_required
def case_import_preview(request: HttpRequest) -> HttpResponse:
    kept = waiting.upload_get(request.session)
    if kept is None:
        messages.info(request, NOTHING_WAITING)
        return redirect("case_import")
    sheet, columns = kept
    headers = sheet_headers(sheet)
    posted = request.method == "POST"
    form = MappingForm(request.POST if posted else None, headers=headers, columns=columns)
    if posted and form.is_valid():
        waiting.upload_set_columns(request.session, form.columns())
        mapping_remember(headers=headers, columns=form.columns(), by=request.user)
        messages.success(request, "The preview now reads the columns as you chose.")
        return redirect("case_import_preview")
    preview = import_preview(sheet=sheet, columns=columns)
    show = request.GET.get("show", "")
    shown = [plan for plan in preview.rows if not show or plan.outcome == show]
    page = Paginator(shown, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list_view(
        actor=request.user,
        list_name="case import preview",
        page=page.number,
        filters={"show": show} if show else {},
        case_ids=[plan.matched_case_id for plan in page if plan.matched_case_id],
    )
    return render(
        request,
        "imports/preview.html",
        {
            "preview": preview,
            "form": form,
            "page": page,
            "show": show,
            "shows": SHOWS,
            "counts": {outcome: preview.count(outcome) for outcome in (CREATE, MATCH, REFUSE)},
            "fields": FIELDS_BY_NAME,
            "upload_version": waiting.upload_version(request.session),
        },
        status=400 if posted else 200,
    )


@supervisor_required
@require_POST
def case_import_confirm(request: HttpRequest) -> HttpResponse:
    kept = waiting.upload_get(request.session)
    if kept is None:
        messages.info(request, NOTHING_WAITING)
        return redirect("case_import")
    if request.POST.get("upload") != waiting.upload_version(request.session):
        messages.error(request, UPLOAD_CHANGED)
        return redirect("case_import_preview")
    sheet, columns = kept
    try:
        result = import_run(sheet=sheet, columns=columns, by=request.user)
    except MappingError as error:
        messages.error(request, str(error))
        return redirect("case_import_preview")
    waiting.upload_drop(request.session)
    request.session[waiting.RESULT_KEY] = result.as_data()
    return redirect("case_import_result")


@supervisor_required
@require_POST
def case_import_cancel(request: HttpRequest) -> HttpResponse:
    waiting.upload_drop(request.session)
    messages.info(request, "The upload is cancelled and forgotten; nothing was imported.")
    return redirect("case_import")


@supervisor_required
def case_import_result(request: HttpRequest) -> HttpResponse:
    result = request.session.get(waiting.RESULT_KEY)
    if result is None:
        messages.info(request, "There is no import to show. Upload a file to import.")
        return redirect("case_import")
    lines = sorted(
        [(row, CREATE, case_id, "") for row, case_id in result["created"]]
        + [(row, MATCH, case_id, reason) for row, case_id, reason in result["skipped"]]
        + [(row, REFUSE, None, " ".join(reasons)) for row, reasons in result["refused"]]
    )
    page = Paginator(lines, RESULT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/result.html",
        {
            "page": page,
            "counts": {
                CREATE: len(result["created"]),
                MATCH: len(result["skipped"]),
                REFUSE: len(result["refused"]),
            },
        },
    )
