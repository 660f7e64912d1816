"""The reminder rules for follow-ups and records requests, at fixed instants: who hears about
which, when, once, in which words; what stops them; what a week without sweeps still sends.

November 2026: Monday the 23rd; Thanksgiving is Thursday the 26th; Saturday the 28th and
Sunday the 29th are a weekend. Team time is New York. casey, where a test asks for her, covers
alex from the 23rd to the 30th.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.contacts import services as contact_services
from cases.models import STAGE_ORDER, Delivery, Reminder, StaffProfile
from cases.models.staff import DeliveryMode
from cases.reminders import sending as reminder_sending
from cases.reminders import sweep as reminders
from cases.workflow import services
from tests import factories

TEAM = zoneinfo.ZoneInfo("America/New_York")
DAILY_LOOP_RULES = ("follow_up_due", "follow_up_late", "records_follow_up", "records_late")


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _november_2026():
    """Each test starts on Monday 23 November 2026 (so casey's cover is that week); follow-ups
    are made as of the Monday before (`follow_up`)."""
    with time_machine.travel(at(23, hour=0), tick=False):
        yield


def sweep_at(moment: datetime.datetime) -> reminders.SweepResult:
    with time_machine.travel(moment, tick=False):
        return reminders.sweep()


def send_all_at(moment: datetime.datetime) -> None:
    unfinished = Delivery.objects.filter(status__in=["pending", "failed", "sending"])
    with time_machine.travel(moment, tick=False):
        for delivery_id in unfinished.values_list("pk", flat=True):
            reminder_sending.delivery_send(delivery_id=delivery_id)


def fired(rule: str | None = None) -> list[tuple[str, str]]:
    rows = Reminder.objects.filter(rule__in=DAILY_LOOP_RULES).order_by(
        "rule", "recipient__username", "pk"
    )
    if rule:
        rows = rows.filter(rule=rule)
    return [(reminder.rule, reminder.recipient.username) for reminder in rows.select_related()]


def quiet_case(owner):
    """An open case with no step left running, so only its follow-ups and requests remind."""
    case = factories.open_case(owner, now=at(2))
    for stage in STAGE_ORDER:
        services.step_set_status(
            step=case.steps.get(stage=stage),
            status="not_needed",
            reason="Done elsewhere",
            by=owner,
            now=at(2),
        )
    return case


def follow_up(case, due_on: datetime.date, *, due_time=None, made=None, **kwargs):
    return factories.follow_up(
        case,
        what=kwargs.pop("what", "Call Example Health Plan back about Testpatient"),
        due_on=due_on,
        due_time=due_time,
        now=made or at(16),
        **kwargs,
    )


def immediate(user, **preferences) -> None:
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={"due_soon_delivery": DeliveryMode.IMMEDIATE} | preferences,
    )


def emails(mailoutbox, prefix: str = "") -> list:
    return [m for m in mailoutbox if m.subject.startswith(prefix)] if prefix else mailoutbox


# --- follow-ups: due ---------------------------------------------------------------------------


def test_an_untimed_follow_up_is_due_from_the_start_of_its_day(alex, mailoutbox):
    immediate(alex)
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 24))
    sweep_at(at(23, hour=23, minute=59))
    assert fired() == []
    sweep_at(at(24, hour=0, minute=0))
    send_all_at(at(24, hour=0, minute=1))
    assert fired() == [("follow_up_due", "alex")]
    [message] = emails(mailoutbox)
    assert message.subject == f"Follow-up due: case #{case.pk}"
    assert message.to == [alex.email]
    assert "A follow-up is due today." in message.body
    assert "Due: Tuesday, November 24, 2026" in message.body


def test_a_timed_follow_up_is_due_at_its_time_for_one_message_per_event(alex, mailoutbox):
    immediate(alex)
    follow_up(quiet_case(alex), datetime.date(2026, 11, 24), due_time=datetime.time(14, 0))
    sweep_at(at(24, hour=13, minute=59))
    assert fired() == []
    sweep_at(at(24, hour=14))
    send_all_at(at(24, hour=14, minute=1))
    assert fired() == [("follow_up_due", "alex")]
    assert "A follow-up is due today at 2:00 PM." in mailoutbox[0].body


def test_a_digest_reader_finds_the_days_follow_ups_in_the_morning_digest(alex, mailoutbox):
    case = quiet_case(alex)  # alex keeps the default: due-soon reminders in an 08:00 digest
    follow_up(case, datetime.date(2026, 11, 24), due_time=datetime.time(14, 0))
    sweep_at(at(24, hour=7, minute=59))
    send_all_at(at(24, hour=7, minute=59))
    assert mailoutbox == []
    sweep_at(at(24, hour=8))
    send_all_at(at(24, hour=8, minute=1))
    [digest] = mailoutbox
    assert digest.subject == "Navigator digest: 1 follow-up due or late"
    assert (
        f"- Follow-up due: case #{case.pk}, a follow-up, due Nov 24 at 2:00 PM, "
        "social worker Alex Rivera"
    ) in digest.body


def test_one_made_after_the_days_digest_is_replaced_by_its_late_reminder(alex, mailoutbox):
    case = quiet_case(alex)
    first = follow_up(case, datetime.date(2026, 11, 24))
    sweep_at(at(24, hour=8))
    send_all_at(at(24, hour=8, minute=1))  # Tuesday's digest, with the first one
    contact_services.follow_up_done(follow_up=first, by=alex, now=at(24, hour=9))
    follow_up(case, datetime.date(2026, 11, 24), made=at(24, hour=10), what="Made at ten")
    sweep_at(at(24, hour=10, minute=1))
    send_all_at(at(24, hour=10, minute=2))
    assert len(mailoutbox) == 1  # the second waits for Wednesday's digest
    sweep_at(at(25, hour=0, minute=1))
    send_all_at(at(25, hour=0, minute=2))
    sweep_at(at(25, hour=8))
    send_all_at(at(25, hour=8, minute=1))
    assert [m.subject for m in mailoutbox[1:]] == [f"Follow-up late: case #{case.pk}"]


def test_a_follow_up_due_on_a_saturday_is_due_that_weekend_and_late_on_monday(alex):
    immediate(alex)
    follow_up(quiet_case(alex), datetime.date(2026, 11, 21))
    sweep_at(at(20, hour=23))
    assert fired() == []
    sweep_at(at(22, hour=9))  # Sunday: missed Saturday's sweeps, still due, not late
    assert fired() == [("follow_up_due", "alex")]
    sweep_at(at(23, hour=0, minute=1))
    assert fired() == [("follow_up_due", "alex"), ("follow_up_late", "alex")]


# --- follow-ups: late --------------------------------------------------------------------------


def test_late_comes_once_on_the_business_day_after(alex, mailoutbox):
    follow_up(quiet_case(alex), datetime.date(2026, 11, 20))  # a Friday
    for moment in (at(21), at(22, hour=23, minute=59)):
        sweep_at(moment)
    assert fired("follow_up_late") == []
    sweep_at(at(23, hour=0, minute=1))
    send_all_at(at(23, hour=0, minute=2))
    for day in (24, 25, 27):
        sweep_at(at(day))
        send_all_at(at(day, minute=1))
    assert fired("follow_up_late") == [("follow_up_late", "alex")]
    late = emails(mailoutbox, "Follow-up late")
    assert len(late) == 1
    assert "A follow-up is late: it was due 3 days ago and is still open." in late[0].body


def test_late_ones_follow_the_overdue_preference(alex, mailoutbox):
    StaffProfile.objects.create(user=alex, overdue_delivery=DeliveryMode.DIGEST, digest_hour=9)
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 20))
    request_for(case, follow_up_on=None, answer_due_on=datetime.date(2026, 11, 20))
    sweep_at(at(23, hour=8))
    send_all_at(at(23, hour=8, minute=1))
    assert mailoutbox == []
    sweep_at(at(23, hour=9))
    send_all_at(at(23, hour=9, minute=1))
    [digest] = mailoutbox
    assert digest.subject == (
        "Navigator digest: 1 follow-up due or late and 1 records request to chase"
    )


def test_late_waits_out_a_public_holiday(alex):
    follow_up(quiet_case(alex), datetime.date(2026, 11, 25))  # the eve of Thanksgiving
    sweep_at(at(26, hour=23, minute=59))
    assert fired("follow_up_late") == []
    sweep_at(at(27, hour=0, minute=1))
    assert fired("follow_up_late") == [("follow_up_late", "alex")]


def test_a_week_without_sweeps_then_one_sweep_sends_the_late_one_only(alex, mailoutbox):
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 20))
    done_meanwhile = follow_up(case, datetime.date(2026, 11, 20), what="Another")
    contact_services.follow_up_done(follow_up=done_meanwhile, by=alex, now=at(20))
    sweep_at(at(27))
    send_all_at(at(27, minute=1))
    assert fired() == [("follow_up_late", "alex")]
    assert [m.subject for m in mailoutbox] == [f"Follow-up late: case #{case.pk}"]


# --- what stops them -------------------------------------------------------------------------


def test_done_before_the_digest_cancels_it_and_nothing_follows(alex, mailoutbox):
    item = follow_up(quiet_case(alex), datetime.date(2026, 11, 24))
    sweep_at(at(24, hour=0, minute=1))
    assert fired() == [("follow_up_due", "alex")]
    contact_services.follow_up_done(follow_up=item, by=alex, now=at(24, hour=7))
    sweep_at(at(24, hour=8))
    send_all_at(at(24, hour=8, minute=1))
    assert mailoutbox == []
    assert Delivery.objects.get().status == "cancelled"
    sweep_at(at(25))
    assert fired("follow_up_late") == []


def test_a_hold_holds_them_and_the_end_of_the_hold_makes_them_afresh(alex, mailoutbox):
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 20))
    sweep_at(at(23))
    services.case_set_status(
        case=case,
        status="on_hold",
        reason="In hospital",
        review_on=factories.review_date(),
        by=alex,
    )
    send_all_at(at(23, minute=1))
    assert mailoutbox == []
    assert Reminder.objects.get().released != 0  # cancelled unsent: its key given up
    sweep_at(at(24))
    assert Reminder.objects.filter(released=0).count() == 0
    services.case_set_status(case=case, status="open", by=alex)
    sweep_at(at(25))
    send_all_at(at(25, minute=1))
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Follow-up late"]


@pytest.mark.parametrize("status", ["completed", "withdrawn"])
def test_a_closed_case_gets_none(alex, status):
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 20))
    services.case_set_status(case=case, status=status, reason="Patient asked", by=alex)
    sweep_at(at(27))
    assert fired() == []


def test_a_reopened_follow_up_is_reminded_again(alex):
    item = follow_up(quiet_case(alex), datetime.date(2026, 11, 20))
    contact_services.follow_up_done(follow_up=item, by=alex, now=at(20))
    sweep_at(at(23))
    assert fired() == []
    contact_services.follow_up_reopen(follow_up=item, by=alex, now=at(24))
    sweep_at(at(24))
    assert fired() == [("follow_up_late", "alex")]


# --- who hears -------------------------------------------------------------------------------


def test_the_owner_s_follow_up_goes_to_the_colleague_covering_them(alex, casey):
    follow_up(quiet_case(alex), datetime.date(2026, 11, 20))
    sweep_at(at(23))
    assert fired() == [("follow_up_late", "casey")]


def test_a_supervisor_s_follow_up_goes_to_the_supervisor(alex, casey, sam):
    follow_up(quiet_case(alex), datetime.date(2026, 11, 20), assignee=sam)
    sweep_at(at(23))
    assert fired() == [("follow_up_late", "sam")]


def test_a_cover_s_follow_up_goes_back_to_the_owner_when_the_cover_ends(alex, casey, mailoutbox):
    immediate(casey)
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 30), assignee=casey)
    sweep_at(at(30, hour=9))
    assert fired() == [("follow_up_due", "casey")]
    sweep_at(at(1, month=12, hour=9))  # the cover ended on the 30th
    assert fired() == [("follow_up_due", "casey"), ("follow_up_late", "alex")]


def test_one_for_a_cover_who_stopped_covering_is_not_sent_to_them(alex, casey, mailoutbox):
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 26), assignee=casey)
    sweep_at(at(27))  # late, to casey; the workers are down until Tuesday
    sweep_at(at(1, month=12))  # the cover ended on the 30th: alex's turn
    assert fired() == [("follow_up_late", "alex"), ("follow_up_late", "casey")]
    send_all_at(at(1, month=12, minute=1))
    assert [m.to for m in mailoutbox] == [[alex.email]]
    assert mailoutbox[0].subject == f"Follow-up late: case #{case.pk}"
    assert Reminder.objects.get(recipient=casey).released != 0


# --- records requests ------------------------------------------------------------------------


def request_for(case, **dates):
    fields = {
        "sent_on": datetime.date(2026, 11, 16),
        "follow_up_on": datetime.date(2026, 11, 23),
        "answer_due_on": datetime.date(2026, 12, 16),
    }
    return factories.records_request_row(case, **(fields | dates))


def test_a_records_request_is_chased_on_its_follow_up_date(alex, casey, mailoutbox):
    immediate(casey)
    case = quiet_case(alex)
    request_for(case)
    sweep_at(at(22, hour=23, minute=59))
    assert fired() == []
    sweep_at(at(23, hour=0, minute=1))
    send_all_at(at(23, hour=0, minute=2))
    assert fired() == [("records_follow_up", "casey")]
    [message] = mailoutbox
    assert message.subject == f"Records request to follow up: case #{case.pk}"
    assert f"Case #{case.pk} — a records request sent Nov 16" in message.body
    assert "Follow up on: Monday, November 23, 2026" in message.body


def test_a_records_request_past_its_legal_clock_is_late_once(alex, mailoutbox):
    case = quiet_case(alex)
    request_for(case, follow_up_on=None, answer_due_on=datetime.date(2026, 11, 24))
    sweep_at(at(24, hour=23))
    assert fired() == []
    for moment in (at(25, hour=0, minute=1), at(26), at(27)):
        sweep_at(moment)
        send_all_at(moment + datetime.timedelta(minutes=1))
    assert fired() == [("records_late", "alex")]
    [message] = mailoutbox
    assert message.subject == f"Records request past its legal clock: case #{case.pk}"
    assert "the provider's time to answer has run out" in message.body
    assert "Answer due: Tuesday, November 24, 2026 (1 day overdue)" in message.body


def test_an_extension_notice_moves_the_clock_and_its_reminder(alex, mailoutbox):
    case = quiet_case(alex)
    request = request_for(case, follow_up_on=None, answer_due_on=datetime.date(2026, 11, 24))
    sweep_at(at(25))
    request.extension_notice_on = datetime.date(2026, 11, 25)
    request.answer_due_on = datetime.date(2026, 12, 24)
    request.save()
    send_all_at(at(25, minute=1))
    assert mailoutbox == []  # the old date no longer applies: cancelled, its key given up
    sweep_at(at(25, month=12))
    send_all_at(at(25, month=12, minute=1))
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Records request past its legal clock"]
    late = Reminder.objects.filter(rule="records_late", released=0).get()
    assert late.due_at.date() == datetime.date(2026, 12, 24)


def test_a_complete_records_request_is_chased_no_more(alex, mailoutbox):
    immediate(alex)
    case = quiet_case(alex)
    request = request_for(case)
    sweep_at(at(23))
    request.completed_on = datetime.date(2026, 11, 23)
    request.save()
    send_all_at(at(23, minute=1))
    sweep_at(at(30))
    sweep_at(at(17, month=12))
    assert mailoutbox == []
    assert Delivery.objects.get().status == "cancelled"


# --- the words -------------------------------------------------------------------------------


def test_the_messages_carry_no_patient_data_and_no_typed_text(alex, mailoutbox):
    immediate(alex)
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 20))
    request_for(case, follow_up_on=datetime.date(2026, 11, 23))
    sweep_at(at(23))
    send_all_at(at(23, minute=1))
    assert len(mailoutbox) == 2
    patient = case.patient
    for message in mailoutbox:
        for text in (message.body, message.alternatives[0].content):
            for secret in (
                patient.full_name,
                patient.mrn,
                "Testpatient",  # in what the follow-up says
                "Example Health Plan",
                "Example Hospital",  # whom the request went to
            ):
                assert secret not in text


def test_one_digest_lists_steps_follow_ups_and_requests(alex, mailoutbox):
    stepped = factories.open_case(alex, now=at(2))
    services.due_date_move(
        step=stepped.steps.get(stage="referral"),
        due_date=datetime.date(2026, 11, 24),
        reason="Agreed",
        by=alex,
        now=at(2),
    )
    case = quiet_case(alex)
    follow_up(case, datetime.date(2026, 11, 23))
    request_for(case)
    sweep_at(at(23, hour=8))
    send_all_at(at(23, hour=8, minute=1))
    [digest] = mailoutbox
    summary = "1 step due soon or overdue, 1 follow-up due or late and 1 records request to chase"
    assert digest.subject == f"Navigator digest: {summary}"
    assert summary in digest.body and summary in digest.alternatives[0].content
    assert f"case #{stepped.pk}, Referral, due Nov 24" in digest.body
    assert f"case #{case.pk}, a records request sent Nov 16, follow up on Nov 23" in digest.body


# --- cost ------------------------------------------------------------------------------------


def test_the_sweep_costs_the_same_queries_for_3_or_30_follow_ups_and_requests(alex, blair):
    def queries_for(owner, count: int) -> int:
        for _ in range(count):
            case = quiet_case(owner)
            follow_up(case, datetime.date(2026, 11, 20))
            request_for(case, answer_due_on=datetime.date(2026, 11, 20))
        with time_machine.travel(at(23), tick=False), CaptureQueriesContext(connection) as seen:
            assert reminders.sweep().reminders == 3 * count
        return len(seen)

    assert queries_for(alex, 3) == queries_for(blair, 30)
