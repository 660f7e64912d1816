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
        indexes = [
            # A timestamp's day and month sought (SQLite), and a day's numbers joined, from the
            # index alone: the reports' statements do both for every row they count.
            models.Index(fields=["starts_at", "day", "month"], name="businessday_seek"),
            models.Index(fields=["day", "ordinal", "day_number"], name="businessday_numbers"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: business day #{self.ordinal}"


class ReportHistogram(models.Model):
    """How many rows of one report figure took each whole number of days, per month.

    A row is a delta: `count` (and `flagged`, the rows within their limit) may be negative, and
    the figure for a key is the sum of its rows. `cases.reports.histograms` keeps them: the
    services that change a figure's data add the difference in the same transaction, and
    `python manage.py report_histograms` rebuilds them all (after a bulk load) into one row per
    key. The reports read them only while a `ReportHistogramBuild` row says they are whole.
    """

    metric = models.CharField(max_length=24)
    month = models.PositiveIntegerField()  # yyyymm of the event, in the team's time zone
    group = models.CharField(max_length=210, blank=True)
    value = models.IntegerField()  # whole days (business or calendar, as the metric counts)
    count = models.IntegerField()
    flagged = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["metric", "month"], name="report_histogram_month")]

    def __str__(self) -> str:
        return f"{self.metric} {self.month} {self.group}: {self.value} days × {self.count}"


class ReportHistogramBuild(models.Model):
    """Present when the histograms were rebuilt and are kept from then on (one row)."""

    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Report histograms built {self.built_at:%Y-%m-%d %H:%M}"
