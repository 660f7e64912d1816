"""Every write of distress screening and barriers to care (views, the seed and tests call these).

Each runs in one transaction, locks the case row first (as the workflow's services do, so a
case is never closed under a change), re-reads what it decides on, records a line on the
case's timeline and an audit event (typed text masked by `cases.audit.MASKED_FIELDS`), and
takes an optional `now=` so tests can fix the instant. Refusals reuse the workflow's
exceptions, whose messages carry no patient data.

A referral made for a screening is followed up like any follow-up: `screening_record` and
`screening_plan_record` make one through `cases.contacts.services.follow_up_create`, due on the
day the social worker chose, for the case's social worker; the reminder engine does the rest.
"""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from cases.audit import audit_record
from cases.business_days import team_today
from cases.contacts.services import follow_up_create
from cases.models import (
    PROBLEM_LABELS,
    AuditEvent,
    Barrier,
    BarrierIntervention,
    BarrierKind,
    Case,
    CaseEvent,
    DistressScreening,
    SupportResource,
)
from cases.models.screening import MAX_SCORE
from cases.screening import rules
from cases.workflow.services import AlreadySaved, ConflictError, TransitionError

__all__ = [
    "AlreadySaved",
    "ConflictError",
    "TransitionError",
    "barrier_add",
    "barrier_close",
    "barrier_intervention_add",
    "screening_plan_record",
    "screening_record",
]

# The same screening or barrier by the same person on the same case within this time is a
# double click.
REPEAT_WINDOW = datetime.timedelta(seconds=60)
# A referral's follow-up is due this many days after the plan unless the form says otherwise.
REFERRAL_FOLLOW_UP_DAYS = 7

SCORE_RANGE = f"The Distress Thermometer runs from 0 to {MAX_SCORE}: enter a whole number in it."
IN_THE_FUTURE = "That day is still to come: record it once it has happened."
CLOSED_CASE = "This case is closed. Reopen it before recording screening or barriers."
NO_REFERRAL_KIND = "Choose who the patient is referred to."
NO_REASON = "Say why no referral is made (for example: the patient declined, already in care)."
BEFORE_IDENTIFIED = "A barrier cannot be resolved or closed before it was identified ({day})."
NO_UNRESOLVED_REASON = "Say why the barrier stays unresolved."
NO_INTERVENTION = "Choose a resource from the list, or say what was done."


def plan_missing(score: int) -> str:
    return (
        f"A score of {score} is at or above the threshold of {rules.threshold()}: record a "
        "referral, or why none is made."
    )


def _event(case: Case, *, by, kind: str, summary: str, now: datetime.datetime) -> None:
    CaseEvent.objects.create(case=case, actor=by, kind=kind, summary=summary, created_at=now)


def _lock_case(case: Case) -> None:
    """Lock the case row and re-read its status; a closed case takes no new record."""
    rows = Case.objects.select_for_update(no_key=True)
    case.refresh_from_db(fields=["status", "social_worker", "version"], from_queryset=rows)
    if case.is_closed:
        raise TransitionError(CLOSED_CASE)


def _claim_version(obj: Model, expected_version: int | None, what: str) -> None:
    """Bump `obj.version`, refusing if the row is no longer at `expected_version`."""
    rows = type(obj).objects.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        raise ConflictError(what)
    obj.version = (expected_version if expected_version is not None else obj.version) + 1


def _trail(fields: dict) -> dict:
    """{field: [None, value]} of the values set, as the trail stores them (ids for rows)."""
    trail = {}
    for name, value in fields.items():
        if value in (None, "", []):
            continue
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        trail[name] = [None, value if isinstance(value, list) else str(value)]
    return trail


def _check_day(day: datetime.date | None, now: datetime.datetime, what: str) -> None:
    if day is None:
        raise TransitionError(f"Say {what}.")
    if day > team_today(now):
        raise TransitionError(IN_THE_FUTURE)


# --- distress screening ----------------------------------------------------------------------


