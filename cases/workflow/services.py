"""Every write to a case goes through these functions (views, forms, tasks and the admin call them).

Each runs in one transaction, records a line on the case's timeline and an audit event, and
takes an optional `now=` so tests can fix the instant. Saves from a stale copy are refused with
`ConflictError` (optimistic locking on a `version` column); moves the workflow does not allow are
refused with `TransitionError`. Neither message carries patient data.

What a service checks and records comes from the database, never from the caller's instance: a
bound ModelForm has already copied the new values onto it, and a page may be minutes old. So each
service first re-reads the row (`_reread`), locked until its transaction ends. Every change to a
case or its steps locks the case row first, so two people changing one case take turns and the
second one decides on what the first one saved (the next stage starting, a case completing, a
step reopening); always taking the case before a step also keeps them from deadlocking.

Why one module past ~400 lines: it is every write of the workflow, and the rules that tie
them together (a finish starting the next stage, completion waiting for every step, the lock
order case-then-step) read best side by side; STYLE asks that a grep for a state's assignment
find one place, and here it does.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Model, Value, When
from django.utils import timezone

from cases.access import is_social_worker, is_supervisor
from cases.audit import audit_record
from cases.business_days import add_business_days, team_today
from cases.models import (
    STAGE_ORDER,
    Appointment,
    AuditEvent,
    Case,
    CaseEvent,
    CaseReason,
    ChecklistItem,
    ChecklistTemplate,
    DeliveryMode,
    Insurance,
    Note,
    Patient,
    Reminder,
    Rule,
    StageSetting,
    Step,
)
from cases.models.staff import display_name
from cases.reports.histograms import report_histograms_add_case, report_histograms_watch

# Fallback time limits (business days, routine/urgent) when the admin has no row for a stage.
DEFAULT_STAGE_DAYS = {
    "referral": (3, 1),
    "preauthorization": (7, 3),
    "records": (10, 5),
    "appointment": (15, 7),
}

# Which step statuses may follow which. Anything else is refused.
STEP_TRANSITIONS: dict[str, set[str]] = {
    Step.Status.PENDING: {
        Step.Status.IN_PROGRESS,
        Step.Status.DONE,
        Step.Status.NOT_NEEDED,
        Step.Status.BLOCKED,
    },
    Step.Status.IN_PROGRESS: {Step.Status.DONE, Step.Status.NOT_NEEDED, Step.Status.BLOCKED},
    Step.Status.BLOCKED: {Step.Status.IN_PROGRESS, Step.Status.DONE, Step.Status.NOT_NEEDED},
    Step.Status.DONE: {Step.Status.IN_PROGRESS},
    Step.Status.NOT_NEEDED: {Step.Status.IN_PROGRESS},
}
STEP_STATUSES_NEEDING_REASON = {Step.Status.NOT_NEEDED, Step.Status.BLOCKED}

CASE_TRANSITIONS: dict[str, set[str]] = {
    Case.Status.OPEN: {Case.Status.ON_HOLD, Case.Status.COMPLETED, Case.Status.WITHDRAWN},
    Case.Status.ON_HOLD: {Case.Status.OPEN, Case.Status.COMPLETED, Case.Status.WITHDRAWN},
    Case.Status.COMPLETED: {Case.Status.OPEN},
    Case.Status.WITHDRAWN: {Case.Status.OPEN},
}
CASE_STATUSES_NEEDING_REASON = {Case.Status.ON_HOLD, Case.Status.WITHDRAWN}

# The same note by the same person on the same case within this time is a double click.
REPEAT_NOTE_WINDOW = datetime.timedelta(seconds=60)


class ConflictError(Exception):
    """Someone else saved this record after the user loaded it."""

    def __init__(self, what: str = "this record"):
        super().__init__(
            f"Someone else changed {what} after you opened it. Nothing of yours was saved: "
            "check the current values, then save your changes again."
        )


class TransitionError(ValueError):
    """The workflow does not allow this move."""


class AlreadySaved(Exception):
    """The same save arrived twice (a double click) and the first one already made it: the
    page says so calmly instead of refusing the second as a conflict or a bad move."""


def _claim_version(obj: Model, expected_version: int | None, what: str) -> None:
    """Bump `obj.version`, refusing if the row is no longer at `expected_version`.

    With no expected version (a task, a command) the bump is unconditional.
    """
    rows = type(obj).objects.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        raise ConflictError(what)
    obj.version = (expected_version if expected_version is not None else obj.version) + 1


def _refuse_repeat(obj: Model, expected_version: int | None, *, same: bool, message: str) -> None:
    """Raise `AlreadySaved` when this save is the second copy of one just made: `obj` already
    holds what is asked (`same`) and is exactly one version past what the page sent, the
    version its first copy claimed."""
    if same and expected_version is not None and obj.version == expected_version + 1:
        raise AlreadySaved(message)


def _reread(obj: Model, *fields: str) -> None:
    """Reload `fields` of `obj` from its row, locked until the transaction ends (PostgreSQL;
    SQLite lets one writer in at a time anyway). The lock is the one an UPDATE takes: it
    queues other writers of the row but not the inserts that only refer to it (a page view's
    audit event, a timeline line)."""
    rows = type(obj).objects.select_for_update(no_key=True)
    obj.refresh_from_db(fields=fields, from_queryset=rows)


# What a step service reads of the case, and of the step, before it decides anything.
CASE_STATE = ("status", "urgency", "version")
STEP_STATE = (
    "status",
    "status_reason",
    "started_at",
    "due_date",
    "finished_at",
    "blocked_at",
    "snoozed_until",
    "snooze_reason",
    "version",
)


def _lock_step(step: Step) -> Case:
    """Lock the step's case, then the step, and re-read both; returns the case."""
    case = step.case
    _reread(case, *CASE_STATE)
    _reread(step, *STEP_STATE)
    return case


