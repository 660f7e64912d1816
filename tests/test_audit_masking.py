"""One rule for the audit trail (issue 11 review, item 5): free text a person typed about a case,
like what identifies the patient, is masked in the trail; it stays on the case page and its
timeline. A reason given for a change (a hold, a withdrawal, a step blocked or not needed, a
due date move, a snooze) is in the trail, masked.

Each edit goes through its page as the browser posts it; at the end the supervisor's audit
export holds none of the typed text."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import models
from django.urls import reverse

from cases.audit import MASK, MASKED_FIELDS
from cases.models import (
    Appointment,
    AuditEvent,
    Barrier,
    BarrierIntervention,
    Case,
    ContactLogEntry,
    DistressScreening,
    FollowUp,
    Insurance,
    Note,
    Patient,
    Reason,
    RecordsRequest,
    RecordsRequestItem,
    Step,
)
from tests import factories
from tests.browser_form import form_data, submit

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)
CASE_RECORDS = [
    Patient,
    Case,
    Step,
    Insurance,
    Appointment,
    Note,
    ContactLogEntry,
    FollowUp,
    RecordsRequest,
    RecordsRequestItem,
    DistressScreening,
    Barrier,
    BarrierIntervention,
]


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def test_every_free_text_field_of_a_case_is_masked():
    free_text = {
        field.name
        for model in CASE_RECORDS
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
    }
    assert free_text - MASKED_FIELDS == set()


def last_change(obj) -> dict:
    return (
        AuditEvent.objects.filter(
            action="update", object_type=obj._meta.model_name, object_id=str(obj.pk)
        )
        .latest("id")
        .changes
    )


def timeline(case) -> str:
    return " ".join(case.events.values_list("summary", flat=True))


def test_a_due_date_moves_reason_is_masked(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action = reverse("step_due_date", args=[case.pk, referral.pk])
    page = client.get(case.get_absolute_url())
    data = form_data(page, action) | {"due_date": ["2026-12-02"], "reason": ["Waiting on MRI"]}
    assert client.post(action, data).status_code == 302
    assert last_change(referral) == {
        "due_date": ["2026-11-27", "2026-12-02"],
        "due_date_reason": MASK,
    }
    assert "Waiting on MRI" in timeline(case)


@pytest.mark.parametrize("status", ["blocked", "not_needed"])
def test_the_reason_a_step_is_blocked_or_not_needed_is_in_the_trail_masked(
    client_for, alex, case, status
):
    referral = case.steps.get(stage="referral")
    response = mark_step(client_for(alex), case, referral, status, "Scanner broken")
    assert response.status_code == 302
    changes = last_change(referral)
    assert changes["status"][0] == "In progress" and changes["status_reason"] == MASK
    assert "Scanner broken" in timeline(case)


def mark_step(client, case, step, status: str, reason: str):
    """The step's *Blocked or not needed…* form (its select shows "blocked" first)."""
    action = reverse("step_status", args=[case.pk, step.pk])
    return submit(
        client,
        case.get_absolute_url(),
        action,
        pick={"status": "blocked"},
        status=status,
        reason=reason,
    )


@pytest.mark.parametrize("status", ["on_hold", "withdrawn"])
def test_the_reason_for_a_hold_or_a_withdrawal_is_in_the_trail_masked(
    client_for, alex, case, status
):
    client = client_for(alex)
    action = reverse("case_status", args=[case.pk])
    response = submit(
        client,
        case.get_absolute_url(),
        action,
        status=status,
        reason="Patient in hospital",
        review_on=f"{factories.review_date():%Y-%m-%d}",
    )
    assert response.status_code == 302
    assert last_change(case)["status_reason"] == MASK
    assert "Patient in hospital" in timeline(case)


def test_typed_details_are_masked(client_for, alex, case):
    client = client_for(alex)
    target = reverse("case_edit", args=[case.pk])
    data = form_data(client.get(target)) | {
        "reasons": [Reason.OTHER],
        "reasons_other": ["Family wish"],
        "centre": [""],
        "centre_other": ["Lakeside Clinic"],
        "specialist": [""],
        "specialist_other": ["Dr Example"],
    }
    assert client.post(target, data).status_code == 302
    changes = last_change(case)
    for field in ("reasons_other", "centre_other", "specialist_other"):
        assert changes[field][1] == MASK, field
    assert not {"Family wish", "Lakeside Clinic", "Dr Example"} & set(str(changes).split("'"))


def test_typed_insurance_and_appointment_text_is_masked(client_for, alex, case):
    client = client_for(alex)
    insurance = reverse("insurance_edit", args=[case.pk])
    data = form_data(client.get(insurance)) | {"payer": ["Example Health"], "plan": ["Gold"]}
    assert client.post(insurance, data).status_code == 302
    assert last_change(case.insurance) == {"payer": [None, MASK], "plan": [None, MASK]}
    appointment = reverse("appointment_edit", args=[case.pk])
    data = form_data(client.get(appointment)) | {"what_to_bring": ["Scans on a disc"]}
    assert client.post(appointment, data).status_code == 302
    assert last_change(case.appointment) == {"what_to_bring": [None, MASK]}


def test_a_snooze_reason_is_in_the_trail_masked(client_for, alex, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    action = reverse("step_snooze", args=[case.pk, referral.pk])
    page = client.get(case.get_absolute_url())
    data = form_data(page, action) | {"until": ["2026-11-30"], "reason": ["Patient travelling"]}
    assert client.post(action, data).status_code == 302
    assert last_change(referral) == {
        "snoozed_until": [None, "2026-11-30"],
        "snooze_reason": MASK,
    }


def test_the_audit_export_holds_none_of_the_typed_text(client_for, alex, sam, case):
    client = client_for(alex)
    referral = case.steps.get(stage="referral")
    typed = {
        "due date": "Waiting on MRI",
        "blocked": "Scanner broken",
        "hold": "Patient in hospital",
    }
    action = reverse("step_due_date", args=[case.pk, referral.pk])
    data = form_data(client.get(case.get_absolute_url()), action)
    client.post(action, data | {"due_date": ["2026-12-02"], "reason": [typed["due date"]]})
    mark_step(client, case, referral, "blocked", typed["blocked"])
    submit(
        client,
        case.get_absolute_url(),
        reverse("case_status", args=[case.pk]),
        status="on_hold",
        reason=typed["hold"],
        review_on=f"{factories.review_date():%Y-%m-%d}",
    )
    assert all(text in timeline(case) for text in typed.values())
    export = client_for(sam).get(
        reverse("audit_export"), {"starts_on": "2026-11-23", "ends_on": "2026-11-23"}
    )
    assert export.status_code == 200
    content = b"".join(export.streaming_content).decode()
    assert "status_reason" in content and "due_date_reason" in content
    assert not [text for text in typed.values() if text in content]
