"""Every write of the contact log and of follow-ups (views, the seed and tests call these).

Each runs in one transaction, records a line on the case's timeline and an audit event (typed
text masked by `cases.audit.MASKED_FIELDS`), and takes an optional `now=` so tests can fix the
instant. What a service checks comes from the database, re-read under a lock, never from the
caller's instance. Refusals reuse the workflow's exceptions, whose messages carry no patient
data: `ConflictError` (a correction from a stale copy), `AlreadySaved` (the second copy of a
double click, answered calmly) and `TransitionError` (what the rules do not allow).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from cases.access import visible_cases
from cases.audit import audit_record
from cases.business_days import team_today
from cases.models import (
    AuditEvent,
    Case,
    CaseEvent,
    ContactLogEntry,
    FollowUp,
    RecordsRequest,
)
from cases.models.staff import display_name
from cases.reminders.sweep import follow_up_moved
from cases.workflow.services import AlreadySaved, ConflictError, TransitionError

__all__ = [
    "AlreadySaved",
    "ConflictError",
    "TransitionError",
    "NewFollowUp",
    "contact_log_add",
    "contact_log_correct",
    "correction_refusal",
    "follow_up_create",
    "follow_up_done",
    "follow_up_reopen",
    "may_be_assigned",
]

# What a contact-log entry records, as its form and its correction send it.
ENTRY_FIELDS = (
    "occurred_at",
    "channel",
    "direction",
    "contact",
    "contact_other",
    "number_used",
    "reference_number",
    "outcome",
    "note",
)
# A contact logged "now" on a computer whose clock runs a little ahead is not in the future.
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)
# The same entry or follow-up by the same person on the same case within this time is a
# double click.
REPEAT_WINDOW = datetime.timedelta(seconds=60)

NO_CONTACT = "Say who it was with: choose them from the directory, or type who it was."
BOTH_CONTACTS = (
    "Choose from the directory or type who it was, not both (a person's name can go in the note)."
)
IN_THE_FUTURE = "That time is still to come: log a contact once it has happened."


@dataclass(frozen=True)
class NewFollowUp:
    """A follow-up to create with a contact-log entry ("call back Thursday")."""

    what: str
    due_on: datetime.date
    due_time: datetime.time | None = None
    assignee: object = None


def _event(case: Case, *, by, kind: str, summary: str, now: datetime.datetime) -> None:
    CaseEvent.objects.create(case=case, actor=by, kind=kind, summary=summary, created_at=now)


def _lock_case(case: Case) -> None:
    """Lock the case row and re-read what these services decide on. Two copies of a double
    click take turns here, so the second finds the first."""
    rows = Case.objects.select_for_update(no_key=True)
    case.refresh_from_db(fields=["status", "social_worker", "version"], from_queryset=rows)


def _lock(obj: Model, *fields: str) -> None:
    rows = type(obj).objects.select_for_update(no_key=True)
    obj.refresh_from_db(fields=fields, from_queryset=rows)


def _claim_version(obj: Model, expected_version: int | None, what: str) -> None:
    """Bump `obj.version`, refusing if the row is no longer at `expected_version` (none: a
    task or a command, unconditional)."""
    rows = type(obj).objects.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        raise ConflictError(what)
    obj.version = (expected_version if expected_version is not None else obj.version) + 1


def _trail_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return str(value)


def _diff(obj: Model, fields: dict) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changes, as the trail stores them."""
    changed = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_trail_value(old), _trail_value(new)]
    return changed


# --- the contact log -------------------------------------------------------------------------


def _entry_fields(fields: dict, now: datetime.datetime) -> dict:
    """`fields` checked and tidied: text stripped, someone named, no time still to come."""
    tidy = {name: fields.get(name) for name in ENTRY_FIELDS}
    for name in ("contact_other", "number_used", "reference_number", "note"):
        tidy[name] = (tidy[name] or "").strip()
    tidy["direction"] = tidy["direction"] or ContactLogEntry.Direction.OUT
    if tidy["contact"] is None and not tidy["contact_other"]:
        raise TransitionError(NO_CONTACT)
    if tidy["contact"] is not None and tidy["contact_other"]:
        raise TransitionError(BOTH_CONTACTS)
    if tidy["occurred_at"] is None:
        raise TransitionError("Say when it happened.")
    if tidy["occurred_at"] > now + CLOCK_TOLERANCE:
        raise TransitionError(IN_THE_FUTURE)
    return tidy


