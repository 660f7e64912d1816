"""Every write to a records request: asking for records, sending the request, each record's
arrival and the provider's written extension notice.

Each service runs in one transaction, locks the case row first (as the workflow's services
do, so a case is never closed under a request being changed), re-reads what it decides on from
the database, refuses a save from a stale page with `ConflictError` (the request's `version`),
and records a line on the case's timeline and an audit event (typed text masked). The dates
of the clocks come from `cases.records.clocks`.

The records checklist follows the requests: a record's arrival ticks the records checklist
item that names it (`checklist_item_for`) through the workflow's checklist service, and marking
it not received after all unticks only a tick that arrival made.
"""

import datetime
import re
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.audit import audit_record
from cases.business_days import team_today
from cases.models import (
    AuditEvent,
    Case,
    CaseEvent,
    ChecklistItem,
    Contact,
    RecordKind,
    RecordsRequest,
    RecordsRequestItem,
    Stage,
    Step,
)
from cases.records import clocks
from cases.reports.histograms import report_histograms_watch
from cases.workflow.services import (
    AlreadySaved,
    ConflictError,
    TransitionError,
    checklist_item_set,
    step_set_status,
)

__all__ = [
    "AlreadySaved",
    "ConflictError",
    "TransitionError",
    "checklist_item_for",
    "records_item_receive",
    "records_request_create",
    "records_request_extend",
    "records_request_send",
    "records_request_update",
]

# The same request by the same person on the same case within this time is a double click.
REPEAT_WINDOW = datetime.timedelta(seconds=60)

# The words that name each kind of record in a records checklist label (the defaults are
# "Pathology report", "Glass slides or paraffin block (not only recuts)", "MRI images as DICOM
# …", "Molecular reports (IDH, 1p/19q, MGMT)", "Operative note", "Treatment summary",
# "Referral letter"): an admin may reword a label and it still matches while it names the
# record. "Other" ticks nothing.
CHECKLIST_WORDS = {
    RecordKind.PATHOLOGY_REPORT: "pathology report",
    RecordKind.SLIDES: "slides",
    RecordKind.MRI_DICOM: "mri",
    RecordKind.MOLECULAR: "molecular",
    RecordKind.OPERATIVE_NOTE: "operative note",
    RecordKind.TREATMENT_SUMMARY: "treatment summary",
    RecordKind.REFERRAL_LETTER: "referral letter",
}

# What a service reads of a request before it decides anything.
REQUEST_STATE = (
    "contact",
    "contact_other",
    "method",
    "sent_on",
    "tracking_number",
    "release_reference",
    "extension_notice_on",
    "answer_due_on",
    "follow_up_on",
    "completed_on",
    "version",
)
# What `records_request_update` may change.
DETAIL_FIELDS = (
    "contact",
    "contact_other",
    "method",
    "sent_on",
    "follow_up_on",
    "tracking_number",
    "release_reference",
)


def checklist_item_for(kind: str, checklist: Sequence[ChecklistItem]) -> ChecklistItem | None:
    """The records checklist item whose label names `kind`, if any."""
    words = CHECKLIST_WORDS.get(kind)
    if words is None:
        return None
    pattern = re.compile(rf"\b{re.escape(words)}\b")
    return next((item for item in checklist if pattern.search(item.label.casefold())), None)


def _lock_case(case: Case) -> None:
    """Lock the case row and re-read its status: nothing is asked of a closed case."""
    case.refresh_from_db(
        fields=["status", "version"], from_queryset=Case.objects.select_for_update(no_key=True)
    )
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before changing its records.")


def _lock_request(records_request: RecordsRequest) -> Case:
    case = records_request.case
    _lock_case(case)
    records_request.refresh_from_db(
        fields=REQUEST_STATE, from_queryset=RecordsRequest.objects.select_for_update(no_key=True)
    )
    return case


