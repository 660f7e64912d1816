"""The supervisor's Unassigned list (issue #16): referrals wait there until a supervisor gives
each to a social worker, which opens the case through intake's service (duplicate check,
audit, timeline). Until then no case exists, so caseloads, Today, reminders and the reports
count only real cases; once assigned, the case is an ordinary one on every page."""

import datetime

import pytest
import time_machine

from cases.models import AuditEvent, Case, IncomingReferral, Reminder
from cases.reminders.sweep import sweep
from cases.reports.registry import REPORTS
from tests import factories
from tests.fhir import data
from tests.query_budgets import UNASSIGNED_QUERIES

MONDAY = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def referral(ehr) -> IncomingReferral:
    _, client = ehr
    assert data.post_json(client, "/fhir/r4/Bundle", data.referral()).status_code == 201
    return IncomingReferral.objects.get()


def another_referral(client, number: int) -> None:
    bundle = data.referral(
        **{
            "ServiceRequest.identifier": [{"system": "urn:example", "value": f"R-{number}"}],
        }
    )
    assert data.post_json(client, "/fhir/r4/Bundle", bundle).status_code == 201


def test_the_supervisor_sees_the_referral_waiting(client_for, sam, referral):
    page = client_for(sam).get("/referrals/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Quinn Referral" in text and "Brain metastasis" in text and "Example EHR" in text
    event = AuditEvent.objects.filter(actor=sam, action="view").latest("id")
    assert event.changes["referrals"] == [referral.pk]


def test_social_workers_do_not_see_the_list(client_for, alex, referral):
    assert client_for(alex).get("/referrals/").status_code == 404
    assert client_for(alex).get(f"/referrals/{referral.pk}/").status_code == 404


def test_assigning_opens_the_case_for_the_social_worker(client_for, sam, alex, referral, ehr):
    response = client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert case.social_worker == alex
    assert case.steps.get(stage="referral").status == "in_progress"
    summaries = list(case.events.values_list("summary", flat=True))
    assert "Case opened." in summaries
    assert any(s.startswith("Referral from Example EHR") for s in summaries)
    assert AuditEvent.objects.filter(action="create", object_type="case", actor=sam).exists()
    referral.refresh_from_db()
    assert referral.case == case and referral.assigned_by == sam
    assert client_for(sam).get("/referrals/").content.decode().count("data-referral=") == 0
    _, api = ehr
    request = api.get(f"/fhir/r4/ServiceRequest/referral-{referral.pk}").json()
    data.validate(request)
    assert request["status"] == "active" and request["id"] == f"referral-{referral.pk}"
    assert {"system": "urn:oid:2.16.840.1.113883.19.9", "value": "REF-1001"} in request[
        "identifier"
    ]
    assert api.get(f"/fhir/r4/ServiceRequest/{case.pk}").status_code == 404


def test_assigning_twice_opens_one_case(client_for, sam, alex, blair, referral):
    client = client_for(sam)
    client.post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    # The second tab, still showing the referral: told it went, not a page that is not there.
    second = client.post(f"/referrals/{referral.pk}/", {"social_worker": blair.pk}, follow=True)
    assert second.redirect_chain == [("/referrals/", 302)]
    assert "This referral was assigned already." in second.content.decode()
    assert Case.objects.get().social_worker == alex


def test_without_a_social_worker_the_form_says_so(client_for, sam, referral):
    page = client_for(sam).post(f"/referrals/{referral.pk}/", {})
    assert page.status_code == 400
    assert "Choose the social worker who will work the case." in page.content.decode()
    assert Case.objects.count() == 0


def test_an_open_case_for_the_same_patient_is_shown_before_assigning(
    client_for, sam, alex, referral
):
    existing = factories.open_case(
        alex, patient={"full_name": "Referral, Quinn", "date_of_birth": datetime.date(1968, 4, 9)}
    )
    client = client_for(sam)
    page = client.post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    assert page.status_code == 400
    assert f"Case #{existing.pk}" in page.content.decode()
    assert Case.objects.count() == 1
    confirmed = client.post(
        f"/referrals/{referral.pk}/", {"social_worker": alex.pk, "confirm_duplicate": "on"}
    )
    assert confirmed.status_code == 302
    assert Case.objects.count() == 2


def test_a_waiting_referral_is_on_no_caseload_today_reminder_or_report(
    client_for, sam, alex, referral
):
    client = client_for(sam)
    for path in ["/caseload/", "/today/", "/reports/"] + [f"/reports/{slug}/" for slug in REPORTS]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Quinn Referral" not in page.content.decode(), path
    sweep(now=MONDAY + datetime.timedelta(days=30))
    assert Reminder.objects.count() == 0


def test_once_assigned_the_case_is_on_every_page_as_any_case(client_for, sam, alex, referral):
    client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    case = Case.objects.get()
    owner = client_for(alex)
    for path in ["/caseload/", f"/cases/{case.pk}/"]:
        page = owner.get(path)
        assert page.status_code == 200 and "Quinn Referral" in page.content.decode(), path
    assert owner.get("/today/").status_code == 200
    supervisor = client_for(sam)
    for path in ["/reports/"] + [f"/reports/{slug}/" for slug in REPORTS]:
        assert supervisor.get(path).status_code == 200, path
    sweep(now=MONDAY + datetime.timedelta(days=30))
    assert Reminder.objects.filter(case=case, recipient=alex).exists()


def test_the_list_costs_the_same_queries_however_many_referrals(
    client_for, sam, ehr, django_assert_max_num_queries
):
    _, api = ehr
    client = client_for(sam)
    client.get("/referrals/")
    another_referral(api, 1)
    with django_assert_max_num_queries(UNASSIGNED_QUERIES):
        client.get("/referrals/")
    for number in range(2, 12):
        another_referral(api, number)
    centre = factories.CentreFactory(name="Example Brain Center")
    assert centre.pk
    another_referral(api, 99)
    with django_assert_max_num_queries(UNASSIGNED_QUERIES):
        page = client.get("/referrals/")
    assert page.content.decode().count("data-referral=") == 12


def test_the_same_referral_sent_again_after_assignment_opens_no_second_case(
    client_for, sam, alex, referral, ehr
):
    client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    _, api = ehr
    again = data.post_json(api, "/fhir/r4/Bundle", data.referral())
    assert again.status_code == 200
    assert again.json()["id"] == f"referral-{referral.pk}"
    assert again.json()["status"] == "active"
    assert Case.objects.count() == 1 and IncomingReferral.objects.count() == 1


def test_the_case_answered_to_a_referral_sent_again_is_a_read_in_the_audit_trail(
    client_for, sam, alex, referral, ehr
):
    client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    case = Case.objects.get()
    system, api = ehr
    assert data.post_json(api, "/fhir/r4/Bundle", data.referral()).status_code == 200
    read = AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, actor_label=system.audit_label, case=case
    )
    assert read.count() == 1


def test_a_centre_taken_out_of_the_directory_since_is_said_on_assigning(client_for, sam, alex, ehr):
    centre = factories.CentreFactory(name="Example Brain Center")
    _, api = ehr
    assert data.post_json(api, "/fhir/r4/Bundle", data.referral()).status_code == 201
    referral = IncomingReferral.objects.get()
    assert referral.case_data["centre"] == str(centre.pk)
    centre.active = False
    centre.save()
    page = client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    assert page.status_code == 400
    assert "Centre (as the referral gave it): Select a valid choice" in page.content.decode()
    assert Case.objects.count() == 0
