"""Writing the audit trail: one function, called by the access door and by every service.

The request's IP address and user agent reach it through a context variable set by
`AuditContextMiddleware`, so services need no request argument; a write from a task or a
management command simply has none.

A page of a list that names patients is recorded by `audit_list_view`.

Sensitive values never reach the trail: `audit_record` masks every field named in
`MASKED_FIELDS` (the one rule), keeping the fact that it changed, not what it was. Sensitive
means what identifies the patient or gives access, and all free text a person typed about a
case (notes, reasons, names not in the directory): it stays on the case page and its timeline,
which are recorded as viewed, never in the trail, which supervisors export.
Logins, failed logins and logouts are recorded from Django's auth signals.
"""

import contextvars
import datetime
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from cases.models import AuditEvent

# Fields whose values identify the patient or give access, and every free-text field of a
# case's records (tests/test_audit_masking.py holds the models to it): the trail says they
# changed, with this mask in place of the old and new values. An empty value stays visible as
# None. A reason typed for a change is recorded under its field's name (`status_reason`,
# `snooze_reason`; `due_date_reason` for a due date move), so it is masked too.
MASKED_FIELDS = frozenset(
    {
        # who the patient is, and access
        "full_name",
        "date_of_birth",
        "mrn",
        "phone",
        "email",
        "member_id",
        "reference_number",
        "address",
        "video_link",
        "password",
        "token",
        # free text a person typed
        "diagnosis_notes",
        "reasons_other",
        "centre_other",
        "specialist_other",
        "status_reason",
        "snooze_reason",
        "due_date_reason",
        "payer",
        "plan",
        "what_to_bring",
        "body",
        # the daily loop: calls, follow-ups, records requests
        "contact_other",
        "number_used",
        "note",
        "what",
        "tracking_number",
        "release_reference",
        "description",
        # distress screening and barriers to care
        "problems",
        "no_referral_reason",
        "unresolved_reason",
    }
)
MASK = "[masked]"


def mask_changes(changes: dict) -> dict:
    """`changes` with every sensitive field's values replaced by MASK (None stays None)."""
    masked = {}
    for field, values in changes.items():
        if field not in MASKED_FIELDS:
            masked[field] = values
        elif isinstance(values, list | tuple):
            masked[field] = [None if value in (None, "") else MASK for value in values]
        else:
            masked[field] = None if values in (None, "") else MASK
    return masked


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str


_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar(
    "navigator_request_origin", default=None
)


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address. Behind the TLS-ending proxy (BEHIND_HTTPS_PROXY, the proxy's own
    address in TRUSTED_PROXIES) it is the address the proxy saw, the last one it added to
    X-Forwarded-For; otherwise the connection's peer. A header from anyone else is ignored."""
    peer = _ip_address(request.META.get("REMOTE_ADDR", ""))
    if settings.SECURE_PROXY_SSL_HEADER and peer in settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        # A header that does not end in an address (a misconfigured proxy, or a client's junk
        # passed on) names nobody: the proxy's own address is recorded instead.
        added_by_proxy = _ip_address(forwarded[-1])
        if added_by_proxy:
            return added_by_proxy
    return peer


def _ip_address(text: str) -> str | None:
    """`text` as an IP address the audit table can store, or None when it is not one. An IPv6
    zone (`fe80::1%eth0`) names an interface of the sender's host, means nothing here and is
    no `inet` to PostgreSQL: it is dropped."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if getattr(address, "scope_id", None) is not None:
        address = ipaddress.IPv6Address(int(address))
    return str(address)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _origin.set(
            RequestOrigin(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    obj=None,
    case=None,
    changes: dict | None = None,
) -> AuditEvent:
    origin = _origin.get()
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        case=case,
        changes=mask_changes(changes or {}),
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
    )


def audit_list_view(*, actor, list_name: str, page, filters: dict, case_ids) -> AuditEvent:
    """One event per page of a list: the caseload, a report (*Overdue now* names patients).
    Who looked at which list, which page and with which filters, and the cases it showed by
    number, so "who has seen this patient's name in a list" can be answered. Never a search's
    text or a name: the caller passes whether a search applied, not what was searched."""
    return audit_record(
        action=AuditEvent.Action.VIEW,
        actor=actor,
        changes={"list": list_name, "page": page, "filters": filters, "cases": list(case_ids)},
    )


# --- authentication events ----------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="audit_login")
def _record_login(sender, request, user, **kwargs) -> None:
    audit_record(action=AuditEvent.Action.LOGIN, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """The account, when the username names one; otherwise the name that was tried."""
    username = str(credentials.get("username", ""))[:60]
    user = get_user_model()._default_manager.filter(username=username).first()
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        actor_label="" if user else f"unknown username: {username}",
        obj=user,
        changes={"username": username} if user else {},
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _record_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, "logout_reason", "") if request is not None else ""
    audit_record(
        action=AuditEvent.Action.LOGOUT,
        actor=user,
        obj=user,
        changes={"reason": reason} if reason else {},
    )


HISTORY_PAGE_SIZE = 50
CSV_COLUMNS = [
    "time (UTC)",
    "actor",
    "actor username",
    "action",
    "object type",
    "object id",
    "case",
    "changes",
    "ip address",
    "user agent",
]


def _cell(value) -> str:
    """Text for a spreadsheet cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_export_rows(events) -> Iterator[list[str]]:
    yield CSV_COLUMNS
    for event in events.iterator(chunk_size=2000):
        yield [
            _cell(value)
            for value in (
                event.created_at.astimezone(datetime.UTC).isoformat(),
                event.actor_display,
                event.actor.get_username() if event.actor_id else "",
                event.action,
                event.object_type,
                event.object_id,
                event.case_id or "",
                json.dumps(event.changes, ensure_ascii=False, sort_keys=True)
                if event.changes
                else "",
                event.ip_address or "",
                event.user_agent,
            )
        ]


class Echo:
    def write(self, value: str) -> str:
        return value
