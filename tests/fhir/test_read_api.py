"""The read API at /fhir/r4/ (issue #16): metadata, reads, searches with paging, every read
in the audit trail under the system's name, a fixed number of queries per page, and an
OperationOutcome for every error."""

import datetime

import pytest
import time_machine
from django.test import Client

from cases.fhir import tokens
from cases.models import AuditEvent, Case
from cases.workflow import services
from tests import factories
from tests.fhir import data
from tests.query_budgets import FHIR_SEARCH_QUERIES

MONDAY = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def assert_outcome(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    data.validate(body)
    return body


def test_metadata_is_a_capability_statement_open_to_anyone(db):
    response = Client().get("/fhir/r4/metadata")
    assert response.status_code == 200
    statement = response.json()
    data.validate(statement)
    offered = {r["type"] for r in statement["rest"][0]["resource"]}
    assert offered == {"ServiceRequest", "Task", "Patient"}


def test_a_service_request_is_read_and_the_read_recorded_under_the_systems_name(ehr, case):
    _, client = ehr
    response = client.get(f"/fhir/r4/ServiceRequest/{case.pk}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data.validate(response.json())
    event = AuditEvent.objects.filter(case=case, action="export").get()
    assert event.actor is None
    assert event.actor_display == "system: Example EHR"
    assert event.changes == {"fhir": "ServiceRequest read"}


def test_the_patient_is_read_by_its_id(ehr, case):
    _, client = ehr
    patient = client.get(f"/fhir/r4/Patient/{case.patient_id}").json()
    data.validate(patient)
    assert patient["name"] == [{"text": case.patient.full_name}]
    assert AuditEvent.objects.filter(case=case, object_type="patient").exists()


def test_the_case_access_history_names_the_system(ehr, case, client_for, sam):
    _, api = ehr
    api.get(f"/fhir/r4/ServiceRequest/{case.pk}/$bundle")
    page = client_for(sam).get(f"/cases/{case.pk}/access/")
    assert page.status_code == 200
    assert "system: Example EHR" in page.content.decode()


def test_active_requests_updated_since_an_instant_page_by_page(ehr, alex):
    _, client = ehr
    with time_machine.travel(MONDAY - datetime.timedelta(days=3), tick=False):
        old = factories.open_case(alex)
    recent = [factories.open_case(alex) for _ in range(3)]
    closed = factories.open_case(alex)
    services.case_set_status(case=closed, status="withdrawn", by=alex, reason="Moved away")
    query = {"status": "active", "_lastUpdated": "gt2026-11-22T00:00:00Z", "_count": "2"}
    first = client.get("/fhir/r4/ServiceRequest", query).json()
    data.validate(first)
    assert first["type"] == "searchset"
    next_link = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(next_link.removeprefix("http://localhost:8000")).json()
    assert not [link for link in second["link"] if link["relation"] == "next"]
    found = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert found == [str(case.pk) for case in recent]
    assert str(old.pk) not in found and str(closed.pk) not in found


def test_a_case_changed_while_the_pages_are_read_skips_no_other_case(ehr, alex, blair, sam):
    """An EHR reads page 1, a case on it changes, then it follows `next`: every case is
    still delivered (the changed one again at the end), none slips between the pages."""
    _, client = ehr
    cases = []
    for minutes in range(4):
        with time_machine.travel(MONDAY + datetime.timedelta(minutes=minutes), tick=False):
            cases.append(factories.open_case(alex))
    query = {"_lastUpdated": "gt2026-11-22T00:00:00Z", "_count": "2"}
    page = client.get("/fhir/r4/ServiceRequest", query).json()
    found = [e["resource"]["id"] for e in page["entry"]]
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=10), tick=False):
        services.case_reassign(case=cases[0], social_worker=blair, by=sam)
    while next_links := [link["url"] for link in page["link"] if link["relation"] == "next"]:
        page = client.get(next_links[0].removeprefix("http://localhost:8000")).json()
        found += [e["resource"]["id"] for e in page["entry"]]
    assert set(found) == {str(case.pk) for case in cases}
    assert found[-1] == str(cases[0].pk)


def test_an_instant_with_a_plus_offset_as_curl_sends_it_is_read(ehr, alex):
    """curl sends `+01:00` unencoded, and a query string reads `+` as a space."""
    _, client = ehr
    recent = factories.open_case(alex)
    response = client.get("/fhir/r4/ServiceRequest?_lastUpdated=gt2026-11-23T15:00:00+01:00")
    assert response.status_code == 200
    assert [e["resource"]["id"] for e in response.json()["entry"]] == [str(recent.pk)]


