from django.conf import settings

from cases.access import is_social_worker, is_supervisor
from cases.security import idle_timeout_seconds, idle_warning_seconds


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_supervisor": False, "is_social_worker": False}
    return {"is_supervisor": is_supervisor(user), "is_social_worker": is_social_worker(user)}


def idle_timeout(request) -> dict:
    """When the page warns and when the session ends (see cases.security)."""
    return {
        "idle_timeout_seconds": idle_timeout_seconds(),
        "idle_timeout_minutes": settings.STAFF_IDLE_TIMEOUT_MINUTES,
        "idle_warning_seconds": idle_warning_seconds(),
        "idle_warning_minutes": settings.STAFF_IDLE_WARNING_MINUTES,
    }