def _event(case: Case, *, by, kind: str, summary: str, now: datetime.datetime) -> None:
    CaseEvent.objects.create(
        case=case, actor=by if by is not None else None, kind=kind, summary=summary, created_at=now
    )


def _diff(obj: Model, fields: dict) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changes, as strings for the trail; `obj`
    holds what the database holds (see `_reread`)."""
    changed = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changed


# --- due dates -------------------------------------------------------------------------------


def stage_time_limit(*, stage: str, urgency: str) -> int:
    setting = StageSetting.objects.filter(stage=stage).first()
    if setting is not None:
        return setting.days_for(urgency)
    routine, urgent = DEFAULT_STAGE_DAYS[stage]
    return urgent if urgency == "urgent" else routine


def step_default_due_date(*, step: Step, started_on: datetime.date) -> datetime.date:
    days = stage_time_limit(stage=step.stage, urgency=step.case.urgency)
    return add_business_days(started_on, days)


# --- steps -----------------------------------------------------------------------------------


def _apply_status(step: Step, status: str, *, reason: str, now: datetime.datetime) -> None:
    """The one place a step's status is assigned."""
    if status in (Step.Status.IN_PROGRESS, Step.Status.BLOCKED) and (
        step.started_at is None or step.is_finished
    ):
        step.started_at = now
        # A due date still ahead (moved by hand, or the one a reopened step had) stands:
        # starting or reopening the step does not take back a date someone set or agreed to.
        if step.due_date is None or step.due_date < team_today(now):
            step.due_date = step_default_due_date(step=step, started_on=team_today(now))
    if status in Step.FINISHED:
        step.started_at = step.started_at or now
        step.finished_at = now
    else:
        step.finished_at = None
    if status != Step.Status.BLOCKED:
        step.blocked_at = None
    elif step.status != Step.Status.BLOCKED:
        step.blocked_at = now
    step.status = status
    step.status_reason = reason if status in STEP_STATUSES_NEEDING_REASON else ""
    step.save(
        update_fields=[
            "status",
            "status_reason",
            "started_at",
            "due_date",
            "finished_at",
            "blocked_at",
        ]
    )


