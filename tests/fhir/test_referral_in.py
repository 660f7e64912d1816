"""Referrals in (issue #16): `POST /fhir/r4/Bundle` keeps the referral for the Unassigned
list, answering 201 with its ServiceRequest id; the same bundle twice is one referral; a
bundle with problems is a 422 naming each of them, and nothing is written; no hostile body
gets a 500."""

import datetime
import json

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from cases.models import AuditEvent, Case, IncomingReferral, Patient
from tests import factories
from tests.fhir import data

MONDAY = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def post(client, body, content_type=data.FHIR_JSON):
    return data.post_json(client, "/fhir/r4/Bundle", body, content_type)


def problems(response) -> list[tuple[str, str]]:
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    data.validate(body)
    return [(i.get("expression", [""])[0], i["diagnostics"]) for i in body["issue"]]


def nothing_written(events_before: int) -> None:
    assert IncomingReferral.objects.count() == 0
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_a_referral_is_received_as_a_draft_service_request(ehr):
    system, client = ehr
    response = post(client, data.referral())
    assert response.status_code == 201
    request = response.json()
    data.validate(request)
    referral = IncomingReferral.objects.get()
    assert request["id"] == f"referral-{referral.pk}"
    assert request["status"] == "draft"
    assert response["Location"].endswith(f"/fhir/r4/ServiceRequest/referral-{referral.pk}")
    assert referral.patient_data["full_name"] == "Quinn Referral"
    assert referral.case_data["tumour_type"] == "brain_metastasis"
    assert referral.case_data["urgency"] == "urgent"
    assert referral.case_data["reasons"] == ["other"]
    assert referral.case_data["centre_other"] == "Example Brain Center"
    event = AuditEvent.objects.get(object_type="incomingreferral")
    assert event.action == "create" and event.actor_display == "system: Example EHR"
    assert Case.objects.count() == 0
    again = client.get(f"/fhir/r4/ServiceRequest/referral-{referral.pk}")
    assert again.json()["status"] == "draft"


def test_the_same_bundle_twice_is_one_referral(ehr):
    _, client = ehr
    first = post(client, data.referral())
    second = post(client, data.referral())
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert IncomingReferral.objects.count() == 1


def test_a_service_request_with_its_resources_contained_is_a_referral(ehr):
    _, client = ehr
    bundle = data.referral()
    patient, condition, request = (entry["resource"] for entry in bundle["entry"])
    patient["id"], condition["id"] = "p", "c"
    condition["subject"] = {"reference": "#p"}
    request |= {
        "contained": [patient, condition],
        "subject": {"reference": "#p"},
        "reasonReference": [{"reference": "#c"}],
    }
    response = data.post_json(client, "/fhir/r4/ServiceRequest", request)
    assert response.status_code == 201
    assert IncomingReferral.objects.get().patient_data["date_of_birth"] == "1968-04-09"


def test_a_referral_with_problems_is_a_422_naming_every_one_and_writes_nothing(ehr):
    _, client = ehr
    before = AuditEvent.objects.count()
    bundle = data.referral(**{"Patient.name": None, "ServiceRequest.identifier": None})
    response = post(client, bundle)
    assert response.status_code == 422
    found = problems(response)
    assert ("ServiceRequest.identifier", found[0][1]) in found
    nothing_written(before)
    response = post(client, data.referral(**{"Patient.name": None}))
    assert response.status_code == 422
    assert problems(response) == [("Patient.name", "Add the patient's full name.")]
    nothing_written(before)


def test_wrong_types_are_named_by_their_element_never_by_the_value_sent(ehr):
    _, client = ehr
    before = AuditEvent.objects.count()
    response = post(
        client,
        data.referral(**{"Patient.birthDate": "09/04/1968", "ServiceRequest.priority": 7}),
    )
    assert response.status_code == 422
    elements = [element for element, _ in problems(response)]
    assert "Bundle.entry[0].resource.birthDate" in elements
    assert "Bundle.entry[2].resource.priority" in elements
    assert "09/04/1968" not in response.content.decode()
    nothing_written(before)


def test_references_to_nowhere_are_each_named(ehr):
    _, client = ehr
    before = AuditEvent.objects.count()
    bundle = data.referral(
        **{
            "ServiceRequest.subject": {"reference": "Patient/nowhere"},
            "ServiceRequest.insurance": [{"reference": "Coverage/nowhere"}],
            "ServiceRequest.reasonReference": [{"reference": "urn:uuid:nowhere"}],
        }
    )
    response = post(client, bundle)
    assert response.status_code == 422
    elements = [element for element, _ in problems(response)]
    assert {
        "ServiceRequest.subject",
        "ServiceRequest.insurance[0]",
        "ServiceRequest.reasonReference[0]",
    } <= set(elements)
    nothing_written(before)


