"""The timeliness report: business days to the appointment and time in each stage.

Definitions: `cases.reports.registry`."""

from django.db.models import (
    DateField,
    F,
)
from django.db.models.functions import Coalesce

from cases.models import (
    STAGE_ORDER,
    Case,
    Stage,
    Step,
)
from cases.reports.parts import (
    ROW_KEY,
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
    month_label,
    share,
)
from cases.reports.sql import EMPTY, TOTAL, distributions, local_day, month_of

# --- 2. Timeliness ----------------------------------------------------------------------------


def timeliness(filters: ReportFilters) -> Report:
    """Business days from case opened to appointment (all and by month); time in each stage and
    the share finished within its time limit. Two queries."""
    appointments = (
        Case.objects.filter(filters.in_period("appointment__scheduled_at"))
        .exclude(status=Case.Status.WITHDRAWN)
        .filter(filters.cases_q())
        .annotate(first_day=local_day("opened_at"), last_day=local_day("appointment__scheduled_at"))
    )
    by_month = distributions(
        appointments.values(
            "first_day", "last_day", group_key=month_of("appointment__scheduled_at")
        ),
        with_total=True,
    )
    overall = by_month.pop(TOTAL, EMPTY)
    steps = (
        Step.objects.filter(filters.in_period("finished_at"), status=Step.Status.DONE)
        .filter(started_at__isnull=False)
        .filter(filters.cases_q("case__"))
        .annotate(
            first_day=local_day("started_at"),
            last_day=local_day("finished_at"),
            # A step done straight from pending (the records came early) never had a clock
            # or a due date: 0 days, and within its limit.
            limit_day=Coalesce("due_date", local_day("finished_at"), output_field=DateField()),
        )
    )
    by_stage = distributions(
        steps.values("first_day", "last_day", "limit_day", group_key=F("stage")),
        by_date={"flag_on_time": "limit_day"},
    )
    stage_rows = []
    for stage in STAGE_ORDER:
        figures = by_stage.get(stage.value, EMPTY)
        stage_rows.append(
            {
                ROW_KEY: stage.value,
                "stage": Stage(stage).label,
                "count": figures.count,
                "median": figures.median,
                "p90": figures.p90,
                "on_time": figures.share("flag_on_time"),
            }
        )
    month_rows = []
    for month in filters.months():
        figures = by_month.get(month, EMPTY)
        month_rows.append(
            {
                ROW_KEY: month,
                "month": month_label(month),
                "count": figures.count,
                "median": figures.median,
                "p90": figures.p90,
            }
        )
    days_columns = [
        Column("count", "Cases", "count"),
        Column("median", "Median business days", "days"),
        Column("p90", "90th percentile", "days"),
    ]
    on_time_steps = sum(by_stage.get(s.value, EMPTY).flags.get("flag_on_time", 0) for s in Stage)
    finished_steps = sum(by_stage.get(s.value, EMPTY).count for s in Stage)
    return Report(
        slug="timeliness",
        title="Timeliness",
        tables=[
            Table(
                "to_appointment",
                "Case opened to appointment",
                days_columns,
                [{"count": overall.count, "median": overall.median, "p90": overall.p90}],
                note="Cases whose appointment date falls in the period (withdrawn cases left "
                "out); business days after the day the case was opened up to the appointment day.",
            ),
            Table(
                "stages",
                "Time in each stage",
                [
                    Column("stage", "Stage"),
                    Column("count", "Steps finished", "count"),
                    Column("median", "Median business days", "days"),
                    Column("p90", "90th percentile", "days"),
                    Column("on_time", "Finished within time limit", "percent"),
                ],
                stage_rows,
                note="Steps marked done in the period, from when the step started to when it "
                "was done; within the time limit means done on or before its due date (a step "
                "done straight from pending counts as 0 days, within its limit).",
            ),
            Table(
                "by_month",
                "Case opened to appointment, by month of the appointment",
                [Column("month", "Month"), *days_columns],
                month_rows,
            ),
        ],
        headlines=[
            Headline("Median business days to appointment", overall.median, "days"),
            Headline("90th percentile", overall.p90, "days"),
            Headline(
                "Steps done within their limit", share(on_time_steps, finished_steps), "percent"
            ),
        ],
        charts=[
            Chart(
                "Business days from opening to appointment, by month",
                "by_month",
                "month",
                (("median", "Median"), ("p90", "90th percentile")),
                "days",
                over_time=True,
            )
        ],
    )