def _due_date_change(old: datetime.date | None, step: Step) -> dict[str, list]:
    """The trail's {"due_date": [old, new]} when starting or reopening the step moved it."""
    if old == step.due_date:
        return {}
    return {"due_date": [str(old) if old else None, str(step.due_date) if step.due_date else None]}


def case_refresh_progress(case: Case) -> None:
    """Recompute the case's current stage and next due date from its steps."""
    steps = list(case.steps.order_by("position"))
    unfinished = [s for s in steps if not s.is_finished]
    case.current_stage = unfinished[0].stage if unfinished else ""
    due_dates = [s.due_date for s in unfinished if s.due_date is not None]
    case.next_due_date = min(due_dates) if due_dates else None
    Case.objects.filter(pk=case.pk).update(
        current_stage=case.current_stage, next_due_date=case.next_due_date
    )


def _start_current_stage(case: Case, *, by, now: datetime.datetime) -> None:
    """When the earliest unfinished step is still pending, its clock starts now.

    The caller holds the case row's lock, so no colleague's change to these steps can slip in
    between this read and the write.
    """
    first_unfinished = (
        case.steps.select_for_update(no_key=True)
        .exclude(status__in=Step.FINISHED)
        .order_by("position")
        .first()
    )
    if first_unfinished is not None and first_unfinished.status == Step.Status.PENDING:
        first_unfinished.case = case
        old_status = first_unfinished.get_status_display()
        old_due_date = first_unfinished.due_date
        # A page loaded while the step was pending must not mark it blocked or not needed
        # unseen now that it has started.
        _claim_version(first_unfinished, None, "this step")
        _apply_status(first_unfinished, Step.Status.IN_PROGRESS, reason="", now=now)
        _event(
            case,
            by=by,
            kind=CaseEvent.Kind.STEP,
            summary=f"{first_unfinished.get_stage_display()} started, "
            f"due {first_unfinished.due_date:%b %-d, %Y}.",
            now=now,
        )
        audit_record(
            action=AuditEvent.Action.UPDATE,
            actor=by,
            obj=first_unfinished,
            case=case,
            changes={"status": [old_status, first_unfinished.get_status_display()]}
            | _due_date_change(old_due_date, first_unfinished),
        )


