"""The reminder rules, at fixed instants: who hears about which step, when, and in which words.

November 2026: Monday the 23rd; Thanksgiving is Thursday the 26th. Team time is New York.
"""

import datetime
import zoneinfo

import pytest
import time_machine

from cases.models import Delivery, Reminder, StaffProfile, Step
from cases.models.staff import DeliveryMode
from cases.reminders import sending as reminder_sending
from cases.reminders import sweep as reminders
from cases.workflow import services
from tests import factories

TEAM = zoneinfo.ZoneInfo("America/New_York")


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _november_2026():
    """Each test starts on Monday 23 November 2026, so a fixture that means "this week" (casey's
    cover of alex's caseload) means the week of the sweeps below, whatever the real date."""
    with time_machine.travel(at(23, hour=0), tick=False):
        yield


def sweep_at(moment: datetime.datetime) -> reminders.SweepResult:
    with time_machine.travel(moment, tick=False):
        return reminders.sweep()


def send_all_at(moment: datetime.datetime) -> None:
    """What the workers do with every delivery the sweep queued."""
    unfinished = Delivery.objects.filter(status__in=["pending", "failed", "sending"])
    with time_machine.travel(moment, tick=False):
        for delivery_id in unfinished.values_list("pk", flat=True):
            reminder_sending.delivery_send(delivery_id=delivery_id)


def fired(rule: str | None = None) -> list[tuple[str, str]]:
    rows = Reminder.objects.order_by("rule", "recipient__username")
    if rule:
        rows = rows.filter(rule=rule)
    return [
        (reminder.rule, reminder.recipient.username if reminder.recipient else "patient")
        for reminder in rows.select_related("recipient")
    ]


def referral_due(owner, due: datetime.date, **case_fields) -> Step:
    """An open case whose referral step (in progress) is due on `due`."""
    case = factories.open_case(owner, now=at(2, month=11), **case_fields)
    step = case.steps.get(stage="referral")
    services.due_date_move(
        step=step, due_date=due, reason="Agreed with the team", by=owner, now=at(2)
    )
    step.refresh_from_db()
    return step


# --- due soon --------------------------------------------------------------------------------


def test_due_soon_fires_one_business_day_before_and_not_earlier(alex):
    referral_due(alex, datetime.date(2026, 11, 24))
    sweep_at(at(22))
    assert fired() == []
    sweep_at(at(23, hour=0, minute=1))
    assert fired() == [("due_soon", "alex")]


def test_due_soon_skips_the_weekend(alex):
    referral_due(alex, datetime.date(2026, 11, 23))
    sweep_at(at(19, hour=23, minute=59))
    assert fired() == []
    sweep_at(at(20, hour=0, minute=1))
    assert fired() == [("due_soon", "alex")]


def test_due_soon_skips_a_holiday(alex):
    # Due Friday the 27th; Thursday is Thanksgiving, so one business day before is Wednesday.
    referral_due(alex, datetime.date(2026, 11, 27))
    sweep_at(at(24, hour=23))
    assert fired() == []
    sweep_at(at(25, hour=9))
    assert fired() == [("due_soon", "alex")]


def test_due_soon_goes_to_the_covering_colleague(alex, casey):
    referral_due(alex, datetime.date(2026, 11, 24))
    sweep_at(at(23))
    assert fired() == [("due_soon", "casey")]


# --- overdue and escalation ------------------------------------------------------------------


def test_overdue_fires_when_the_due_date_has_passed_in_team_time(alex):
    referral_due(alex, datetime.date(2026, 11, 23))
    sweep_at(at(23, hour=23, minute=59))
    assert fired("overdue") == []
    sweep_at(at(24, hour=0, minute=0))
    assert fired("overdue") == [("overdue", "alex")]


