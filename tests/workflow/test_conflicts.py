"""Two people editing one case through the pages (issue 11, items 12 and 13): a form always
carries its version and is checked against it; after a conflict the page shows what is saved
now beside what was typed, and saving again from that page goes through."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Insurance
from cases.workflow.form_rules import MISSING_VERSION
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def without_version(data: dict) -> dict:
    return {name: value for name, value in data.items() if name != "version"}


def record_pages(case) -> dict[str, tuple[str, dict]]:
    """Each page's form, and a change a person would make on it."""
    return {
        "details": (reverse("case_edit", args=[case.pk]), {"diagnosis_notes": ["Seen twice"]}),
        "insurance": (reverse("insurance_edit", args=[case.pk]), {"payer": ["Sample Mutual"]}),
        "appointment": (
            reverse("appointment_edit", args=[case.pk]),
            {"scheduled_at": ["2026-12-10T09:30"], "address": ["2 Sample Road"]},
        ),
    }


@pytest.mark.parametrize("page", ["details", "insurance", "appointment"])
def test_a_record_form_without_its_version_is_refused(client_for, alex, case, page):
    client = client_for(alex)
    target, change = record_pages(case)[page]
    data = without_version(form_data(client.get(target)) | change)
    response = client.post(target, data)
    assert response.status_code == 400
    assert MISSING_VERSION in response.content.decode()
    assert change[next(iter(change))][0] in response.content.decode()  # what was typed stays
    case.refresh_from_db()
    case.insurance.refresh_from_db()
    assert (case.version, case.insurance.version, case.appointment.version) == (1, 1, 1)
    assert case.diagnosis_notes == "" and case.insurance.payer == ""


def test_case_page_forms_without_their_version_are_refused(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    page = client.get(case.get_absolute_url())
    for action, change in (
        (reverse("step_status", args=[case.pk, referral.pk]), {}),
        (
            reverse("step_due_date", args=[case.pk, referral.pk]),
            {"due_date": ["2026-12-02"], "reason": ["Lab closed"]},
        ),
        (
            reverse("case_status", args=[case.pk]),
            {"status": ["on_hold"], "reason": ["In hospital"]},
        ),
    ):
        response = client.post(action, without_version(form_data(page, action) | change))
        assert response.status_code == 400, action
        assert MISSING_VERSION in response.content.decode()
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.status == "in_progress" and referral.due_date == datetime.date(2026, 11, 27)
    assert case.status == "open"


def test_saving_a_due_date_again_after_a_conflict_goes_through(client_for, alex, casey, case):
    referral = case.steps.get(stage="referral")
    action = reverse("step_due_date", args=[case.pk, referral.pk])
    alex_page = client_for(alex).get(case.get_absolute_url())
    casey_page = client_for(casey).get(case.get_absolute_url())
    casey_move = form_data(casey_page, action) | {"due_date": ["2026-12-01"], "reason": ["Lab"]}
    assert client_for(casey).post(action, casey_move).status_code == 302
    alex_move = form_data(alex_page, action) | {"due_date": ["2026-12-03"], "reason": ["Fax"]}
    client = client_for(alex)
    conflict = client.post(action, alex_move)
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "Someone else changed this step" in body
    assert "Due Tue Dec 1, 2026" in body  # the step as it is now
    again = form_data(conflict, action)
    assert again["due_date"] == ["2026-12-03"] and again["reason"] == ["Fax"]
    assert client.post(action, again).status_code == 302
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 12, 3)


def test_an_insurance_conflict_shows_the_colleagues_decision_before_saving_again(
    client_for, alex, casey, case
):
    target = reverse("insurance_edit", args=[case.pk])
    alex_form = form_data(client_for(alex).get(target))
    casey_form = form_data(client_for(casey).get(target)) | {
        "decision": ["denied"],
        "decided_on": ["2026-11-20"],
    }
    assert client_for(casey).post(target, casey_form).status_code == 302
    client = client_for(alex)
    conflict = client.post(target, alex_form | {"payer": ["Sample Mutual"]})
    assert conflict.status_code == 409
    rows = conflict.context["differences"]
    assert [(row.label, row.saved, row.typed) for row in rows] == [
        ("Payer (insurer)", "(empty)", "Sample Mutual"),
        ("Decision", "Denied", "Pending"),
        ("Decision date", "Nov. 20, 2026", "(empty)"),
    ]
    body = conflict.content.decode()
    assert "<td>Denied</td><td>Pending</td>" in body
    assert 'value="Sample Mutual"' in body  # what alex typed is still in the form
    # Alex keeps casey's decision and saves again: it goes through, nothing is reverted.
    again = form_data(conflict) | {"decision": ["denied"], "decided_on": ["2026-11-20"]}
    assert client.post(target, again).status_code == 302
    case.insurance.refresh_from_db()
    assert case.insurance.payer == "Sample Mutual"
    assert case.insurance.decision == Insurance.Decision.DENIED


def test_an_appointment_conflict_shows_only_the_fields_that_differ(client_for, alex, casey, case):
    target = reverse("appointment_edit", args=[case.pk])
    alex_form = form_data(client_for(alex).get(target))
    booked = {"scheduled_at": ["2026-12-10T09:30"], "address": ["2 Sample Road"]}
    assert client_for(casey).post(target, alex_form | booked).status_code == 302
    conflict = client_for(alex).post(target, alex_form | booked | {"what_to_bring": ["Photo ID"]})
    assert conflict.status_code == 409
    assert [(row.label, row.saved, row.typed) for row in conflict.context["differences"]] == [
        ("What to bring", "(empty)", "Photo ID")
    ]
    assert client_for(alex).post(target, form_data(conflict)).status_code == 302
    case.appointment.refresh_from_db()
    assert case.appointment.what_to_bring == "Photo ID"
    assert case.appointment.address == "2 Sample Road"


def test_a_details_conflict_shows_the_colleagues_change_before_saving_again(
    client_for, alex, casey, case
):
    target = reverse("case_edit", args=[case.pk])
    alex_form = form_data(client_for(alex).get(target))
    casey_form = form_data(client_for(casey).get(target))
    assert client_for(casey).post(target, casey_form | {"phone": ["555-0111"]}).status_code == 302
    client = client_for(alex)
    conflict = client.post(target, alex_form | {"urgency": ["urgent"]})
    assert conflict.status_code == 409
    assert [(row.label, row.saved, row.typed) for row in conflict.context["differences"]] == [
        ("Phone", "555-0111", "555-0199"),
        ("Urgency", "Routine", "Urgent"),
    ]
    again = form_data(conflict) | {"phone": ["555-0111"]}
    assert client.post(target, again).status_code == 302
    case.refresh_from_db()
    case.patient.refresh_from_db()
    assert case.urgency == "urgent" and case.patient.phone == "555-0111"


def test_a_conflict_elsewhere_says_nothing_on_the_page_differs(client_for, alex, case):
    target = reverse("insurance_edit", args=[case.pk])
    client = client_for(alex)
    stale = form_data(client.get(target))
    assert client.post(target, stale | {"plan": ["PPO"]}).status_code == 302
    conflict = client.post(target, stale | {"plan": ["PPO"]})
    assert conflict.status_code == 409
    assert conflict.context["differences"] == []
    assert "Nothing on this page differs from what is saved now" in conflict.content.decode()