def entry_summary(entry: ContactLogEntry) -> str:
    """The entry's timeline line: "Phone call to Example Health Plan: left a message."."""
    towards = "to" if entry.direction == ContactLogEntry.Direction.OUT else "from"
    summary = f"{entry.get_channel_display()} {towards} {entry.contact_name}: "
    summary += entry.get_outcome_display().lower()
    if entry.reference_number:
        summary += f" (reference {entry.reference_number})"
    return summary + "."


@transaction.atomic
def contact_log_add(
    *,
    case: Case,
    by,
    fields: dict,
    follow_up: NewFollowUp | None = None,
    now: datetime.datetime | None = None,
) -> ContactLogEntry:
    """Log one call, fax, email, letter, portal message or visit (`fields`: ENTRY_FIELDS),
    and with `follow_up` the follow-up it calls for, in the same transaction."""
    now = now or timezone.now()
    fields = _entry_fields(fields, now)
    _lock_case(case)
    if ContactLogEntry.objects.filter(
        case=case, author=by, created_at__gte=now - REPEAT_WINDOW, **fields
    ).exists():
        raise AlreadySaved("This contact was already logged.")
    entry = ContactLogEntry.objects.create(case=case, author=by, created_at=now, **fields)
    _event(case, by=by, kind=CaseEvent.Kind.CONTACT, summary=entry_summary(entry), now=now)
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=entry,
        case=case,
        changes={name: [None, _trail_value(value)] for name, value in fields.items() if value},
    )
    if follow_up is not None:
        follow_up_create(
            case=case,
            by=by,
            what=follow_up.what,
            due_on=follow_up.due_on,
            due_time=follow_up.due_time,
            assignee=follow_up.assignee,
            contact_entry=entry,
            now=now,
        )
    return entry


def correction_refusal(entry: ContactLogEntry, user, now: datetime.datetime) -> str:
    """Why `user` may not correct `entry` at `now`, or "" when they may: only its author, on
    the day it was written (team time zone)."""
    if entry.author_id != user.pk:
        return (
            f"Only {display_name(entry.author)}, who logged this entry, can correct it. "
            "Log a new entry to add what you know."
        )
    written_on = team_today(entry.created_at)
    if written_on != team_today(now):
        return (
            f"An entry can be corrected only on the day it was logged ({written_on:%b %-d, %Y}). "
            "Log a new entry to add what changed."
        )
    return ""


