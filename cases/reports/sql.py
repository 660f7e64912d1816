"""SQL building blocks for the reports: a timestamp's day and month in the team's time zone,
and count, median and 90th percentile of day counts in one query on SQLite and PostgreSQL."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connections, models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate

from cases.models import BusinessDay
from cases.reports.parts import ReportFilters, share


def seeks_days(db: str = "default") -> bool:
    """Whether a timestamp's day is sought in the calendar rather than converted.

    PostgreSQL converts time zones natively, so there a timestamp's day is computed and joined
    to the calendar (a hash join). SQLite would run Django's time-zone functions in Python for
    every row, so there the calendar is searched for the day that began last at or before the
    timestamp (an index seek per row).
    """
    return connections[db].vendor == "sqlite"


def calendar_seek(timestamp_field: str, column: str, output_field) -> Subquery:
    return Subquery(
        BusinessDay.objects.filter(starts_at__lte=OuterRef(timestamp_field))
        .order_by("-starts_at")
        .values(column)[:1],
        output_field=output_field,
    )


def local_day(timestamp_field: str):
    """The team-time-zone day holding a timestamp of the row."""
    if seeks_days():
        return calendar_seek(timestamp_field, "day", models.DateField())
    return TruncDate(timestamp_field)


def month_of(timestamp_field: str):
    """yyyymm of a timestamp in the team's time zone."""
    if seeks_days():
        return calendar_seek(timestamp_field, "month", models.IntegerField())
    return ExtractYear(timestamp_field) * 100 + ExtractMonth(timestamp_field)


def month_in_period(timestamp_field: str, filters: ReportFilters) -> models.Case:
    """yyyymm of a timestamp of a row in the filters' period: the month whose first instant
    (`ReportFilters.of_month`, as the cases behind a month's row are found) it is not before.
    A few comparisons per row instead of `month_of`'s time-zone work or calendar seek, for
    rows the period's index range has found."""
    months = filters.months()
    return models.Case(
        *(
            When(Q(**{f"{timestamp_field}__lt": filters.of_month(later).moments()[0]}), then=month)
            for month, later in zip(months, months[1:], strict=False)
        ),
        default=Value(months[-1]),
        output_field=models.IntegerField(),
    )


@dataclass(frozen=True)
class Distribution:
    count: int
    median: float | None
    p90: float | None
    flags: dict[str, int]

    def share(self, flag: str) -> float | None:
        return share(self.flags.get(flag), self.count)


def percentile_sql(percent: int) -> str:
    # Position h - 1 = percent * (cnt - 1) / 100, split into whole and fraction with integer
    # arithmetic (the same on SQLite and PostgreSQL). The value at 1-based rank r is the
    # smallest value whose running count reaches r; the percentile is the value at the whole
    # rank plus the fraction of the step to the next rank's value (absent only when the
    # fraction is 0).
    # `cnt` is the same on every row of a group: inside an aggregate it is read per row, outside
    # one as MAX(cnt).
    scaled = f"({percent} * (cnt - 1))"
    lower = f"(1 + {scaled} / 100)"
    group_scaled = f"({percent} * (MAX(cnt) - 1))"
    fraction = f"(({group_scaled} - ({group_scaled} / 100) * 100) / 100.0)"
    return (
        f"MIN(CASE WHEN upto >= {lower} THEN metric_value END) * (1 - {fraction}) + "
        f"COALESCE(MIN(CASE WHEN upto >= {lower} + 1 THEN metric_value END), 0) * {fraction}"
    )


# The key of all groups together (`with_total`); no group key is 0 (months are yyyymm).
TOTAL = 0
CALENDAR_COUNTS = {"ordinal": "business days", "day_number": "calendar days"}


