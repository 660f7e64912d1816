"""The screening rules in one place, read from settings each time (tests change them):
the threshold that asks for a plan, the rescreening interval, the report's "screened within"."""

import datetime

from django.conf import settings


def threshold() -> int:
    """A Distress Thermometer score at or above this asks for a plan (NCCN: 4)."""
    return settings.SCREENING_THRESHOLD


def rescreening_days() -> int:
    return settings.RESCREENING_DAYS


def screening_within_days() -> int:
    return settings.SCREENING_WITHIN_DAYS


def needs_plan(score: int) -> bool:
    return score >= threshold()


def rescreening_due_on(last_screened_on: datetime.date) -> datetime.date:
    """The day an open case is due for rescreening after a screening on `last_screened_on`."""
    return last_screened_on + datetime.timedelta(days=rescreening_days())
