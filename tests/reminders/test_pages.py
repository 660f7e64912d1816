"""The reminder rules on the path a user takes: the appointment booked on its page, steps and
the case changed with the case page's forms (posted as the browser posts them, hidden fields and
all), a supervisor's reassignment; then the sweep and the workers at fixed instants.

November 2026: Monday the 23rd; Thanksgiving is Thursday the 26th. Team time is New York.
"""

import contextlib
import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Delivery, Reminder, StaffProfile
from cases.reminders.channels import InMemorySMSBackend
from cases.workflow import services
from tests import factories
from tests.browser_form import submit
from tests.reminders.test_sweep import at, fired, referral_due, send_all_at, sweep_at

APPOINTMENT = {
    "scheduled_at": "2026-11-27T14:00",
    "address": "1 Example Way, Springfield",
    "what_to_bring": "Your MRI disc and your list of medicines",
}


@pytest.fixture(autouse=True)
def _november_2026():
    with time_machine.travel(at(23, hour=0), tick=False):
        yield


@pytest.fixture(autouse=True)
def _texts(settings):
    settings.SMS_BACKEND = "cases.reminders.channels.InMemorySMSBackend"
    InMemorySMSBackend.outbox.clear()


def case_url(case) -> str:
    return reverse("case_detail", args=[case.pk])


def step_url(case, stage: str, name: str = "step_status") -> str:
    return reverse(name, args=[case.pk, case.steps.get(stage=stage).pk])


@contextlib.contextmanager
def as_user(client, user, moment: datetime.datetime):
    """`user` logs in at `moment` and visits pages (the idle log-off would end an older
    session)."""
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        yield


def patient_case(owner, **patient):
    """An open case at intake; the referral has started. The patient prefers email."""
    return factories.open_case(owner, now=at(2), patient={"preferred_contact": "email"} | patient)


def finish_early_steps(case, owner, *, records: str = "not_needed") -> None:
    """Referral done, preauthorization not needed, records `records` (started, or not needed:
    then the appointment step runs, due at the end of the year, so staff hear nothing)."""
    services.step_set_status(
        step=case.steps.get(stage="referral"), status="done", by=owner, now=at(3)
    )
    services.step_set_status(
        step=case.steps.get(stage="preauthorization"),
        status="not_needed",
        reason="The plan needs none",
        by=owner,
        now=at(3),
    )
    if records == "not_needed":
        services.step_set_status(
            step=case.steps.get(stage="records"),
            status="not_needed",
            reason="Sent by the referring team",
            by=owner,
            now=at(3),
        )
        services.due_date_move(
            step=case.steps.get(stage="appointment"),
            due_date=datetime.date(2026, 12, 31),
            reason="Waiting for the centre",
            by=owner,
            now=at(3),
        )


def patient_messages(case, mailoutbox) -> list[str]:
    return [message.to[0] for message in mailoutbox if message.to == [case.patient.email]]


def run_sweeps(*moments: datetime.datetime) -> None:
    for moment in moments:
        sweep_at(moment)
        send_all_at(moment + datetime.timedelta(minutes=1))


# --- 6. a patient's reminders follow the booked appointment ---------------------------------


def test_the_walk_through_book_the_appointment_then_finish_the_step(client, alex, mailoutbox):
    case = patient_case(alex)
    finish_early_steps(case, alex)
    with as_user(client, alex, at(23, hour=9)):
        booked = submit(client, reverse("appointment_edit", args=[case.pk]), **APPOINTMENT)
        assert booked.status_code == 302
        done = submit(
            client, case_url(case), step_url(case, "appointment"), pick={"status": "done"}
        )
        assert done.status_code == 302
    assert case.steps.get(stage="appointment").status == "done"
    run_sweeps(at(24, hour=15), at(26, hour=15))
    assert fired() == [("appointment_far", "patient"), ("appointment_near", "patient")]
    assert len(patient_messages(case, mailoutbox)) == 2
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent"]


def test_an_appointment_booked_while_records_are_still_open(client, alex, mailoutbox):
    case = patient_case(alex)
    finish_early_steps(case, alex, records="in_progress")
    assert case.steps.get(stage="appointment").status == "pending"
    with as_user(client, alex, at(23, hour=9)):
        booked = submit(client, reverse("appointment_edit", args=[case.pk]), **APPOINTMENT)
        assert booked.status_code == 302
    run_sweeps(at(24, hour=15), at(26, hour=15))
    assert len(patient_messages(case, mailoutbox)) == 2