@transaction.atomic
def contact_log_correct(
    *,
    entry: ContactLogEntry,
    by,
    fields: dict,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> ContactLogEntry:
    """Its author corrects an entry on the day it was logged; the change is audited (what
    changed, typed text masked), on the timeline, and refused from a stale copy."""
    now = now or timezone.now()
    _lock(entry, *ENTRY_FIELDS, "author", "created_at", "corrected_at", "version")
    refusal = correction_refusal(entry, by, now)
    if refusal:
        raise TransitionError(refusal)
    fields = _entry_fields(fields, now)
    changes = _diff(entry, fields)
    if not changes and expected_version is not None and entry.version == expected_version + 1:
        raise AlreadySaved("This correction was already saved.")
    _claim_version(entry, expected_version, "this contact-log entry")
    if not changes:
        return entry
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.corrected_at = now
    entry.save(update_fields=[*fields, "corrected_at"])
    labels = ", ".join(
        str(ContactLogEntry._meta.get_field(name).verbose_name).lower() for name in changes
    )
    _event(
        entry.case,
        by=by,
        kind=CaseEvent.Kind.CONTACT,
        summary=f"Contact-log entry corrected ({labels}): {entry_summary(entry)}",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE, actor=by, obj=entry, case=entry.case, changes=changes
    )
    return entry


# --- follow-ups ------------------------------------------------------------------------------


def may_be_assigned(user, case: Case) -> bool:
    """Whether `user` may be given a follow-up on `case`: an active member of the team who can
    see the case (its social worker, a colleague covering them today, a supervisor), by the one
    door's own rule."""
    return user is not None and user.is_active and visible_cases(user).filter(pk=case.pk).exists()


def due_words(due_on: datetime.date, due_time: datetime.time | None) -> str:
    """ "Thu Dec 3, 2026" or "Thu Dec 3, 2026 at 2:00 pm"."""
    words = f"{due_on:%a %b %-d, %Y}"
    if due_time is not None:
        hour = due_time.hour % 12 or 12
        words += f" at {hour}:{due_time:%M} {'am' if due_time.hour < 12 else 'pm'}"
    return words


@transaction.atomic
def follow_up_create(
    *,
    case: Case,
    by,
    what: str,
    due_on: datetime.date,
    due_time: datetime.time | None = None,
    assignee=None,
    contact_entry: ContactLogEntry | None = None,
    records_request: RecordsRequest | None = None,
    now: datetime.datetime | None = None,
) -> FollowUp:
    """A follow-up on `case` for `assignee` (the case's social worker when None), due on
    `due_on` (at `due_time`, team time, when given); made on its own, from a contact-log entry
    or from a records request. Its reminders are the reminder engine's."""
    now = now or timezone.now()
    what = what.strip()
    if not what:
        raise TransitionError("Say what needs doing (for example: call the insurer back).")
    if due_on < team_today(now):
        raise TransitionError("A follow-up cannot be due in the past. Choose today or a later day.")
    _lock_case(case)
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before adding a follow-up.")
    for source, label in ((contact_entry, "contact-log entry"), (records_request, "request")):
        if source is not None and source.case_id != case.pk:
            raise TransitionError(f"That {label} belongs to another case.")
    assignee = assignee if assignee is not None else case.social_worker
    if not may_be_assigned(assignee, case):
        raise TransitionError(
            f"{display_name(assignee)} cannot see this case. Choose its social worker, a "
            "colleague covering them, or a supervisor."
        )
    if FollowUp.objects.filter(
        case=case,
        created_by=by,
        what=what,
        due_on=due_on,
        due_time=due_time,
        assignee=assignee,
        created_at__gte=now - REPEAT_WINDOW,
    ).exists():
        raise AlreadySaved("This follow-up was already added.")
    follow_up = FollowUp.objects.create(
        case=case,
        what=what,
        due_on=due_on,
        due_time=due_time,
        assignee=assignee,
        created_by=by,
        created_at=now,
        contact_entry=contact_entry,
        records_request=records_request,
    )
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.FOLLOW_UP,
        summary=f"Follow-up for {display_name(assignee)}, due {due_words(due_on, due_time)}: "
        f"{what}",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=follow_up,
        case=case,
        changes={
            name: [None, _trail_value(value)]
            for name, value in {
                "what": what,
                "due_on": due_on,
                "due_time": due_time,
                "assignee": assignee,
                "contact_entry": contact_entry,
                "records_request": records_request,
            }.items()
            if value is not None
        },
    )
    return follow_up


FOLLOW_UP_STATE = ("done_at", "done_by", "what", "version")
# What a follow-up's change may touch (moved to Friday, handed to a colleague, reworded).
FOLLOW_UP_FIELDS = ("what", "due_on", "due_time", "assignee")
FOLLOW_UP_CHANGE_WORDS = {"what": "what", "due_on": "day", "due_time": "time", "assignee": "who"}
MOVED_INTO_THE_PAST = (
    "A follow-up cannot be moved into the past. Choose today or a later day, or keep the day "
    "it has."
)


