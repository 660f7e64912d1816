"""Business days: Monday to Friday, less the configured country's public holidays.

Every due date and every "N business days" rule in Navigator goes through these functions, in
the team's time zone (settings.TIME_ZONE).
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _holidays_for(country: str, subdivision: str | None, year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def is_business_day(day: datetime.date) -> bool:
    if day.weekday() >= 5:
        return False
    closed = _holidays_for(settings.HOLIDAYS_COUNTRY, settings.HOLIDAYS_SUBDIVISION, day.year)
    return day not in closed


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The business day `days` business days after `start` (before it when negative).

    Counting starts from the day after `start`, so a 1-day limit from a Friday or a Saturday
    lands on the Monday (or on Tuesday when that Monday is a holiday).
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def first_business_day_of_month(day: datetime.date) -> datetime.date:
    """The first business day of `day`'s month: its 1st, or the next business day after it."""
    return add_business_days(day.replace(day=1) - datetime.timedelta(days=1), 1)


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Business days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -business_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count


def team_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in the team's time zone."""
    return timezone.localdate(now or timezone.now())