def test_no_patient_reminders_once_the_case_is_completed(client, alex, mailoutbox):
    case = patient_case(alex)
    finish_early_steps(case, alex)
    with as_user(client, alex, at(23, hour=9)):
        submit(client, reverse("appointment_edit", args=[case.pk]), **APPOINTMENT)
        submit(client, case_url(case), step_url(case, "appointment"), pick={"status": "done"})
    # Completed before the appointment (the patient said the opinion came by video already).
    services.case_set_status(case=case, status="completed", by=alex, now=at(23, hour=10))
    run_sweeps(at(24, hour=15), at(26, hour=15))
    assert fired() == []
    assert mailoutbox == []


# --- 7. a reminder held back by a hold or a snooze comes back when it ends -------------------


def test_a_patient_reminder_cancelled_by_a_hold_comes_back_when_the_case_resumes(
    client, alex, mailoutbox
):
    case = patient_case(alex)
    finish_early_steps(case, alex)
    with as_user(client, alex, at(23, hour=9)):
        submit(client, reverse("appointment_edit", args=[case.pk]), **APPOINTMENT)
    sweep_at(at(24, hour=15))
    with as_user(client, alex, at(24, hour=15, minute=0)):
        held = submit(
            client,
            case_url(case),
            reverse("case_status", args=[case.pk]),
            status="on_hold",
            reason="Patient in hospital",
            review_on=f"{factories.review_date():%Y-%m-%d}",
        )
        assert held.status_code == 302
    send_all_at(at(24, hour=15, minute=1))
    assert Delivery.objects.get().status == "cancelled"
    run_sweeps(at(24, hour=16))
    assert mailoutbox == []
    with as_user(client, alex, at(25, hour=9)):
        resumed = submit(
            client, case_url(case), reverse("case_status", args=[case.pk]), status="open"
        )
        assert resumed.status_code == 302
    run_sweeps(at(25, hour=9, minute=5))
    assert len(patient_messages(case, mailoutbox)) == 1
    # A second sweep is still a no-op, and nothing goes twice.
    assert sweep_at(at(25, hour=9, minute=10)).reminders == 0
    send_all_at(at(25, hour=9, minute=11))
    run_sweeps(at(26, hour=15))
    assert len(patient_messages(case, mailoutbox)) == 2
    assert sorted(Delivery.objects.values_list("rule", "status")) == [
        ("appointment_far", "cancelled"),
        ("appointment_far", "sent"),
        ("appointment_near", "sent"),
    ]


def test_a_retrying_reminder_interrupted_by_a_snooze_comes_back_when_it_ends(
    client, alex, mailoutbox, settings
):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    sweep_at(at(23, hour=10))
    settings.EMAIL_BACKEND = "tests.reminders.test_sending.BrokenEmailBackend"
    send_all_at(at(23, hour=10, minute=1))
    assert Delivery.objects.get().status == "failed"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with as_user(client, alex, at(23, hour=10, minute=2)):
        snoozed = submit(
            client,
            case_url(step.case),
            reverse("step_snooze", args=[step.case_id, step.pk]),
            until="2026-11-25",
            reason="Lab closed for the holiday",
        )
        assert snoozed.status_code == 302
    send_all_at(at(23, hour=10, minute=5))
    assert Delivery.objects.get().status == "cancelled"
    run_sweeps(at(24, hour=10))
    assert mailoutbox == []
    run_sweeps(at(25, hour=0, minute=1))
    overdue = [m for m in mailoutbox if m.subject.startswith("Overdue")]
    assert [m.to for m in overdue] == [[alex.email]]
    assert sweep_at(at(25, hour=0, minute=5)).reminders == 0
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["cancelled", "sent"]


