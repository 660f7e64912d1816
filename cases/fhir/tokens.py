"""API tokens: one per system, shown once, stored as its SHA-256 digest.

A token is 32 random bytes (`secrets.token_urlsafe`), so a fast digest is enough: there is
nothing to guess from it, and a lookup by digest is one indexed query.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cases.audit import audit_record
from cases.models import ApiSystem, AuditEvent

TOKEN_START = "nav_"  # noqa: S105 # nosec B105 - how every token begins, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_START + secrets.token_urlsafe(32)


@transaction.atomic
def api_system_create(*, name: str, scope: str, by) -> tuple[ApiSystem, str]:
    """A system and its token; the token is returned to be shown once, and never stored."""
    token = new_token()
    system = ApiSystem.objects.create(
        name=name,
        scope=scope,
        token_digest=token_digest(token),
        token_prefix=token[: len(TOKEN_START) + 4],
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=system, changes={"scope": scope})
    return system, token


@transaction.atomic
def api_system_revoke(*, system: ApiSystem, by, now=None) -> ApiSystem:
    if system.revoked_at is None:
        system.revoked_at = now or timezone.now()
        system.save(update_fields=["revoked_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE, actor=by, obj=system, changes={"revoked": "yes"}
        )
    return system


def system_for_authorization(header: str) -> ApiSystem | None:
    """The live system whose token the `Authorization: Bearer …` header carries, or None."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return ApiSystem.objects.filter(
        token_digest=token_digest(token), revoked_at__isnull=True
    ).first()
