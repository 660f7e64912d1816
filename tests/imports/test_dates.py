"""The date forms the README promises the import reads, and the ones it refuses."""

import datetime

import pytest
from django.utils import timezone

from cases.imports.validation import parse_date, parse_date_time

MARCH_4 = datetime.date(2026, 3, 4)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-04",
        "03/04/2026",
        "3/4/2026",
        "4 Mar 2026",
        "4 Mar. 2026",
        "March 4, 2026",
        "Mar 4 2026",
        "04-Mar-2026",
        "4 march 2026",
    ],
)
def test_every_promised_form_reads_as_the_same_day(text):
    assert parse_date(text) == MARCH_4


@pytest.mark.parametrize("text", ["31/12/1970", "03/04/26", "2026-02-30", "soon", "4th of March"])
def test_a_day_first_date_a_short_year_or_no_date_is_refused(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("2026-03-26 14:30", 14, 30),
        ("3/26/2026 2:30 PM", 14, 30),
        ("March 26, 2026 9am", 9, 0),
        ("2026-03-26", 12, 0),
    ],
)
def test_an_appointment_reads_its_time_of_day_or_noon(settings, text, hour, minute):
    moment = timezone.localtime(parse_date_time(text))
    assert (moment.date(), moment.hour, moment.minute) == (datetime.date(2026, 3, 26), hour, minute)
