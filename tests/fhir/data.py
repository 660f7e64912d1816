"""Synthetic FHIR data for the API's tests: systems with tokens, and a referral bundle as an
EHR would send it. Every name and number is made up."""

import copy

from django.test import Client

from cases.fhir import tokens
from cases.models import ApiSystem

FHIR_JSON = "application/fhir+json"


def api_system(name: str = "Example EHR", scope: str = ApiSystem.Scope.READ_WRITE):
    """A system and its token, as the admin makes them."""
    return tokens.api_system_create(name=name, scope=scope, by=None)


def api_client(token: str | None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(headers=headers)


def post_json(client: Client, path: str, body, content_type: str = FHIR_JSON):
    import json

    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type=content_type)


REFERRAL = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": "urn:uuid:0a6f4b7e-0000-4000-8000-000000000001",
            "resource": {
                "resourceType": "Patient",
                "identifier": [
                    {
                        "type": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                    "code": "MR",
                                }
                            ]
                        },
                        "system": "urn:oid:2.16.840.1.113883.19.5",
                        "value": "EX-40001",
                    }
                ],
                "name": [{"family": "Referral", "given": ["Quinn"]}],
                "birthDate": "1968-04-09",
                "telecom": [{"system": "phone", "value": "555-0142", "rank": 1}],
            },
            "request": {"method": "POST", "url": "Patient"},
        },
        {
            "fullUrl": "urn:uuid:0a6f4b7e-0000-4000-8000-000000000002",
            "resource": {
                "resourceType": "Condition",
                "code": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/icd-10-cm",
                            "code": "C79.31",
                            "display": "Secondary malignant neoplasm of brain",
                        }
                    ],
                    "text": "Brain metastasis",
                },
                "subject": {"reference": "urn:uuid:0a6f4b7e-0000-4000-8000-000000000001"},
            },
            "request": {"method": "POST", "url": "Condition"},
        },
        {
            "fullUrl": "urn:uuid:0a6f4b7e-0000-4000-8000-000000000003",
            "resource": {
                "resourceType": "ServiceRequest",
                "identifier": [{"system": "urn:oid:2.16.840.1.113883.19.9", "value": "REF-1001"}],
                "status": "active",
                "intent": "order",
                "priority": "urgent",
                "code": {"text": "Second opinion, neuro-oncology"},
                "subject": {"reference": "urn:uuid:0a6f4b7e-0000-4000-8000-000000000001"},
                "reasonCode": [{"text": "Patient asks for a second opinion"}],
                "reasonReference": [{"reference": "urn:uuid:0a6f4b7e-0000-4000-8000-000000000002"}],
                "performer": [{"type": "Organization", "display": "Example Brain Center"}],
            },
            "request": {"method": "POST", "url": "ServiceRequest"},
        },
    ],
}


def referral(**changes) -> dict:
    """The referral bundle with `changes` made: {"Patient.birthDate": "x"} sets an element of
    the resource of that type; a value of None removes it."""
    bundle = copy.deepcopy(REFERRAL)
    for path, value in changes.items():
        kind, element = path.split(".", 1)
        resource = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind
        )
        if value is None:
            resource.pop(element, None)
        else:
            resource[element] = value
    return bundle


def validate(resource: dict):
    """The resource read by fhir.resources' R4B model of its type: raises unless it is valid
    FHIR."""
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def waiting_referral(identifier: str = "REF-1001"):
    """A referral received from an EHR, waiting in the Unassigned list."""
    from cases.fhir.parse import referral_parse
    from cases.fhir.services import referral_receive

    system = ApiSystem.objects.filter(name="Example EHR").first() or api_system()[0]
    bundle = referral(
        **{"ServiceRequest.identifier": [{"system": "urn:example", "value": identifier}]}
    )
    return referral_receive(system=system, referral=referral_parse(bundle))[0]
