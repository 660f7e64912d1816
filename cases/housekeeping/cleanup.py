"""The periodic clean-up Celery beat runs (`cases.housekeeping.tasks.housekeeping`, hourly).

1. Expired sessions: a session past its `expire_date` (a staff login ends after 12 hours at
   most, `SESSION_COOKIE_AGE`) is deleted, as Django's `clearsessions` would.
2. Dead status links' sessions: after the birth-date check a patient's browser holds a session
   for that one link (`cases.patient.links.SESSION_KEY`). Once the link is revoked, has expired
   or is gone, or the session sat idle past `SESSION_IDLE_LIMIT` (the page would ask the check
   again), the session is deleted. A session that holds anything else as well (a staff member
   who opened a link while logged in) is left to its own expiry: deleting it would log them out.
3. django-axes' login records (attempts, access and failure logs) older than
   `LOGIN_RECORDS_RETENTION_DAYS` are deleted, never one inside the lockout's cool-off: an
   active lockout stays. The audit trail keeps its own record of every login and failed login.

It reports what it removed as counts only, in the log and in its result: never a session key,
a token, a username or an address.
"""

import dataclasses
import datetime
import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from cases.models import StatusLink
from cases.patient.links import SESSION_IDLE_LIMIT, SESSION_KEY

logger = logging.getLogger(__name__)

# Rows deleted per statement: well under SQLite's limit on one statement's parameters.
BATCH = 500


@dataclasses.dataclass(frozen=True)
class HousekeepingResult:
    expired_sessions: int
    status_link_sessions: int
    login_attempts: int
    login_logs: int


def _idle(state: dict, now: datetime.datetime) -> bool:
    try:
        seen = datetime.datetime.fromisoformat(state["seen"])
        return now - seen > SESSION_IDLE_LIMIT
    except (KeyError, TypeError, ValueError):
        return True


def _delete_sessions(keys: list[str]) -> int:
    removed = 0
    for start in range(0, len(keys), BATCH):
        removed += Session.objects.filter(session_key__in=keys[start : start + BATCH]).delete()[0]
    return removed


def status_link_sessions_clear(*, now: datetime.datetime) -> int:
    """Delete the sessions that hold nothing but a status link's check, once the link no longer
    works or the session sat idle too long. A session this process cannot read (signed with a
    SECRET_KEY it does not have: Django logs "Session data corrupted") is left to expire, so a
    worker set up with another key never ends the site's live sessions."""
    store = SessionStore()
    patient_sessions = {}
    for key, data in (
        Session.objects.filter(expire_date__gte=now)
        .values_list("session_key", "session_data")
        .iterator(chunk_size=2000)
    ):
        decoded = store.decode(data)
        if set(decoded) == {SESSION_KEY} and isinstance(decoded[SESSION_KEY], dict):
            patient_sessions[key] = decoded[SESSION_KEY]
    linked = {state.get("link") for state in patient_sessions.values()}
    working = set(
        StatusLink.objects.filter(
            pk__in=[pk for pk in linked if isinstance(pk, int)],
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).values_list("pk", flat=True)
    )
    dead = [
        key
        for key, state in patient_sessions.items()
        if state.get("link") not in working or _idle(state, now)
    ]
    return _delete_sessions(dead)


def login_records_clear(*, now: datetime.datetime) -> tuple[int, int]:
    """Delete django-axes' attempts, and its access and failure logs, past their retention
    (and past the lockout's cool-off). Returns (attempts, log rows)."""
    kept = max(
        datetime.timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS),
        datetime.timedelta(hours=settings.AXES_COOLOFF_TIME),
    )
    old = Q(attempt_time__lt=now - kept)
    attempts = AccessAttempt.objects.filter(old).delete()[1].get(AccessAttempt._meta.label, 0)
    logs = (
        AccessLog.objects.filter(old).delete()[0] + AccessFailureLog.objects.filter(old).delete()[0]
    )
    return attempts, logs


def housekeeping_run(*, now: datetime.datetime | None = None) -> HousekeepingResult:
    now = now or timezone.now()
    expired = Session.objects.filter(expire_date__lt=now).delete()[0]
    attempts, logs = login_records_clear(now=now)
    result = HousekeepingResult(
        expired_sessions=expired,
        status_link_sessions=status_link_sessions_clear(now=now),
        login_attempts=attempts,
        login_logs=logs,
    )
    logger.info(
        "Housekeeping removed %d expired sessions, %d status-link sessions, %d login attempts "
        "and %d login log rows",
        result.expired_sessions,
        result.status_link_sessions,
        result.login_attempts,
        result.login_logs,
    )
    return result
