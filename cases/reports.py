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
- **Completed**: a case whose status is completed; it counts in the period holding its
  `closed_at`.
- **Time in stage**: business days from a done step's `started_at` to its `finished_at`;
  **within its time limit** means finished on or before its due date. A step marked done
  straight from pending (its clock never started, so it has no due date) took 0 days and
  counts as within its limit.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from cases.access import SOCIAL_WORKERS
from cases.business_days import team_today
from cases.models import (
    STAGE_ORDER,
    Case,
    CaseReason,
    Channel,
    ChecklistItem,
    Delivery,
    GliomaType,
    Grade,
    Insurance,
    Reason,
    Reminder,
    Rule,
    Stage,
    Step,
    Urgency,
)
from cases.models.staff import name_from_parts
from cases.report_parts import (
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
    month_label,
    share,
)
from cases.report_sql import EMPTY, TOTAL, distributions, local_day, month_of

ACTIVE_STEP_STATUSES = (Step.Status.IN_PROGRESS, Step.Status.BLOCKED)
DENIED_AT_FIRST = (
    Insurance.Decision.DENIED,
    Insurance.Decision.APPEALED,
    Insurance.Decision.OVERTURNED,
)
# Payers' clocks for a preauthorization decision, in calendar days (72 hours = 3 days).
URGENT_CLOCK_DAYS = 3
STANDARD_CLOCK_DAYS = (7, 15)


# --- 1. Team caseload -----------------------------------------------------------------------


def team_caseload(filters: ReportFilters, today: datetime.date | None = None) -> Report:
    """Per social worker: open cases, overdue steps, due this week, on hold, urgent, opened and
    completed in the period. Two queries."""
    today = today or team_today()
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    first, after = filters.moments()
    case_q = filters.cases_q("cases__")
    # Every social worker, and anyone else who still owns an open or held case (an account
    # deactivated or moved to another role): their cases count in the totals too.
    users = get_user_model().objects
    social_workers = users.filter(groups__name=SOCIAL_WORKERS, is_active=True).values("pk")
    owners = Case.objects.filter(status__in=[Case.Status.OPEN, Case.Status.ON_HOLD]).values(
        "social_worker_id"
    )
    workers = users.filter(Q(pk__in=social_workers) | Q(pk__in=owners))
    if filters.social_worker:
        workers = workers.filter(pk=filters.social_worker)
    open_q = Q(cases__status=Case.Status.OPEN) & case_q
    rows = list(
        workers.annotate(
            open_cases=Count("cases", filter=open_q),
            due_this_week=Count(
                "cases", filter=open_q & Q(cases__next_due_date__range=(monday, sunday))
            ),
            on_hold=Count("cases", filter=Q(cases__status=Case.Status.ON_HOLD) & case_q),
            urgent=Count("cases", filter=open_q & Q(cases__urgency=Urgency.URGENT)),
            opened=Count(
                "cases", filter=Q(cases__opened_at__gte=first, cases__opened_at__lt=after) & case_q
            ),
            completed=Count(
                "cases",
                filter=Q(
                    cases__status=Case.Status.COMPLETED,
                    cases__closed_at__gte=first,
                    cases__closed_at__lt=after,
                )
                & case_q,
            ),
        )
        .values(
            "id",
            "first_name",
            "last_name",
            "username",
            "open_cases",
            "due_this_week",
            "on_hold",
            "urgent",
            "opened",
            "completed",
        )
        .order_by("first_name", "last_name", "username")
    )
    overdue_by_worker = dict(
        _overdue_steps(filters, today)
        .values_list("case__social_worker_id")
        .annotate(steps=Count("id"))
        .order_by()
    )
    for row in rows:
        row["name"] = name_from_parts(row["first_name"], row["last_name"], row["username"])
        row["overdue_steps"] = overdue_by_worker.get(row["id"], 0)
    figures = ["open_cases", "overdue_steps", "due_this_week", "on_hold", "urgent"]
    totals = {key: sum(row[key] for row in rows) for key in [*figures, "opened", "completed"]}
    open_counts = [row["open_cases"] for row in rows]
    table = Table(
        key="caseload",
        caption="Caseload by social worker",
        columns=[
            Column("name", "Social worker"),
            Column("open_cases", "Open cases", "count"),
            Column("overdue_steps", "Overdue steps", "count"),
            Column("due_this_week", "Due this week", "count"),
            Column("on_hold", "On hold", "count"),
            Column("urgent", "Urgent (open)", "count"),
            Column("opened", "Opened in period", "count"),
            Column("completed", "Completed in period", "count"),
        ],
        rows=rows,
        note="Open, overdue, due this week, on hold and urgent are as of today; opened and "
        "completed count the cases opened or completed in the period.",
    )
    return Report(
        slug="caseload",
        title="Team caseload",
        tables=[table],
        headlines=[
            Headline("Open cases", totals["open_cases"]),
            Headline("Overdue steps", totals["overdue_steps"]),
            Headline("Due this week", totals["due_this_week"]),
            Headline("On hold", totals["on_hold"]),
            Headline(
                "Open cases per social worker, fewest to most",
                f"{min(open_counts)}–{max(open_counts)}" if open_counts else None,
                "text",
            ),
            Headline("Opened in period", totals["opened"]),
            Headline("Completed in period", totals["completed"]),
        ],
        charts=[
            Chart(
                "Open cases and overdue steps by social worker",
                "caseload",
                "name",
                (("open_cases", "Open cases"), ("overdue_steps", "Overdue steps")),
            )
        ],
    )


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
            )
        ],
    )