def distributions(
    rows: QuerySet,
    *,
    counting: str = "ordinal",
    by_date: dict[str, str] | None = None,
    within: dict[str, int] | None = None,
    with_total: bool = False,
) -> dict[Any, Distribution]:
    """Count, median, 90th percentile and flag totals of the days between two dates, per group.

    `rows` is a values() queryset with the columns `group_key`, `first_day`, `last_day` and
    each date column named in `by_date`. The days from `first_day` to `last_day` are counted
    with the calendar's `counting` column (`ordinal`: business days; `day_number`: calendar
    days). Flags count rows: `by_date` maps a flag to a date column (`last_day` on or before
    it), `within` maps a flag to a number of days (at most that many). Rows whose days are
    missing or outside the calendar are left out. `with_total` adds the figures of all groups
    together under the key `TOTAL`, from the same histogram. One query (SQLite has no
    percentile function):
    1. join both days to the calendar and take the difference;
    2. a histogram: how many rows hold each value, per group (day counts repeat a lot);
    3. window sums over the histogram: the running count up to each value, the group's count;
    4. per group, the values at the ranks either side of each percentile's position.
    """
    by_date, within = by_date or {}, within or {}
    if counting not in CALENDAR_COUNTS or not all(
        name.isidentifier() for name in [*by_date, *by_date.values(), *within]
    ):
        raise ValueError("Calendar columns and flag names are written in code.")
    inner_sql, params = rows.order_by().query.sql_with_params()
    calendar = BusinessDay._meta.db_table
    difference = f"last_day.{counting} - first_day.{counting}"
    measured_flags = "".join(
        f", CASE WHEN inner_rows.last_day <= inner_rows.{column} THEN 1 ELSE 0 END AS {name}"
        for name, column in by_date.items()
    ) + "".join(
        f", CASE WHEN {difference} <= {int(days)} THEN 1 ELSE 0 END AS {name}"
        for name, days in within.items()
    )
    names = [*by_date, *within]
    flag_sums = "".join(f", SUM({name}) AS {name}" for name in names)
    flag_columns = "".join(f", {name}" for name in names)
    flag_totals = "".join(f", SUM({name})" for name in names)
    # Safe: every piece is written in this module except `inner_sql`, which the ORM compiled
    # with its values kept apart in `params`.
    percentiles = f"{percentile_sql(50)}, {percentile_sql(90)}"
    histograms = "SELECT * FROM histogram"
    if with_total:
        histograms += (
            f" UNION ALL SELECT {TOTAL}, metric_value, SUM(n){flag_totals} "  # noqa: S608 # nosec B608
            "FROM histogram GROUP BY metric_value"
        )
    sql = (
        f"WITH histogram AS (SELECT group_key, metric_value, COUNT(*) AS n{flag_sums} "  # noqa: S608 # nosec B608
        f"FROM (SELECT inner_rows.group_key AS group_key, {difference} AS metric_value"
        f"{measured_flags} FROM ({inner_sql}) AS inner_rows "
        f"INNER JOIN {calendar} AS first_day ON first_day.day = inner_rows.first_day "
        f"INNER JOIN {calendar} AS last_day ON last_day.day = inner_rows.last_day"
        ") AS measured GROUP BY group_key, metric_value) "
        f"SELECT group_key, MAX(cnt), {percentiles}{flag_totals} "
        f"FROM (SELECT group_key, metric_value{flag_columns}, "
        "CAST(SUM(n) OVER (PARTITION BY group_key ORDER BY metric_value "
        "ROWS UNBOUNDED PRECEDING) AS INTEGER) AS upto, "
        "CAST(SUM(n) OVER (PARTITION BY group_key) AS INTEGER) AS cnt "
        f"FROM ({histograms}) AS histograms) AS running "
        "GROUP BY group_key"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    return {
        row[0]: Distribution(
            count=int(row[1]),
            median=rounded(row[2]),
            p90=rounded(row[3]),
            flags={name: int(value or 0) for name, value in zip(names, row[4:], strict=True)},
        )
        for row in result
    }


def rounded(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


EMPTY = Distribution(count=0, median=None, p90=None, flags={})


def day_counts(
    rows: QuerySet, *, counting: str = "ordinal", flag_day: bool = False
) -> list[tuple[int, str, int, int, int]]:
    """(month, group, days, rows, rows flagged) of the rows, the histograms
    `cases.reports.histograms` keeps: the same days as `distributions` counts, joined to the
    calendar the same way (rows whose days are missing or outside it are left out).

    `rows` is a values() queryset with `month_key`, `group_key`, `first_day`, `last_day` and,
    with `flag_day`, `flag_day`: a row is flagged when `last_day` is on or before it. One query.
    """
    if counting not in CALENDAR_COUNTS:
        raise ValueError("Calendar columns are written in code.")
    inner_sql, params = rows.order_by().query.sql_with_params()
    calendar = BusinessDay._meta.db_table
    flag = (
        "SUM(CASE WHEN inner_rows.last_day <= inner_rows.flag_day THEN 1 ELSE 0 END)"
        if flag_day
        else "0"
    )
    # Safe: every piece is written in this module except `inner_sql`, which the ORM compiled
    # with its values kept apart in `params`.
    sql = (
        "SELECT inner_rows.month_key, inner_rows.group_key, "  # noqa: S608 # nosec B608
        f"last_day.{counting} - first_day.{counting}, COUNT(*), {flag} "
        f"FROM ({inner_sql}) AS inner_rows "
        f"INNER JOIN {calendar} AS first_day ON first_day.day = inner_rows.first_day "
        f"INNER JOIN {calendar} AS last_day ON last_day.day = inner_rows.last_day "
        "GROUP BY inner_rows.month_key, inner_rows.group_key, "
        f"last_day.{counting} - first_day.{counting}"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (int(month), str(group), int(days), int(count), int(flagged or 0))
            for month, group, days, count, flagged in cursor.fetchall()
        ]


def percentile_of(histogram: list[tuple[int, int]], count: int, percent: int) -> float | None:
    """The `percent`-th percentile of a histogram of (value, rows) sorted by value, exactly as
    `percentile_sql` computes it: the value at the whole rank plus the fraction of the step to
    the next rank's value."""
    if not count:
        return None
    scaled = percent * (count - 1)
    lower_rank, hundredths = 1 + scaled // 100, scaled % 100
    lower = upper = None
    running = 0
    for value, rows in histogram:
        running += rows
        if lower is None and running >= lower_rank:
            lower = value
        if running >= lower_rank + 1:
            upper = value
            break
    exact = Fraction(lower) * (100 - hundredths) / 100 + Fraction(upper or 0) * hundredths / 100
    return rounded(float(exact))


def distribution_of(histogram: dict[int, tuple[int, int]], flag: str = "") -> Distribution:
    """Count, median, 90th percentile (and the flagged rows as `flag`) of a histogram
    {days: (rows, rows flagged)}: the figures `distributions` gives for the same rows."""
    values = sorted((days, rows) for days, (rows, _) in histogram.items() if rows)
    count = sum(rows for _, rows in values)
    flags = {flag: sum(flagged for _, flagged in histogram.values())} if flag else {}
    return Distribution(
        count=count,
        median=percentile_of(values, count, 50),
        p90=percentile_of(values, count, 90),
        flags=flags,
    )
