"""Saves a person would want to look at twice (issue 11, item 19), through the case page.

A due date in the past is refused. A due date on a weekend or a public holiday, preauthorization
marked done while the insurer has not decided, and a case completed before its booked
appointment each come back with a warning and a button that sends the same form again,
confirmed.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Step
from cases.workflow import services
from tests.browser_form import form_data
from tests.workflow.test_case_page import error_summary_links, has_autofocus

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time. Thanksgiving is Thursday the 26th.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def confirmed(warned, action: str) -> dict:
    """The form sent again with its warning's button."""
    return form_data(warned, action, press="confirm")


def move_due_date(client, case, step, day: str):
    action = reverse("step_due_date", args=[case.pk, step.pk])
    page = client.get(case.get_absolute_url())
    data = form_data(page, action) | {"due_date": [day], "reason": ["Waiting on the lab"]}
    return action, data, client.post(action, data)


def test_a_due_date_in_the_past_is_refused_and_keeps_the_reason(client_for, alex, case):
    referral = case.steps.get(stage="referral")
    _, _, response = move_due_date(client_for(alex), case, referral, "2026-11-20")
    assert response.status_code == 400
    body = response.content.decode()
    assert "A due date cannot be in the past" in body
    assert 'value="Waiting on the lab"' in body
    assert "second-look" not in body  # refused, not offered for confirmation
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 11, 27)


def test_today_is_a_due_date_like_any_business_day(client_for, alex, case):
    referral = case.steps.get(stage="referral")
    _, _, response = move_due_date(client_for(alex), case, referral, "2026-11-23")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2026-11-28", "Saturday, November 28, 2026 is a weekend day"),
        ("2026-11-26", "Thursday, November 26, 2026 is a public holiday"),
    ],
)
def test_a_due_date_on_a_closed_day_asks_first(client_for, alex, case, day, words):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action, _, warned = move_due_date(client, case, referral, day)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert words in body and "Yes, move it to that day" in body
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 11, 27)
    # The warning's button sends what was typed again, confirmed.
    again = confirmed(warned, action)
    assert again["due_date"] == [day] and again["reason"] == ["Waiting on the lab"]
    assert client.post(action, again).status_code == 302
    referral.refresh_from_db()
    assert referral.due_date == datetime.date.fromisoformat(day)


def mark_done(client, case, step):
    action = reverse("step_status", args=[case.pk, step.pk])
    page = client.get(case.get_absolute_url())
    return action, client.post(action, form_data(page, action))


def started_preauthorization(case, by) -> Step:
    referral = case.steps.get(stage="referral")
    services.step_set_status(step=referral, status="done", by=by)
    return case.steps.get(stage="preauthorization")


def test_preauthorization_done_with_the_decision_pending_asks_first(client_for, alex, case):
    client = client_for(alex)
    preauth = started_preauthorization(case, alex)
    action, warned = mark_done(client, case, preauth)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert "The insurer has not decided yet" in body and "Yes, mark it done" in body
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.IN_PROGRESS
    assert client.post(action, confirmed(warned, action)).status_code == 302
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.DONE


def test_preauthorization_done_after_the_decision_needs_no_second_look(client_for, alex, case):
    client = client_for(alex)
    preauth = started_preauthorization(case, alex)
    services.insurance_update(
        insurance=case.insurance,
        by=alex,
        fields={"decision": "approved", "decided_on": datetime.date(2026, 11, 20)},
    )
    _, response = mark_done(client, case, preauth)
    assert response.status_code == 302
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.DONE


def case_with_every_step_done(case, by, *, appointment: datetime.datetime) -> Case:
    services.appointment_update(
        appointment=case.appointment,
        by=by,
        fields={"scheduled_at": appointment, "address": "1 Example Way"},
    )
    for stage in ("referral", "preauthorization", "records", "appointment"):
        step = case.steps.get(stage=stage)
        if not step.is_finished:
            services.step_set_status(step=step, status="done", by=by)
    return case


def complete(client, case):
    action = reverse("case_status", args=[case.pk])
    page = client.get(case.get_absolute_url())
    return action, client.post(action, form_data(page, action) | {"status": ["completed"]})


def test_completing_a_case_before_its_appointment_asks_first(client_for, alex, case):
    client = client_for(alex)
    booked = datetime.datetime(2026, 12, 10, 9, 30, tzinfo=TEAM)
    case_with_every_step_done(case, alex, appointment=booked)
    action, warned = complete(client, case)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert "The appointment is booked for Thursday, December 10, 2026, after today" in body
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    again = confirmed(warned, action)
    assert again["status"] == ["completed"]
    assert client.post(action, again).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED


def test_completing_a_case_after_its_appointment_needs_no_second_look(client_for, alex, case):
    client = client_for(alex)
    case_with_every_step_done(case, alex, appointment=MONDAY - datetime.timedelta(hours=2))
    _, response = complete(client, case)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED


def test_a_confirmation_covers_only_the_date_it_warned_about(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action, _, warned = move_due_date(client, case, referral, "2026-11-28")
    assert "Saturday, November 28, 2026 is a weekend day" in warned.text
    # The user changes the date in the form, then clicks the warning's button.
    changed = confirmed(warned, action) | {"due_date": ["2026-11-29"]}
    warned_again = client.post(action, changed)
    assert warned_again.status_code == 400
    assert "Sunday, November 29, 2026 is a weekend day" in warned_again.text
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 11, 27)
    assert client.post(action, confirmed(warned_again, action)).status_code == 302
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 11, 29)


def assert_warning_at_the_top(response, confirm_id: str, words: str) -> None:
    """The warning is where the user looks: in the summary that opens the page, linking to
    its button, which has the focus."""
    [(link_id, message)] = error_summary_links(response)
    assert link_id == confirm_id and words in message
    assert has_autofocus(response, confirm_id)
    assert response.content.decode().count(" autofocus") == 1


def test_a_due_date_warning_shows_at_the_top_and_focuses_its_button(client_for, alex, case):
    referral = case.steps.get(stage="referral")
    _, _, warned = move_due_date(client_for(alex), case, referral, "2026-11-28")
    assert warned.status_code == 400
    assert_warning_at_the_top(
        warned, f"step-{referral.pk}-confirm", "Saturday, November 28, 2026 is a weekend day"
    )


def test_a_preauthorization_warning_shows_at_the_top_and_focuses_its_button(client_for, alex, case):
    client = client_for(alex)
    preauth = started_preauthorization(case, alex)
    _, warned = mark_done(client, case, preauth)
    assert warned.status_code == 400
    assert_warning_at_the_top(
        warned, f"step-{preauth.pk}-confirm", "The insurer has not decided yet"
    )


def test_a_case_status_warning_shows_at_the_top_and_focuses_its_button(client_for, alex, case):
    client = client_for(alex)
    booked = datetime.datetime(2026, 12, 10, 9, 30, tzinfo=TEAM)
    case_with_every_step_done(case, alex, appointment=booked)
    _, warned = complete(client, case)
    assert warned.status_code == 400
    assert_warning_at_the_top(
        warned, "case-status-confirm", "The appointment is booked for Thursday, December 10"
    )