def test_an_unknown_resource_type_is_named(ehr):
    _, client = ehr
    bundle = data.referral()
    bundle["entry"].append({"resource": {"resourceType": "Observation", "status": "final"}})
    bundle["entry"].append({"resource": {"resourceType": "NoSuchThing"}})
    response = post(client, bundle)
    assert response.status_code == 422
    elements = [element for element, _ in problems(response)]
    assert elements == [
        "Bundle.entry[3].resource.resourceType",
        "Bundle.entry[4].resource.resourceType",
    ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json at all", 400),
        (b"\xff\xfe\x00", 400),
        ("[" * 300000 + "]" * 300000, 413),
        ("[" * 5000 + "]" * 5000, 400),
        ("[]", 422),
        ('"Bundle"', 422),
        ("null", 422),
        ('{"resourceType": "Bundle", "entry": "everything"}', 422),
        ('{"resourceType": "Bundle", "type": "transaction", "entry": [1, "x", null]}', 422),
        ('{"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": []}]}', 422),
        ('{"resourceType": "Patient", "name": [{"text": "Quinn Referral"}]}', 422),
        ('{"resourceType": "Bundle", "type": "transaction"}', 422),
        ('{"resourceType": "Bundle", "total": ' + "9" * 5000 + "}", 400),
        (
            '{"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": '
            '{"resourceType": "Patient", "extension": '
            + '[{"url": "urn:x", "extension": ' * 300
            + "[]"
            + "}]" * 300
            + "}}]}",
            422,
        ),
    ],
)
def test_a_hostile_body_is_never_a_500(ehr, body, status):
    _, client = ehr
    before = AuditEvent.objects.count()
    response = post(client, body)
    assert response.status_code == status
    problems(response)
    nothing_written(before)


def test_too_many_entries_is_refused(ehr):
    _, client = ehr
    bundle = data.referral()
    bundle["entry"] *= 40
    response = post(client, bundle)
    assert response.status_code == 422
    assert IncomingReferral.objects.count() == 0


def test_a_huge_body_is_a_413_before_it_is_read(ehr, settings):
    _, client = ehr
    bundle = data.referral()
    bundle["entry"][0]["resource"]["name"] = [{"text": "x" * (600 * 1024)}]
    response = post(client, bundle)
    assert response.status_code == 413
    problems(response)
    assert IncomingReferral.objects.count() == 0


def test_another_content_type_is_a_415(ehr):
    _, client = ehr
    response = post(client, json.dumps(data.referral()), content_type="text/plain")
    assert response.status_code == 415
    problems(response)
    assert IncomingReferral.objects.count() == 0


def test_a_read_only_token_posting_is_a_403_and_writes_nothing(reader):
    _, client = reader
    before = AuditEvent.objects.count()
    response = post(client, data.referral())
    assert response.status_code == 403
    problems(response)
    response = data.post_json(client, "/fhir/r4/ServiceRequest", data.referral())
    assert response.status_code == 403
    nothing_written(before)


def test_no_token_or_a_revoked_one_posting_is_a_401_and_writes_nothing(db):
    from cases.fhir import tokens

    system, token = data.api_system()
    tokens.api_system_revoke(system=system, by=None)
    before = AuditEvent.objects.count()
    for client in (Client(), data.api_client("nav_wrong"), data.api_client(token)):
        response = post(client, data.referral())
        assert response.status_code == 401
        problems(response)
    nothing_written(before)


def test_the_api_needs_no_csrf_token_it_is_token_authenticated(db):
    _, token = data.api_system()
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})
    assert post(client, data.referral()).status_code == 201


def test_round_trip_export_then_import_into_an_empty_database_gives_the_same_case(
    db, alex, sam, client_for
):
    """A case exported as a bundle, the database emptied, the bundle posted and the referral
    assigned: the same patient and request come back."""
    system, token = data.api_system()
    api = data.api_client(token)
    with transaction.atomic():
        original = factories.open_case(
            alex,
            reasons=("relapse", "experienced_team"),
            patient={"preferred_contact": "email", "preferred_language": "es"},
            tumour_type="glioma",
            glioma_type="oligodendroglioma_idh_mutant_codeleted",
            grade="3",
            urgency="urgent",
            centre_other="Example Center",
            specialist_other="Dr. Example Lee",
        )
        exported = api.get(f"/fhir/r4/ServiceRequest/{original.pk}/$bundle").json()
        data.validate(exported)
        patient = {
            name: getattr(original.patient, name)
            for name in (
                "full_name",
                "date_of_birth",
                "mrn",
                "phone",
                "email",
                "preferred_language",
                "preferred_contact",
            )
        }
        request = {
            name: getattr(original, name)
            for name in (
                "tumour_type",
                "glioma_type",
                "grade",
                "urgency",
                "centre_other",
                "specialist_other",
            )
        }
        reasons = sorted(original.reasons.values_list("reason", flat=True))
        transaction.set_rollback(True)
    assert Case.objects.count() == 0 and Patient.objects.count() == 0

    response = data.post_json(api, "/fhir/r4/Bundle", exported)
    assert response.status_code == 201
    referral = IncomingReferral.objects.get()
    page = client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    case = Case.objects.get()
    assert page.status_code == 302 and page.url == f"/cases/{case.pk}/"
    assert {name: getattr(case.patient, name) for name in patient} == patient
    assert {name: getattr(case, name) for name in request} == request
    assert sorted(case.reasons.values_list("reason", flat=True)) == reasons
    assert case.social_worker == alex