def _plan_fields(
    *, score: int, plan: str, referral_kind: str, no_referral_reason: str, planned_on
) -> dict:
    """The plan, checked: needed at or above the threshold; a referral names its kind, no
    referral says why. Below the threshold a plan may still be recorded."""
    no_referral_reason = (no_referral_reason or "").strip()
    if not plan:
        if rules.needs_plan(score):
            raise TransitionError(plan_missing(score))
        return {"plan": "", "referral_kind": "", "no_referral_reason": "", "planned_on": None}
    if plan == DistressScreening.Plan.REFERRAL:
        if referral_kind not in DistressScreening.Referral.values:
            raise TransitionError(NO_REFERRAL_KIND)
        no_referral_reason = ""
    elif plan == DistressScreening.Plan.NONE:
        if not no_referral_reason:
            raise TransitionError(NO_REASON)
        referral_kind = ""
    else:
        raise TransitionError("Choose a referral, or no referral.")
    return {
        "plan": plan,
        "referral_kind": referral_kind,
        "no_referral_reason": no_referral_reason,
        "planned_on": planned_on,
    }


def _referral_follow_up(
    screening: DistressScreening, *, by, follow_up_on, now: datetime.datetime
) -> None:
    if screening.plan != DistressScreening.Plan.REFERRAL:
        return
    due_on = follow_up_on or team_today(now) + datetime.timedelta(days=REFERRAL_FOLLOW_UP_DAYS)
    screening.referral_follow_up = follow_up_create(
        case=screening.case,
        by=by,
        what=f"Check the {screening.get_referral_kind_display().lower()} referral went through",
        due_on=due_on,
        now=now,
    )
    screening.save(update_fields=["referral_follow_up"])


def screening_summary(screening: DistressScreening) -> str:
    """The timeline's line: "Distress screening (phone): score 6, 3 problems; referral to
    psychiatry."."""
    count = len(screening.problems)
    summary = (
        f"Distress screening ({screening.get_method_display().lower()}): score "
        f"{screening.score}, {count} problem{'' if count == 1 else 's'} ticked"
    )
    if screening.plan == DistressScreening.Plan.REFERRAL:
        summary += f"; referral to {screening.get_referral_kind_display().lower()}"
    elif screening.plan == DistressScreening.Plan.NONE:
        summary += f"; no referral: {screening.no_referral_reason}"
    elif rules.needs_plan(screening.score):
        summary += "; no plan yet"
    return summary + "."


