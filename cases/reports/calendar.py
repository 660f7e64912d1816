"""Filling the business calendar (`BusinessDay`) that lets SQL count business days.

The migration fills `DEFAULT_FIRST_YEAR`–`DEFAULT_LAST_YEAR`; `python manage.py
business_calendar` rebuilds it (for other years, or after changing `TIME_ZONE` or the holidays
settings: the table holds each day's start in the team's time zone and its holidays).
A date outside the table has no business-day number, so a report leaves it out of its figures.
"""

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, router, transaction

from cases.business_days import is_business_day

DEFAULT_FIRST_YEAR = 2000
DEFAULT_LAST_YEAR = 2050


def calendar_days(first_year: int, last_year: int) -> Iterator[tuple[datetime.date, int, bool]]:
    """(day, running business-day number, is a business day) for every day of the years."""
    day = datetime.date(first_year, 1, 1)
    last = datetime.date(last_year, 12, 31)
    ordinal = 0
    while day <= last:
        open_for_business = is_business_day(day)
        ordinal += open_for_business
        yield day, ordinal, open_for_business
        day += datetime.timedelta(days=1)


def day_starts_at(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the team's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def business_calendar_fill(
    *,
    model=None,
    first_year: int = DEFAULT_FIRST_YEAR,
    last_year: int = DEFAULT_LAST_YEAR,
) -> int:
    """Replace the whole calendar with the given years; `model` is the migration's model."""
    if model is None:
        from cases.models import BusinessDay as model
    if last_year < first_year:
        raise ValueError("The last year comes before the first year.")
    # One `executemany` of plain values, each adapted as the ORM would store it: building
    # 18,000 model objects cost the demo's first start about a second (`make run`).
    connection = connections[router.db_for_write(model)]
    adapt = connection.ops
    rows = [
        (
            adapt.adapt_datefield_value(day),
            ordinal,
            day.toordinal(),
            adapt.adapt_datetimefield_value(day_starts_at(day)),
            day.year * 100 + day.month,
            open_for_business,
        )
        for day, ordinal, open_for_business in calendar_days(first_year, last_year)
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column)
        for name in ("day", "ordinal", "day_number", "starts_at", "month", "is_business_day")
    )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        model.objects.using(connection.alias).all().delete()
        cursor.executemany(
            # Our own table and columns, quoted; the values are parameters.
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608 # nosec B608
            rows,
        )
    return len(rows)
