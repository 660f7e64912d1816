"""Staff pages: the caseload, intake and the case page. Each view parses, calls one service or
selector, and renders; every case is fetched through `cases.access.get_case_for_user` and its
page rendered through `cases.access.render_case_page`, which records the view.

Why one module past ~400 lines: it is the pages of one audience around one case, each a
short function; splitting them would scatter the case page's forms.
"""

from dataclasses import replace

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import (
    duplicates_disclose,
    get_case_for_user,
    is_social_worker,
    is_supervisor,
    render_case_page,
)
from cases.audit import audit_list_view
from cases.business_days import team_today
from cases.caseload.forms import BulkReassignForm
from cases.caseload.selectors import REASSIGN_SESSION_KEY, reassign_summary
from cases.models import Case, ChecklistItem, Stage, Urgency
from cases.models.staff import display_name
from cases.screening import selectors as screening_selectors
from cases.today import services as today_services
from cases.views.common import (
    care_team_required,
    case_form_done,
    case_page,
    case_with_records,
    step_for,
    step_form_posted,
)
from cases.workflow import selectors, services
from cases.workflow.form_rules import differences, saved_values
from cases.workflow.forms import (
    AppointmentForm,
    CaseEditForm,
    CaseForm,
    CaseStatusForm,
    DueDateForm,
    InsuranceForm,
    NoteForm,
    PatientForm,
    ReassignForm,
    StepStatusForm,
)

# A search names a patient, so it never goes into a URL (browser history, proxies, logs): the
# form posts it, the session keeps it, and the filters alone travel in the query string.
CASELOAD_SEARCH_KEY = "caseload_search"
CASELOAD_FILTER_PARAMS = ("stage", "urgency", "due", "status", "worker", "sort")
ANY_STATUS = "any"
# What the case page shows of the case itself, read again after a conflict.
CASE_PAGE_STATE = ["status", "status_reason", "closed_at", "social_worker", "version"]


def _filters_from(request: HttpRequest) -> selectors.CaseloadFilters:
    """Read the caseload's query string (and the search from the session), ignoring values
    that are not on offer."""
    params = request.GET
    stage = params.get("stage", "")
    urgency = params.get("urgency", "")
    due = params.get("due", "")
    # "any" travels in the URL, since a form's empty value is dropped from it (see `caseload`):
    # no status at all means the default, open cases.
    status = params.get("status", Case.Status.OPEN)
    worker = params.get("worker", "")
    return selectors.CaseloadFilters(
        stage=stage if stage in Stage.values else "",
        urgency=urgency if urgency in Urgency.values else "",
        due=due if due in ("overdue", "week") else "",
        status=""
        if status == ANY_STATUS
        else (status if status in Case.Status.values else Case.Status.OPEN),
        # isascii: "²".isdigit() is true too, and int() refuses it.
        social_worker=int(worker)
        if worker.isascii() and worker.isdigit() and len(worker) < 12
        else None,
        search=request.session.get(CASELOAD_SEARCH_KEY, ""),
        sort=selectors.sort_parse(params.get("sort", "")),
    )


def _filters_for_trail(filters: selectors.CaseloadFilters) -> dict:
    """The caseload's filters as the audit trail keeps them: whether a search applied, never
    its text (it names a patient)."""
    return {
        "stage": filters.stage,
        "urgency": filters.urgency,
        "due": filters.due,
        "status": filters.status,
        "social_worker": filters.social_worker,
        "search": bool(filters.search),
        "sort": filters.sort,
    }


