"""A case page opened before a colleague's change (issue 11, items 12, 13 and 19): every form on
it, a second look's confirmation and a form sent back for a mistake included, carries the
version the user opened, so the save is refused with the explanation and the current values
instead of undoing the colleague's change. Reassigning and snoozing carry a version too, and a
step that starts by itself moves its version on."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Step
from cases.workflow import services
from tests import factories
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)
CONFLICT = "Someone else changed this step after you opened it"


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def step_action(case, step) -> str:
    return reverse("step_status", args=[case.pk, step.pk])


def started_preauthorization(case, by) -> Step:
    """Preauthorization in progress, the insurer's decision still pending."""
    services.step_set_status(step=case.steps.get(stage="referral"), status="done", by=by)
    return case.steps.get(stage="preauthorization")


def block_from_the_page(client, case, step, reason: str):
    page = client.get(case.get_absolute_url())
    data = form_data(page, step_action(case, step)) | {"status": ["blocked"], "reason": [reason]}
    assert client.post(step_action(case, step), data).status_code == 302


# --- a second look about a stale page ---------------------------------------------------------


def test_marking_done_from_a_stale_page_is_a_conflict_not_a_warning(client_for, alex, casey, case):
    preauth = started_preauthorization(case, alex)
    action = step_action(case, preauth)
    stale = form_data(client_for(alex).get(case.get_absolute_url()), action)  # Mark done
    block_from_the_page(client_for(casey), case, preauth, "Insurer wants the MRI report")
    client = client_for(alex)
    refused = client.post(action, stale)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert CONFLICT in body and "Insurer wants the MRI report" in body  # the current values
    assert "second-look" not in body
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.BLOCKED
    # From the page as it is now, Mark done asks its question again, and then goes through.
    warned = client.post(action, form_data(refused, action))
    assert warned.status_code == 400 and "The insurer has not decided yet" in warned.text
    assert client.post(action, form_data(warned, action, press="confirm")).status_code == 302


def test_a_confirmation_after_a_colleagues_change_is_refused(client_for, alex, casey, case):
    preauth = started_preauthorization(case, alex)
    action = step_action(case, preauth)
    client = client_for(alex)
    warned = client.post(action, form_data(client.get(case.get_absolute_url()), action))
    assert warned.status_code == 400 and "The insurer has not decided yet" in warned.text
    confirm = form_data(warned, action, press="confirm")
    block_from_the_page(client_for(casey), case, preauth, "Insurer wants the MRI report")
    refused = client_for(alex).post(action, confirm)
    assert refused.status_code == 409 and CONFLICT in refused.text
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.BLOCKED
    assert preauth.status_reason == "Insurer wants the MRI report"


def completed_steps_with_a_later_appointment(case, by) -> None:
    services.appointment_update(
        appointment=case.appointment,
        by=by,
        fields={
            "scheduled_at": datetime.datetime(2026, 12, 10, 9, 30, tzinfo=TEAM),
            "address": "1 Example Way",
        },
    )
    for step in case.steps.order_by("position"):
        step.refresh_from_db()
        if not step.is_finished:
            services.step_set_status(step=step, status="done", by=by)


def test_completing_from_a_stale_page_is_a_conflict_not_a_warning(client_for, alex, casey, case):
    completed_steps_with_a_later_appointment(case, alex)
    action = reverse("case_status", args=[case.pk])
    stale = form_data(client_for(alex).get(case.get_absolute_url()), action)
    hold = form_data(client_for(casey).get(case.get_absolute_url()), action)
    hold |= {
        "status": ["on_hold"],
        "reason": ["Patient in hospital"],
        "review_on": [f"{factories.review_date():%Y-%m-%d}"],
    }
    assert client_for(casey).post(action, hold).status_code == 302
    refused = client_for(alex).post(action, stale | {"status": ["completed"]})
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Someone else changed this case" in body and "Patient in hospital" in body
    assert "second-look" not in body
    case.refresh_from_db()
    assert case.status == Case.Status.ON_HOLD


