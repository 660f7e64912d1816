"""A records request's clocks: the one place for their rules.

- **Answer due**: a provider must answer a patient-directed request for records within 30
  calendar days, and may extend that once by 30 more with a written notice given within the
  first 30 (the HIPAA right of access, 45 CFR 164.524(b)(2)). Navigator counts from the day
  the request was sent: answer due = sent on + 30 calendar days, + 30 more once a written
  notice is recorded. Calendar days, so a clock may end on a weekend or a holiday: the law
  does not move it.
- **Follow-up**: `RECORDS_FOLLOW_UP_BUSINESS_DAYS` business days after the request was sent
  (5 unless set; the team's business days: weekends and its public holidays skipped), unless
  the social worker sets another date.
- **What a request shows** (`clock`): not sent yet; waiting, with the days left until the
  answer is due; due today; overdue by so many calendar days; or complete, once every record
  asked for has arrived. Its follow-up is due from its follow-up date on, until it is complete.

The request services store `answer_due_on` and `follow_up_on` when a request is sent or
extended, so lists and the reminder sweep find late requests with an indexed query.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from cases.business_days import add_business_days

ANSWER_DAYS = 30
EXTENSION_DAYS = 30


def answer_due_on(
    *, sent_on: datetime.date | None, extension_notice_on: datetime.date | None
) -> datetime.date | None:
    """When the provider's answer is due: None until the request is sent."""
    if sent_on is None:
        return None
    days = ANSWER_DAYS + (EXTENSION_DAYS if extension_notice_on is not None else 0)
    return sent_on + datetime.timedelta(days=days)


def extension_notice_deadline(sent_on: datetime.date) -> datetime.date:
    """The last day a written extension notice can arrive and still extend the clock."""
    return sent_on + datetime.timedelta(days=ANSWER_DAYS)


def follow_up_default(sent_on: datetime.date) -> datetime.date:
    """The follow-up date a request sent on `sent_on` gets unless someone chooses another."""
    return add_business_days(sent_on, settings.RECORDS_FOLLOW_UP_BUSINESS_DAYS)


def extension_refusal(
    *, sent_on: datetime.date | None, notice_on: datetime.date, today: datetime.date
) -> str:
    """Why a written extension notice received on `notice_on` cannot be recorded, or ""."""
    if sent_on is None:
        return "Mark the request sent first: the extension adds 30 days to its clock."
    if notice_on > today:
        return "The notice cannot arrive after today."
    if notice_on < sent_on:
        return f"The notice cannot arrive before the request was sent ({sent_on:%b %-d, %Y})."
    deadline = extension_notice_deadline(sent_on)
    if notice_on > deadline:
        return (
            f"A notice must arrive within the first 30 days (by {deadline:%b %-d, %Y}) to "
            "extend the clock. Record what the provider said in a note instead."
        )
    return ""


NOT_SENT, WAITING, DUE_TODAY, OVERDUE, COMPLETE = (
    "not_sent",
    "waiting",
    "due_today",
    "overdue",
    "complete",
)


@dataclass(frozen=True)
class Clock:
    """Where a request stands on its clocks, as every page shows it."""

    state: str
    answer_due_on: datetime.date | None
    days_left: int | None
    days_overdue: int
    follow_up_on: datetime.date | None
    follow_up_due: bool
    extended: bool

    @property
    def label(self) -> str:
        if self.state == NOT_SENT:
            return "Not sent yet"
        if self.state == COMPLETE:
            return "Complete"
        if self.state == DUE_TODAY:
            return "Answer due today"
        if self.state == OVERDUE:
            return f"{self.days_overdue} day{'s' if self.days_overdue != 1 else ''} overdue"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"

    @property
    def is_late(self) -> bool:
        return self.state == OVERDUE


def clock(
    *,
    sent_on: datetime.date | None,
    answer_due_on: datetime.date | None,
    extension_notice_on: datetime.date | None,
    follow_up_on: datetime.date | None,
    completed_on: datetime.date | None,
    today: datetime.date,
) -> Clock:
    """The request's clock on `today` (team time zone), from its stored dates."""
    if completed_on is not None:
        state = COMPLETE
    elif sent_on is None or answer_due_on is None:
        state = NOT_SENT
    elif answer_due_on > today:
        state = WAITING
    elif answer_due_on == today:
        state = DUE_TODAY
    else:
        state = OVERDUE
    running = state in (WAITING, DUE_TODAY, OVERDUE)
    return Clock(
        state=state,
        answer_due_on=answer_due_on,
        days_left=(answer_due_on - today).days if running and answer_due_on >= today else None,
        days_overdue=(today - answer_due_on).days if state == OVERDUE else 0,
        follow_up_on=follow_up_on,
        follow_up_due=completed_on is None and follow_up_on is not None and follow_up_on <= today,
        extended=extension_notice_on is not None,
    )


def request_clock(records_request, today: datetime.date) -> Clock:
    """`clock` of a RecordsRequest row (or anything with its date attributes)."""
    return clock(
        sent_on=records_request.sent_on,
        answer_due_on=records_request.answer_due_on,
        extension_notice_on=records_request.extension_notice_on,
        follow_up_on=records_request.follow_up_on,
        completed_on=records_request.completed_on,
        today=today,
    )
