"""Preauthorization marked done through the case page asks first unless the insurance record
says the insurer approved it (issue 11 review, item 7): a denial asks, as a pending decision or
an appeal does."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Step
from cases.workflow import services
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def preauthorization_with_decision(case, by, decision: str) -> Step:
    services.step_set_status(step=case.steps.get(stage="referral"), status="done", by=by)
    services.insurance_update(
        insurance=case.insurance,
        by=by,
        fields={"decision": decision, "decided_on": datetime.date(2026, 11, 20)},
    )
    return case.steps.get(stage="preauthorization")


def mark_done(client, case, step):
    action = reverse("step_status", args=[case.pk, step.pk])
    page = client.get(case.get_absolute_url())
    data = form_data(page, action)
    assert data["status"] == ["done"]
    return action, client.post(action, data)


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        ("denied", "The insurer denied preauthorization: the insurance record says “denied”"),
        ("appealed", "The insurer has not decided the appeal yet"),
        ("pending", "The insurer has not decided yet"),
    ],
)
def test_done_without_an_approval_asks_first(client_for, alex, case, decision, words):
    client = client_for(alex)
    preauth = preauthorization_with_decision(case, alex, decision)
    action, warned = mark_done(client, case, preauth)
    assert warned.status_code == 400
    body = warned.content.decode()
    assert words in body and "Yes, mark it done" in body
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.IN_PROGRESS
    confirmed = form_data(warned, action, press="confirm")
    assert client.post(action, confirmed).status_code == 302
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.DONE


@pytest.mark.parametrize("decision", ["approved", "overturned"])
def test_done_after_an_approval_needs_no_second_look(client_for, alex, case, decision):
    client = client_for(alex)
    preauth = preauthorization_with_decision(case, alex, decision)
    _, response = mark_done(client, case, preauth)
    assert response.status_code == 302
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.DONE
