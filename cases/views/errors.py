"""Calm pages for links that lead nowhere and for the rare failure: never a stack trace."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation

from cases.fhir.outcomes import error_response
from cases.patient import links as status_links
from cases.views.common import activate_language, unavailable


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Input no page sends (a NUL byte in the query string). A patient's link gets the patient
    pages' calm answer in both languages, pointing to the phone, not to the staff login. The
    FHIR API answers with an OperationOutcome."""
    if request.path_info.startswith(FHIR_PREFIX):
        return error_response(400, "The request could not be read.", code="invalid")
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


# Every patient page sits under /s/<token>/ (cases/urls.py), the FHIR API under /fhir/.
PATIENT_PREFIX = "/s/"
FHIR_PREFIX = "/fhir/"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Nothing here. Under a patient's link (an address edited or kept too long) that is the
    patient pages' calm answer in both languages, never the staff page; under the FHIR API, an
    OperationOutcome."""
    if request.path_info.startswith(FHIR_PREFIX):
        return error_response(404, "Nothing is offered at this address.", code="not-found")
    if _is_patient_path(request.path_info):
        return unavailable(request)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this while the uncaught exception is being handled. A database that cannot
    be reached (restarting, failing over, refusing connections) is a calm 503 that says to try
    again; anything else is the 500 page."""
    if request.path_info.startswith(FHIR_PREFIX):
        return error_response(500, "Navigator could not answer this request.", code="exception")
    if _database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return render(request, "500.html", status=500)


# What a database that went away raises: a refused or dropped connection, a connection already
# closed under Django, a server shutting down (PostgreSQL), a database locked or unwritable
# (SQLite).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def _database_unavailable(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 without touching the database: rendered without the request, so no context
    processor looks up the user or the session. A patient's link gets the patient pages' page
    in English and Spanish (their language is on the link, in the database); staff get theirs."""
    if _is_patient_path(request.path_info):
        with translation.override("en"):
            content = render_to_string(
                "patient/service_unavailable.html", {"help_phone": settings.PATIENT_HELP_PHONE}
            )
    else:
        content = render_to_string("503.html")
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


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
