"""The business calendar the reports join against, so business days are counted in SQL."""

from django.db import models


class BusinessDay(models.Model):
    """One calendar day, in the team's time zone, and its running business-day number.

    `ordinal` counts the business days (Monday–Friday less public holidays, as in
    `cases.business_days.is_business_day`) from the first day in the table up to and including
    this day. So the business days after day A up to and including day B are
    `ordinal(B) - ordinal(A)`, exactly what `business_days_between(A, B)` returns.
    """

    day = models.DateField(primary_key=True)
    ordinal = models.PositiveIntegerField()
    # `day.toordinal()`: calendar days between two dates are the difference of two of these.
    day_number = models.PositiveIntegerField()
    is_business_day = models.BooleanField()
    # The instant the day begins in the team's time zone: a timestamp's day is the row with the
    # latest `starts_at` not after it, an index seek on every database (no time-zone functions).
    starts_at = models.DateTimeField(unique=True)
    month = models.PositiveIntegerField()  # yyyymm, for trends by month

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: business day #{self.ordinal}"