def _claim_version(records_request: RecordsRequest, expected_version: int | None) -> None:
    rows = RecordsRequest.objects.filter(pk=records_request.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        raise ConflictError("this records request")
    records_request.version = (
        expected_version if expected_version is not None else records_request.version
    ) + 1


def _repeat(records_request: RecordsRequest, expected_version: int | None, *, same: bool) -> bool:
    """Whether this save is the second copy of one just made (a double click): the request
    already holds what is asked and is one version past the page's."""
    return same and expected_version is not None and records_request.version == expected_version + 1


def _event(case: Case, *, by, summary: str, now: datetime.datetime) -> None:
    CaseEvent.objects.create(
        case=case, actor=by, kind=CaseEvent.Kind.RECORDS, summary=summary, created_at=now
    )


def _day(value: datetime.date | None) -> str:
    return f"{value:%b %-d, %Y}" if value else "none"


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Contact):
        return str(value.pk)
    return str(value)


def _contact_name(contact: Contact | None, contact_other: str) -> str:
    return contact.name if contact is not None else contact_other


def _check_details(
    *,
    contact: Contact | None,
    contact_other: str,
    sent_on: datetime.date | None,
    follow_up_on: datetime.date | None,
    today: datetime.date,
) -> None:
    if contact is None and not contact_other:
        raise TransitionError("Choose who the records come from, or type a name.")
    if contact is not None and contact_other:
        raise TransitionError("Choose from the directory or type a name, not both.")
    if sent_on is not None and sent_on > today:
        raise TransitionError("A request cannot be sent after today.")
    if sent_on is not None and follow_up_on is not None and follow_up_on < sent_on:
        raise TransitionError("The follow-up date cannot come before the request was sent.")


def _start_records_step(case: Case, *, by, now: datetime.datetime) -> None:
    """A request sent while the records step is still pending starts that step's clock."""
    step = case.steps.get(stage=Stage.RECORDS)
    if step.status == Step.Status.PENDING:
        step.case = case
        step_set_status(step=step, status=Step.Status.IN_PROGRESS, by=by, now=now)