def test_escalation_after_three_business_days_to_every_supervisor(alex, sam, mailoutbox):
    other_supervisor = factories.supervisor("morgan", first_name="Morgan", last_name="Lee")
    # Due Monday the 23rd: Tuesday, Wednesday, (Thanksgiving,) Friday → escalates on Friday.
    referral_due(alex, datetime.date(2026, 11, 23))
    sweep_at(at(26, hour=23))
    assert fired("escalation") == []
    sweep_at(at(27, hour=0, minute=1))
    assert fired("escalation") == [("escalation", "morgan"), ("escalation", "sam")]
    send_all_at(at(27, hour=0, minute=2))
    escalations = [m for m in mailoutbox if m.subject.startswith("Escalation")]
    assert sorted(m.to[0] for m in escalations) == [other_supervisor.email, sam.email]
    assert all("Social worker: Alex Rivera" in m.body for m in escalations)


# --- what gets none --------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["on_hold", "withdrawn"])
def test_no_reminders_for_cases_on_hold_or_closed(alex, status):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    services.case_set_status(
        case=step.case,
        status=status,
        reason="Patient asked",
        review_on=factories.review_date(),
        by=alex,
    )
    sweep_at(at(27))
    assert fired() == []


def test_no_reminders_for_finished_steps(alex):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    services.step_set_status(step=step, status="done", by=alex, now=at(20, hour=9))
    sweep_at(at(23))
    assert fired("overdue") == []


def test_a_snoozed_step_gets_none_until_its_date(alex):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    services.step_snooze(
        step=step,
        until=datetime.date(2026, 11, 30),
        reason="Lab closed for the holiday",
        by=alex,
        now=at(20, hour=9),
    )
    sweep_at(at(29, hour=23))
    assert fired() == []
    sweep_at(at(30, hour=0, minute=1))
    assert ("overdue", "alex") in fired()
    assert step.case.events.filter(summary__contains="snoozed until Nov 30").exists()


def test_a_snooze_needs_a_reason_and_a_future_date(alex):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    with pytest.raises(services.TransitionError):
        services.step_snooze(step=step, until=datetime.date(2026, 11, 30), reason=" ", by=alex)
    with pytest.raises(services.TransitionError):
        services.step_snooze(
            step=step, until=datetime.date(2026, 11, 20), reason="x", by=alex, now=at(20)
        )


def test_a_moved_due_date_gets_fresh_reminders(alex):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    sweep_at(at(23))
    assert fired("overdue") == [("overdue", "alex")]
    services.due_date_move(
        step=step, due_date=datetime.date(2026, 11, 24), reason="Insurer asked", by=alex
    )
    sweep_at(at(23, hour=11))
    assert fired("overdue") == [("overdue", "alex")]
    sweep_at(at(25))
    assert fired("overdue") == [("overdue", "alex"), ("overdue", "alex")]
    assert sorted(r.due_at.date() for r in Reminder.objects.filter(rule="overdue")) == [
        datetime.date(2026, 11, 20),
        datetime.date(2026, 11, 24),
    ]


# --- delivery modes and digests --------------------------------------------------------------


def test_due_soon_waits_for_the_daily_digest_which_groups_every_step(alex, mailoutbox):
    first = referral_due(alex, datetime.date(2026, 11, 24))
    second = referral_due(alex, datetime.date(2026, 11, 24))
    StaffProfile.objects.create(user=alex, digest_hour=9)
    sweep_at(at(23, hour=8, minute=30))
    send_all_at(at(23, hour=8, minute=31))
    assert fired() == [("due_soon", "alex"), ("due_soon", "alex")]
    assert mailoutbox == []
    sweep_at(at(23, hour=9))
    send_all_at(at(23, hour=9, minute=1))
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == [alex.email]
    assert f"case #{first.case_id}" in digest.body
    assert f"case #{second.case_id}" in digest.body
    assert "2 steps due soon or overdue" in digest.body
    sweep_at(at(23, hour=10))
    send_all_at(at(23, hour=10, minute=1))
    assert len(mailoutbox) == 1