@transaction.atomic
def step_set_status(
    *,
    step: Step,
    status: str,
    by,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Step:
    now = now or timezone.now()
    case = _lock_step(step)
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before changing its steps.")
    reason = reason.strip()
    _refuse_repeat(
        step,
        expected_version,
        same=step.status == status
        and (status not in STEP_STATUSES_NEEDING_REASON or step.status_reason == reason),
        message=f"{step.get_stage_display()}: already marked {Step.Status(status).label.lower()}.",
    )
    if status not in STEP_TRANSITIONS.get(step.status, set()):
        raise TransitionError(
            f"A step that is {step.get_status_display().lower()} cannot be marked "
            f"{Step.Status(status).label.lower()}."
        )
    if status in STEP_STATUSES_NEEDING_REASON and not reason:
        raise TransitionError(f"Say why the step is {Step.Status(status).label.lower()}.")
    histograms = report_histograms_watch(case.pk)
    _claim_version(step, expected_version, "this step")
    old_status = step.get_status_display()
    old_due_date = step.due_date
    _apply_status(step, status, reason=reason, now=now)
    due_date_change = _due_date_change(old_due_date, step)
    summary = f"{step.get_stage_display()}: {old_status} → {step.get_status_display()}"
    if reason:
        summary += f" ({reason})"
    if due_date_change:
        summary += f", due {step.due_date:%b %-d, %Y}"
    _event(case, by=by, kind=CaseEvent.Kind.STEP, summary=summary + ".", now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=step,
        case=case,
        changes={"status": [old_status, step.get_status_display()]}
        | due_date_change
        | ({"status_reason": reason} if reason else {}),
    )
    if step.is_finished:
        _start_current_stage(case, by=by, now=now)
    case_refresh_progress(case)
    histograms.apply()
    return step


@transaction.atomic
def due_date_move(
    *,
    step: Step,
    due_date: datetime.date,
    reason: str,
    by,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Step:
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise TransitionError("Say why the due date moves.")
    case = _lock_step(step)
    _refuse_repeat(
        step,
        expected_version,
        same=step.due_date == due_date,
        message=f"{step.get_stage_display()}: the due date is already {due_date:%b %-d, %Y}.",
    )
    if step.is_finished:
        raise TransitionError("This step is finished; it has no due date to move.")
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before changing its steps.")
    _claim_version(step, expected_version, "this step")
    old = step.due_date
    step.due_date = due_date
    step.save(update_fields=["due_date"])
    old_text = f"{old:%b %-d, %Y}" if old else "none"
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.DUE_DATE,
        summary=f"{step.get_stage_display()} due date moved from {old_text} to "
        f"{due_date:%b %-d, %Y}: {reason}",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=step,
        case=case,
        changes={
            "due_date": [str(old) if old else None, str(due_date)],
            "due_date_reason": reason,
        },
    )
    case_refresh_progress(case)
    return step


@transaction.atomic
def step_snooze(
    *,
    step: Step,
    until: datetime.date | None,
    reason: str = "",
    by,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Step:
    """No reminders for the step until `until` (team time zone); None ends a snooze."""
    now = now or timezone.now()
    reason = reason.strip()
    if until is not None and not reason:
        raise TransitionError("Say why reminders for this step wait.")
    if until is not None and until <= team_today(now):
        raise TransitionError("Snooze until a day after today.")
    case = _lock_step(step)
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before changing its steps.")
    if step.is_finished:
        raise TransitionError("This step is finished; it has no reminders to snooze.")
    old_until = step.snoozed_until
    if until is None and old_until is None:
        return step  # nothing to resume
    _refuse_repeat(
        step,
        expected_version,
        same=(step.snoozed_until, step.snooze_reason) == (until, reason if until else ""),
        message=f"{step.get_stage_display()}: reminders are already snoozed.",
    )
    _claim_version(step, expected_version, "this step")
    step.snoozed_until = until
    step.snooze_reason = reason if until is not None else ""
    step.save(update_fields=["snoozed_until", "snooze_reason"])
    summary = (
        f"{step.get_stage_display()}: reminders snoozed until {until:%b %-d, %Y}: {reason}"
        if until is not None
        else f"{step.get_stage_display()}: reminders resumed."
    )
    _event(case, by=by, kind=CaseEvent.Kind.REMINDER, summary=summary, now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=step,
        case=case,
        changes={
            "snoozed_until": [
                str(old_until) if old_until else None,
                str(until) if until else None,
            ]
        }
        | ({"snooze_reason": reason} if reason else {}),
    )
    return step


@transaction.atomic
def checklist_item_set(
    *, item: ChecklistItem, done: bool, by, now: datetime.datetime | None = None
) -> ChecklistItem:
    now = now or timezone.now()
    case = item.step.case
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before changing its checklist.")
    if done == (item.done_at is not None):
        return item
    item.done_at = now if done else None
    item.done_by = by if done else None
    item.save(update_fields=["done_at", "done_by"])
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.CHECKLIST,
        summary=f"{item.step.get_stage_display()}: “{item.label}” "
        + ("ticked." if done else "unticked."),
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=item,
        case=case,
        changes={"done": [str(not done), str(done)]},
    )
    return item


# --- the case --------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    opened_by,
    social_worker,
    patient_fields: dict,
    case_fields: dict,
    reasons: Iterable[str],
    now: datetime.datetime | None = None,
) -> Case:
    """Open a case at intake: the patient, the case, its four steps with their checklists.

    The referral step starts at once, so the case has a clock from its first minute.
    """
    now = now or timezone.now()
    if not is_social_worker(social_worker):
        raise TransitionError("A case can only be assigned to a member of the social work team.")
    patient = Patient.objects.create(**patient_fields)
    case = Case.objects.create(
        patient=patient, social_worker=social_worker, opened_at=now, **case_fields
    )
    CaseReason.objects.bulk_create(CaseReason(case=case, reason=r) for r in sorted(set(reasons)))
    steps_by_stage = {
        step.stage: step
        for step in Step.objects.bulk_create(
            Step(case=case, stage=stage, position=position)
            for position, stage in enumerate(STAGE_ORDER)
        )
    }
    templates = ChecklistTemplate.objects.filter(active=True)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            step=steps_by_stage[t.stage],
            label=t.label,
            position=t.position,
            told_what_to_bring=t.told_what_to_bring,
        )
        for t in templates
    )
    Insurance.objects.create(case=case)
    Appointment.objects.create(case=case, centre=case.centre, specialist=case.specialist)
    _event(case, by=opened_by, kind=CaseEvent.Kind.OPENED, summary="Case opened.", now=now)
    audit_record(action=AuditEvent.Action.CREATE, actor=opened_by, obj=case, case=case)
    _start_current_stage(case, by=opened_by, now=now)
    case_refresh_progress(case)
    report_histograms_add_case(case.pk)
    return case


