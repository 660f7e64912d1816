"""A full Today for alex at fixed instants, built through the services where a page would
write (steps, holds, appointments, the checklist, visits) and straight from the models where
another part's pages write (follow-ups, records requests, patient questions). All synthetic."""

import datetime
import zoneinfo

from cases.models import FollowUp, PatientQuestion, RecordsRequest
from cases.screening import services as screening_services
from cases.today.services import case_visit_record
from cases.workflow import services
from tests import factories

TEAM_ZONE = zoneinfo.ZoneInfo("America/New_York")


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """`day` at `hour` in the team's time zone."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TEAM_ZONE)


# Monday 7 December 2026, and the days around it.
MONDAY = datetime.date(2026, 12, 7)
FRIDAY = datetime.date(2026, 12, 4)
SATURDAY = datetime.date(2026, 12, 5)
# Christmas Day 2026 is a Friday, a public holiday.
CHRISTMAS = datetime.date(2026, 12, 25)
LONG_AGO = datetime.date(2026, 11, 2)


# Far enough ahead that a case's referral is on no list unless a test moves it.
SOMEDAY = datetime.date(2027, 1, 29)


def case_for(worker, *, name: str, opened: datetime.date = LONG_AGO, **overrides):
    """A case opened long ago whose referral is due on SOMEDAY."""
    case = factories.open_case(worker, now=at(opened, 9), patient={"full_name": name}, **overrides)
    due_on(case, "referral", SOMEDAY, by=worker, moved=opened)
    return case


def step(case, stage: str):
    found = case.steps.get(stage=stage)
    found.case = case
    return found


def due_on(case, stage: str, due: datetime.date, *, by, moved: datetime.date = LONG_AGO):
    """The step started and due on `due` (moved there by hand)."""
    chosen = step(case, stage)
    if chosen.status == "pending":
        services.step_set_status(step=chosen, status="in_progress", by=by, now=at(moved))
        chosen = step(case, stage)
    services.due_date_move(
        step=chosen, due_date=due, reason="Agreed with the office", by=by, now=at(moved, 11)
    )
    return step(case, stage)


def block(case, stage: str, *, by, on: datetime.date, reason: str):
    services.step_set_status(
        step=step(case, stage), status="blocked", reason=reason, by=by, now=at(on)
    )
    return step(case, stage)


def hold(case, *, by, on: datetime.date, review_on: datetime.date, reason="Patient in hospital"):
    return services.case_set_status(
        case=case, status="on_hold", reason=reason, review_on=review_on, by=by, now=at(on)
    )


def follow_up(case, *, due: datetime.date, assignee, what="Call the insurer back", **extra):
    return FollowUp.objects.create(
        case=case,
        what=what,
        due_on=due,
        assignee=assignee,
        created_by=assignee,
        created_at=at(LONG_AGO),
        **extra,
    )


def records_request(case, *, by, sent_on=None, answer_due_on=None, follow_up_on=None, **extra):
    return RecordsRequest.objects.create(
        case=case,
        contact_other="Example Records Office",
        sent_on=sent_on,
        answer_due_on=answer_due_on,
        follow_up_on=follow_up_on,
        created_by=by,
        created_at=at(LONG_AGO),
        **extra,
    )


def question(case, *, asked: datetime.datetime, changed: datetime.datetime | None = None):
    return PatientQuestion.objects.create(
        case=case,
        text="How long is the visit?",
        asked_by="patient",
        created_at=asked,
        updated_at=changed or asked,
    )


def book(case, *, by, when: datetime.datetime, on: datetime.date = LONG_AGO):
    services.appointment_update(
        appointment=case.appointment,
        by=by,
        fields={"scheduled_at": when, "mode": "in_person", "address": "1 Example Way"},
        now=at(on),
    )


def tell_what_to_bring(case, *, by, on: datetime.date = LONG_AGO):
    item = step(case, "appointment").checklist.get(told_what_to_bring=True)
    item.step.case = case
    services.checklist_item_set(item=item, done=True, by=by, now=at(on))


def visit(user, case, when: datetime.datetime):
    case_visit_record(user=user, case=case, now=when)


def alex_monday(alex, blair):
    """alex's work on Monday 7 December 2026, one case per kind (and some that must not show),
    plus blair's overdue case, which alex must never see."""
    cases = {}
    cases["due"] = case_for(alex, name="Dana Duetoday")
    due_on(cases["due"], "referral", MONDAY, by=alex)
    cases["late3"] = case_for(alex, name="Lee Threedays", urgency="urgent")
    due_on(cases["late3"], "referral", datetime.date(2026, 12, 2), by=alex)
    cases["late5"] = case_for(alex, name="Max Fivedays")
    due_on(cases["late5"], "referral", datetime.date(2026, 11, 30), by=alex)
    cases["later"] = case_for(alex, name="Nia Notyet")
    due_on(cases["later"], "referral", datetime.date(2026, 12, 9), by=alex)
    cases["blocked"] = case_for(alex, name="Bo Blocked")
    block(
        cases["blocked"],
        "records",
        by=alex,
        on=datetime.date(2026, 12, 3),
        reason="The lab sent recuts",
    )
    cases["follow"] = case_for(alex, name="Fay Followup")
    follow_up(cases["follow"], due=MONDAY, assignee=alex, what="Call the insurer back")
    follow_up(cases["follow"], due=datetime.date(2026, 12, 3), assignee=alex, what="Fax the lab")
    follow_up(cases["follow"], due=datetime.date(2026, 12, 8), assignee=alex, what="Tomorrow")
    follow_up(
        cases["follow"],
        due=datetime.date(2026, 12, 1),
        assignee=alex,
        what="Already done",
        done_at=at(datetime.date(2026, 12, 1)),
        done_by=alex,
    )
    cases["records"] = case_for(alex, name="Rae Records")
    records_request(
        cases["records"],
        by=alex,
        sent_on=datetime.date(2026, 11, 20),
        answer_due_on=datetime.date(2026, 12, 20),
        follow_up_on=datetime.date(2026, 12, 4),
    )
    records_request(
        cases["records"],
        by=alex,
        sent_on=datetime.date(2026, 10, 30),
        answer_due_on=datetime.date(2026, 11, 29),
    )
    records_request(
        cases["records"],
        by=alex,
        sent_on=datetime.date(2026, 10, 1),
        answer_due_on=datetime.date(2026, 10, 31),
        completed_on=datetime.date(2026, 10, 20),
    )
    records_request(
        cases["records"],
        by=alex,
        sent_on=datetime.date(2026, 12, 1),
        answer_due_on=datetime.date(2026, 12, 31),
        follow_up_on=datetime.date(2026, 12, 8),
    )
    cases["asked"] = case_for(alex, name="Quin Questions")
    question(cases["asked"], asked=at(datetime.date(2026, 12, 6), 20))
    question(cases["asked"], asked=at(datetime.date(2026, 12, 6), 21))
    cases["seen"] = case_for(alex, name="Sol Seen")
    question(cases["seen"], asked=at(datetime.date(2026, 12, 2)))
    visit(alex, cases["seen"], at(datetime.date(2026, 12, 3)))
    cases["visit"] = case_for(alex, name="Pat Appointment")
    book(cases["visit"], by=alex, when=at(datetime.date(2026, 12, 10), 14, 30))
    cases["told"] = case_for(alex, name="Tod Told")
    book(cases["told"], by=alex, when=at(datetime.date(2026, 12, 9), 9))
    tell_what_to_bring(cases["told"], by=alex)
    cases["far"] = case_for(alex, name="Far Future")
    book(cases["far"], by=alex, when=at(datetime.date(2026, 12, 20), 9))
    cases["held"] = case_for(alex, name="Hal Hold")
    hold(cases["held"], by=alex, on=datetime.date(2026, 11, 25), review_on=MONDAY)
    cases["held_later"] = case_for(alex, name="Hol Later")
    hold(
        cases["held_later"],
        by=alex,
        on=datetime.date(2026, 11, 25),
        review_on=datetime.date(2026, 12, 10),
    )
    cases["blairs"] = case_for(blair, name="Zed Blairs")
    due_on(cases["blairs"], "referral", datetime.date(2026, 11, 30), by=blair)
    follow_up(cases["blairs"], due=datetime.date(2026, 12, 3), assignee=blair, what="Blair's")
    question(cases["blairs"], asked=at(datetime.date(2026, 12, 6)))
    # Screened for distress 35 days ago (issue #14): due for rescreening.
    cases["rescreen"] = case_for(alex, name="Ria Rescreen")
    screening_services.screening_record(
        case=cases["rescreen"],
        by=alex,
        screened_on=LONG_AGO,
        method="phone",
        score=2,
        now=at(LONG_AGO),
    )
    return cases