def test_a_reminder_made_after_the_days_digest_waits_for_the_next_one(alex, mailoutbox):
    referral_due(alex, datetime.date(2026, 11, 24))
    sweep_at(at(23, hour=9))
    send_all_at(at(23, hour=9, minute=1))
    assert len(mailoutbox) == 1
    later = referral_due(alex, datetime.date(2026, 11, 24))
    sweep_at(at(23, hour=10))
    send_all_at(at(23, hour=10, minute=1))
    assert len(mailoutbox) == 1
    assert Reminder.objects.get(step=later).delivery is None
    sweep_at(at(24, hour=8))
    send_all_at(at(24, hour=8, minute=1))
    assert len(mailoutbox) == 2
    assert f"case #{later.case_id}" in mailoutbox[1].body


def test_a_staff_member_may_choose_one_message_per_event(alex, mailoutbox):
    referral_due(alex, datetime.date(2026, 11, 24))
    StaffProfile.objects.create(user=alex, due_soon_delivery=DeliveryMode.IMMEDIATE)
    sweep_at(at(23, hour=7))
    send_all_at(at(23, hour=7, minute=1))
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Due soon"]


def test_overdue_is_sent_at_once_by_default(alex, mailoutbox):
    step = referral_due(alex, datetime.date(2026, 11, 20))
    sweep_at(at(23, hour=6))
    send_all_at(at(23, hour=6, minute=1))
    assert [m.subject for m in mailoutbox] == [f"Overdue: case #{step.case_id}, Referral"]
    # Staff emails name the case, never the patient.
    assert step.case.patient.full_name not in mailoutbox[0].body
    assert "reminder sent to Alex Rivera by email" in step.case.events.first().summary


# --- patients --------------------------------------------------------------------------------


def booked(owner, when: datetime.datetime, *, patient: dict | None = None, **appointment):
    """A case whose earlier steps were not needed and whose appointment, due at the end of the
    year, is booked for `when`; the patient prefers email unless `patient` says otherwise."""
    case = factories.open_case(
        owner,
        now=at(2),
        patient={"preferred_contact": "email"} | (patient or {}),
        diagnosis_notes="Glioblastoma, IDH-wildtype",
    )
    for stage in ("referral", "preauthorization", "records"):
        step = case.steps.get(stage=stage)
        services.step_set_status(
            step=step, status="not_needed", reason="Done elsewhere", by=owner, now=at(2)
        )
    services.due_date_move(
        step=case.steps.get(stage="appointment"),
        due_date=datetime.date(2026, 12, 31),
        reason="Booked",
        by=owner,
        now=at(2),
    )
    services.appointment_update(
        appointment=case.appointment,
        by=owner,
        fields={
            "scheduled_at": when,
            "address": "1 Example Way, Springfield",
            "what_to_bring": "Your MRI disc and your list of medicines",
        }
        | appointment,
    )
    return case


def test_patients_hear_three_days_and_one_day_before(alex, mailoutbox):
    booked(alex, at(27, hour=14))
    sweep_at(at(24, hour=13))
    assert fired() == []
    sweep_at(at(24, hour=14))
    send_all_at(at(24, hour=14, minute=1))
    assert fired() == [("appointment_far", "patient")]
    sweep_at(at(26, hour=13, minute=59))
    assert len(fired()) == 1
    sweep_at(at(26, hour=14))
    send_all_at(at(26, hour=14, minute=1))
    assert fired() == [("appointment_far", "patient"), ("appointment_near", "patient")]
    assert len(mailoutbox) == 2


def test_patient_messages_wait_out_quiet_hours(alex, mailoutbox):
    booked(alex, at(27, hour=21))
    sweep_at(at(24, hour=21))
    send_all_at(at(24, hour=21, minute=1))
    delivery = Delivery.objects.get()
    assert delivery.queued_at is None
    reminder_sending.delivery_send(delivery_id=delivery.pk, now=at(24, hour=21, minute=2))
    assert mailoutbox == []
    sweep_at(at(25, hour=7, minute=59))
    send_all_at(at(25, hour=7, minute=59))
    assert mailoutbox == []
    sweep_at(at(25, hour=8))
    send_all_at(at(25, hour=8, minute=1))
    assert len(mailoutbox) == 1


