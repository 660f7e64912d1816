"""Supervisor reports: one selector per report, every figure an SQL aggregate.

Each selector takes `ReportFilters` and returns a `Report` of tables; the page and the CSV
download both render those same tables, so a download holds exactly what the page shows. Each
selector runs a fixed number of queries however many cases there are. `REPORTS` is the registry:
a new report is a selector plus one `ReportDefinition` line.

Definitions (also in the README):
- A **business day** is Monday–Friday less the configured public holidays
  (`cases.business_days.is_business_day`). SQL counts them with the `BusinessDay` calendar: the
  business days after day A up to and including day B are `ordinal(B) - ordinal(A)`. A
  timestamp's day is its day in the team's time zone (the calendar holds when each day starts).
- **Median and 90th percentile** use linear interpolation between closest ranks (PostgreSQL's
  `percentile_cont`, Excel's `PERCENTILE.INC`): sort the n values v1..vn; the p-th percentile
  sits at position h = 1 + (p/100)·(n−1) and is v⌊h⌋ + (h−⌊h⌋)·(v⌊h⌋+1 − v⌊h⌋). The median of
  2, 4, 5, 10 is 4.5; their 90th percentile is 5 + 0.7·5 = 8.5.
- **Overdue**: a step in progress or blocked whose due date is before today, on an open case.
  *Overdue now* is as of today: it has no period filter and lists every such step.
- **Completed**: a case whose status is completed; it counts in the period holding its
  `closed_at`.
- **Time in stage**: business days from a done step's `started_at` to its `finished_at`;
  **within its time limit** means finished on or before its due date. A step marked done
  straight from pending (its clock never started, so it has no due date) took 0 days and
  counts as within its limit.
- **Sent to received** (records): calendar days from the day a records request was sent to the
  day each of its records arrived, for records that arrived in the period, per source and per
  kind of record; **within the legal clock**: arrived on or before the request's answer due date
  (30 days after sending, 60 with a written extension: `cases.records.clocks`).
- **Screening and barriers** (`cases.reports.screening`; the settings `SCREENING_THRESHOLD`,
  `RESCREENING_DAYS`, `SCREENING_WITHIN_DAYS`): a **new case** is one opened in the period and
  not withdrawn; it is **screened on time** when its first Distress Thermometer screening is at
  most SCREENING_WITHIN_DAYS calendar days after the day it was opened. Scores count every
  screening done in the period. **At or above the threshold**: a score of SCREENING_THRESHOLD
  or more; **with a referral**: its plan is a referral; **days to referral**: calendar days
  from the screening to the day the referral was recorded. A **rescreen** is a screening after
  an earlier one of the same case, **on time** when at most RESCREENING_DAYS calendar days
  after the one before. A barrier is **identified** in the period by its day; **resolved**
  (or closed unresolved) by the period's end; **days to resolution**: calendar days from
  identified to resolved, for barriers resolved in the period; **open at period end**:
  identified by the period's end and not resolved or closed by then.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cases.reports.caseload import team_caseload
from cases.reports.insurance import insurance
from cases.reports.overdue import overdue_now
from cases.reports.parts import (
    Report,
    ReportFilters,
)
from cases.reports.records import records
from cases.reports.reminder_delivery import reminder_delivery
from cases.reports.screening import screening_barriers
from cases.reports.timeliness import timeliness
from cases.reports.volume import volume


@dataclass(frozen=True)
class ReportDefinition:
    slug: str
    title: str
    summary: str
    build: Callable[[ReportFilters], Report]
    # False for a report "as of today" (*Overdue now*): its page has no period filter, its
    # figures ignore the filters' dates, and its CSV and headings say the day it is as of.
    period: bool = True
    # True for a report whose `build` takes `summary=True`: its headline figures and its table
    # by month, without the tables they do not need (fewer queries, the same figures).
    summarizes: bool = False

    def build_summary(self, filters: ReportFilters) -> Report:
        """What the dashboard shows of the report: its headline figures and its table by month
        (the whole report where it has no summary of its own)."""
        return self.build(filters, summary=True) if self.summarizes else self.build(filters)


REPORTS: dict[str, ReportDefinition] = {
    definition.slug: definition
    for definition in [
        ReportDefinition(
            "caseload",
            "Team caseload",
            "Open, overdue, due this week, on hold and urgent cases per social worker.",
            team_caseload,
        ),
        ReportDefinition(
            "timeliness",
            "Timeliness",
            "Business days to the appointment and time in each stage, with trends by month.",
            timeliness,
        ),
        ReportDefinition(
            "overdue",
            "Overdue now",
            "Every overdue step across the team today, oldest first.",
            overdue_now,
            period=False,
        ),
        ReportDefinition(
            "insurance",
            "Insurance",
            "Preauthorization decisions, decision times against the payers' clocks, denials.",
            insurance,
            summarizes=True,
        ),
        ReportDefinition(
            "records",
            "Records",
            "Days until records are complete; the sources and record types that take longest.",
            records,
        ),
        ReportDefinition(
            "volume",
            "Volume and reasons",
            "Cases opened and completed by month, reasons, diagnoses and centres.",
            volume,
            summarizes=True,
        ),
        ReportDefinition(
            "reminders",
            "Reminder delivery",
            "Reminders sent, failed and undelivered by channel; escalations by social worker.",
            reminder_delivery,
        ),
        ReportDefinition(
            "screening",
            "Screening and barriers",
            "Distress screening, scores, referrals and rescreens; barriers to care by kind, "
            "resolved and open, interventions used.",
            screening_barriers,
        ),
    ]
}

# The dashboard's headline figures and trend charts come from these reports' summaries
# (`ReportDefinition.build_summary`).
DASHBOARD_REPORTS = ("caseload", "timeliness", "volume", "insurance", "records")
