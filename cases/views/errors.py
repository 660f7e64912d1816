"""Calm pages for links that lead nowhere and for the rare failure: never a stack trace."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation

from cases.patient import links as status_links
from cases.views.common import activate_language, unavailable


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Input no page sends (a NUL byte in the query string). A patient's link gets the patient
    pages' calm answer in both languages, pointing to the phone, not to the staff login."""
    if _is_patient_path(request.path_info):
        with translation.override("en"):
            context = {"help_phone": settings.PATIENT_HELP_PHONE}
            return render(request, "patient/bad_request.html", context, status=400)
    return render(request, "400.html", status=400)


def _is_patient_path(path: str) -> bool:
    """A patient page's address, or one under a status link's prefix that leads nowhere."""
    try:
        return (resolve(path).url_name or "").startswith("patient_")
    except Resolver404:
        return path.startswith(PATIENT_PREFIX)


# Every patient page sits under /s/<token>/ (cases/urls.py).
PATIENT_PREFIX = "/s/"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Nothing here. Under a patient's link (an address edited or kept too long) that is the
    patient pages' calm answer in both languages, never the staff page."""
    if _is_patient_path(request.path_info):
        return unavailable(request)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its CSRF cookie or token (the page was open too long, or the cookies
    were cleared). Patients get a page in their language that leads back through their link;
    staff get one that says to reload. Nothing was saved either way."""
    token = (request.resolver_match.kwargs.get("token") if request.resolver_match else None) or ""
    if not token:
        return render(request, "403_csrf.html", status=403)
    link = status_links.status_link_for_token(token)
    if link is None:
        return unavailable(request)
    activate_language(request, link)
    context = {"token": token, "help_phone": settings.PATIENT_HELP_PHONE}
    return render(request, "patient/expired.html", context, status=403)