def test_a_step_left_out_of_the_digest_by_a_hold_is_in_a_later_digest_after_it_resumes(
    client, alex, mailoutbox
):
    held, other = (referral_due(alex, datetime.date(2026, 11, 24)) for _ in range(2))
    sweep_at(at(23, hour=7))
    with as_user(client, alex, at(23, hour=7, minute=30)):
        submit(
            client,
            case_url(held.case),
            reverse("case_status", args=[held.case_id]),
            status="on_hold",
            reason="Waiting for the family",
            review_on=f"{factories.review_date():%Y-%m-%d}",
        )
    run_sweeps(at(23, hour=8))
    [first] = mailoutbox
    assert f"case #{other.case_id}," in first.body
    assert f"case #{held.case_id}," not in first.body
    with as_user(client, alex, at(23, hour=10)):
        submit(
            client, case_url(held.case), reverse("case_status", args=[held.case_id]), status="open"
        )
    run_sweeps(at(23, hour=10, minute=1), at(24, hour=8), at(24, hour=9))
    assert len(mailoutbox) == 2
    assert f"case #{held.case_id}," in mailoutbox[1].body
    assert f"case #{other.case_id}," not in mailoutbox[1].body


# --- 8. after a reassignment, the new owner hears, never the old ----------------------------


@pytest.mark.parametrize("delivery_mode", ["immediate", "digest"])
def test_after_a_reassignment_the_old_owner_hears_nothing(
    client, alex, blair, sam, mailoutbox, delivery_mode
):
    step = referral_due(alex, datetime.date(2026, 11, 24))
    for person in (alex, blair):
        StaffProfile.objects.create(user=person, due_soon_delivery=delivery_mode)
    sweep_at(at(23, hour=7))
    assert fired() == [("due_soon", "alex")]
    with as_user(client, sam, at(23, hour=7, minute=30)):
        moved = submit(
            client,
            case_url(step.case),
            reverse("case_reassign", args=[step.case_id]),
            social_worker=blair.pk,
        )
        assert moved.status_code == 302
    run_sweeps(at(23, hour=8), at(23, hour=8, minute=5))
    # Blair hears that the case is now theirs, and that its step is due; alex hears nothing.
    assert [m.to for m in mailoutbox] == [[blair.email]] * 2
    assert f"Navigator: case #{step.case_id} is now yours" in {m.subject for m in mailoutbox}
    assert fired() == [("due_soon", "alex"), ("due_soon", "blair"), ("reassigned", "blair")]


def test_after_a_reassignment_the_old_owners_cover_hears_nothing(
    client, alex, blair, casey, sam, mailoutbox
):
    # casey covers alex this week; the case moves from alex to blair.
    step = referral_due(alex, datetime.date(2026, 11, 20))
    sweep_at(at(23, hour=9))
    with as_user(client, sam, at(23, hour=9, minute=1)):
        submit(
            client,
            case_url(step.case),
            reverse("case_reassign", args=[step.case_id]),
            social_worker=blair.pk,
        )
    run_sweeps(at(23, hour=9, minute=2))
    assert [m.to for m in mailoutbox if m.subject.startswith("Overdue")] == [[blair.email]]
    assert ("overdue", "casey") in fired()


# --- 9. which channel a patient's reminder takes --------------------------------------------


@pytest.mark.parametrize(
    ("prefers", "phone", "email", "channel"),
    [
        ("phone", "555-0142", "p@example.org", "email"),
        ("phone", "555-0142", "", "sms"),
        ("sms", "555-0142", "p@example.org", "sms"),
        ("sms", "", "p@example.org", "email"),
        ("email", "555-0142", "p@example.org", "email"),
        ("email", "555-0142", "", "sms"),
    ],
)
def test_the_channel_a_patients_reminder_takes(
    client, alex, mailoutbox, prefers, phone, email, channel
):
    case = patient_case(alex, preferred_contact=prefers, phone=phone, email=email)
    finish_early_steps(case, alex)
    with as_user(client, alex, at(23, hour=9)):
        submit(client, reverse("appointment_edit", args=[case.pk]), **APPOINTMENT)
    run_sweeps(at(24, hour=15))
    assert Delivery.objects.get().channel == channel
    if channel == "email":
        assert [m.to for m in mailoutbox] == [[email]]
        assert InMemorySMSBackend.outbox == []
    else:
        assert mailoutbox == []
        assert [text["to"] for text in InMemorySMSBackend.outbox] == [phone]
    assert Reminder.objects.count() == 1
