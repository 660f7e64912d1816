"""A case as FHIR R4 resources (issue #16): every resource valid against fhir.resources' R4B
models, the step statuses mapped as the issue says, identifiers under the configured system,
and no free text out unless the setting allows it."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from cases.models import Step
from cases.workflow import services
from tests import factories
from tests.fhir import data

MONDAY = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def full_case(alex):
    """A case with a bit of everything: a directory centre and specialist, reasons with
    "other", insurance with a payer, a booked appointment, a blocked step, typed notes."""
    specialist = factories.SpecialistFactory(name="Dr. Example Hart")
    case = factories.open_case(
        alex,
        reasons=("another_view", "other"),
        reasons_other="Typed other reason",
        diagnosis_notes="Typed diagnosis note",
        centre=specialist.centre,
        specialist=specialist,
        centre_other="",
        urgency="urgent",
    )
    services.insurance_update(
        insurance=case.insurance,
        by=alex,
        fields={"payer": "Example Health Plan", "plan": "Gold", "member_id": "M-123"},
    )
    services.appointment_update(
        appointment=case.appointment,
        by=alex,
        fields={"scheduled_at": MONDAY + datetime.timedelta(days=10)},
    )
    records = case.steps.get(stage="records")
    services.step_set_status(step=records, status="blocked", by=alex, reason="Typed block reason")
    return case


def export(client, case) -> dict:
    response = client.get(f"/fhir/r4/ServiceRequest/{case.pk}/$bundle")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def by_type(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_resource_of_the_bundle_validates_against_fhir_r4(ehr, full_case):
    _, client = ehr
    bundle = export(client, full_case)
    data.validate(bundle)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == ["Patient", "ServiceRequest", "Condition"] + ["Task"] * 4 + [
        "Coverage",
        "Appointment",
    ]
    for entry in bundle["entry"]:
        data.validate(entry["resource"])


def test_the_service_request_says_what_the_case_holds(ehr, full_case):
    _, client = ehr
    request = by_type(export(client, full_case), "ServiceRequest")[0]
    assert request["status"] == "active"
    assert request["intent"] == "order"
    assert request["priority"] == "urgent"
    assert [c["coding"][0]["code"] for c in request["reasonCode"]] == ["another_view", "other"]
    assert request["requester"]["display"] == "Alex Rivera"
    assert {p["type"]: p["display"] for p in request["performer"]} == {
        "Organization": full_case.centre.name,
        "Practitioner": "Dr. Example Hart",
    }
    assert request["authoredOn"] == "2026-11-23T15:00:00Z"
    assert request["subject"] == {"reference": f"Patient/{full_case.patient_id}"}


def test_the_diagnosis_is_icd_10_cm_with_the_who_cns_type_as_text(ehr, full_case):
    _, client = ehr
    condition = by_type(export(client, full_case), "Condition")[0]
    icd = [c for c in condition["code"]["coding"] if c["system"].endswith("icd-10-cm")]
    assert icd[0]["code"] == "C71.9"
    assert condition["code"]["text"] == "Glioma: Astrocytoma, IDH-mutant, CNS WHO grade 2"


def test_coverage_and_appointment_come_from_the_insurance_and_the_booking(ehr, full_case):
    _, client = ehr
    bundle = export(client, full_case)
    coverage = by_type(bundle, "Coverage")[0]
    assert coverage["payor"] == [{"display": "Example Health Plan"}]
    assert coverage["subscriberId"] == "M-123"
    appointment = by_type(bundle, "Appointment")[0]
    assert appointment["status"] == "booked"
    assert appointment["start"] == "2026-12-03T15:00:00Z"


def test_a_case_without_a_payer_or_a_booking_has_no_coverage_or_appointment(ehr, case):
    _, client = ehr
    kinds = {e["resource"]["resourceType"] for e in export(client, case)["entry"]}
    assert kinds == {"Patient", "ServiceRequest", "Condition", "Task"}


@pytest.mark.parametrize(
    ("status", "reason", "task_status"),
    [
        ("pending", "", "requested"),
        ("in_progress", "", "in-progress"),
        ("blocked", "The lab has not answered", "on-hold"),
        ("done", "", "completed"),
        ("not_needed", "The plan needs none", "cancelled"),
    ],
)
def test_each_step_status_maps_to_its_task_status(ehr, alex, status, reason, task_status):
    _, client = ehr
    case = factories.open_case(alex)
    step = case.steps.get(stage="preauthorization")
    if status != "pending":
        services.step_set_status(step=step, status=status, by=alex, reason=reason)
    step.refresh_from_db()
    assert {s for s, _ in Step.Status.choices} == {
        "pending",
        "in_progress",
        "blocked",
        "done",
        "not_needed",
    }
    tasks = client.get("/fhir/r4/Task", {"focus": f"ServiceRequest/{case.pk}"}).json()
    task = next(
        e["resource"]
        for e in tasks["entry"]
        if e["resource"]["code"]["coding"][0]["code"] == "preauthorization"
    )
    data.validate(task)
    assert task["status"] == task_status
    assert task["focus"] == {"reference": f"ServiceRequest/{case.pk}"}
    assert ("statusReason" in task) == (status in ("blocked", "not_needed"))
    if step.due_date:
        assert task["restriction"]["period"]["end"] == step.due_date.isoformat()
    assert task["lastModified"] == "2026-11-23T15:00:00Z"


def test_free_text_stays_in_navigator_by_default(ehr, full_case):
    _, client = ehr
    text = json.dumps(export(client, full_case))
    for typed in ("Typed other reason", "Typed diagnosis note", "Typed block reason"):
        assert typed not in text
    assert "Reason recorded in Navigator" in text


def test_free_text_leaves_when_the_setting_allows_it(ehr, full_case, settings):
    settings.FHIR_SHARE_FREE_TEXT = True
    _, client = ehr
    bundle = export(client, full_case)
    text = json.dumps(bundle)
    for typed in ("Typed other reason", "Typed diagnosis note", "Typed block reason"):
        assert typed in text
    for entry in bundle["entry"]:
        data.validate(entry["resource"])


def test_identifiers_use_the_configured_system(ehr, case, settings):
    settings.FHIR_SYSTEM_URI = "https://hospital.example.com/navigator"
    _, client = ehr
    bundle = export(client, case)
    request = by_type(bundle, "ServiceRequest")[0]
    assert request["identifier"] == [
        {"system": "https://hospital.example.com/navigator/identifier/case", "value": str(case.pk)}
    ]
    patient = by_type(bundle, "Patient")[0]
    assert patient["identifier"][0]["system"] == (
        "https://hospital.example.com/navigator/identifier/patient"
    )
    assert timezone.now() == MONDAY