def test_a_case_status_confirmation_after_a_colleagues_change_is_refused(
    client_for, alex, casey, case
):
    completed_steps_with_a_later_appointment(case, alex)
    action = reverse("case_status", args=[case.pk])
    client = client_for(alex)
    page = client.get(case.get_absolute_url())
    warned = client.post(action, form_data(page, action) | {"status": ["completed"]})
    assert warned.status_code == 400 and "after today" in warned.text
    confirm = form_data(warned, action, press="confirm")
    services.case_set_status(
        case=case,
        status="on_hold",
        reason="Patient in hospital",
        review_on=factories.review_date(),
        by=casey,
    )
    refused = client_for(alex).post(action, confirm)
    assert refused.status_code == 409 and "Someone else changed this case" in refused.text
    case.refresh_from_db()
    assert case.status == Case.Status.ON_HOLD


def test_a_due_date_confirmation_after_a_colleagues_move_is_refused(client_for, alex, casey, case):
    referral = case.steps.get(stage="referral")
    action = reverse("step_due_date", args=[case.pk, referral.pk])
    client = client_for(alex)
    page = client.get(case.get_absolute_url())
    typed = {"due_date": ["2026-11-28"], "reason": ["Waiting on the lab"]}
    warned = client.post(action, form_data(page, action) | typed)
    assert warned.status_code == 400 and "is a weekend day" in warned.text
    confirm = form_data(warned, action, press="confirm")
    services.due_date_move(
        step=referral, due_date=datetime.date(2026, 12, 1), reason="Fax", by=casey
    )
    refused = client_for(alex).post(action, confirm)
    assert refused.status_code == 409 and CONFLICT in refused.text
    assert "Due Tue Dec 1, 2026" in refused.text
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 12, 1)


def test_a_weekend_due_date_from_a_stale_page_is_a_conflict_not_a_warning(
    client_for, alex, casey, case
):
    referral = case.steps.get(stage="referral")
    action = reverse("step_due_date", args=[case.pk, referral.pk])
    stale = form_data(client_for(alex).get(case.get_absolute_url()), action)
    services.due_date_move(
        step=referral, due_date=datetime.date(2026, 12, 1), reason="Fax", by=casey
    )
    typed = {"due_date": ["2026-11-28"], "reason": ["Waiting on the lab"]}
    refused = client_for(alex).post(action, stale | typed)
    assert refused.status_code == 409 and CONFLICT in refused.text
    assert "second-look" not in refused.text
    referral.refresh_from_db()
    assert referral.due_date == datetime.date(2026, 12, 1)


# --- a form sent back for a mistake ---------------------------------------------------------


def test_a_form_sent_back_for_a_mistake_keeps_the_version_the_user_opened(
    client_for, alex, casey, case
):
    preauth = started_preauthorization(case, alex)
    action = step_action(case, preauth)
    stale = form_data(client_for(alex).get(case.get_absolute_url()), action)
    block_from_the_page(client_for(casey), case, preauth, "Insurer wants the MRI report")
    client = client_for(alex)
    mistake = client.post(action, stale | {"status": ["not_needed"], "reason": [""]})
    assert mistake.status_code == 400 and "Say why" in mistake.text
    fixed = form_data(mistake, action) | {"status": ["not_needed"], "reason": ["No preauth"]}
    assert fixed["version"] == stale["version"]
    refused = client.post(action, fixed)
    assert refused.status_code == 409 and CONFLICT in refused.text
    preauth.refresh_from_db()
    assert preauth.status == Step.Status.BLOCKED


def test_a_case_status_sent_back_for_a_mistake_keeps_its_version(client_for, alex, casey, case):
    action = reverse("case_status", args=[case.pk])
    stale = form_data(client_for(alex).get(case.get_absolute_url()), action)
    services.case_set_status(
        case=case,
        status="on_hold",
        reason="Patient in hospital",
        review_on=factories.review_date(),
        by=casey,
    )
    client = client_for(alex)
    mistake = client.post(action, stale | {"status": ["withdrawn"], "reason": [""]})
    assert mistake.status_code == 400
    fixed = form_data(mistake, action) | {"status": ["withdrawn"], "reason": ["Moved away"]}
    refused = client.post(action, fixed)
    assert refused.status_code == 409
    case.refresh_from_db()
    assert case.status == Case.Status.ON_HOLD