# --- 3. Overdue now ---------------------------------------------------------------------------


def _overdue_steps(filters: ReportFilters, today: datetime.date) -> QuerySet[Step]:
    return Step.objects.filter(
        status__in=ACTIVE_STEP_STATUSES,
        due_date__lt=today,
        case__status=Case.Status.OPEN,
    ).filter(filters.cases_q("case__"))


def _sent_for_this_due_date(rule: str) -> Exists:
    """A reminder of `rule` for the step's current due date whose message went out (alone or in
    a digest; one left out of its digest as no longer applying is released). Reminders store
    their due date as midnight UTC (see cases.reminders)."""
    return Exists(
        Reminder.objects.annotate(for_date=TruncDate("due_at", tzinfo=datetime.UTC)).filter(
            step=OuterRef("pk"),
            rule=rule,
            for_date=OuterRef("due_date"),
            delivery__status=Delivery.Status.SENT,
            released=0,
        )
    )


def overdue_now(filters: ReportFilters, today: datetime.date | None = None) -> Report:
    """Every overdue step on the team's open cases, oldest first. One query.

    The date range selects the due date (the default period holds almost every overdue step).
    """
    today = today or team_today()
    rows = list(
        _overdue_steps(filters, today)
        .filter(due_date__gte=filters.start, due_date__lte=filters.end)
        .annotate(
            days_overdue=models.ExpressionWrapper(
                Value(today, output_field=models.DateField()) - F("due_date"),
                output_field=models.DurationField(),
            ),
            reminded=_sent_for_this_due_date(Rule.OVERDUE),
            alerted=_sent_for_this_due_date(Rule.ESCALATION),
        )
        .values(
            "reminded",
            "alerted",
            "case_id",
            "stage",
            "status",
            "due_date",
            "days_overdue",
            "case__urgency",
            "case__patient__full_name",
            "case__social_worker__first_name",
            "case__social_worker__last_name",
            "case__social_worker__username",
        )
        .order_by("due_date", "case_id", "position")
    )
    for row in rows:
        row["case"] = f"#{row['case_id']}"
        row["patient"] = row["case__patient__full_name"]
        row["stage"] = Stage(row["stage"]).label
        row["status"] = Step.Status(row["status"]).label
        row["urgency"] = Urgency(row["case__urgency"]).label
        row["days_overdue"] = row["days_overdue"].days
        row["owner"] = name_from_parts(
            row["case__social_worker__first_name"],
            row["case__social_worker__last_name"],
            row["case__social_worker__username"],
        )
        row["reminded"] = "Yes" if row["reminded"] else "No"
        row["alerted"] = "Yes" if row["alerted"] else "No"
    table = Table(
        "overdue",
        "Overdue steps, oldest first",
        [
            Column("case", "Case"),
            Column("patient", "Patient"),
            Column("stage", "Step"),
            Column("status", "Step status"),
            Column("owner", "Owner"),
            Column("due_date", "Due", "date"),
            Column("days_overdue", "Days overdue", "count"),
            Column("urgency", "Urgency"),
            Column("reminded", "Owner reminded"),
            Column("alerted", "Supervisors alerted"),
        ],
        rows,
        note="Steps in progress or blocked on open cases whose due date, in the period, is "
        "before today; days overdue are calendar days since the due date. Reminded and alerted "
        "mean an overdue reminder (to the owner or the colleague covering) and an escalation (to "
        "the supervisors) for the current due date went out.",
    )
    return Report(
        slug="overdue",
        title="Overdue now",
        tables=[table],
        headlines=[
            Headline("Overdue steps", len(rows)),
            Headline("Most days overdue", rows[0]["days_overdue"] if rows else None),
        ],
    )


