import datetime

from cases.business_days import (
    add_business_days,
    business_days_between,
    first_business_day_of_month,
    is_business_day,
)

# November 2026 (US): Thanksgiving is Thursday the 26th; the 28th and 29th are a weekend.


def test_weekends_are_not_business_days():
    assert is_business_day(datetime.date(2026, 11, 27))  # Friday
    assert not is_business_day(datetime.date(2026, 11, 28))  # Saturday
    assert not is_business_day(datetime.date(2026, 11, 29))  # Sunday


def test_public_holidays_are_skipped():
    assert not is_business_day(datetime.date(2026, 11, 26))  # Thanksgiving
    # Wednesday + 1 business day skips Thanksgiving and lands on Friday.
    assert add_business_days(datetime.date(2026, 11, 25), 1) == datetime.date(2026, 11, 27)


def test_counting_skips_the_weekend():
    friday = datetime.date(2026, 11, 20)
    assert add_business_days(friday, 1) == datetime.date(2026, 11, 23)
    assert add_business_days(friday, 3) == datetime.date(2026, 11, 25)
    # 5 business days from Monday the 23rd: Tue, Wed, (Thanksgiving), Fri, Mon, Tue.
    assert add_business_days(datetime.date(2026, 11, 23), 5) == datetime.date(2026, 12, 1)


def test_a_start_on_the_weekend_counts_from_monday():
    saturday = datetime.date(2026, 11, 21)
    assert add_business_days(saturday, 1) == datetime.date(2026, 11, 23)


def test_business_days_between_is_the_inverse_of_adding():
    start = datetime.date(2026, 11, 20)
    for days in range(0, 15):
        assert business_days_between(start, add_business_days(start, days)) == days
    assert business_days_between(datetime.date(2026, 11, 27), datetime.date(2026, 11, 20)) == -4


def test_holiday_country_comes_from_settings(settings):
    settings.HOLIDAYS_COUNTRY = "GB"
    settings.HOLIDAYS_SUBDIVISION = None
    assert is_business_day(datetime.date(2026, 11, 26))  # not a holiday in the UK
    assert not is_business_day(datetime.date(2026, 12, 25))


def test_a_months_first_business_day_skips_weekends_and_holidays():
    """One rule for "the first business day of the month" (the monthly summary's day)."""
    assert first_business_day_of_month(datetime.date(2026, 12, 15)) == datetime.date(2026, 12, 1)
    assert first_business_day_of_month(datetime.date(2026, 8, 1)) == datetime.date(2026, 8, 3)
    # New Year's Day is a Friday; Labor Day 2025 is Monday the 1st.
    assert first_business_day_of_month(datetime.date(2027, 1, 31)) == datetime.date(2027, 1, 4)
    assert first_business_day_of_month(datetime.date(2025, 9, 1)) == datetime.date(2025, 9, 2)
