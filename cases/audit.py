"""Writing the audit trail: one function, called by the access door and by every service.

The request's IP address and user agent reach it through a context variable set by
`AuditContextMiddleware`, so services need no request argument; a write from a task or a
management command simply has none.
"""

import contextvars
from dataclasses import dataclass

from django.http import HttpRequest

from cases.models import AuditEvent


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str


_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar(
    "navigator_request_origin", default=None
)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _origin.set(
            RequestOrigin(
                ip_address=request.META.get("REMOTE_ADDR") or None,
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
        changes=changes or {},
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
    )