def test_in_quiet_hours_staff_deliveries_are_queued_and_patient_ones_wait(alex):
    booked(alex, at(27, hour=21))
    referral_due(alex, datetime.date(2026, 11, 20))
    result = sweep_at(at(24, hour=21))
    assert (result.deliveries, result.queued) == (2, 1)
    queued_at = dict(Delivery.objects.values_list("recipient__username", "queued_at"))
    assert queued_at == {"alex": at(24, hour=21), None: None}
    sweep_at(at(25, hour=8))
    assert Delivery.objects.get(recipient=None).queued_at == at(25, hour=8)


def test_patient_message_in_english_with_what_to_bring_and_no_diagnosis(alex, mailoutbox):
    case = booked(alex, at(27, hour=14), patient={"preferred_contact": "email"})
    sweep_at(at(24, hour=15))
    send_all_at(at(24, hour=15, minute=1))
    message = mailoutbox[0]
    assert message.to == [case.patient.email]
    assert message.subject == "Reminder: your second-opinion appointment"
    assert "Friday, November 27 at 2:00 PM" in message.body
    assert "Your MRI disc and your list of medicines" in message.body
    html = message.alternatives[0].content
    for text in (message.body, html):
        assert "lioblastoma" not in text
        assert "IDH" not in text


def test_patient_message_in_spanish(alex, mailoutbox):
    booked(alex, at(27, hour=14), patient={"preferred_language": "es"})
    sweep_at(at(24, hour=15))
    send_all_at(at(24, hour=15, minute=1))
    message = mailoutbox[0]
    assert message.subject == "Recordatorio: su cita para una segunda opinión"
    assert "viernes 27 de noviembre a las 14:00" in message.body
    assert "Por favor, traiga" in message.body


def test_patients_who_prefer_texts_get_a_text(alex, mailoutbox, settings):
    from cases.reminders.channels import InMemorySMSBackend

    settings.SMS_BACKEND = "cases.reminders.channels.InMemorySMSBackend"
    InMemorySMSBackend.outbox.clear()
    booked(alex, at(27, hour=14), patient={"preferred_contact": "sms", "phone": "555-0142"})
    sweep_at(at(24, hour=15))
    send_all_at(at(24, hour=15, minute=1))
    assert mailoutbox == []
    [text] = InMemorySMSBackend.outbox
    assert text["to"] == "555-0142"
    assert "Friday, Nov 27 at 2:00 PM" in text["body"]
    assert "lioblastoma" not in text["body"]


@pytest.mark.parametrize(
    "patient",
    [{"consent_to_reminders": False}, {"phone": "", "email": ""}],
    ids=["no consent", "no contact"],
)
def test_no_patient_reminders_without_consent_and_a_contact(alex, patient):
    booked(alex, at(27, hour=14), patient=patient)
    sweep_at(at(26, hour=15))
    assert fired() == []


# --- catch-up --------------------------------------------------------------------------------


def test_a_week_without_sweeping_then_one_sweep_sends_what_still_applies(alex, sam, mailoutbox):
    late = referral_due(alex, datetime.date(2026, 11, 24))
    done_meanwhile = referral_due(alex, datetime.date(2026, 11, 24))
    services.step_set_status(step=done_meanwhile, status="done", by=alex, now=at(25))
    sweep_at(at(30))
    assert fired() == [("escalation", "sam"), ("overdue", "alex")]
    assert set(Reminder.objects.values_list("step_id", flat=True)) == {late.pk}
    send_all_at(at(30, hour=10, minute=1))
    assert len(mailoutbox) == 2