# --- 4. Insurance -----------------------------------------------------------------------------


def insurance(filters: ReportFilters) -> Report:
    """Preauthorizations requested in the period and what the payers decided. Three queries."""
    requests = Insurance.objects.filter(
        requested_on__gte=filters.start, requested_on__lte=filters.end
    ).filter(filters.cases_q("case__"))
    decisions = Insurance.Decision
    counts = requests.aggregate(
        requested=Count("id"),
        **{value: Count("id", filter=Q(decision=value)) for value in decisions.values},
    )
    decided = requests.filter(decided_on__isnull=False).exclude(decision=decisions.PENDING)
    timing = distributions(
        decided.values(
            group_key=F("case__urgency"), first_day=F("requested_on"), last_day=F("decided_on")
        ),
        counting="day_number",
        within={
            "flag_3": URGENT_CLOCK_DAYS,
            "flag_7": STANDARD_CLOCK_DAYS[0],
            "flag_15": STANDARD_CLOCK_DAYS[1],
        },
    )
    timing_rows = []
    for urgency in Urgency:
        figures = timing.get(urgency.value, EMPTY)
        timing_rows.append(
            {
                "urgency": urgency.label,
                "clock": "72 hours" if urgency == Urgency.URGENT else "7 days / 15 days",
                "count": figures.count,
                "median": figures.median,
                "p90": figures.p90,
                "within_3": figures.share("flag_3"),
                "within_7": figures.share("flag_7"),
                "within_15": figures.share("flag_15"),
            }
        )
    payer_rows = list(
        decided.values("payer")
        .annotate(decided=Count("id"), denied=Count("id", filter=Q(decision__in=DENIED_AT_FIRST)))
        .order_by("payer")
    )
    for row in payer_rows:
        row["payer"] = row["payer"] or "(payer not recorded)"
        row["denial_rate"] = share(row["denied"], row["decided"])
    total_decided = sum(row["decided"] for row in payer_rows)
    total_denied = sum(row["denied"] for row in payer_rows)
    count_rows = [
        {"what": "Requested", "count": counts["requested"]},
        *({"what": label, "count": counts[value]} for value, label in decisions.choices),
    ]
    return Report(
        slug="insurance",
        title="Insurance",
        tables=[
            Table(
                "decisions",
                "Preauthorizations requested in the period, by decision",
                [Column("what", "Decision"), Column("count", "Requests", "count")],
                count_rows,
                note="Each request counts once, under its decision today: a denial that was "
                "appealed shows as appealed, and one won on appeal as overturned.",
            ),
            Table(
                "decision_time",
                "Decision time against the payers' clocks",
                [
                    Column("urgency", "Request"),
                    Column("clock", "Clock"),
                    Column("count", "Decided", "count"),
                    Column("median", "Median calendar days", "days"),
                    Column("p90", "90th percentile", "days"),
                    Column("within_3", "Within 72 hours", "percent"),
                    Column("within_7", "Within 7 days", "percent"),
                    Column("within_15", "Within 15 days", "percent"),
                ],
                timing_rows,
                note="Calendar days from the request date to the decision date (dates carry no "
                "time, so 72 hours is read as 3 days).",
            ),
            Table(
                "payers",
                "Denial rate by payer",
                [
                    Column("payer", "Payer"),
                    Column("decided", "Decided", "count"),
                    Column("denied", "Denied at first", "count"),
                    Column("denial_rate", "Denial rate", "percent"),
                ],
                payer_rows,
                note="Denied at first: the decision is denied, appealed or overturned on appeal.",
            ),
        ],
        headlines=[
            Headline("Preauthorizations requested", counts["requested"]),
            Headline("Denial rate", share(total_denied, total_decided), "percent"),
            Headline(
                "Median days to decide, urgent",
                timing.get(Urgency.URGENT.value, EMPTY).median,
                "days",
            ),
            Headline(
                "Median days to decide, routine",
                timing.get(Urgency.ROUTINE.value, EMPTY).median,
                "days",
            ),
        ],
        charts=[
            Chart(
                "Denial rate by payer",
                "payers",
                "payer",
                (("denial_rate", "Denial rate"),),
                "percent",
            )
        ],
    )