@transaction.atomic
def screening_record(
    *,
    case: Case,
    by,
    screened_on: datetime.date,
    method: str,
    score: int,
    problems: Sequence[str] = (),
    screened_by=None,
    note: str = "",
    plan: str = "",
    referral_kind: str = "",
    no_referral_reason: str = "",
    follow_up_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> DistressScreening:
    """Record a Distress Thermometer screening on `case` (by `screened_by`, else `by`). A score
    at or above the threshold needs a plan; a referral gets its follow-up (due `follow_up_on`,
    else a week from today)."""
    now = now or timezone.now()
    if not isinstance(score, int) or not 0 <= score <= MAX_SCORE:
        raise TransitionError(SCORE_RANGE)
    _check_day(screened_on, now, "when the screening was done")
    if method not in DistressScreening.Method.values:
        raise TransitionError("Choose how the screening was done.")
    unknown = [code for code in problems if code not in PROBLEM_LABELS]
    if unknown:
        raise TransitionError("Choose problems from the list.")
    problems = [code for code in PROBLEM_LABELS if code in set(problems)]
    fields = {
        "screened_on": screened_on,
        "screened_by": screened_by or by,
        "method": method,
        "score": score,
        "problems": problems,
        "note": (note or "").strip(),
        **_plan_fields(
            score=score,
            plan=plan,
            referral_kind=referral_kind,
            no_referral_reason=no_referral_reason,
            planned_on=screened_on,
        ),
    }
    _lock_case(case)
    if DistressScreening.objects.filter(
        case=case, recorded_by=by, created_at__gte=now - REPEAT_WINDOW, **fields
    ).exists():
        raise AlreadySaved("This screening was already recorded.")
    screening = DistressScreening.objects.create(
        case=case, recorded_by=by, created_at=now, **fields
    )
    _event(
        case, by=by, kind=CaseEvent.Kind.SCREENING, summary=screening_summary(screening), now=now
    )
    audit_record(
        action=AuditEvent.Action.CREATE, actor=by, obj=screening, case=case, changes=_trail(fields)
    )
    _referral_follow_up(screening, by=by, follow_up_on=follow_up_on, now=now)
    return screening


@transaction.atomic
def screening_plan_record(
    *,
    screening: DistressScreening,
    by,
    plan: str,
    referral_kind: str = "",
    no_referral_reason: str = "",
    follow_up_on: datetime.date | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> DistressScreening:
    """The plan for a screening that has none yet (made before the threshold was lowered, or
    seeded so): made today, a referral followed up as at screening. A plan is recorded once."""
    now = now or timezone.now()
    case = screening.case
    _lock_case(case)
    screening.refresh_from_db(
        fields=["plan", "score", "version"],
        from_queryset=DistressScreening.objects.select_for_update(no_key=True),
    )
    if screening.plan:
        raise AlreadySaved(
            f"This screening already has its plan: {screening.get_plan_display().lower()}."
        )
    fields = _plan_fields(
        score=screening.score,
        plan=plan,
        referral_kind=referral_kind,
        no_referral_reason=no_referral_reason,
        planned_on=team_today(now),
    )
    _claim_version(screening, expected_version, "this screening")
    for name, value in fields.items():
        setattr(screening, name, value)
    screening.save(update_fields=list(fields))
    what = (
        f"referral to {screening.get_referral_kind_display().lower()}"
        if plan == DistressScreening.Plan.REFERRAL
        else f"no referral: {screening.no_referral_reason}"
    )
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.SCREENING,
        summary=f"Plan for the distress screening of {screening.screened_on:%b %-d, %Y}: {what}.",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE, actor=by, obj=screening, case=case, changes=_trail(fields)
    )
    _referral_follow_up(screening, by=by, follow_up_on=follow_up_on, now=now)
    return screening


# --- barriers to care ------------------------------------------------------------------------


def _intervention(
    barrier: Barrier,
    *,
    by,
    resource: SupportResource | None,
    note: str,
    done_on: datetime.date,
    now: datetime.datetime,
) -> BarrierIntervention:
    note = (note or "").strip()
    if resource is None and not note:
        raise TransitionError(NO_INTERVENTION)
    _check_day(done_on, now, "when it was done")
    if done_on < barrier.identified_on:
        raise TransitionError(
            f"Something done about a barrier is on or after the day it was identified "
            f"({barrier.identified_on:%b %-d, %Y})."
        )
    intervention = BarrierIntervention.objects.create(
        barrier=barrier,
        resource=resource,
        note=note,
        done_on=done_on,
        recorded_by=by,
        created_at=now,
    )
    what = resource.name if resource else note
    if resource and note:
        what += f" ({note})"
    _event(
        barrier.case,
        by=by,
        kind=CaseEvent.Kind.BARRIER,
        summary=f"Barrier ({barrier.get_kind_display().lower()}): {what}.",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=intervention,
        case=barrier.case,
        changes=_trail(
            {"barrier": barrier, "resource": resource, "note": note, "done_on": done_on}
        ),
    )
    return intervention


@transaction.atomic
def barrier_add(
    *,
    case: Case,
    by,
    kind: str,
    identified_on: datetime.date,
    description: str = "",
    resource: SupportResource | None = None,
    intervention_note: str = "",
    now: datetime.datetime | None = None,
) -> Barrier:
    """A barrier to care on `case`, open from `identified_on`; with a resource or a note, the
    first thing done about it, that day."""
    now = now or timezone.now()
    if kind not in BarrierKind.values:
        raise TransitionError("Choose the kind of barrier.")
    description = (description or "").strip()
    if kind == BarrierKind.OTHER and not description:
        raise TransitionError("Say what the barrier is.")
    _check_day(identified_on, now, "when the barrier was identified")
    _lock_case(case)
    fields = {"kind": kind, "description": description, "identified_on": identified_on}
    if Barrier.objects.filter(
        case=case, recorded_by=by, created_at__gte=now - REPEAT_WINDOW, **fields
    ).exists():
        raise AlreadySaved("This barrier was already recorded.")
    barrier = Barrier.objects.create(case=case, recorded_by=by, created_at=now, **fields)
    summary = f"Barrier to care identified: {barrier.get_kind_display().lower()}"
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.BARRIER,
        summary=summary + (f" — {description}." if description else "."),
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.CREATE, actor=by, obj=barrier, case=case, changes=_trail(fields)
    )
    if resource is not None or (intervention_note or "").strip():
        _intervention(
            barrier,
            by=by,
            resource=resource,
            note=intervention_note,
            done_on=identified_on,
            now=now,
        )
    return barrier