# --- reassigning and snoozing -----------------------------------------------------------------


def test_reassigning_from_a_stale_page_is_refused(client_for, alex, blair, casey, sam, case):
    action = reverse("case_reassign", args=[case.pk])
    stale = form_data(client_for(sam).get(case.get_absolute_url()), action)
    colleague = factories.supervisor("riley", first_name="Riley", last_name="Park")
    moved = form_data(client_for(colleague).get(case.get_absolute_url()), action)
    assert (
        client_for(colleague).post(action, moved | {"social_worker": [casey.pk]}).status_code == 302
    )
    client = client_for(sam)
    refused = client.post(action, stale | {"social_worker": [blair.pk]})
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Someone else changed this case" in body and "social worker Casey Morgan" in body
    case.refresh_from_db()
    assert case.social_worker == casey
    # Choosing again on the page as it is now goes through.
    again = form_data(refused, action) | {"social_worker": [blair.pk]}
    assert client.post(action, again).status_code == 302
    case.refresh_from_db()
    assert case.social_worker == blair


def test_reassigning_from_a_stale_details_page_is_refused(client_for, alex, blair, sam, case):
    target = reverse("case_edit", args=[case.pk])
    stale = form_data(client_for(sam).get(target))
    services.case_update_details(
        case=case,
        by=alex,
        expected_version=case.version,
        patient_fields={},
        case_fields={"diagnosis_notes": "Seen at the tumour board"},
        reasons=case.reasons.values_list("reason", flat=True),
    )
    refused = client_for(sam).post(target, stale | {"social_worker": [blair.pk]})
    assert refused.status_code == 409
    case.refresh_from_db()
    assert case.social_worker == alex and case.diagnosis_notes == "Seen at the tumour board"


def test_snoozing_from_a_stale_page_is_refused(client_for, alex, casey, case):
    referral = case.steps.get(stage="referral")
    action = reverse("step_snooze", args=[case.pk, referral.pk])
    stale = form_data(client_for(alex).get(case.get_absolute_url()), action)
    colleague = form_data(client_for(casey).get(case.get_absolute_url()), action)
    colleague |= {"until": ["2026-11-30"], "reason": ["Lab closed"]}
    assert client_for(casey).post(action, colleague).status_code == 302
    client = client_for(alex)
    refused = client.post(action, stale | {"until": ["2026-12-04"], "reason": ["Fax"]})
    assert refused.status_code == 409
    body = refused.content.decode()
    assert CONFLICT in body and "Reminders snoozed until Nov 30, 2026: Lab closed" in body
    referral.refresh_from_db()
    assert referral.snoozed_until == datetime.date(2026, 11, 30)
    # What alex typed stays; sending it again from this page goes through.
    again = form_data(refused, action)
    assert again["until"] == ["2026-12-04"] and again["reason"] == ["Fax"]
    assert client.post(action, again).status_code == 302
    referral.refresh_from_db()
    assert referral.snoozed_until == datetime.date(2026, 12, 4)


# --- a step that starts by itself -------------------------------------------------------------


def test_a_page_loaded_before_a_step_started_cannot_mark_it_not_needed(
    client_for, alex, casey, case
):
    preauth = started_preauthorization(case, alex)
    records = case.steps.get(stage="records")
    action = step_action(case, records)
    stale = form_data(client_for(casey).get(case.get_absolute_url()), action)
    services.step_set_status(step=preauth, status="done", by=alex)
    records.refresh_from_db()
    assert records.status == Step.Status.IN_PROGRESS
    refused = client_for(casey).post(
        action, stale | {"status": ["not_needed"], "reason": ["Records already on file"]}
    )
    assert refused.status_code == 409 and CONFLICT in refused.text
    records.refresh_from_db()
    assert records.status == Step.Status.IN_PROGRESS