@transaction.atomic
def records_request_create(
    *,
    case: Case,
    by,
    kinds: Sequence[str],
    description: str = "",
    contact: Contact | None = None,
    contact_other: str = "",
    method: str = RecordsRequest.Method.FAX,
    sent_on: datetime.date | None = None,
    follow_up_on: datetime.date | None = None,
    tracking_number: str = "",
    release_reference: str = "",
    now: datetime.datetime | None = None,
) -> RecordsRequest:
    """Ask `contact` (or someone typed in `contact_other`) for the records of `kinds`.

    Sent at once when `sent_on` is given: the answer is due 30 days later and the follow-up
    date, unless given, is the default (`clocks.follow_up_default`)."""
    now = now or timezone.now()
    today = team_today(now)
    _lock_case(case)
    kinds = list(dict.fromkeys(kinds))
    if not kinds:
        raise TransitionError("Choose at least one record to request.")
    if not set(kinds) <= set(RecordKind.values):
        raise TransitionError("Choose the records from the list.")
    description, contact_other = description.strip(), contact_other.strip()
    if RecordKind.OTHER in kinds and not description:
        raise TransitionError("Say what the other record is.")
    _check_details(
        contact=contact,
        contact_other=contact_other,
        sent_on=sent_on,
        follow_up_on=follow_up_on,
        today=today,
    )
    recent = RecordsRequest.objects.filter(
        case=case,
        created_by=by,
        created_at__gte=now - REPEAT_WINDOW,
        contact=contact,
        contact_other=contact_other,
    ).prefetch_related("items")
    if any({item.kind for item in earlier.items.all()} == set(kinds) for earlier in recent):
        raise AlreadySaved("This records request was already added.")
    if sent_on is not None and follow_up_on is None:
        follow_up_on = clocks.follow_up_default(sent_on)
    records_request = RecordsRequest.objects.create(
        case=case,
        contact=contact,
        contact_other=contact_other,
        method=method,
        sent_on=sent_on,
        tracking_number=tracking_number.strip(),
        release_reference=release_reference.strip(),
        answer_due_on=clocks.answer_due_on(sent_on=sent_on, extension_notice_on=None),
        follow_up_on=follow_up_on,
        created_by=by,
        created_at=now,
    )
    checklist = list(
        ChecklistItem.objects.filter(step__case=case, step__stage=Stage.RECORDS).order_by(
            "position", "id"
        )
    )
    RecordsRequestItem.objects.bulk_create(
        RecordsRequestItem(
            request=records_request,
            kind=kind,
            description=description if kind == RecordKind.OTHER else "",
            checklist_item=checklist_item_for(kind, checklist),
        )
        for kind in kinds
    )
    labels = ", ".join(
        f"other ({description})" if kind == RecordKind.OTHER else RecordKind(kind).label.lower()
        for kind in kinds
    )
    summary = f"Records requested from {_contact_name(contact, contact_other)}: {labels}"
    if sent_on is not None:
        summary += (
            f"; sent {_day(sent_on)} by {records_request.get_method_display().lower()}, "
            f"answer due {_day(records_request.answer_due_on)}"
        )
    _event(case, by=by, summary=summary + ".", now=now)
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=records_request,
        case=case,
        changes={
            "kinds": ", ".join(kinds),
            "description": description,
            "contact": _text(contact),
            "contact_other": contact_other,
            "method": method,
            "sent_on": _text(sent_on),
            "answer_due_on": _text(records_request.answer_due_on),
            "follow_up_on": _text(follow_up_on),
            "tracking_number": records_request.tracking_number,
            "release_reference": records_request.release_reference,
        },
    )
    if sent_on is not None:
        _start_records_step(case, by=by, now=now)
    return records_request


