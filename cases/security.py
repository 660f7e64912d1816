"""Session rules that hold on every page: automatic logoff after idle time, and two-factor
authentication for those who use it (and for supervisors when REQUIRE_2FA_FOR_SUPERVISORS).

1. `IdleTimeoutMiddleware` stores the time of each request in the session. A request that
   comes more than STAFF_IDLE_TIMEOUT_MINUTES after the previous one ends the session (recorded
   as a logout with reason "idle") and is sent to the login page, which says why.
2. `TwoFactorMiddleware` sends a logged-in user whose session is not yet verified to the token
   page when they have a confirmed TOTP device, or to the setup page when the setting requires
   one for supervisors and they have none. Logging in, out and the two pages stay reachable.
3. `NoStoreMiddleware` marks every response to a logged-in user as never to be cached, so
   Back after logging out on a shared workstation does not show a page of patient data again.
4. `NulBytesRefusedMiddleware` answers 400 to a query string holding a NUL byte: no page
   sends one, and no database text column can hold one (PostgreSQL fails the query). Forms
   refuse NUL bytes field by field already (Django's CharField validator).
5. `AppendSlashMiddleware` is Django's CommonMiddleware, except that the redirect to the
   address with its trailing slash is a 308, which a browser follows with the same method and
   body: a form sent to `/s/<token>` reaches `/s/<token>/` whole, where a 301 would have
   turned it into a GET (losing what was typed) and DEBUG would have raised a RuntimeError.
6. `axes_username` is the username django-axes records for a failed login, cut to the length
   of its column: a longer one typed at a login page would otherwise fail the page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.middleware.common import CommonMiddleware
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import escape_leading_slashes, urlencode
from django_otp import user_has_device

from cases.access import is_supervisor

LAST_ACTIVITY_KEY = "navigator_last_activity"
# The last-activity stamp is rewritten at most this often, so a page view does not cost a
# session write; the idle logoff is therefore exact to within this many seconds. The patient's
# status-page session keeps its own clock by the same rule (cases/views/patient.py).
ACTIVITY_WRITE_SECONDS = 60
# Set once a session has found its user has no TOTP device, so later pages skip the query.
# Turning two-factor on happens in this session's own setup page, which verifies it.
NO_DEVICE_KEY = "navigator_no_otp_device"
IDLE_LOGOUT_MESSAGE = (
    "You were logged out after {minutes} minutes without activity, to keep patient "
    "information private. Log in again to continue."
)
TWO_FACTOR_OPEN_URLS = frozenset(
    {"login", "logout", "two_factor_setup", "two_factor_verify", "keepalive"}
)


def idle_timeout_seconds() -> int:
    return settings.STAFF_IDLE_TIMEOUT_MINUTES * 60


def idle_warning_seconds() -> int:
    """Seconds after the last request at which the warning shows."""
    return max(idle_timeout_seconds() - settings.STAFF_IDLE_WARNING_MINUTES * 60, 0)


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last_activity = request.session.get(LAST_ACTIVITY_KEY)
            if last_activity is not None and now - last_activity > idle_timeout_seconds():
                request.logout_reason = "idle"
                logout(request)
                messages.info(
                    request,
                    IDLE_LOGOUT_MESSAGE.format(minutes=settings.STAFF_IDLE_TIMEOUT_MINUTES),
                )
                # After logging in again, back to the page; a form sent after the session ended
                # cannot be replayed, so its page's address is not kept.
                is_get = request.method == "GET"
                return redirect_to_login(request.get_full_path() if is_get else reverse("home"))
            if last_activity is None or abs(now - last_activity) >= ACTIVITY_WRITE_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="session_rules_at_login")
def _start_session_rules(sender, request, user, **kwargs) -> None:
    """At login: start the idle clock and learn once whether the user has a TOTP device."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
    if not user_has_device(user, confirmed=True):
        request.session[NO_DEVICE_KEY] = True


def two_factor_setup_required(user) -> bool:
    return settings.REQUIRE_2FA_FOR_SUPERVISORS and is_supervisor(user)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._open(request):
            if not request.session.get(NO_DEVICE_KEY):
                if user_has_device(user, confirmed=True):
                    return redirect(self._to("two_factor_verify", request))
                request.session[NO_DEVICE_KEY] = True
            if two_factor_setup_required(user):
                return redirect(self._to("two_factor_setup", request))
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        # The FHIR API ignores sessions (a system's token lets it in): never a redirect there.
        if (match.url_name or "").startswith("fhir_"):
            return True
        return match.url_name in TWO_FACTOR_OPEN_URLS and not match.namespace

    @staticmethod
    def _to(url_name: str, request: HttpRequest) -> str:
        return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


class NoStoreMiddleware:
    """`Cache-Control: no-store` (Django's never-cache headers) on every response to a logged-in
    user. Static files never get here: WhiteNoise serves them earlier, cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class MethodNotAllowedPageMiddleware:
    """Django's `require_POST` answers a GET (a reloaded or bookmarked form address) with an
    empty 405: the product's own calm page instead, the status and `Allow` header kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method != "GET":
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page


class NulBytesRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequest("A NUL byte in the query string.")
        return self.get_response(request)


class HttpResponsePermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    status_code = 308


class AppendSlashMiddleware(CommonMiddleware):
    response_redirect_class = HttpResponsePermanentRedirectKeepingMethod

    def get_full_path_with_slash(self, request: HttpRequest) -> str:
        # Django's own, without the DEBUG error for a POST: a 308 keeps the POST's data.
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))


# django-axes keeps the username tried in a column of this many characters.
AXES_USERNAME_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a login tried (from the credentials, else the form), as axes stores it."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD) if source else None
    return None if username is None else str(username)[:AXES_USERNAME_LENGTH]
