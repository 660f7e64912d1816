"""OperationOutcome: the answer to every error of the FHIR API, never an HTML page.

Messages name the element at fault (`Bundle.entry[0].resource.birthDate`) and what is wrong
with it, never the value that was sent: a patient's data stays out of answers that may be
logged by the sender's own systems.
"""

import json
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class Problem:
    message: str
    expression: str = ""
    code: str = "invalid"


def outcome_resource(problems: list[Problem]) -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": problem.code, "diagnostics": problem.message}
            | ({"expression": [problem.expression]} if problem.expression else {})
            for problem in problems
        ],
    }


def fhir_response(resource: dict, *, status: int = 200, headers: dict | None = None):
    """The resource as FHIR JSON, never kept by a cache on the way (it may hold patient data)."""
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
        headers=headers,
    )
    add_never_cache_headers(response)
    return response


def error_response(status: int, message: str, *, code: str, headers: dict | None = None):
    return fhir_response(
        outcome_resource([Problem(message, code=code)]), status=status, headers=headers
    )


def problems_response(problems: list[Problem], *, status: int = 422):
    return fhir_response(outcome_resource(problems), status=status)