@care_team_required
def caseload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # NUL bytes cannot appear in a PostgreSQL text value: drop them rather than fail.
        search = request.POST.get("q", "").replace("\x00", "").strip()[:100]
        request.session[CASELOAD_SEARCH_KEY] = search
        kept = {
            name: request.POST[name] for name in CASELOAD_FILTER_PARAMS if request.POST.get(name)
        }
        return redirect(f"{reverse('caseload')}?{urlencode(kept)}" if kept else "caseload")
    if request.GET.get("clear"):
        # The filters and the search go; the order the user chose stays.
        request.session.pop(CASELOAD_SEARCH_KEY, None)
        sort = selectors.sort_parse(request.GET.get("sort", ""))
        return redirect(f"{reverse('caseload')}?{urlencode({'sort': sort})}")
    filters = _filters_from(request)
    today = team_today()
    supervisor = is_supervisor(request.user)
    cases = selectors.caseload(user=request.user, filters=filters, today=today)
    page, values = selectors.caseload_page(
        cases,
        request.GET.get("page"),
        with_worker=supervisor,
        open_barriers=screening_selectors.open_barrier_count(),
    )
    rows = selectors.caseload_rows(values, today)
    reassigned = reassign_summary(
        user=request.user, state=request.session.pop(REASSIGN_SESSION_KEY, None)
    )
    audit_list_view(
        actor=request.user,
        list_name="caseload",
        page=page.number,
        filters=_filters_for_trail(filters),
        # The rows, and the cases a reassignment summary names.
        case_ids=sorted({value["pk"] for value in values} | set(reassigned.case_ids))
        if reassigned
        else [value["pk"] for value in values],
    )
    # A search that finds nothing among (say) open cases may name an on-hold or completed one.
    elsewhere = (
        selectors.caseload(user=request.user, filters=replace(filters, status=""), today=today)
        .order_by()
        .count()
        if filters.search and filters.status and not rows
        else 0
    )
    any_status = request.GET.copy()
    any_status["status"] = ANY_STATUS
    any_status.pop("page", None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflow/caseload.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "stages": Stage.choices,
            "urgencies": Urgency.choices,
            "statuses": Case.Status.choices,
            "workers": selectors.social_workers() if supervisor else [],
            "query": query.urlencode(),
            "today": today,
            "any_status": ANY_STATUS,
            "elsewhere": elsewhere,
            "any_status_query": any_status.urlencode(),
            "headers": _sort_headers(request, filters.sort),
            "sorted_by": selectors.sort_words(filters.sort),
            # Only a supervisor ticks cases and reassigns them (cases.views.caseload); the
            # form's own checks are those of BulkReassignForm.
            "can_reassign": supervisor,
            "reassigned": reassigned,
            "checked": reassigned.checked if reassigned else frozenset(),
            "reassign_label": BulkReassignForm.base_fields["social_worker"].label,
            "back": request.GET.urlencode(),
        },
    )


def _sort_headers(request: HttpRequest, sort: str) -> list[dict]:
    """The sortable columns' headers, in the table's order: the link each makes (the same
    filters, this column's order: the reverse when it is the one sorted by, else its
    first-click direction; back to page 1) and its `aria-sort`, set on the one column the list
    is sorted by."""
    headers = []
    for name, column in selectors.CASELOAD_SORTS.items():
        query = request.GET.copy()
        query.pop("page", None)
        current = sort.removeprefix("-") == name
        descending = sort.startswith("-") if current else column.first == "descending"
        if current:
            descending = not descending
        query["sort"] = f"-{name}" if descending else name
        headers.append(
            {
                "name": name,
                "label": column.label,
                "url": f"?{query.urlencode()}",
                "aria_sort": ("descending" if sort.startswith("-") else "ascending")
                if current
                else "",
                "next_words": column.words[descending],
            }
        )
    return headers


@care_team_required
def case_intake(request: HttpRequest) -> HttpResponse:
    duplicates = []
    if request.method == "POST":
        patient_form = PatientForm(request.POST)
        case_form = CaseForm(request.POST)
        if patient_form.is_valid() and case_form.is_valid():
            duplicates = list(
                selectors.open_cases_for_patient(
                    full_name=patient_form.cleaned_data["full_name"],
                    date_of_birth=patient_form.cleaned_data["date_of_birth"],
                )
            )
            if not duplicates or request.POST.get("confirm_duplicate"):
                try:
                    case = services.case_open(
                        opened_by=request.user,
                        social_worker=case_form.cleaned_data["social_worker"],
                        patient_fields=patient_form.cleaned_data,
                        case_fields=case_form.case_fields(),
                        reasons=case_form.cleaned_data["reasons"],
                    )
                except services.TransitionError as error:
                    case_form.add_error("social_worker", str(error))
                else:
                    messages.success(request, "Case opened. The referral step has started.")
                    return redirect("case_detail", case_id=case.pk)
    else:
        patient_form = PatientForm()
        initial = {"social_worker": request.user} if is_social_worker(request.user) else {}
        case_form = CaseForm(initial=initial)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "workflow/intake.html",
        {
            "patient_form": patient_form,
            "case_form": case_form,
            "duplicates": duplicates_disclose(user=request.user, cases=duplicates),
        },
        status=status,
    )


