"""Edits through the pages leave their audit event and timeline line (issue 11, items 1, 4, 14).

Each test loads the page, takes its form as the browser would send it (every rendered field,
the hidden version included), changes what a person would change, and posts it.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.audit import MASK
from cases.models import AuditEvent, CaseEvent, Step
from cases.workflow import services
from tests import factories
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def updates(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="update", object_type=obj._meta.model_name, object_id=str(obj.pk)
        )
    )


def test_a_details_edit_through_the_page_is_audited_and_on_the_timeline(client_for, alex, case):
    client = client_for(alex)
    target = reverse("case_edit", args=[case.pk])
    data = form_data(client.get(target))
    assert data["version"] == [str(case.version)]
    data |= {"diagnosis_notes": ["Seen at the tumour board"], "urgency": ["urgent"]}
    assert client.post(target, data).status_code == 302
    (event,) = updates(case)
    # Diagnosis notes are masked; that they were empty before shows.
    assert event.changes == {"diagnosis_notes": [None, MASK], "urgency": ["routine", "urgent"]}
    summaries = list(
        case.events.filter(kind=CaseEvent.Kind.DETAILS).values_list("summary", flat=True)
    )
    assert "Edited: diagnosis notes, urgency." in summaries
    assert any(summary.startswith("Urgency is now urgent") for summary in summaries)


def test_an_unchanged_details_form_records_no_edit(client_for, alex, case):
    client = client_for(alex)
    target = reverse("case_edit", args=[case.pk])
    assert client.post(target, form_data(client.get(target))).status_code == 302
    assert updates(case) == []
    assert not case.events.filter(kind=CaseEvent.Kind.DETAILS).exists()


def test_an_insurance_edit_through_the_page_is_audited_and_on_the_timeline(client_for, alex, case):
    client = client_for(alex)
    target = reverse("insurance_edit", args=[case.pk])
    data = form_data(client.get(target)) | {
        "payer": ["Example Health Plan"],
        "decision": ["approved"],
        "decided_on": ["2026-11-20"],
    }
    assert client.post(target, data).status_code == 302
    (event,) = updates(case.insurance)
    assert event.changes == {
        "payer": [None, MASK],  # typed text, masked as every free-text field is
        "decision": ["pending", "approved"],
        "decided_on": [None, "2026-11-20"],
    }
    assert case.events.filter(
        kind=CaseEvent.Kind.INSURANCE,
        summary="Insurance updated: payer, decision, Decision date.",
    ).exists()
    # Saved again unchanged, nothing more is recorded.
    assert client.post(target, form_data(client.get(target))).status_code == 302
    assert len(updates(case.insurance)) == 1


def test_an_appointment_booked_through_the_page_is_audited_and_on_the_timeline(
    client_for, alex, case
):
    client = client_for(alex)
    target = reverse("appointment_edit", args=[case.pk])
    data = form_data(client.get(target)) | {
        "scheduled_at": ["2026-12-10T09:30"],
        "address": ["1 Example Way, Springfield"],
    }
    assert client.post(target, data).status_code == 302
    (event,) = updates(case.appointment)
    assert event.changes["scheduled_at"] == [None, "2026-12-10 09:30:00-05:00"]
    assert event.changes["address"] == [None, MASK]
    assert case.events.filter(kind=CaseEvent.Kind.APPOINTMENT).exists()
    assert client.post(target, form_data(client.get(target))).status_code == 302
    assert len(updates(case.appointment)) == 1


def test_the_step_a_finish_starts_is_audited(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    preauth = case.steps.get(stage="preauthorization")
    action = reverse("step_status", args=[case.pk, referral.pk])
    page = client.get(case.get_absolute_url())
    assert client.post(action, form_data(page, action)).status_code == 302
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.IN_PROGRESS
    (event,) = updates(preauth)
    assert event.actor == alex
    assert event.changes == {
        "status": ["Pending", "In progress"],
        "due_date": [None, str(preauth.due_date)],
    }


def test_a_snooze_records_the_date_it_replaces(client_for, alex, case):
    client = client_for(alex)
    step = case.steps.get(stage="referral")
    action = reverse("step_snooze", args=[case.pk, step.pk])
    for until in ("2026-11-30", "2026-12-04"):
        page = client.get(case.get_absolute_url())
        data = form_data(page, action) | {"until": [until], "reason": ["Waiting for the lab"]}
        assert client.post(action, data).status_code == 302
    snoozes = [event.changes for event in updates(step) if "snoozed_until" in event.changes]
    assert snoozes == [
        {"snoozed_until": ["2026-11-30", "2026-12-04"], "snooze_reason": MASK},
        {"snoozed_until": [None, "2026-11-30"], "snooze_reason": MASK},
    ]


def test_ending_a_snooze_records_the_date_it_ended(alex, case):
    # No page ends a snooze early yet; the service records what it ended.
    step = case.steps.get(stage="referral")
    services.step_snooze(step=step, until=datetime.date(2026, 11, 30), reason="Lab", by=alex)
    services.step_snooze(step=case.steps.get(stage="referral"), until=None, by=alex)
    ended = updates(step)[0]
    assert ended.changes == {"snoozed_until": ["2026-11-30", None]}


def test_a_social_worker_edit_page_offers_no_reassignment(client_for, alex, blair, case):
    client = client_for(alex)
    target = reverse("case_edit", args=[case.pk])
    page = client.get(target)
    data = form_data(page)
    assert "social_worker" not in data
    assert "Assigned to Alex Rivera. A supervisor can reassign the case." in page.content.decode()
    # A crafted post does not reassign either.
    assert client.post(target, data | {"social_worker": [str(blair.pk)]}).status_code == 302
    case.refresh_from_db()
    assert case.social_worker == alex


def test_a_supervisor_reassigns_from_the_edit_page(client_for, alex, blair, sam, case):
    client = client_for(sam)
    target = reverse("case_edit", args=[case.pk])
    data = form_data(client.get(target))
    assert data["social_worker"] == [str(alex.pk)]
    data |= {"social_worker": [str(blair.pk)], "diagnosis_notes": ["Reviewed"]}
    assert client.post(target, data).status_code == 302
    case.refresh_from_db()
    assert case.social_worker == blair
    assert case.events.filter(
        kind=CaseEvent.Kind.REASSIGNED, summary="Reassigned from Alex Rivera to Blair Nguyen."
    ).exists()
    changes = [event.changes for event in updates(case)]
    assert {"social_worker": [str(alex.pk), str(blair.pk)]} in changes
    assert {"diagnosis_notes": [None, MASK]} in changes
    # The reassigned case now belongs to blair; alex no longer sees it.
    assert client_for(alex).get(case.get_absolute_url()).status_code == 404


def test_the_edit_page_owner_line_shows_for_a_covering_colleague(client_for, casey, case):
    page = client_for(casey).get(reverse("case_edit", args=[case.pk]))
    assert "social_worker" not in form_data(page)


def test_opening_a_case_stays_one_update_per_started_step(alex):
    case = factories.open_case(alex)
    assert [event.changes["status"] for event in updates(case.steps.get(stage="referral"))] == [
        ["Pending", "In progress"]
    ]