@transaction.atomic
def case_update_details(
    *,
    case: Case,
    by,
    expected_version: int | None,
    patient_fields: dict,
    case_fields: dict,
    reasons: Iterable[str],
    social_worker=None,
    now: datetime.datetime | None = None,
) -> Case:
    """Save the details page. A `social_worker` other than the owner reassigns the case
    through `case_reassign` (a supervisor's decision, refused for anyone else)."""
    now = now or timezone.now()
    patient = case.patient
    _reread(case, *case_fields, "version")
    _reread(patient, *patient_fields)
    _claim_version(case, expected_version, "this case")
    changes = _diff(patient, patient_fields) | _diff(case, case_fields)
    old_reasons = set(case.reasons.values_list("reason", flat=True))
    new_reasons = set(reasons)
    # The histograms count the case's reasons, and its preauthorization by its urgency.
    histograms = (
        report_histograms_watch(case.pk)
        if old_reasons != new_reasons or "urgency" in changes
        else None
    )
    if old_reasons != new_reasons:
        changes["reasons"] = [", ".join(sorted(old_reasons)), ", ".join(sorted(new_reasons))]
        case.reasons.exclude(reason__in=new_reasons).delete()
        CaseReason.objects.bulk_create(
            CaseReason(case=case, reason=r) for r in sorted(new_reasons - old_reasons)
        )
    for name, value in patient_fields.items():
        setattr(patient, name, value)
    patient.save(update_fields=list(patient_fields))
    for name, value in case_fields.items():
        setattr(case, name, value)
    case.save(update_fields=[*case_fields, "updated_at"])
    if histograms:
        histograms.apply()
    if changes:
        labels = ", ".join(name.replace("_", " ") for name in changes)
        _event(case, by=by, kind=CaseEvent.Kind.DETAILS, summary=f"Edited: {labels}.", now=now)
        audit_record(
            action=AuditEvent.Action.UPDATE, actor=by, obj=case, case=case, changes=changes
        )
    if "urgency" in changes:
        _event(
            case,
            by=by,
            kind=CaseEvent.Kind.DETAILS,
            summary=f"Urgency is now {case.get_urgency_display().lower()}; due dates already "
            "set stay as they are (move them if needed).",
            now=now,
        )
    if social_worker is not None:
        # The version this save claimed above: a stale page was refused before this point.
        case_reassign(
            case=case,
            social_worker=social_worker,
            by=by,
            expected_version=case.version,
            now=now,
        )
    return case


def _check_hold_review(review_on: datetime.date | None, now: datetime.datetime) -> None:
    if review_on is None:
        raise TransitionError("Say when to look at the hold again (the review date).")
    if review_on < team_today(now):
        raise TransitionError("A hold's review date cannot be in the past.")


