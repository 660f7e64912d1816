"""Private status links and the patient's own questions: every write the status page needs.

A link carries a random token (`secrets.token_urlsafe(32)`: 256 bits); only its SHA-256 hash is
stored, so the token is shown or sent once, when the link is issued, and never again. A link is
usable until it expires (90 days by default) or is revoked. Opening it asks for the patient's date
of birth; five wrong answers in a row lock it for 15 minutes. Like the services, each function
here takes an optional `now=`, records a line on the case's timeline and an audit event, and keeps
patient data out of exception messages.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override

from cases.audit import audit_record
from cases.models import AuditEvent, Case, CaseEvent, PatientQuestion, StatusLink
from cases.reminders import channels

LINK_LIFETIME = datetime.timedelta(days=90)
MAX_FAILED_CHECKS = 5
LOCK_DURATION = datetime.timedelta(minutes=15)
# Lockouts in a row (no right answer between) before the link is revoked: without a limit,
# 5 guesses every 15 minutes for 90 days could walk through every plausible birth date.
MAX_LOCKOUTS = 3
SESSION_IDLE_LIMIT = datetime.timedelta(minutes=30)
# Where a session keeps a passed check: {"link": the link's id, "seen": ISO time of the last
# page, rewritten at most once a minute}. Set by the status page (cases/views/patient.py);
# cleared by housekeeping once dead.
SESSION_KEY = "patient_status_link"
MAX_QUESTIONS = 30
CHANNELS = ("email", "sms")


class LinkError(ValueError):
    """A status-link action that cannot be done; the message is safe to show and to log."""


class SendError(Exception):
    """A link could not be sent; the message names the channel and the error type only."""


@dataclass(frozen=True)
class IssuedLink:
    link: StatusLink
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _event(case: Case, *, by, summary: str, now: datetime.datetime) -> None:
    CaseEvent.objects.create(
        case=case, actor=by, kind=CaseEvent.Kind.PATIENT, summary=summary, created_at=now
    )


def _who(link: StatusLink) -> str:
    if link.audience == StatusLink.Audience.CARER:
        return f"carer {link.carer_name}".strip()
    return "patient"


@transaction.atomic
def status_link_issue(
    *,
    case: Case,
    by,
    audience: str = StatusLink.Audience.PATIENT,
    carer_name: str = "",
    carer_phone: str = "",
    carer_email: str = "",
    replaces: StatusLink | None = None,
    now: datetime.datetime | None = None,
) -> IssuedLink:
    now = now or timezone.now()
    if case.is_closed:
        raise LinkError(
            f"This case is {case.get_status_display().lower()}: it has no status page to link to."
        )
    if audience not in StatusLink.Audience.values:
        raise LinkError("Choose the patient or a carer.")
    is_carer = audience == StatusLink.Audience.CARER
    if is_carer and not carer_name.strip():
        raise LinkError("A carer's link needs the carer's name.")
    token = secrets.token_urlsafe(32)
    link = StatusLink.objects.create(
        case=case,
        audience=audience,
        carer_name=carer_name.strip() if is_carer else "",
        carer_phone=carer_phone.strip() if is_carer else "",
        carer_email=carer_email.strip() if is_carer else "",
        token_hash=hash_token(token),
        created_by=by,
        created_at=now,
        expires_at=now + LINK_LIFETIME,
        replaces=replaces,
    )
    _event(
        case,
        by=by,
        summary=f"Status link issued for the {_who(link)}, valid until "
        f"{timezone.localtime(link.expires_at):%b %-d, %Y}.",
        now=now,
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=link, case=case)
    return IssuedLink(link=link, token=token)


@transaction.atomic
def status_link_revoke(*, link: StatusLink, by, now: datetime.datetime | None = None) -> StatusLink:
    now = now or timezone.now()
    if StatusLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now) != 1:
        raise LinkError("This link was already revoked.")
    link.revoked_at = now
    _event(link.case, by=by, summary=f"Status link for the {_who(link)} revoked.", now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=link,
        case=link.case,
        changes={"revoked_at": [None, now.isoformat()]},
    )
    return link


@dataclass(frozen=True)
class ReissuedLink(IssuedLink):
    # The links issued for the same old link a moment before (a double click, or a second
    # tab), now revoked: their tokens were never seen or have been replaced.
    revoked_replacements: int = 0


@transaction.atomic
def status_link_reissue(
    *, link: StatusLink, by, now: datetime.datetime | None = None
) -> ReissuedLink:
    """Revoke `link` (if it is not already) and issue a new one to the same person.

    A link re-issued twice (the button pressed twice) ends with one live replacement, the one
    whose token this call returns: the row lock makes the second call wait for the first, which
    then finds the old link revoked and revokes the first call's replacement.
    """
    now = now or timezone.now()
    current = StatusLink.objects.select_for_update().get(pk=link.pk)
    earlier = list(
        StatusLink.objects.select_for_update().filter(replaces=current, revoked_at__isnull=True)
    )
    if current.revoked_at is None:
        current.case = link.case
        status_link_revoke(link=current, by=by, now=now)
    for replacement in earlier:
        replacement.case = link.case
        status_link_revoke(link=replacement, by=by, now=now)
    issued = status_link_issue(
        case=link.case,
        by=by,
        audience=current.audience,
        carer_name=current.carer_name,
        carer_phone=current.carer_phone,
        carer_email=current.carer_email,
        replaces=current,
        now=now,
    )
    return ReissuedLink(link=issued.link, token=issued.token, revoked_replacements=len(earlier))


def _recipient(link: StatusLink, channel: str) -> str:
    patient = link.case.patient
    is_carer = link.audience == StatusLink.Audience.CARER
    if channel == "email":
        return link.carer_email if is_carer else patient.email
    return link.carer_phone if is_carer else patient.phone


def status_link_send(
    *, issued: IssuedLink, url: str, channel: str, by, now: datetime.datetime | None = None
) -> None:
    """Send the link by email or text in the patient's language; record the send or the failure.

    The message carries the link and nothing about the patient, since a text or an email may be
    read by someone else. A failure is recorded on the timeline and raised as `SendError`.
    """
    now = now or timezone.now()
    link = issued.link
    if channel not in CHANNELS:
        raise LinkError("Choose email or text message.")
    recipient = _recipient(link, channel)
    channel_name = "email" if channel == "email" else "text message"
    if not recipient:
        raise LinkError(f"There is no {channel_name} address for this person. Copy the link.")
    with override(link.case.patient.preferred_language):
        subject = gettext("Your second-opinion request")
        body = gettext(
            "You can see how your second-opinion request is going here: %(url)s\n"
            "You will be asked for the patient's date of birth."
        ) % {"url": url}
    try:
        if channel == "email":
            channels.send_email(to=recipient, subject=subject, text=body)
        else:
            channels.send_sms(to=recipient, body=body)
    except Exception as error:
        summary = f"Status link could not be sent by {channel_name} ({type(error).__name__})."
        _event(link.case, by=by, summary=summary, now=now)
        raise SendError(summary) from None
    _event(link.case, by=by, summary=f"Status link sent by {channel_name}.", now=now)


def status_link_for_token(token: str, *, now: datetime.datetime | None = None):
    """The usable link (not expired, revoked or locked) with this token, or None."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        return None
    try:
        # `get`, not `first`: the hash is unique, so no ORDER BY for the database to sort by.
        link = StatusLink.objects.select_related(
            "case__patient", "case__social_worker__staff_profile"
        ).get(token_hash=hash_token(token))
    except StatusLink.DoesNotExist:
        return None
    return link if link.is_usable(now) else None


