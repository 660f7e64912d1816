"""Whose work a Today page lists (`Scope`) and the day it is for (`Day`): what every list's
definition reads, the ORM's (`selectors`) and the hand-written SQL's (`statements`) alike."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cases.business_days import business_days_between

# Appointments this many days ahead (counting today) are "this week".
APPOINTMENT_DAYS = 7


@dataclass(frozen=True)
class Scope:
    """Whose work a Today page lists."""

    viewer_id: int
    # Whose cases are listed (their social workers), and whose follow-ups (their assignees):
    # a short list of ids, read once, so each list's query names them plainly (cheaper to build
    # than the caseload's subquery eight times over); None: everyone's.
    owner_ids: list[int] | None
    # A supervisor's view: new patient questions count from each case owner's last visit, and
    # follow-ups are the assignee's wherever they are. A social worker's: from their own visit,
    # and only on cases they may see.
    supervisor: bool
    worker: object = None


@dataclass(frozen=True)
class Day:
    """The instant a Today page is for, and the dates its rules read."""

    now: datetime.datetime
    today: datetime.date
    # The last business day on or before today (today itself on a business day).
    last_business_day: datetime.date
    # Business days late by due date, counted once a page: many rows share a due date, and
    # each count walks the calendar day by day.
    _late: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_business_day(self) -> bool:
        return self.today == self.last_business_day

    @property
    def appointments_end(self) -> datetime.datetime:
        """The end of the seventh day after today (team time zone): appointments before it
        are this week's."""
        return timezone.make_aware(
            datetime.datetime.combine(
                self.today + datetime.timedelta(days=APPOINTMENT_DAYS + 1), datetime.time()
            )
        )

    def business_days_late(self, due_date: datetime.date) -> int:
        """Business days after `due_date` up to the last business day."""
        if due_date not in self._late:
            self._late[due_date] = business_days_between(due_date, self.last_business_day)
        return self._late[due_date]
