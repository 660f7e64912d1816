"""A double click sends a form twice: the first copy saves, and the second is told so calmly
(issue 11, items 12 and 19) instead of adding the same note again or being refused as a bad move
or a conflict. A colleague's change in between is still a conflict."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Note, Step
from cases.workflow import services
from tests import factories
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def twice(client, action: str, data: dict):
    """The same form sent twice, as a double click does; the answers, followed."""
    return client.post(action, data, follow=True), client.post(action, data, follow=True)


def test_a_double_clicked_note_is_added_once(client_for, alex, case):
    client = client_for(alex)
    action = reverse("note_add", args=[case.pk])
    page = client.get(case.get_absolute_url())
    data = form_data(page, action) | {"body": ["Called the patient back."]}
    first, second = twice(client, action, data)
    assert first.status_code == second.status_code == 200
    assert "This note was already added" in second.text
    assert Note.objects.filter(case=case).count() == 1


def test_the_same_note_later_is_a_new_note(client_for, alex, case, _monday):
    client = client_for(alex)
    action = reverse("note_add", args=[case.pk])
    data = form_data(client.get(case.get_absolute_url()), action) | {"body": ["No answer."]}
    assert client.post(action, data).status_code == 302
    _monday.shift(datetime.timedelta(minutes=5))
    assert client.post(action, data).status_code == 302
    assert Note.objects.filter(case=case).count() == 2


def test_a_double_clicked_mark_done_says_it_is_done(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action = reverse("step_status", args=[case.pk, referral.pk])
    data = form_data(client.get(case.get_absolute_url()), action)  # Mark done
    first, second = twice(client, action, data)
    assert first.status_code == second.status_code == 200
    assert "Referral: already marked done." in second.text
    referral.refresh_from_db()
    assert referral.status == Step.Status.DONE


def test_marking_done_after_a_colleague_reopened_it_is_still_a_conflict(
    client_for, alex, casey, case
):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action = reverse("step_status", args=[case.pk, referral.pk])
    data = form_data(client.get(case.get_absolute_url()), action)
    services.step_set_status(step=referral, status="done", by=casey)
    services.step_set_status(step=referral, status="in_progress", by=casey)
    assert client_for(alex).post(action, data).status_code == 409


def test_a_double_clicked_due_date_confirmation_says_it_moved(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action = reverse("step_due_date", args=[case.pk, referral.pk])
    page = client.get(case.get_absolute_url())
    typed = {"due_date": ["2026-11-28"], "reason": ["Waiting on the lab"]}
    warned = client.post(action, form_data(page, action) | typed)
    first, second = twice(client, action, form_data(warned, action, press="confirm"))
    assert first.status_code == second.status_code == 200
    assert "Referral: the due date is already Nov 28, 2026." in second.text
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 11, 28)


def test_a_double_clicked_snooze_says_it_is_snoozed(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action = reverse("step_snooze", args=[case.pk, referral.pk])
    page = client.get(case.get_absolute_url())
    typed = {"until": ["2026-11-30"], "reason": ["Lab closed"]}
    first, second = twice(client, action, form_data(page, action) | typed)
    assert first.status_code == second.status_code == 200
    assert "Referral: reminders are already snoozed." in second.text


def test_a_double_clicked_case_status_says_it_changed(client_for, alex, case):
    client = client_for(alex)
    action = reverse("case_status", args=[case.pk])
    page = client.get(case.get_absolute_url())
    typed = {
        "status": ["on_hold"],
        "reason": ["Patient in hospital"],
        "review_on": [f"{factories.review_date():%Y-%m-%d}"],
    }
    first, second = twice(client, action, form_data(page, action) | typed)
    assert first.status_code == second.status_code == 200
    assert "The case is already on hold." in second.text
