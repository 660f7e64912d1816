"""The FHIR R4 API at /fhir/r4/ (README, *Connecting an EHR*): thin views over `cases.fhir`.

Every view is token-authenticated (`fhir_api`): a staff session counts for nothing here, so
the API is exempt from CSRF deliberately (no cookie is ever read to let a request in). Every
answer is FHIR JSON, errors included (an OperationOutcome), and every read and write is in the
audit trail under the system's name.
"""

import datetime
import json
import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt

from cases.audit import audit_record
from cases.fhir import mapping, selectors, serialize, services
from cases.fhir.outcomes import (
    Problem,
    error_response,
    fhir_response,
    problems_response,
)
from cases.fhir.parse import ReferralInvalid, referral_parse
from cases.fhir.tokens import system_for_authorization
from cases.models import ApiSystem, AuditEvent, Case

logger = logging.getLogger(__name__)

ACCEPTED_CONTENT_TYPES = ("application/fhir+json", "application/json")


class BadParameter(Exception):
    pass


def fhir_api(*, methods: tuple[str, ...], write: bool = False, open_to_all: bool = False):
    """The API's door: the method, the token (401 without a live one, 403 when a read-only
    token writes), and an OperationOutcome for anything that goes wrong."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return error_response(
                    405,
                    f"This address answers {' and '.join(methods)} only.",
                    code="not-supported",
                    headers={"Allow": ", ".join(methods)},
                )
            system = None
            if not open_to_all:
                system = system_for_authorization(request.META.get("HTTP_AUTHORIZATION", ""))
                if system is None:
                    return error_response(
                        401,
                        "Send a live API token of your system: Authorization: Bearer <token>.",
                        code="login",
                        headers={"WWW-Authenticate": 'Bearer realm="Navigator FHIR"'},
                    )
                if write and not system.can_write:
                    return error_response(
                        403, "This system's token is read-only.", code="forbidden"
                    )
            try:
                return view(request, system, *args, **kwargs)
            except BadParameter as error:
                return error_response(400, str(error), code="invalid")
            except Exception:
                logger.exception("The FHIR API failed to answer %s", view.__name__)
                return error_response(
                    500, "Navigator could not answer this request.", code="exception"
                )

        return wrapper

    return decorate


def _audit_read(system: ApiSystem, *, what: str, case: Case | None = None, obj=None) -> None:
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor_label=system.audit_label,
        obj=obj if obj is not None else case,
        case=case,
        changes={"fhir": what},
    )


def _not_found(what: str) -> HttpResponse:
    return error_response(404, f"No {what} with this id.", code="not-found")


@fhir_api(methods=("GET",), open_to_all=True)
def metadata(request: HttpRequest, system: None) -> HttpResponse:
    return fhir_response(_capability_statement())


def _capability_statement() -> dict:
    def resource(kind: str, interactions: list[str], params: list[tuple[str, str]], **more):
        return {
            "type": kind,
            "interaction": [{"code": code} for code in interactions],
            "searchParam": [{"name": name, "type": kind_} for name, kind_ in params],
        } | more

    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-01",
        "kind": "instance",
        "software": {"name": "Navigator"},
        "implementation": {"description": "Navigator", "url": serialize.base_url()},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "A per-system API token from Navigator's administrator, "
                    "sent as Authorization: Bearer <token>. Read-only or read-write."
                },
                "resource": [
                    resource(
                        "ServiceRequest",
                        ["read", "search-type", "create"],
                        [("status", "token"), ("_lastUpdated", "date"), ("_count", "number")],
                        operation=[
                            {
                                "name": "bundle",
                                "definition": f"{serialize.base_url()}/OperationDefinition/bundle",
                            }
                        ],
                    ),
                    resource("Task", ["search-type"], [("focus", "reference")]),
                    resource("Patient", ["read"], []),
                ],
                "interaction": [{"code": "transaction"}],
            }
        ],
    }


def _case_or_referral(resource_id: str):
    return selectors.case_for_service_request(resource_id)


@fhir_api(methods=("GET",))
def service_request_read(request: HttpRequest, system: ApiSystem, resource_id: str):
    case, referral = _case_or_referral(resource_id)
    if case is not None:
        _audit_read(system, what="ServiceRequest read", case=case)
        return fhir_response(serialize.service_request_resource(case))
    if referral is not None:
        _audit_read(system, what="ServiceRequest read (unassigned referral)", obj=referral)
        return fhir_response(serialize.draft_service_request_resource(referral))
    return _not_found("ServiceRequest")


@fhir_api(methods=("GET",))
def service_request_bundle(request: HttpRequest, system: ApiSystem, resource_id: str):
    case, _ = _case_or_referral(resource_id)
    if case is None:
        return _not_found("assigned ServiceRequest")
    _audit_read(system, what="ServiceRequest $bundle", case=case)
    return fhir_response(serialize.bundle(serialize.case_resources(case), bundle_type="collection"))


@fhir_api(methods=("GET",))
def patient_read(request: HttpRequest, system: ApiSystem, resource_id: str):
    number = selectors.resource_number(resource_id)
    case = (
        selectors.cases_for_fhir().filter(patient_id=number).first() if number is not None else None
    )
    if case is None:
        return _not_found("Patient")
    _audit_read(system, what="Patient read", case=case, obj=case.patient)
    return fhir_response(serialize.patient_resource(case))


def _count(request: HttpRequest) -> int:
    text = request.GET.get("_count", "")
    if not text:
        return settings.FHIR_PAGE_SIZE
    if not text.isdigit() or int(text) < 1:
        raise BadParameter("_count must be a whole number of 1 or more.")
    return min(int(text), settings.FHIR_PAGE_SIZE)


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _cursor_for(case: Case) -> str:
    """Where the page after `case` starts: its last change (microseconds since 1970) and id."""
    return f"{(case.updated_at - EPOCH) // datetime.timedelta(microseconds=1)}.{case.pk}"


def _after(request: HttpRequest) -> tuple[datetime.datetime, int] | None:
    """The `_cursor` of a `next` link, as the search reads it."""
    text = request.GET.get("_cursor", "")
    if not text:
        return None
    micros, _, pk = text.partition(".")
    try:
        changed = EPOCH + datetime.timedelta(microseconds=int(micros))
    except (ValueError, OverflowError):
        changed = None
    if changed is None or not (micros.isdigit() and pk.isdigit() and len(pk) <= 18):
        raise BadParameter("_cursor is only read from a next link: follow the link as given.")
    return changed, int(pk)


def _last_updated(request: HttpRequest) -> datetime.datetime | None:
    """`_lastUpdated=gt<instant>`, the one comparison offered."""
    text = request.GET.get("_lastUpdated", "")
    if not text:
        return None
    if not text.startswith("gt"):
        raise BadParameter(
            "_lastUpdated takes gt and an instant: _lastUpdated=gt2026-12-01T00:00:00Z."
        )
    # A `+` sent unencoded (curl's `+01:00`) arrives as a space.
    typed = text[2:].replace(" ", "+").replace("Z", "+00:00")
    try:
        moment = parse_datetime(typed)
        # The database compares in UTC: an instant whose UTC is off the calendar is refused.
        moment = moment.astimezone(datetime.UTC) if moment and moment.tzinfo else None
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise BadParameter(
            "_lastUpdated needs an instant with its time zone, e.g. 2026-12-01T00:00:00Z."
        )
    return moment


def _statuses(request: HttpRequest) -> list[str]:
    statuses = [s for value in request.GET.getlist("status") for s in value.split(",") if s]
    unknown = [s for s in statuses if s not in mapping.CASE_STATUS_FOR]
    if unknown:
        raise BadParameter(
            f"status takes {', '.join(mapping.CASE_STATUS_FOR)} (comma-separated for several)."
        )
    return statuses


SEARCH_PARAMETERS = {"status", "_lastUpdated", "_count", "_cursor"}


def _links(request: HttpRequest, *, cases: list[Case], more: bool) -> list[dict]:
    query = {k: v for k, v in request.GET.items() if k != "_cursor"}
    address = f"{serialize.base_url()}/ServiceRequest"
    links = [{"relation": "self", "url": f"{address}?{request.GET.urlencode()}"}]
    if more:
        after = {"_cursor": _cursor_for(cases[-1])}
        links.append({"relation": "next", "url": f"{address}?{urlencode(query | after)}"})
    return links


@fhir_api(methods=("GET", "POST"))
def service_request_type(request: HttpRequest, system: ApiSystem):
    """GET: the search; POST: a referral as a ServiceRequest with its resources contained."""
    if request.method == "POST":
        return _referral_receive(request, system)
    unknown = set(request.GET) - SEARCH_PARAMETERS
    if unknown:
        raise BadParameter(f"This search takes {', '.join(sorted(SEARCH_PARAMETERS))} only.")
    cases, more = selectors.service_requests_search(
        statuses=_statuses(request),
        updated_after=_last_updated(request),
        after=_after(request),
        count=_count(request),
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor_label=system.audit_label,
        changes={
            "list": "FHIR ServiceRequest search",
            "filters": dict(request.GET.items()),
            "cases": [case.pk for case in cases],
        },
    )
    return fhir_response(
        serialize.bundle(
            [serialize.service_request_resource(case) for case in cases],
            bundle_type="searchset",
            links=_links(request, cases=cases, more=more),
        )
    )


@fhir_api(methods=("GET",))
def task_search(request: HttpRequest, system: ApiSystem):
    focus = request.GET.get("focus", "")
    if not focus or set(request.GET) - {"focus", "_count"}:
        raise BadParameter("Search Tasks by their focus: Task?focus=ServiceRequest/<id>.")
    case, _ = _case_or_referral(focus.removeprefix("ServiceRequest/"))
    if case is None:
        resources = []
    else:
        _audit_read(system, what="Task search", case=case)
        resources = [serialize.task_resource(case, step) for step in case.steps.all()]
    return fhir_response(serialize.bundle(resources, bundle_type="searchset"))


@fhir_api(methods=("POST",), write=True)
def bundle_post(request: HttpRequest, system: ApiSystem):
    return _referral_receive(request, system)


def _referral_receive(request: HttpRequest, system: ApiSystem) -> HttpResponse:
    if not system.can_write:
        return error_response(403, "This system's token is read-only.", code="forbidden")
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_CONTENT_TYPES:
        return error_response(
            415, "Send the referral as application/fhir+json.", code="not-supported"
        )
    document = _read_json(request)
    if isinstance(document, HttpResponse):
        return document
    try:
        referral = referral_parse(document)
    except ReferralInvalid as invalid:
        return problems_response(invalid.problems)
    incoming, created = services.referral_receive(system=system, referral=referral)
    resource = serialize.draft_service_request_resource(incoming)
    if incoming.case is not None:
        case = selectors.cases_for_fhir().get(pk=incoming.case_id)
        # The answer shows the case as it stands now: a read like any other.
        _audit_read(system, what="ServiceRequest read (referral sent again)", case=case)
        resource = serialize.service_request_resource(case)
    location = f"{serialize.base_url()}/ServiceRequest/{resource['id']}"
    return fhir_response(resource, status=201 if created else 200, headers={"Location": location})


def _read_json(request: HttpRequest):
    limit = settings.FHIR_MAX_BODY_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > limit:
        return error_response(413, f"A referral is at most {limit // 1024} KB.", code="too-costly")
    body = request.read(limit + 1)
    if len(body) > limit:
        return error_response(413, f"A referral is at most {limit // 1024} KB.", code="too-costly")
    try:
        return json.loads(body)
    # ValueError covers JSONDecodeError and an integer too long to read.
    except (UnicodeDecodeError, ValueError, RecursionError):
        return problems_response([Problem("The body is not JSON.", code="structure")], status=400)
