import datetime

import pytest
from django.core.management import CommandError, call_command

from cases.business_days import business_days_between
from cases.models import BusinessDay


def ordinal(day: datetime.date) -> int:
    return BusinessDay.objects.get(day=day).ordinal


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 16)),  # two weekends
        (datetime.date(2026, 7, 2), datetime.date(2026, 7, 6)),  # observed Independence Day
        (datetime.date(2025, 12, 24), datetime.date(2026, 1, 5)),  # Christmas, New Year
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 8)),  # Saturday to Sunday
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 6)),
    ],
)
def test_ordinal_difference_is_business_days_between(db, start, end):
    assert ordinal(end) - ordinal(start) == business_days_between(start, end)


def test_the_migration_fills_the_default_years(db):
    assert BusinessDay.objects.order_by("day").first().day == datetime.date(2000, 1, 1)
    assert BusinessDay.objects.order_by("day").last().day == datetime.date(2050, 12, 31)


def test_day_number_counts_calendar_days(db):
    first = BusinessDay.objects.get(day=datetime.date(2026, 2, 27))
    second = BusinessDay.objects.get(day=datetime.date(2026, 3, 2))
    assert second.day_number - first.day_number == 3


def test_the_command_rebuilds_for_other_years(db, settings):
    settings.HOLIDAYS_COUNTRY = "GB"
    call_command("business_calendar", "--first-year", "2025", "--last-year", "2026")
    assert BusinessDay.objects.count() == 365 * 2
    # Boxing Day 2026 falls on a Saturday: Great Britain's substitute holiday is Monday 28
    # December. Friday 3 July (the observed Independence Day in the US) is a working day.
    assert not BusinessDay.objects.get(day=datetime.date(2026, 12, 28)).is_business_day
    assert BusinessDay.objects.get(day=datetime.date(2026, 7, 3)).is_business_day


def test_the_command_refuses_years_in_the_wrong_order(db):
    with pytest.raises(CommandError, match="last year comes before"):
        call_command("business_calendar", "--first-year", "2030", "--last-year", "2020")