@transaction.atomic
def status_link_check(
    *, link: StatusLink, date_of_birth: datetime.date, now: datetime.datetime | None = None
) -> bool:
    """Is `date_of_birth` the patient's? The fifth wrong answer in a row locks the link for
    15 minutes; the third lockout without a right answer between revokes it."""
    now = now or timezone.now()
    current = StatusLink.objects.select_for_update().get(pk=link.pk)
    if not current.is_usable(now):
        return False
    if date_of_birth == link.case.patient.date_of_birth:
        current.failed_attempts = current.lockouts = 0
        current.save(update_fields=["failed_attempts", "lockouts"])
        audit_record(
            action=AuditEvent.Action.LOGIN,
            actor_label=link.actor_label,
            obj=link,
            case=link.case,
        )
        return True
    current.failed_attempts += 1
    if current.failed_attempts >= MAX_FAILED_CHECKS:
        current.failed_attempts = 0
        current.lockouts += 1
        if current.lockouts >= MAX_LOCKOUTS:
            current.revoked_at = now
            summary = (
                f"Status link for the {_who(link)} revoked after {current.lockouts} lockouts "
                "for wrong dates of birth. Issue a new one if the patient still needs it."
            )
        else:
            current.locked_until = now + LOCK_DURATION
            summary = (
                f"Status link for the {_who(link)} locked for 15 minutes after "
                f"{MAX_FAILED_CHECKS} wrong dates of birth."
            )
        _event(link.case, by=None, summary=summary, now=now)
    current.save(update_fields=["failed_attempts", "locked_until", "lockouts", "revoked_at"])
    link.failed_attempts, link.locked_until = current.failed_attempts, current.locked_until
    link.lockouts, link.revoked_at = current.lockouts, current.revoked_at
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        actor_label=link.actor_label,
        obj=link,
        case=link.case,
    )
    return False


def _own_question(link: StatusLink, question: PatientQuestion) -> None:
    if question.case_id != link.case_id:
        raise LinkError("This question belongs to another case.")


def _clean_question(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise LinkError("A question needs some words.")
    return text[:500]


@transaction.atomic
def patient_question_add(
    *, link: StatusLink, text: str, now: datetime.datetime | None = None
) -> PatientQuestion:
    now = now or timezone.now()
    text = _clean_question(text)
    if PatientQuestion.objects.filter(case=link.case).count() >= MAX_QUESTIONS:
        raise LinkError(f"A case keeps at most {MAX_QUESTIONS} questions.")
    question = PatientQuestion.objects.create(
        case=link.case, text=text, asked_by=link.audience, created_at=now, updated_at=now
    )
    _event(link.case, by=None, summary=f"The {_who(link)} added a question.", now=now)
    audit_record(
        action=AuditEvent.Action.CREATE, actor_label=link.actor_label, obj=question, case=link.case
    )
    return question


@transaction.atomic
def patient_question_update(
    *,
    link: StatusLink,
    question: PatientQuestion,
    text: str,
    now: datetime.datetime | None = None,
) -> PatientQuestion:
    now = now or timezone.now()
    _own_question(link, question)
    question.text = _clean_question(text)
    question.updated_at = now
    question.save(update_fields=["text", "updated_at"])
    _event(link.case, by=None, summary=f"The {_who(link)} edited a question.", now=now)
    audit_record(
        action=AuditEvent.Action.UPDATE, actor_label=link.actor_label, obj=question, case=link.case
    )
    return question


@transaction.atomic
def patient_question_remove(
    *, link: StatusLink, question: PatientQuestion, now: datetime.datetime | None = None
) -> None:
    now = now or timezone.now()
    _own_question(link, question)
    audit_record(
        action=AuditEvent.Action.DELETE, actor_label=link.actor_label, obj=question, case=link.case
    )
    question.delete()
    _event(link.case, by=None, summary=f"The {_who(link)} removed a question.", now=now)