@transaction.atomic
def records_request_update(
    *,
    records_request: RecordsRequest,
    by,
    fields: dict,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> RecordsRequest:
    """Save the request's details (`DETAIL_FIELDS`): who it went to, how, when it was sent,
    its follow-up date, tracking number and release reference. A changed sent date moves the
    answer's due date with it; a request sent here for the first time with no follow-up date
    gets the default one."""
    now = now or timezone.now()
    today = team_today(now)
    case = _lock_request(records_request)
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise TransitionError("Only a request's details can be changed here.")
    new = {name: getattr(records_request, name) for name in DETAIL_FIELDS} | fields
    for name in ("contact_other", "tracking_number", "release_reference"):
        new[name] = (new[name] or "").strip()
    sent_on = new["sent_on"]
    first_sent = records_request.sent_on is None and sent_on is not None
    if first_sent and "follow_up_on" not in fields:
        new["follow_up_on"] = clocks.follow_up_default(sent_on)
    _check_details(
        contact=new["contact"],
        contact_other=new["contact_other"],
        sent_on=sent_on,
        follow_up_on=new["follow_up_on"],
        today=today,
    )
    if records_request.sent_on is not None and sent_on is None:
        raise TransitionError("A request once sent keeps a sent date: correct it instead.")
    first_arrival = (
        records_request.items.filter(received_on__isnull=False)
        .order_by("received_on")
        .values_list("received_on", flat=True)
        .first()
    )
    if sent_on is not None and first_arrival is not None and sent_on > first_arrival:
        raise TransitionError(
            f"A record of this request arrived on {_day(first_arrival)}: it was sent before then."
        )
    notice_on = records_request.extension_notice_on
    if notice_on is not None and sent_on is not None:
        refusal = clocks.extension_refusal(sent_on=sent_on, notice_on=notice_on, today=today)
        if refusal:
            raise TransitionError(f"The extension notice of {_day(notice_on)}: {refusal}")
    new["answer_due_on"] = clocks.answer_due_on(sent_on=sent_on, extension_notice_on=notice_on)
    changes = {
        name: [_text(getattr(records_request, name)), _text(value)]
        for name, value in new.items()
        if getattr(records_request, name) != value
    }
    if not changes:
        return records_request
    histograms = report_histograms_watch(case.pk)
    _claim_version(records_request, expected_version)
    for name, value in new.items():
        setattr(records_request, name, value)
    records_request.save(update_fields=list(new))
    labels = ", ".join(
        str(RecordsRequest._meta.get_field(name).verbose_name).lower() for name in changes
    )
    summary = (
        f"Records request to {_contact_name(new['contact'], new['contact_other'])} "
        f"updated: {labels}."
    )
    if "answer_due_on" in changes:
        summary += f" Answer due {_day(records_request.answer_due_on)}."
    _event(case, by=by, summary=summary, now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=records_request,
        case=case,
        changes=changes,
    )
    # Before the records step starts: that change is counted by its own service.
    histograms.apply()
    if first_sent:
        _start_records_step(case, by=by, now=now)
    return records_request


@transaction.atomic
def records_request_send(
    *,
    records_request: RecordsRequest,
    by,
    sent_on: datetime.date,
    follow_up_on: datetime.date | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> RecordsRequest:
    """Mark the request sent on `sent_on`: its clocks start (answer due 30 days later; the
    follow-up date `follow_up_on`, or the default)."""
    _lock_request(records_request)
    if records_request.sent_on is not None:
        if records_request.sent_on == sent_on and _repeat(
            records_request, expected_version, same=True
        ):
            raise AlreadySaved(f"This request is already marked sent on {_day(sent_on)}.")
        if expected_version is not None and records_request.version != expected_version:
            raise ConflictError("this records request")
        raise TransitionError(
            f"This request was already sent on {_day(records_request.sent_on)}; "
            "correct its details to change the date."
        )
    fields = {"sent_on": sent_on} | ({"follow_up_on": follow_up_on} if follow_up_on else {})
    return records_request_update(
        records_request=records_request,
        by=by,
        fields=fields,
        expected_version=expected_version,
        now=now,
    )


@transaction.atomic
def records_request_extend(
    *,
    records_request: RecordsRequest,
    by,
    notice_on: datetime.date,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> RecordsRequest:
    """Record the provider's written notice (received on `notice_on`) extending its 30 days by
    30 more. Once per request."""
    now = now or timezone.now()
    case = _lock_request(records_request)
    if records_request.extension_notice_on is not None:
        if _repeat(
            records_request,
            expected_version,
            same=records_request.extension_notice_on == notice_on,
        ):
            raise AlreadySaved("The extension notice is already recorded.")
        if expected_version is not None and records_request.version != expected_version:
            raise ConflictError("this records request")
        raise TransitionError(
            "The extension notice is already recorded "
            f"({_day(records_request.extension_notice_on)}): a provider may extend only once."
        )
    refusal = clocks.extension_refusal(
        sent_on=records_request.sent_on, notice_on=notice_on, today=team_today(now)
    )
    if refusal:
        raise TransitionError(refusal)
    histograms = report_histograms_watch(case.pk)
    _claim_version(records_request, expected_version)
    old_due = records_request.answer_due_on
    records_request.extension_notice_on = notice_on
    records_request.answer_due_on = clocks.answer_due_on(
        sent_on=records_request.sent_on, extension_notice_on=notice_on
    )
    records_request.save(update_fields=["extension_notice_on", "answer_due_on"])
    _event(
        case,
        by=by,
        summary=f"Records request to {records_request.contact_name}: written extension notice "
        f"received {_day(notice_on)}; answer now due {_day(records_request.answer_due_on)}.",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=records_request,
        case=case,
        changes={
            "extension_notice_on": [None, _text(notice_on)],
            "answer_due_on": [_text(old_due), _text(records_request.answer_due_on)],
        },
    )
    histograms.apply()
    return records_request


@transaction.atomic
def records_item_receive(
    *,
    item: RecordsRequestItem,
    by,
    received_on: datetime.date | None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> RecordsRequestItem:
    """Record that `item` arrived on `received_on` (None: it has not arrived after all).

    Its arrival ticks its records checklist item when that is not ticked yet, and marking it
    not received unticks only that tick (kept while another record that arrived ticks the same
    item). The request is complete, `completed_on` the last arrival, once every item arrived."""
    now = now or timezone.now()
    records_request = item.request
    case = _lock_request(records_request)
    item.refresh_from_db(fields=["received_on", "ticked_checklist", "checklist_item"])
    if _repeat(records_request, expected_version, same=item.received_on == received_on):
        raise AlreadySaved(
            f"{item.get_kind_display()}: already marked "
            + (f"received on {_day(received_on)}." if received_on else "not received.")
        )
    if received_on is not None:
        if received_on > team_today(now):
            raise TransitionError("A record cannot arrive after today.")
        if records_request.sent_on is not None and received_on < records_request.sent_on:
            raise TransitionError(
                "A record cannot arrive before the request was sent "
                f"({_day(records_request.sent_on)})."
            )
    old = item.received_on
    if old == received_on:
        return item
    histograms = report_histograms_watch(case.pk)
    _claim_version(records_request, expected_version)
    item.received_on = received_on
    if old is None:
        _tick(item, case=case, by=by, now=now)
    elif received_on is None:
        _untick(item, case=case, by=by, now=now)
    item.save(update_fields=["received_on", "ticked_checklist"])
    arrivals = list(records_request.items.values_list("received_on", flat=True))
    old_completed = records_request.completed_on
    records_request.completed_on = (
        max(arrivals) if arrivals and all(day is not None for day in arrivals) else None
    )
    records_request.save(update_fields=["completed_on"])
    what = item.description if item.kind == RecordKind.OTHER else item.get_kind_display()
    summary = f"Records request to {records_request.contact_name}: {what} " + (
        f"received {_day(received_on)}." if received_on else "marked not received."
    )
    if records_request.completed_on and not old_completed:
        summary += " Every record asked for has arrived."
    _event(case, by=by, summary=summary, now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=item,
        case=case,
        changes={"received_on": [_text(old), _text(received_on)]}
        | (
            {"completed_on": [_text(old_completed), _text(records_request.completed_on)]}
            if old_completed != records_request.completed_on
            else {}
        ),
    )
    histograms.apply()
    return item


def _checklist_row(item: RecordsRequestItem, case: Case) -> ChecklistItem | None:
    if item.checklist_item_id is None:
        return None
    row = ChecklistItem.objects.select_related("step").get(pk=item.checklist_item_id)
    row.step.case = case
    return row


def _tick(item: RecordsRequestItem, *, case: Case, by, now: datetime.datetime) -> None:
    row = _checklist_row(item, case)
    if row is not None and row.done_at is None:
        checklist_item_set(item=row, done=True, by=by, now=now)
        item.ticked_checklist = True


def _untick(item: RecordsRequestItem, *, case: Case, by, now: datetime.datetime) -> None:
    if not item.ticked_checklist:
        return
    item.ticked_checklist = False
    # Another record that has arrived ticks the same checklist item: the tick stays, now its.
    heir = (
        RecordsRequestItem.objects.filter(
            request__case=case,
            checklist_item_id=item.checklist_item_id,
            received_on__isnull=False,
        )
        .exclude(pk=item.pk)
        .order_by("received_on", "id")
        .first()
    )
    if heir is not None:
        RecordsRequestItem.objects.filter(pk=heir.pk).update(ticked_checklist=True)
        return
    row = _checklist_row(item, case)
    if row is not None:
        checklist_item_set(item=row, done=False, by=by, now=now)