@care_team_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    if request.method == "GET":
        # What is new on Today ("questions since you last opened it") counts from here.
        today_services.case_visit_record(user=request.user, case=case)
    return case_page(request, case)


@care_team_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    can_reassign = is_supervisor(request.user)
    conflict, changed = None, []
    if request.method == "POST":
        patient_form = PatientForm(request.POST, instance=case.patient)
        case_form = CaseEditForm(request.POST, instance=case, can_reassign=can_reassign)
        if patient_form.is_valid() and case_form.is_valid():
            try:
                services.case_update_details(
                    case=case,
                    by=request.user,
                    expected_version=case_form.cleaned_data["version"],
                    patient_fields=patient_form.cleaned_data,
                    case_fields=case_form.case_fields(),
                    reasons=case_form.cleaned_data["reasons"],
                    social_worker=case_form.cleaned_data.get("social_worker"),
                )
            except services.ConflictError as error:
                conflict = str(error)
                case.refresh_from_db()
                case.patient.refresh_from_db()
                saved = saved_values(case, case_form) | {
                    "reasons": list(case.reasons.values_list("reason", flat=True))
                }
                changed = differences(
                    patient_form, saved_values(case.patient, patient_form)
                ) + differences(case_form, saved)
                # What the user typed stays, now against the current version: saving again
                # after reading the differences replaces them knowingly.
                case_form = CaseEditForm(
                    _with_version(request.POST, case.version),
                    instance=case,
                    can_reassign=can_reassign,
                )
            except services.TransitionError as error:
                case_form.add_error("social_worker", str(error))
            else:
                messages.success(request, "Case details saved.")
                return case_form_done(request, case)
    else:
        patient_form = PatientForm(instance=case.patient)
        case_form = CaseEditForm(
            instance=case,
            can_reassign=can_reassign,
            initial={
                "version": case.version,
                "reasons": list(case.reasons.values_list("reason", flat=True)),
            },
        )
    context = {
        "case": case,
        "patient_form": patient_form,
        "case_form": case_form,
        "conflict": conflict,
        "differences": changed,
        "can_reassign": can_reassign,
    }
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render_case_page(request, "workflow/case_edit.html", context, case=case, status=status)


def _with_version(data, version: int):
    """The submitted data with the current version, so a second, informed save goes through."""
    data = data.copy()
    data["version"] = str(version)
    return data


def _already_saved(request: HttpRequest, case: Case, repeat: Exception) -> HttpResponse:
    """The second copy of a double click: the first one saved it, and the page says so."""
    messages.info(request, str(repeat))
    return case_form_done(request, case)


def _refused(request: HttpRequest, case: Case, error: Exception) -> HttpResponse:
    messages.error(request, str(error))
    return case_form_done(request, case, done=False)