def test_a_page_of_results_costs_the_same_queries_however_many_cases(
    ehr, alex, django_assert_max_num_queries
):
    _, client = ehr
    for _ in range(2):
        factories.open_case(alex)
    with django_assert_max_num_queries(FHIR_SEARCH_QUERIES):
        small = client.get("/fhir/r4/ServiceRequest", {"status": "active"})
    for _ in range(8):
        case = factories.open_case(alex)
    services.insurance_update(insurance=case.insurance, by=alex, fields={"payer": "Example Plan"})
    with django_assert_max_num_queries(FHIR_SEARCH_QUERIES):
        large = client.get("/fhir/r4/ServiceRequest", {"status": "active"})
    assert len(small.json()["entry"]) == 2 and len(large.json()["entry"]) == 10


def test_a_bundle_costs_a_fixed_number_of_queries(ehr, case, django_assert_max_num_queries):
    _, client = ehr
    with django_assert_max_num_queries(FHIR_SEARCH_QUERIES):
        assert client.get(f"/fhir/r4/ServiceRequest/{case.pk}/$bundle").status_code == 200


def test_tasks_are_found_by_their_focus(ehr, case):
    _, client = ehr
    tasks = client.get("/fhir/r4/Task", {"focus": f"ServiceRequest/{case.pk}"}).json()
    data.validate(tasks)
    assert [e["resource"]["status"] for e in tasks["entry"]] == [
        "in-progress",
        "requested",
        "requested",
        "requested",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/r4/ServiceRequest/999999",
        "/fhir/r4/ServiceRequest/not-a-number",
        "/fhir/r4/ServiceRequest/referral-999",
        "/fhir/r4/ServiceRequest/999999/$bundle",
        "/fhir/r4/Patient/999999",
        "/fhir/r4/Patient/99999999999999999999999999",
        "/fhir/r4/ServiceRequest/referral-99999999999999999999999999",
        "/fhir/r4/Patient/\u0661\u0662",
        "/fhir/r4/Observation",
        "/fhir/r4/",
    ],
)
def test_nothing_there_is_a_404_operation_outcome(ehr, path):
    _, client = ehr
    assert_outcome(client.get(path), 404)


@pytest.mark.parametrize(
    "query",
    [
        {"_count": "many"},
        {"_count": "0"},
        {"_offset": "-1"},
        {"_cursor": "abc"},
        {"_cursor": "99999999999999999999.1"},
        {"status": "finished"},
        {"_lastUpdated": "2026-11-01"},
        {"_lastUpdated": "gtyesterday"},
        {"_lastUpdated": "gt2026-11-01T00:00:00"},
        # Instants whose UTC falls off the calendar.
        {"_lastUpdated": "gt0001-01-01T00:00:00+05:00"},
        {"_lastUpdated": "gt9999-12-31T23:59:59-05:00"},
        {"name": "Testpatient"},
    ],
)
def test_a_bad_search_parameter_is_a_400_operation_outcome(ehr, query):
    _, client = ehr
    assert_outcome(client.get("/fhir/r4/ServiceRequest", query), 400)


def test_a_task_search_without_a_focus_is_a_400(ehr):
    _, client = ehr
    assert_outcome(client.get("/fhir/r4/Task"), 400)


def test_a_method_not_offered_is_a_405_operation_outcome(ehr, case):
    _, client = ehr
    response = client.delete(f"/fhir/r4/ServiceRequest/{case.pk}")
    assert_outcome(response, 405)
    assert response["Allow"] == "GET"
    assert Case.objects.filter(pk=case.pk).exists()


def test_no_token_a_wrong_one_or_a_revoked_one_is_a_401(db, case):
    system, token = data.api_system()
    path = f"/fhir/r4/ServiceRequest/{case.pk}"
    assert_outcome(data.api_client(None).get(path), 401)
    assert_outcome(data.api_client("nav_not-the-token").get(path), 401)
    assert_outcome(Client(headers={"Authorization": f"Basic {token}"}).get(path), 401)
    tokens.api_system_revoke(system=system, by=None)
    response = data.api_client(token).get(path)
    assert_outcome(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not AuditEvent.objects.filter(case=case, action="export").exists()


def test_a_staff_session_alone_is_a_401(client_for, sam, case):
    client = client_for(sam)
    assert_outcome(client.get(f"/fhir/r4/ServiceRequest/{case.pk}"), 401)
    assert_outcome(data.post_json(client, "/fhir/r4/Bundle", data.referral()), 401)


def test_the_token_is_stored_as_its_digest_only(db):
    system, token = data.api_system()
    system.refresh_from_db()
    assert token not in str(system.__dict__)
    assert system.token_digest == tokens.token_digest(token)


def test_an_unexpected_failure_is_a_500_operation_outcome_not_a_page(ehr, case, monkeypatch):
    _, client = ehr

    def fail(case):
        raise RuntimeError("boom")

    monkeypatch.setattr("cases.fhir.serialize.service_request_resource", fail)
    body = assert_outcome(client.get(f"/fhir/r4/ServiceRequest/{case.pk}"), 500)
    assert "boom" not in str(body)