@transaction.atomic
def follow_up_change(
    *,
    follow_up: FollowUp,
    by,
    what: str,
    due_on: datetime.date,
    due_time: datetime.time | None = None,
    assignee=None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> FollowUp:
    """Change an open follow-up: what needs doing, the day (and time) it is due, and for whom
    (None: the person it is for now). A late follow-up may keep its day while it is reworded
    or handed on; a new day is today or later. Audited with what changed, on the timeline, and
    refused from a stale copy (`expected_version`).

    The reminders follow without anything here: a reminder made for the old day or the old
    person no longer applies and is cancelled unsent (`reminders.sending.reminder_applies`),
    and the sweep reminds the person it is for now once the new day comes."""
    now = now or timezone.now()
    case = follow_up.case
    _lock_case(case)
    _lock(follow_up, *FOLLOW_UP_STATE, "due_on", "due_time", "assignee")
    what = what.strip()
    if not what:
        raise TransitionError("Say what needs doing (for example: call the insurer back).")
    if follow_up.done_at is not None:
        raise TransitionError("This follow-up is done. Reopen it before changing it.")
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before changing its follow-ups.")
    assignee = assignee if assignee is not None else follow_up.assignee
    fields = {"what": what, "due_on": due_on, "due_time": due_time, "assignee": assignee}
    changes = _diff(follow_up, fields)
    if not changes and expected_version is not None and follow_up.version == expected_version + 1:
        raise AlreadySaved("This change to the follow-up was already saved.")
    # A stale copy is refused first: what it "moves" is judged against what is saved now,
    # which its user has not seen (a late one's day a colleague moved meanwhile).
    _claim_version(follow_up, expected_version, "this follow-up")
    if due_on != follow_up.due_on and due_on < team_today(now):
        raise TransitionError(MOVED_INTO_THE_PAST)
    if assignee.pk != follow_up.assignee_id and not may_be_assigned(assignee, case):
        raise TransitionError(
            f"{display_name(assignee)} cannot see this case. Choose its social worker, a "
            "colleague covering them, or a supervisor."
        )
    if not changes:
        return follow_up
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.save(update_fields=list(FOLLOW_UP_FIELDS))
    if "due_on" in changes or "due_time" in changes:
        follow_up_moved(follow_up.pk)
    labels = ", ".join(FOLLOW_UP_CHANGE_WORDS[name] for name in changes)
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.FOLLOW_UP,
        summary=f"Follow-up changed ({labels}): now for {display_name(assignee)}, due "
        f"{due_words(due_on, due_time)}: {what}",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE, actor=by, obj=follow_up, case=case, changes=changes
    )
    return follow_up


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by, now: datetime.datetime | None = None) -> FollowUp:
    """Mark a follow-up done, by whom and when. Done already: said calmly (`AlreadySaved`)."""
    now = now or timezone.now()
    _lock(follow_up, *FOLLOW_UP_STATE)
    if follow_up.done_at is not None:
        raise AlreadySaved(
            f"This follow-up was already marked done by {display_name(follow_up.done_by)}."
        )
    _claim_version(follow_up, None, "this follow-up")
    follow_up.done_at, follow_up.done_by = now, by
    follow_up.save(update_fields=["done_at", "done_by"])
    _event(
        follow_up.case,
        by=by,
        kind=CaseEvent.Kind.FOLLOW_UP,
        summary=f"Follow-up done: {follow_up.what}",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=follow_up,
        case=follow_up.case,
        changes={"done_at": [None, _trail_value(now)], "done_by": [None, str(by.pk)]},
    )
    return follow_up


@transaction.atomic
def follow_up_reopen(*, follow_up: FollowUp, by, now: datetime.datetime | None = None) -> FollowUp:
    """Open a follow-up marked done again (done by mistake, or the call did not settle it)."""
    now = now or timezone.now()
    case = follow_up.case
    _lock_case(case)
    _lock(follow_up, *FOLLOW_UP_STATE)
    if follow_up.done_at is None:
        raise AlreadySaved("This follow-up is already open.")
    if case.is_closed:
        raise TransitionError("This case is closed. Reopen it before reopening its follow-ups.")
    _claim_version(follow_up, None, "this follow-up")
    old_done_at, old_done_by = follow_up.done_at, follow_up.done_by_id
    follow_up.done_at, follow_up.done_by = None, None
    follow_up.save(update_fields=["done_at", "done_by"])
    _event(
        case,
        by=by,
        kind=CaseEvent.Kind.FOLLOW_UP,
        summary=f"Follow-up reopened: {follow_up.what}",
        now=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=follow_up,
        case=case,
        changes={"done_at": [_trail_value(old_done_at), None], "done_by": [str(old_done_by), None]},
    )
    return follow_up