@require_POST
@care_team_required
def step_status(request: HttpRequest, case_id: int, step_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    step = step_for(case, step_id)
    form = StepStatusForm(request.POST, step=step)
    return step_form_posted(
        request,
        case,
        step,
        form,
        form_name="step_form",
        save=lambda: services.step_set_status(
            step=step,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        success=lambda: f"{step.get_stage_display()}: {step.get_status_display().lower()}.",
    )


@require_POST
@care_team_required
def step_due_date(request: HttpRequest, case_id: int, step_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    step = step_for(case, step_id)
    form = DueDateForm(request.POST, step=step, today=team_today())
    return step_form_posted(
        request,
        case,
        step,
        form,
        form_name="due_date_form",
        save=lambda: services.due_date_move(
            step=step,
            due_date=form.cleaned_data["due_date"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        success=lambda: f"{step.get_stage_display()} due date moved.",
    )


@require_POST
@care_team_required
def checklist_item(request: HttpRequest, case_id: int, item_id: int) -> HttpResponse:
    case = get_case_for_user(request, case_id)
    item = get_object_or_404(
        ChecklistItem.objects.select_related("step"), pk=item_id, step__case=case
    )
    item.step.case = case
    try:
        services.checklist_item_set(
            item=item, done=request.POST.get("done") == "1", by=request.user
        )
    except services.TransitionError as error:
        return _refused(request, case, error)
    return case_form_done(request, case, anchor=f"step-{item.step_id}")


# The insurance and the appointment are shown on the case page and edited on a page of their
# own: (form, service, title, what the page says).
RECORD_PAGES = {
    "insurance": (
        InsuranceForm,
        services.insurance_update,
        "Insurance",
        "What the insurer needs and has decided. The preauthorization step waits on it.",
    ),
    "appointment": (
        AppointmentForm,
        services.appointment_update,
        "Appointment",
        "The patient's status page and their reminders show this appointment; reminders never "
        "mention the diagnosis.",
    ),
}


def _record_page(request: HttpRequest, case_id: int, record_name: str) -> HttpResponse:
    """GET: the form filled from the record. POST: save it; a form that does not validate, or
    one saved from a stale copy, comes back with everything the user typed (after a conflict,
    beside what is saved now)."""
    form_class, service, title, intro = RECORD_PAGES[record_name]
    case = case_with_records(request, case_id)
    record = getattr(case, record_name)
    status, conflict, changed = 200, None, []
    if request.method != "POST":
        form = form_class(instance=record, initial={"version": record.version})
    else:
        form = form_class(request.POST, instance=record)
        status = 400
        if form.is_valid():
            try:
                service(
                    **{record_name: record},
                    by=request.user,
                    fields=form.record_fields(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.ConflictError as error:
                record.refresh_from_db()
                changed = differences(form, saved_values(record, form))
                # What the user typed stays, now against the current version: saving again
                # after reading the differences replaces them knowingly.
                form = form_class(_with_version(request.POST, record.version), instance=record)
                conflict, status = str(error), 409
            else:
                messages.success(request, f"{title} saved.")
                return case_form_done(request, case, anchor=record_name)
    context = {
        "case": case,
        "form": form,
        "title": title,
        "intro": intro,
        "anchor": record_name,
        "conflict": conflict,
        "differences": changed,
    }
    return render_case_page(request, "workflow/record_edit.html", context, case=case, status=status)


@require_http_methods(["GET", "POST"])
@care_team_required
def insurance_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    return _record_page(request, case_id, "insurance")


@require_http_methods(["GET", "POST"])
@care_team_required
def appointment_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    return _record_page(request, case_id, "appointment")


@require_POST
@care_team_required
def note_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, 400, note_form=form)
    try:
        services.note_add(case=case, author=request.user, body=form.cleaned_data["body"])
    except services.AlreadySaved as repeat:
        return _already_saved(request, case, repeat)
    messages.success(request, "Note added.")
    return case_form_done(request, case, anchor="notes")


@require_POST
@care_team_required
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    form = CaseStatusForm(request.POST, case=case, today=team_today())
    if not form.is_valid():
        return case_page(request, case, 400, status_form=form)
    try:
        services.case_set_status(
            case=case,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            review_on=form.cleaned_data["review_on"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.AlreadySaved as repeat:
        return _already_saved(request, case, repeat)
    except services.ConflictError as error:
        # The page shows the case as it is now.
        case.refresh_from_db(fields=CASE_PAGE_STATE)
        form.refuse_as_conflict(error, current_version=case.version)
        return case_page(request, case, 409, status_form=form)
    except services.TransitionError as error:
        form.add_error(None, str(error))
        return case_page(request, case, 400, status_form=form)
    messages.success(request, f"The case is now {case.get_status_display().lower()}.")
    return case_form_done(request, case, anchor="status")


@require_POST
@care_team_required
def case_reassign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_with_records(request, case_id)
    if not is_supervisor(request.user):
        raise Http404("Not found.")
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, 400, reassign_form=form)
    chosen = form.cleaned_data["social_worker"]
    if chosen.pk == case.social_worker_id:
        messages.info(request, f"The case is already assigned to {display_name(chosen)}.")
        return case_form_done(request, case)
    try:
        services.case_reassign(
            case=case,
            social_worker=chosen,
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.ConflictError as error:
        case.refresh_from_db(fields=CASE_PAGE_STATE)
        form.refuse_as_conflict(error, current_version=case.version)
        return case_page(request, case, 409, reassign_form=form)
    except services.TransitionError as error:
        return _refused(request, case, error)
    messages.success(request, f"Case reassigned to {display_name(chosen)}, who is told by email.")
    return case_form_done(request, case)