# --- 5. Records -------------------------------------------------------------------------------


def records(filters: ReportFilters) -> Report:
    """How long records take and which record types hold cases up longest. Two queries.

    A record type holds a case up when its checklist item was the last one ticked on the
    records step (on a tie, the one lower on the checklist); types are ranked by how often that
    happened, then by how long cases waited for them (90th percentile).
    """
    steps = Step.objects.filter(
        filters.in_period("finished_at"), stage=Stage.RECORDS, status=Step.Status.DONE
    ).filter(filters.cases_q("case__"))
    complete = distributions(
        steps.values(
            first_day=local_day("case__opened_at"),
            last_day=local_day("finished_at"),
            group_key=Value(1),
        )
    ).get(1, EMPTY)
    last_item = ChecklistItem.objects.filter(
        step_id=OuterRef("pk"), done_at__isnull=False
    ).order_by("-done_at", "-position", "-id")
    holdups = distributions(
        steps.annotate(last_done_at=Subquery(last_item.values("done_at")[:1])).values(
            first_day=local_day("case__opened_at"),
            last_day=local_day("last_done_at"),
            group_key=Subquery(last_item.values("label")[:1]),
        )
    )
    item_rows = sorted(
        (
            {
                "label": label,
                "last": figures.count,
                "last_share": share(figures.count, complete.count),
                "median": figures.median,
                "p90": figures.p90,
            }
            for label, figures in holdups.items()
        ),
        key=lambda row: (-row["last"], -(row["p90"] or 0), row["label"]),
    )
    return Report(
        slug="records",
        title="Records",
        tables=[
            Table(
                "complete",
                "Case opened to records complete",
                [
                    Column("count", "Records steps done", "count"),
                    Column("median", "Median business days", "days"),
                    Column("p90", "90th percentile", "days"),
                ],
                [{"count": complete.count, "median": complete.median, "p90": complete.p90}],
                note="Records steps marked done in the period: business days from the day the "
                "case was opened to the day the records step was done.",
            ),
            Table(
                "holdups",
                "Record types that hold cases up longest",
                [
                    Column("label", "Record"),
                    Column("last", "Last to arrive", "count"),
                    Column("last_share", "Share of records steps", "percent"),
                    Column("median", "Median business days from opening until it arrived", "days"),
                    Column("p90", "90th percentile", "days"),
                ],
                item_rows,
                note="Last to arrive: on how many of the records steps done in the period this "
                "item was the last one ticked; the days are from the case's opening to that "
                "tick. Most frequent hold-ups first.",
            ),
        ],
        headlines=[
            Headline("Median business days until records are complete", complete.median, "days"),
            Headline("90th percentile", complete.p90, "days"),
            Headline(
                "Most often the last record", item_rows[0]["label"] if item_rows else None, "text"
            ),
        ],
        charts=[
            Chart(
                "How often each record was the last to arrive",
                "holdups",
                "label",
                (("last", "Last to arrive"),),
            )
        ],
    )