@transaction.atomic
def case_set_status(
    *,
    case: Case,
    status: str,
    by,
    reason: str = "",
    review_on: datetime.date | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Move the case to `status`. A hold takes a reason and the date to look at it again
    (`review_on`, today or later): Today lists the case on that date. Leaving the hold clears
    the date."""
    now = now or timezone.now()
    _reread(case, *CASE_STATE, "status_reason", "hold_review_on")
    reason = reason.strip()
    on_hold = status == Case.Status.ON_HOLD
    _refuse_repeat(
        case,
        expected_version,
        same=case.status == status
        and (status not in CASE_STATUSES_NEEDING_REASON or case.status_reason == reason)
        and (not on_hold or case.hold_review_on == review_on),
        message=f"The case is already {Case.Status(status).label.lower()}.",
    )
    if status not in CASE_TRANSITIONS.get(case.status, set()):
        raise TransitionError(
            f"A case that is {case.get_status_display().lower()} cannot become "
            f"{Case.Status(status).label.lower()}."
        )
    if status in CASE_STATUSES_NEEDING_REASON and not reason:
        raise TransitionError(f"Say why the case is {Case.Status(status).label.lower()}.")
    if on_hold:
        _check_hold_review(review_on, now)
    if status == Case.Status.COMPLETED and case.steps.exclude(status__in=Step.FINISHED).exists():
        raise TransitionError(
            "Every step must be done or marked not needed before the case is completed."
        )
    histograms = report_histograms_watch(case.pk)
    _claim_version(case, expected_version, "this case")
    old = case.get_status_display()
    old_review_on = case.hold_review_on
    case.status = status
    case.status_reason = reason
    case.hold_review_on = review_on if on_hold else None
    case.closed_at = now if case.is_closed else None
    case.save(
        update_fields=["status", "status_reason", "hold_review_on", "closed_at", "updated_at"]
    )
    summary = f"Case {old.lower()} → {case.get_status_display().lower()}"
    if on_hold:
        summary += f" until a review on {review_on:%b %-d, %Y}"
    summary += f": {reason}" if reason else "."
    _event(case, by=by, kind=CaseEvent.Kind.STATUS, summary=summary, now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=case,
        case=case,
        changes={"status": [old, case.get_status_display()]}
        | ({"status_reason": reason} if reason else {})
        | _diff_value("hold_review_on", old_review_on, case.hold_review_on),
    )
    histograms.apply()
    return case


def _diff_value(name: str, old, new) -> dict[str, list]:
    """{name: [old, new]} as strings for the trail when the value changes, else nothing."""
    if old == new:
        return {}
    return {name: [None if old is None else str(old), None if new is None else str(new)]}


@transaction.atomic
def case_hold_review_move(
    *,
    case: Case,
    review_on: datetime.date,
    by,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Change the date an on-hold case is looked at again (today or later)."""
    now = now or timezone.now()
    _reread(case, *CASE_STATE, "hold_review_on")
    _refuse_repeat(
        case,
        expected_version,
        same=case.status == Case.Status.ON_HOLD and case.hold_review_on == review_on,
        message=f"The hold's review date is already {review_on:%b %-d, %Y}.",
    )
    if case.status != Case.Status.ON_HOLD:
        raise TransitionError("This case is not on hold, so it has no review date to change.")
    _check_hold_review(review_on, now)
    _claim_version(case, expected_version, "this case")
    old = case.hold_review_on
    case.hold_review_on = review_on
    case.save(update_fields=["hold_review_on", "updated_at"])
    old_text = f"{old:%b %-d, %Y}" if old else "none"
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.STATUS,
        summary=f"Hold review date moved from {old_text} to {review_on:%b %-d, %Y}.",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=case,
        case=case,
        changes=_diff_value("hold_review_on", old, review_on),
    )
    return case


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    social_worker,
    by,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Give the case to another social worker. Reassigning to the owner changes nothing and
    is no conflict (a double click, or a colleague who made the same choice)."""
    now = now or timezone.now()
    if not is_supervisor(by):
        raise TransitionError("Only a supervisor can reassign a case.")
    if not is_social_worker(social_worker):
        raise TransitionError("A case can only be assigned to a member of the social work team.")
    _reread(case, "social_worker", "version")
    if social_worker.pk == case.social_worker_id:
        return case
    histograms = report_histograms_watch(case.pk)  # they count a case by its owner
    _claim_version(case, expected_version, "this case")
    old = case.social_worker
    case.social_worker = social_worker
    case.save(update_fields=["social_worker", "updated_at"])
    histograms.apply()
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.REASSIGNED,
        summary=f"Reassigned from {display_name(old)} to {display_name(social_worker)}.",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=case,
        case=case,
        changes={"social_worker": [str(old.pk), str(social_worker.pk)]},
    )
    _new_owner_told(case, social_worker, now)
    return case


def _new_owner_told(case: Case, social_worker, now: datetime.datetime) -> None:
    """The new owner hears at once: a "case assigned" reminder row, which the next sweep
    delivers by email as it delivers any immediate reminder (or a bulk reassignment sends
    with the others, `cases.caseload.services`). It is about the case's current step (its
    last once every step is finished): a reminder is always about one thing. Sending checks
    that the case is still theirs; one already waiting for the same moment is enough."""
    step_id = (
        Step.objects.filter(case=case)
        .order_by(
            SqlCase(When(stage=case.current_stage, then=Value(0)), default=Value(1)), "-position"
        )
        .values_list("pk", flat=True)
        .first()
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                case=case,
                step_id=step_id,
                rule=Rule.REASSIGNED,
                due_at=now,
                recipient=social_worker,
                mode=DeliveryMode.IMMEDIATE,
                created_at=now,
            )
        ],
        ignore_conflicts=True,
    )


# --- insurance, appointment, notes -----------------------------------------------------------


def _record_update(
    *, obj: Model, case: Case, by, fields: dict, expected_version, what, kind, now
) -> Model:
    now = now or timezone.now()
    _reread(obj, *fields, "version")
    _claim_version(obj, expected_version, what)
    changes = _diff(obj, fields)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(fields))
    if changes:
        labels = ", ".join(obj._meta.get_field(name).verbose_name for name in changes)
        _event(case, by=by, kind=kind, summary=f"{what.capitalize()} updated: {labels}.", now=now)
        audit_record(action=AuditEvent.Action.UPDATE, actor=by, obj=obj, case=case, changes=changes)
    return obj


@transaction.atomic
def insurance_update(
    *,
    insurance: Insurance,
    by,
    fields: dict,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Insurance:
    histograms = report_histograms_watch(insurance.case_id)
    _record_update(
        obj=insurance,
        case=insurance.case,
        by=by,
        fields=fields,
        expected_version=expected_version,
        what="insurance",
        kind=CaseEvent.Kind.INSURANCE,
        now=now,
    )
    histograms.apply()
    return insurance


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    by,
    fields: dict,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Appointment:
    histograms = report_histograms_watch(appointment.case_id)
    _record_update(
        obj=appointment,
        case=appointment.case,
        by=by,
        fields=fields,
        expected_version=expected_version,
        what="appointment",
        kind=CaseEvent.Kind.APPOINTMENT,
        now=now,
    )
    histograms.apply()
    return appointment


@transaction.atomic
def note_add(*, case: Case, author, body: str, now: datetime.datetime | None = None) -> Note:
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise TransitionError("A note needs some text.")
    # Locked, so the two copies of a double click take turns and the second finds the first.
    _reread(case, "version")
    if Note.objects.filter(
        case=case, author=author, body=body, created_at__gte=now - REPEAT_NOTE_WINDOW
    ).exists():
        raise AlreadySaved("This note was already added.")
    note = Note.objects.create(case=case, author=author, body=body, created_at=now)
    _event(case, by=author, kind=CaseEvent.Kind.NOTE, summary="Note added.", now=now)
    audit_record(action=AuditEvent.Action.CREATE, actor=author, obj=note, case=case)
    return note
