"""The timeliness report: business days to the appointment and time in each stage.

Definitions: `cases.reports.registry`."""

from collections import defaultdict

from cases.models import STAGE_ORDER, Stage
from cases.reports.histograms import histogram_counts, uses_histograms
from cases.reports.measures import APPOINTMENTS, STAGES
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
from cases.reports.sql import EMPTY, TOTAL, distribution_of, distributions

# --- 2. Timeliness ----------------------------------------------------------------------------


def _counted(filters: ReportFilters) -> tuple[dict, dict]:
    """The figures by month (and `TOTAL`) and by stage, counted from every row. Two queries."""
    appointments = (
        APPOINTMENTS.rows()
        .filter(filters.in_period(APPOINTMENTS.period_field))
        .filter(filters.cases_q())
    )
    by_month = distributions(
        appointments.values("first_day", "last_day", group_key=APPOINTMENTS.month()),
        with_total=True,
    )
    steps = STAGES.rows().filter(filters.in_period(STAGES.period_field))
    by_stage = distributions(
        steps.filter(filters.cases_q("case__")).values(
            "first_day", "last_day", "flag_day", group_key=STAGES.group()
        ),
        by_date={"flag_on_time": "flag_day"},
    )
    return by_month, by_stage


def _from_histograms(filters: ReportFilters) -> tuple[dict, dict]:
    """The same figures from the histograms (`cases.reports.histograms`). Three queries."""
    appointments, steps = histogram_counts(filters, APPOINTMENTS, STAGES)
    months: dict = defaultdict(dict)
    for (month, _, days), (count, flagged) in appointments.items():
        months[month][days] = (count, flagged)
        total = months[TOTAL].get(days, (0, 0))
        months[TOTAL][days] = (total[0] + count, 0)
    stages: dict = defaultdict(dict)
    for (_, stage, days), (count, flagged) in steps.items():
        old = stages[stage].get(days, (0, 0))
        stages[stage][days] = (old[0] + count, old[1] + flagged)
    return (
        {month: distribution_of(histogram) for month, histogram in months.items()},
        {stage: distribution_of(histogram, "flag_on_time") for stage, histogram in stages.items()},
    )


def timeliness(filters: ReportFilters) -> Report:
    """Business days from case opened to appointment (all and by month); time in each stage and
    the share finished within its time limit. Two queries counted from the rows, or four with
    the histograms (`cases.reports.histograms`)."""
    if uses_histograms(filters):
        by_month, by_stage = _from_histograms(filters)
    else:
        by_month, by_stage = _counted(filters)
    overall = by_month.pop(TOTAL, EMPTY)
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
