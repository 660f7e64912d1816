"""Snoozing a step's reminders through the case page: refused on a closed case or a finished
step, as the page hides the form there (issue 11 review, item 9). The form is the one a page
opened earlier showed (another tab, or a page left open)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, CaseEvent
from cases.workflow import services
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def snooze_form(client, case, step) -> tuple[str, dict]:
    action = reverse("step_snooze", args=[case.pk, step.pk])
    data = form_data(client.get(case.get_absolute_url()), action)
    return action, data | {"until": ["2026-12-01"], "reason": ["Patient travelling"]}


def nothing_recorded(case, step) -> bool:
    return not (
        case.events.filter(kind=CaseEvent.Kind.REMINDER).exists()
        or AuditEvent.objects.filter(object_type="step", object_id=str(step.pk))
        .filter(changes__has_key="snoozed_until")
        .exists()
    )


def complete(case, by) -> None:
    for stage in ("referral", "preauthorization", "records", "appointment"):
        step = case.steps.get(stage=stage)
        if not step.is_finished:
            services.step_set_status(step=step, status="not_needed", reason="Test", by=by)
    services.case_set_status(case=case, status="completed", by=by)


def test_a_completed_case_refuses_a_snooze(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action, data = snooze_form(client, case, referral)
    complete(case, alex)
    response = client.post(action, data)
    assert response.status_code == 400
    assert "This case is closed. Reopen it before changing its steps." in response.content.decode()
    referral.refresh_from_db()
    assert referral.snoozed_until is None
    assert nothing_recorded(case, referral)


def test_a_finished_step_refuses_a_snooze(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action, data = snooze_form(client, case, referral)
    services.step_set_status(step=referral, status="done", by=alex)
    response = client.post(action, data)
    assert response.status_code == 400
    assert "This step is finished; it has no reminders to snooze." in response.content.decode()
    referral.refresh_from_db()
    assert referral.snoozed_until is None
    assert nothing_recorded(case, referral)


def test_resuming_a_step_that_is_not_snoozed_records_nothing(alex, case):
    referral = case.steps.get(stage="referral")
    services.step_snooze(step=referral, until=None, by=alex)
    assert nothing_recorded(case, referral)