# --- 6. Volume and reasons --------------------------------------------------------------------


def volume(filters: ReportFilters) -> Report:
    """Cases opened and completed by month, reasons, diagnosis mix and centres. Five queries."""
    cases = Case.objects.filter(filters.cases_q())
    opened = cases.filter(filters.in_period("opened_at"))
    opened_by_month = dict(
        opened.values_list(month_of("opened_at")).annotate(n=Count("id")).order_by()
    )
    completed_by_month = dict(
        cases.filter(filters.in_period("closed_at"), status=Case.Status.COMPLETED)
        .values_list(month_of("closed_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    month_rows = [
        {
            "month": month_label(month),
            "opened": opened_by_month.get(month, 0),
            "completed": completed_by_month.get(month, 0),
        }
        for month in filters.months()
    ]
    reasons = dict(
        CaseReason.objects.filter(case__in=opened.values("id"))
        .values_list("reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    total_opened = sum(row["opened"] for row in month_rows)
    reason_rows = sorted(
        ({"reason": label, "cases": reasons.get(value, 0)} for value, label in Reason.choices),
        key=lambda row: -row["cases"],
    )
    for row in reason_rows:
        row["share"] = share(row["cases"], total_opened)
    diagnosis_rows = [
        {
            "glioma_type": GliomaType(row["glioma_type"]).label,
            "grade": Grade(row["grade"]).label,
            "cases": row["cases"],
            "share": share(row["cases"], total_opened),
        }
        for row in opened.values("glioma_type", "grade")
        .annotate(cases=Count("id"))
        .order_by("-cases", "glioma_type", "grade")
    ]
    centre_rows = [
        {
            "centre": row["centre__name"] or "Not in the directory or not chosen",
            "cases": row["cases"],
            "share": share(row["cases"], total_opened),
        }
        for row in opened.values("centre__name")
        .annotate(cases=Count("id"))
        .order_by("-cases", "centre__name")
    ]
    share_column = Column("share", "Share of cases opened", "percent")
    return Report(
        slug="volume",
        title="Volume and reasons",
        tables=[
            Table(
                "by_month",
                "Cases opened and completed by month",
                [
                    Column("month", "Month"),
                    Column("opened", "Opened", "count"),
                    Column("completed", "Completed", "count"),
                ],
                month_rows,
            ),
            Table(
                "reasons",
                "Why patients sought a second opinion",
                [Column("reason", "Reason"), Column("cases", "Cases", "count"), share_column],
                reason_rows,
                note="Cases opened in the period; a case may give several reasons.",
            ),
            Table(
                "diagnoses",
                "Diagnosis mix",
                [
                    Column("glioma_type", "Tumour type"),
                    Column("grade", "Grade"),
                    Column("cases", "Cases", "count"),
                    share_column,
                ],
                diagnosis_rows,
                note="Cases opened in the period.",
            ),
            Table(
                "centres",
                "Centres patients were referred to",
                [Column("centre", "Centre"), Column("cases", "Cases", "count"), share_column],
                centre_rows,
                note="Cases opened in the period, by the centre chosen on the case.",
            ),
        ],
        headlines=[
            Headline("Cases opened", total_opened),
            Headline("Cases completed", sum(row["completed"] for row in month_rows)),
            Headline(
                "Most common reason", reason_rows[0]["reason"] if total_opened else None, "text"
            ),
        ],
        charts=[
            Chart(
                "Cases opened and completed by month",
                "by_month",
                "month",
                (("opened", "Opened"), ("completed", "Completed")),
            )
        ],
    )


# --- The registry -----------------------------------------------------------------------------


# --- 7. Reminder delivery ---------------------------------------------------------------------


def reminder_delivery(filters: ReportFilters) -> Report:
    """Messages created in the period by channel and outcome, and escalations by social worker.
    Two queries. Digests carry no single case, so a social-worker, urgency or centre filter
    counts only the messages about one case."""
    first, last = filters.moments()
    deliveries = Delivery.objects.filter(created_at__gte=first, created_at__lt=last)
    case_filter = filters.cases_q("case__")
    if case_filter:
        deliveries = deliveries.filter(case_filter)
    by_channel = {
        row["channel"]: row
        for row in deliveries.values("channel").annotate(
            sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
            failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
            undelivered=Count("pk", filter=Q(status=Delivery.Status.DEAD)),
            waiting=Count(
                "pk", filter=Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
            ),
        )
    }
    channel_rows = []
    for channel, label in Channel.choices:
        counts = by_channel.get(channel, {})
        channel_rows.append(
            {
                "channel": label,
                "sent": counts.get("sent", 0),
                "failed": counts.get("failed", 0),
                "undelivered": counts.get("undelivered", 0),
                "waiting": counts.get("waiting", 0),
            }
        )
    escalations = list(
        Reminder.objects.filter(rule=Rule.ESCALATION, created_at__gte=first, created_at__lt=last)
        .filter(filters.cases_q("case__"))
        .values(
            "case__social_worker__first_name",
            "case__social_worker__last_name",
            "case__social_worker__username",
        )
        .annotate(steps=Count("step", distinct=True))
        .order_by("-steps", "case__social_worker__username")
    )
    escalation_rows = [
        {
            "social_worker": name_from_parts(
                row["case__social_worker__first_name"],
                row["case__social_worker__last_name"],
                row["case__social_worker__username"],
            ),
            "steps": row["steps"],
        }
        for row in escalations
    ]
    undelivered = sum(row["undelivered"] for row in channel_rows)
    return Report(
        slug="reminders",
        title="Reminder delivery",
        tables=[
            Table(
                "channels",
                "Messages by channel",
                [
                    Column("channel", "Channel"),
                    Column("sent", "Sent", "count"),
                    Column("failed", "Failed, will retry", "count"),
                    Column("undelivered", "Undelivered", "count"),
                    Column("waiting", "Waiting to go", "count"),
                ],
                channel_rows,
                note="Messages created in the period, by what became of them. Undelivered "
                "messages gave up after their retries; the outbox lists them and the admin "
                "sends them again.",
            ),
            Table(
                "escalations",
                "Escalations by social worker",
                [
                    Column("social_worker", "Social worker"),
                    Column("steps", "Steps escalated", "count"),
                ],
                escalation_rows,
                note="Steps overdue by 3 business days whose escalation to the supervisors was "
                "created in the period.",
            ),
        ],
        headlines=[
            Headline("Messages sent", sum(row["sent"] for row in channel_rows)),
            Headline("Undelivered", undelivered),
            Headline("Steps escalated", sum(row["steps"] for row in escalation_rows)),
        ],
    )


@dataclass(frozen=True)
class ReportDefinition:
    slug: str
    title: str
    summary: str
    build: Callable[[ReportFilters], Report]


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
            "Every overdue step across the team, oldest first.",
            overdue_now,
        ),
        ReportDefinition(
            "insurance",
            "Insurance",
            "Preauthorization decisions, decision times against the payers' clocks, denials.",
            insurance,
        ),
        ReportDefinition(
            "records",
            "Records",
            "Days until records are complete and the records that hold cases up.",
            records,
        ),
        ReportDefinition(
            "volume",
            "Volume and reasons",
            "Cases opened and completed by month, reasons, diagnoses and centres.",
            volume,
        ),
        ReportDefinition(
            "reminders",
            "Reminder delivery",
            "Reminders sent, failed and undelivered by channel; escalations by social worker.",
            reminder_delivery,
        ),
    ]
}

# The dashboard's headline figures and trend charts come from these reports.
DASHBOARD_REPORTS = ("caseload", "timeliness", "volume", "insurance", "records")