def _lock_barrier(barrier: Barrier) -> None:
    _lock_case(barrier.case)
    barrier.refresh_from_db(
        fields=["status", "identified_on", "closed_on", "version"],
        from_queryset=Barrier.objects.select_for_update(no_key=True),
    )


@transaction.atomic
def barrier_intervention_add(
    *,
    barrier: Barrier,
    by,
    done_on: datetime.date,
    resource: SupportResource | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> BarrierIntervention:
    """Something done about a barrier (open or not): a resource from the list, or typed text."""
    now = now or timezone.now()
    _lock_barrier(barrier)
    if BarrierIntervention.objects.filter(
        barrier=barrier,
        recorded_by=by,
        resource=resource,
        note=(note or "").strip(),
        done_on=done_on,
        created_at__gte=now - REPEAT_WINDOW,
    ).exists():
        raise AlreadySaved("This was already recorded.")
    return _intervention(barrier, by=by, resource=resource, note=note, done_on=done_on, now=now)


@transaction.atomic
def barrier_close(
    *,
    barrier: Barrier,
    by,
    status: str,
    closed_on: datetime.date,
    unresolved_reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Barrier:
    """An open barrier resolved on `closed_on`, or closed unresolved with a reason; never
    before the day it was identified."""
    now = now or timezone.now()
    _lock_barrier(barrier)
    if barrier.status != Barrier.Status.OPEN:
        raise AlreadySaved(f"This barrier is already {barrier.get_status_display().lower()}.")
    if status not in (Barrier.Status.RESOLVED, Barrier.Status.UNRESOLVED):
        raise TransitionError("Choose resolved, or closed unresolved.")
    _check_day(closed_on, now, "when")
    if closed_on < barrier.identified_on:
        raise TransitionError(BEFORE_IDENTIFIED.format(day=f"{barrier.identified_on:%b %-d, %Y}"))
    unresolved_reason = (unresolved_reason or "").strip()
    if status == Barrier.Status.UNRESOLVED and not unresolved_reason:
        raise TransitionError(NO_UNRESOLVED_REASON)
    if status == Barrier.Status.RESOLVED:
        unresolved_reason = ""
    _claim_version(barrier, expected_version, "this barrier")
    changes = {
        "status": [Barrier.Status.OPEN.value, status],
        "closed_on": [None, closed_on.isoformat()],
    }
    if unresolved_reason:
        changes["unresolved_reason"] = [None, unresolved_reason]
    barrier.status, barrier.closed_on = status, closed_on
    barrier.unresolved_reason = unresolved_reason
    barrier.save(update_fields=["status", "closed_on", "unresolved_reason"])
    said = (
        f"resolved on {closed_on:%b %-d, %Y}"
        if status == Barrier.Status.RESOLVED
        else f"closed unresolved on {closed_on:%b %-d, %Y}: {unresolved_reason}"
    )
    _event(
        barrier.case,
        by=by,
        kind=CaseEvent.Kind.BARRIER,
        summary=f"Barrier ({barrier.get_kind_display().lower()}) {said}.",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE, actor=by, obj=barrier, case=barrier.case, changes=changes
    )
    return barrier
