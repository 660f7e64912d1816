"""The cases behind a report's count (issue #15's drill-down).

A linked count is a cell: a report, one of its tables, a row (its `ROW_KEY`: a worker's id, a
stage, a month as yyyymm, a digest of typed text; a table of one row has none) and a column.
`behind()` gives what the count counts as a `Behind`: the rows the report counts (cases, or
things of a case: steps, requests, records, messages, screenings, barriers, interventions),
the path from such a row to its case, and the date shown beside each case. The list page
groups those rows by case, so for a count of cases the list holds exactly that many cases, and
for a count of things the per-case numbers add up to the count; rows about no single case (a
digest message) are counted beside the list, not listed. `tests/reports/test_drill.py` holds
every linked cell of every report to that on hand-built data, on SQLite and PostgreSQL.

Where a report keeps a figure's condition in a function (`caseload.case_conditions`,
`screening.barrier_conditions`, `overdue._overdue_steps`, `screening._screenings`,
`screening.new_cases`, `first_screenings` and `screened_within`, `insurance.requests_in_period`,
`records.received_in_period` and `source_name`, `volume.opened_q`, `completed_q` and
`reasons_given`, `reminder_delivery.deliveries_in_period`, `DELIVERY_STATUSES` and
`escalations_in_period`, and the rows timeliness and records measure, `cases.reports.measures`,
which their histograms read too) the list reads that function; elsewhere the condition is
written here beside the others of its report, in the words of its definition
(`cases.reports.registry`). Medians, percentiles and shares are not counts: they have no list.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, Max, Min, QuerySet, Value

from cases.business_days import team_today
from cases.models import (
    BarrierIntervention,
    BarrierKind,
    Case,
    Centre,
    Channel,
    DistressScreening,
    GliomaType,
    Grade,
    Insurance,
    Reason,
    RecordKind,
    Stage,
    SupportResource,
    TumourType,
    Urgency,
)
from cases.models.screening import MAX_SCORE
from cases.models.staff import name_from_parts
from cases.reports import insurance as insurance_report
from cases.reports import records as records_report
from cases.reports import reminder_delivery as delivery_report
from cases.reports import screening as screening_report
from cases.reports import volume as volume_report
from cases.reports.caseload import case_conditions
from cases.reports.common import DENIED_AT_FIRST
from cases.reports.measures import APPOINTMENTS, RECORDS_COMPLETE, STAGES, Measure
from cases.reports.overdue import _overdue_steps
from cases.reports.parts import ReportFilters, text_key
from cases.reports.screening import (
    TYPED,
    Settings,
    _screenings,
    barrier_conditions,
    barriers_counted,
)
from cases.reports.volume import NO_CENTRE


class NotACell(Exception):
    """The address names no linked count of this report (a stale or made-up link)."""


@dataclass(frozen=True)
class Behind:
    """The rows a count counts, and how the list shows them."""

    heading: str
    rows: QuerySet
    # From a row to its case's id ("pk" when the rows are cases).
    case_path: str = "pk"
    date_field: str = "opened_at"
    date_label: str = "Opened"
    # The earliest date of a case's rows (a due date) rather than the latest.
    earliest: bool = False
    # What the count counts when it is not cases ("Overdue steps"); "" for cases.
    item_label: str = ""
    # What is counted on each row: "pk", or a field counted once each (an escalated step).
    counted: str = "pk"
    # Rows with no case (a digest message spans several) are counted, not listed.
    case_optional: bool = False

    def per_case(self) -> QuerySet:
        """One row per case: `case_number`, `items` (what the count counts, of this case) and
        `on` (the date shown), the latest first."""
        order = F("on").asc(nulls_last=True) if self.earliest else F("on").desc(nulls_last=True)
        if self.case_path == "pk":
            # The rows are the cases (joined to nothing they have several of): nothing to group,
            # so a page is read without grouping every case of the count first.
            return (
                self.rows.order_by()
                .values(case_number=F("pk"), on=F(self.date_field))
                .annotate(items=Value(1, output_field=IntegerField()))
                .order_by(order, "case_number")
            )
        date = (Min if self.earliest else Max)(self.date_field)
        return (
            self.rows.order_by()
            .values(case_number=F(self.case_path))
            .filter(case_number__isnull=False)
            .annotate(items=Count(self.counted, distinct=self.counted != "pk"), on=date)
            .order_by(order, "case_number")
        )

    def total_items(self) -> int:
        """What the count counts, on every listed case together (one query)."""
        return (
            self.rows.order_by()
            .filter(**{f"{self.case_path}__isnull": False})
            .aggregate(n=Count(self.counted, distinct=self.counted != "pk"))["n"]
        )

    def unlisted(self) -> int:
        """How many counted rows belong to no case (one query, only where that can happen)."""
        if not self.case_optional:
            return 0
        return self.rows.filter(**{f"{self.case_path}__isnull": True}).count()


Cell = Callable[[ReportFilters, Any, str], Behind]


@dataclass(frozen=True)
class TableDrill:
    """The linked counts of one table: its columns, the function giving what a cell counts, and
    how its row key is read from the address (None: a table of one row)."""

    columns: tuple[str, ...]
    cell: Cell
    parse_row: Callable[[str], Any] | None = None


# --- words -----------------------------------------------------------------------------------


def period_words(filters: ReportFilters) -> str:
    """The period as a committee reads it: "in March 2026", "in 2026", or "from 2 March 2026 to
    20 March 2026"."""
    start, end = filters.start, filters.end
    next_day = end + datetime.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        if start.month == 1 and next_day.month == 1 and next_day.year == start.year + 1:
            return f"in {start.year}"
        if (start.year, start.month) == (end.year, end.month):
            return f"in {start.strftime('%B %Y')}"
    return f"from {_day(start)} to {_day(end)}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _worker_name(worker_id: int) -> str:
    """A social worker's name for a heading (one query); no such account: not a cell."""
    user = (
        get_user_model()
        .objects.filter(pk=worker_id)
        .values("first_name", "last_name", "username")
        .first()
    )
    if user is None:
        raise NotACell("No such social worker.")
    return name_from_parts(user["first_name"], user["last_name"], user["username"])


def _choice(choices) -> Callable[[str], str]:
    values = dict(choices)

    def parse(text: str) -> str:
        if text not in values:
            raise NotACell("No such row.")
        return text

    return parse


def _number(text: str) -> int:
    # ASCII digits only: str.isdigit() also takes "²" (which int() refuses) and other scripts'
    # digits (which would name the same row under a second address).
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise NotACell("No such row.")
    return int(text)


def _score(text: str) -> int:
    """A row of the scores table: one of the scores a screening can have."""
    score = _number(text)
    if score > MAX_SCORE:
        raise NotACell("No such score.")
    return score


def _text(text: str) -> str:
    if len(text) != 16 or any(char not in "0123456789abcdef" for char in text):
        raise NotACell("No such row.")
    return text


def _month_filters(filters: ReportFilters, month: int) -> ReportFilters:
    """The filters narrowed to one month of the period (its rows by month)."""
    if month not in filters.months():
        raise NotACell("That month is not in the period.")
    return filters.of_month(month)


def _one(columns: dict[str, Any], column: str) -> Any:
    if column not in columns:
        raise NotACell("No such column.")
    return columns[column]


# --- 1. Team caseload ------------------------------------------------------------------------


def _caseload(filters: ReportFilters, worker_id: int, column: str) -> Behind:
    today = team_today()
    name = _worker_name(worker_id)
    if column == "overdue_steps":
        return Behind(
            f"Open cases of {name} with steps overdue today",
            _overdue_steps(filters, today).filter(case__social_worker_id=worker_id),
            case_path="case_id",
            date_field="due_date",
            date_label="Earliest due date",
            earliest=True,
            item_label="Overdue steps",
        )
    period = period_words(filters)
    heading, date_field, date_label = _one(
        {
            "open_cases": (f"Cases of {name} open today", "opened_at", "Opened"),
            "due_this_week": (
                f"Open cases of {name} due this week",
                "next_due_date",
                "Next due date",
            ),
            "on_hold": (f"Cases of {name} on hold today", "hold_review_on", "Review the hold on"),
            "urgent": (f"Urgent cases of {name} open today", "opened_at", "Opened"),
            "opened": (f"Cases of {name} opened {period}", "opened_at", "Opened"),
            "completed": (f"Cases of {name} completed {period}", "closed_at", "Completed"),
        },
        column,
    )
    condition = case_conditions(filters, today)[column]
    return Behind(
        heading,
        Case.objects.filter(condition, social_worker_id=worker_id),
        date_field=date_field,
        date_label=date_label,
    )


# --- 2. Timeliness ---------------------------------------------------------------------------


def _measured(measure: Measure, filters: ReportFilters) -> QuerySet:
    """The rows a timeliness or records figure measures (`cases.reports.measures`, the one
    definition the report and its histograms read too), in the period and with the filters."""
    return (
        measure.rows()
        .filter(measure.in_days(filters.start, filters.end))
        .filter(filters.cases_q(measure.case_path))
    )


def _appointments(filters: ReportFilters) -> QuerySet:
    """Cases whose appointment date falls in the period, withdrawn cases left out."""
    return _measured(APPOINTMENTS, filters)


def _to_appointment(filters: ReportFilters, row: None, column: str) -> Behind:
    _one({"count": None}, column)
    return Behind(
        f"Cases with their appointment {period_words(filters)} (withdrawn cases left out)",
        _appointments(filters),
        date_field="appointment__scheduled_at",
        date_label="Appointment",
    )


def _appointments_by_month(filters: ReportFilters, month: int, column: str) -> Behind:
    _one({"count": None}, column)
    narrowed = _month_filters(filters, month)
    return Behind(
        f"Cases with their appointment {period_words(narrowed)} (withdrawn cases left out)",
        _appointments(narrowed),
        date_field="appointment__scheduled_at",
        date_label="Appointment",
    )


def _stages(filters: ReportFilters, stage: str, column: str) -> Behind:
    _one({"count": None}, column)
    return Behind(
        f"Cases whose {Stage(stage).label.lower()} step was done {period_words(filters)}",
        _measured(STAGES, filters).filter(stage=stage),
        case_path="case_id",
        date_field="finished_at",
        date_label="Step done",
    )


# --- 4. Insurance ----------------------------------------------------------------------------


def _requests(filters: ReportFilters) -> QuerySet:
    return insurance_report.requests_in_period(filters)


def _decided(filters: ReportFilters) -> QuerySet:
    return insurance_report.decided_of(_requests(filters))


def _decisions(filters: ReportFilters, decision: str, column: str) -> Behind:
    _one({"count": None}, column)
    period = period_words(filters)
    rows = _requests(filters)
    heading = f"Cases with a preauthorization requested {period}"
    if decision != "requested":
        rows = rows.filter(decision=decision)
        heading += f", {Insurance.Decision(decision).label.lower()} today"
    return Behind(
        heading, rows, case_path="case_id", date_field="requested_on", date_label="Requested on"
    )


def _decision_time(filters: ReportFilters, urgency: str, column: str) -> Behind:
    _one({"count": None}, column)
    return Behind(
        f"{Urgency(urgency).label} cases with a preauthorization requested "
        f"{period_words(filters)} and decided",
        _decided(filters).filter(case__urgency=urgency),
        case_path="case_id",
        date_field="decided_on",
        date_label="Decided on",
    )


def _payers(filters: ReportFilters, payer_key: str, column: str) -> Behind:
    denied = _one({"decided": False, "denied": True}, column)
    decided = _decided(filters)
    # The payer is typed text: the address holds a digest of it (one query for the names).
    payer = next(
        (
            name
            for name in decided.order_by().values_list("payer", flat=True).distinct()
            if text_key(name) == payer_key
        ),
        None,
    )
    if payer is None:
        raise NotACell("No such payer in the period.")
    rows = decided.filter(payer=payer)
    if denied:
        rows = rows.filter(decision__in=DENIED_AT_FIRST)
    words = "denied at first" if denied else "decided"
    return Behind(
        f"Cases whose preauthorization, requested {period_words(filters)} from "
        f"{payer or '(payer not recorded)'}, was {words}",
        rows,
        case_path="case_id",
        date_field="decided_on",
        date_label="Decided on",
    )


# --- 5. Records ------------------------------------------------------------------------------


def _records_complete(filters: ReportFilters, row: None, column: str) -> Behind:
    _one({"count": None}, column)
    return Behind(
        f"Cases whose records step was done {period_words(filters)}",
        _measured(RECORDS_COMPLETE, filters),
        case_path="case_id",
        date_field="finished_at",
        date_label="Records complete",
    )


def _received_behind(heading: str, rows: QuerySet) -> Behind:
    return Behind(
        heading,
        rows,
        case_path="request__case_id",
        date_field="received_on",
        date_label="Last received",
        item_label="Records received",
    )


def _by_source(filters: ReportFilters, source_key: str, column: str) -> Behind:
    _one({"count": None}, column)
    received = records_report.received_in_period(filters).annotate(
        source=records_report.source_name()
    )
    source = next(
        (
            name
            for name in received.order_by().values_list("source", flat=True).distinct()
            if text_key(name) == source_key
        ),
        None,
    )
    if source is None:
        raise NotACell("No such source in the period.")
    return _received_behind(
        f"Cases with records from {source} received {period_words(filters)}",
        received.filter(source=source),
    )


def _by_kind(filters: ReportFilters, kind: str, column: str) -> Behind:
    _one({"count": None}, column)
    return _received_behind(
        f"Cases with records of the kind “{RecordKind(kind).label}” received "
        f"{period_words(filters)}",
        records_report.received_in_period(filters).filter(kind=kind),
    )


# --- 6. Volume and reasons -------------------------------------------------------------------


def _opened(filters: ReportFilters) -> QuerySet:
    return Case.objects.filter(volume_report.opened_q(filters))


def _volume_by_month(filters: ReportFilters, month: int, column: str) -> Behind:
    completed = _one({"opened": False, "completed": True}, column)
    narrowed = _month_filters(filters, month)
    words = period_words(narrowed)
    if completed:
        return Behind(
            f"Cases completed {words}",
            Case.objects.filter(volume_report.completed_q(narrowed)),
            date_field="closed_at",
            date_label="Completed",
        )
    return Behind(f"Cases opened {words}", _opened(narrowed))


def _reasons(filters: ReportFilters, reason: str, column: str) -> Behind:
    _one({"cases": None}, column)
    return Behind(
        f"Cases opened {period_words(filters)} giving the reason “{Reason(reason).label}”",
        volume_report.reasons_given(filters).filter(reason=reason),
        case_path="case_id",
        date_field="case__opened_at",
        date_label="Opened",
    )


def _parse_diagnosis(text: str) -> tuple[str, str, str]:
    parts = text.split("~")
    if (
        len(parts) != 3
        or parts[0] not in TumourType.values
        or parts[1] not in ["", *GliomaType.values]
        or parts[2] not in Grade.values
    ):
        raise NotACell("No such diagnosis.")
    return parts[0], parts[1], parts[2]


def _diagnoses(filters: ReportFilters, diagnosis: tuple[str, str, str], column: str) -> Behind:
    _one({"cases": None}, column)
    tumour_type, glioma_type, grade = diagnosis
    words = TumourType(tumour_type).label
    if glioma_type:
        words += f", {GliomaType(glioma_type).label}"
    return Behind(
        f"Cases opened {period_words(filters)} with {words}, {Grade(grade).label}",
        _opened(filters).filter(tumour_type=tumour_type, glioma_type=glioma_type, grade=grade),
    )


def _parse_centre(text: str) -> int | str:
    return NO_CENTRE if text == NO_CENTRE else _number(text)


def _centres(filters: ReportFilters, centre: int | str, column: str) -> Behind:
    _one({"cases": None}, column)
    opened = _opened(filters)
    if centre == NO_CENTRE:
        return Behind(
            f"Cases opened {period_words(filters)} with no centre from the directory",
            opened.filter(centre__isnull=True),
        )
    rows = opened.filter(centre_id=centre)
    name = Centre.objects.filter(pk=centre).values_list("name", flat=True).first()
    if name is None:
        raise NotACell("No such centre.")
    return Behind(f"Cases opened {period_words(filters)} referred to {name}", rows)


# --- 7. Reminder delivery --------------------------------------------------------------------

DELIVERY_WORDS = {
    "sent": "sent",
    "failed": "failed and waiting to be retried",
    "undelivered": "undelivered (gave up)",
    "waiting": "waiting to go",
}


def _channels(filters: ReportFilters, channel: str, column: str) -> Behind:
    words = _one(DELIVERY_WORDS, column)
    rows = delivery_report.deliveries_in_period(filters).filter(
        channel=channel, status__in=delivery_report.DELIVERY_STATUSES[column]
    )
    return Behind(
        f"Cases of the {Channel(channel).label.lower()} messages created "
        f"{period_words(filters)} and {words}",
        rows,
        case_path="case_id",
        date_field="created_at",
        date_label="Last message created",
        item_label="Messages",
        case_optional=True,
    )


def _escalations(filters: ReportFilters, worker_id: int, column: str) -> Behind:
    _one({"steps": None}, column)
    name = _worker_name(worker_id)
    return Behind(
        f"Cases of {name} with steps escalated to the supervisors {period_words(filters)}",
        delivery_report.escalations_in_period(filters).filter(case__social_worker_id=worker_id),
        case_path="case_id",
        date_field="created_at",
        date_label="Last escalated",
        item_label="Steps escalated",
        counted="step",
    )


# --- 8. Screening and barriers ---------------------------------------------------------------


def _new_cases(filters: ReportFilters, row: None, column: str) -> Behind:
    within = Settings.now().within_days
    period = period_words(filters)
    new_cases = screening_report.new_cases(filters)
    if column == "new":
        return Behind(f"New cases opened {period} (withdrawn cases left out)", new_cases)
    if column == "screened":
        heading = f"New cases opened {period} and screened for distress"
    elif column == "on_time":
        new_cases = screening_report.screened_within(new_cases, within)
        heading = f"New cases opened {period} and screened within {within} days of opening"
    else:
        raise NotACell("No such column.")
    screened = screening_report.first_screenings(new_cases).filter(first_screening__isnull=False)
    return Behind(heading, screened, date_field="first_screening", date_label="First screened")


def _screening_behind(heading: str, rows: QuerySet) -> Behind:
    return Behind(
        heading,
        rows,
        case_path="case_id",
        date_field="screened_on",
        date_label="Last screened",
        item_label="Screenings",
    )


def _scores(filters: ReportFilters, score: int, column: str) -> Behind:
    _one({"count": None}, column)
    return _screening_behind(
        f"Cases screened {period_words(filters)} with a distress score of {score}",
        _screenings(filters).filter(score=score),
    )


def _plans(filters: ReportFilters, row: None, column: str) -> Behind:
    threshold = Settings.now().threshold
    high = _screenings(filters).filter(score__gte=threshold)
    plan = DistressScreening.Plan
    rows, words = _one(
        {
            "high": (high, ""),
            "referred": (high.filter(plan=plan.REFERRAL), ", with a referral made"),
            "declined": (high.filter(plan=plan.NONE), ", with no referral and a reason recorded"),
            "no_plan": (high.exclude(plan__in=[plan.REFERRAL, plan.NONE]), ", with no plan yet"),
        },
        column,
    )
    return _screening_behind(
        f"Cases screened {period_words(filters)} with a score of {threshold} or more{words}", rows
    )


def _referrals(filters: ReportFilters, kind: str, column: str) -> Behind:
    _one({"count": None}, column)
    return _screening_behind(
        f"Cases screened {period_words(filters)} and referred to "
        f"{DistressScreening.Referral(kind).label.lower()}",
        _screenings(filters).filter(plan=DistressScreening.Plan.REFERRAL, referral_kind=kind),
    )


def _rescreens(filters: ReportFilters, row: None, column: str) -> Behind:
    days = Settings.now().rescreening_days
    rescreens = screening_report.with_previous_day(_screenings(filters)).filter(
        previous_day__isnull=False
    )
    rows, words = _one(
        {
            "count": (rescreens, ""),
            "on_time": (
                rescreens.filter(
                    screened_on__lte=F("previous_day") + datetime.timedelta(days=days)
                ),
                f" within {days} days of the screening before",
            ),
        },
        column,
    )
    return Behind(
        f"Cases rescreened {period_words(filters)}{words}",
        rows,
        case_path="case_id",
        date_field="screened_on",
        date_label="Last rescreened",
        item_label="Rescreens",
    )


BARRIER_WORDS = {
    "identified": "identified {period}",
    "resolved": "identified {period} and resolved by its end",
    "unresolved": "identified {period} and closed unresolved by its end",
    "open_at_end": "open at the end of the period ({end})",
}


def _barrier_behind(filters: ReportFilters, rows: QuerySet, column: str, heading: str) -> Behind:
    condition = _one(barrier_conditions(filters), column)
    words = BARRIER_WORDS[column].format(period=period_words(filters), end=_day(filters.end))
    return Behind(
        heading.format(words=words),
        rows.filter(condition),
        case_path="case_id",
        date_field="identified_on",
        date_label="Last identified",
        item_label="Barriers",
    )


def _barriers(filters: ReportFilters, kind: str, column: str) -> Behind:
    return _barrier_behind(
        filters,
        barriers_counted(filters).filter(kind=kind),
        column,
        f"Cases with barriers to care of the kind “{BarrierKind(kind).label}” {{words}}",
    )


def _parse_resource(text: str) -> int | str:
    return TYPED if text == TYPED else _number(text)


def _interventions(filters: ReportFilters, resource: int | str, column: str) -> Behind:
    counted = _one({"times": "pk", "barriers": "barrier"}, column)
    rows = BarrierIntervention.objects.filter(
        done_on__gte=filters.start, done_on__lte=filters.end
    ).filter(filters.cases_q("barrier__case__"))
    if resource == TYPED:
        rows, name = rows.filter(resource__isnull=True), "typed text (no resource from the list)"
    else:
        rows = rows.filter(resource_id=resource)
        name = SupportResource.objects.filter(pk=resource).values_list("name", flat=True).first()
        if name is None:
            raise NotACell("No such resource.")
    return Behind(
        f"Cases whose barriers were met {period_words(filters)} with {name}",
        rows,
        case_path="barrier__case_id",
        date_field="done_on",
        date_label="Last used",
        item_label="Times used" if counted == "pk" else "Barriers",
        counted=counted,
    )


def _by_worker(filters: ReportFilters, worker_id: int, column: str) -> Behind:
    name = _worker_name(worker_id)
    if column in BARRIER_WORDS and column != "unresolved":
        return _barrier_behind(
            filters,
            barriers_counted(filters).filter(case__social_worker_id=worker_id),
            column,
            f"Cases of {name} with barriers to care {{words}}",
        )
    threshold = Settings.now().threshold
    screenings = _screenings(filters).filter(case__social_worker_id=worker_id)
    rows, words = _one(
        {
            "screened": (screenings, ""),
            "at_threshold": (
                screenings.filter(score__gte=threshold),
                f" with a score of {threshold} or more",
            ),
            "planned": (
                screenings.filter(score__gte=threshold).exclude(plan=""),
                f" with a score of {threshold} or more and a plan",
            ),
        },
        column,
    )
    return _screening_behind(f"Cases of {name} screened {period_words(filters)}{words}", rows)


# --- the registry ----------------------------------------------------------------------------

DRILLS: dict[tuple[str, str], TableDrill] = {
    ("caseload", "caseload"): TableDrill(
        (
            "open_cases",
            "overdue_steps",
            "due_this_week",
            "on_hold",
            "urgent",
            "opened",
            "completed",
        ),
        _caseload,
        _number,
    ),
    ("timeliness", "to_appointment"): TableDrill(("count",), _to_appointment),
    ("timeliness", "stages"): TableDrill(("count",), _stages, _choice(Stage.choices)),
    ("timeliness", "by_month"): TableDrill(("count",), _appointments_by_month, _number),
    ("insurance", "decisions"): TableDrill(
        ("count",), _decisions, _choice([("requested", ""), *Insurance.Decision.choices])
    ),
    ("insurance", "decision_time"): TableDrill(
        ("count",), _decision_time, _choice(Urgency.choices)
    ),
    ("insurance", "payers"): TableDrill(("decided", "denied"), _payers, _text),
    ("records", "complete"): TableDrill(("count",), _records_complete),
    ("records", "by_source"): TableDrill(("count",), _by_source, _text),
    ("records", "by_kind"): TableDrill(("count",), _by_kind, _choice(RecordKind.choices)),
    ("volume", "by_month"): TableDrill(("opened", "completed"), _volume_by_month, _number),
    ("volume", "reasons"): TableDrill(("cases",), _reasons, _choice(Reason.choices)),
    ("volume", "diagnoses"): TableDrill(("cases",), _diagnoses, _parse_diagnosis),
    ("volume", "centres"): TableDrill(("cases",), _centres, _parse_centre),
    ("reminders", "channels"): TableDrill(
        tuple(delivery_report.DELIVERY_STATUSES), _channels, _choice(Channel.choices)
    ),
    ("reminders", "escalations"): TableDrill(("steps",), _escalations, _number),
    ("screening", "new_cases"): TableDrill(("new", "screened", "on_time"), _new_cases),
    ("screening", "scores"): TableDrill(("count",), _scores, _score),
    ("screening", "plans"): TableDrill(("high", "referred", "declined", "no_plan"), _plans),
    ("screening", "referrals"): TableDrill(
        ("count",), _referrals, _choice(DistressScreening.Referral.choices)
    ),
    ("screening", "rescreens"): TableDrill(("count", "on_time"), _rescreens),
    ("screening", "barriers"): TableDrill(
        ("identified", "resolved", "unresolved", "open_at_end"),
        _barriers,
        _choice(BarrierKind.choices),
    ),
    ("screening", "interventions"): TableDrill(
        ("times", "barriers"), _interventions, _parse_resource
    ),
    ("screening", "by_worker"): TableDrill(
        ("screened", "at_threshold", "planned", "identified", "resolved", "open_at_end"),
        _by_worker,
        _number,
    ),
}


def linked_columns(slug: str, table: str) -> tuple[str, ...]:
    """The columns of a table whose counts link to the cases behind them."""
    drill = DRILLS.get((slug, table))
    return drill.columns if drill else ()


def behind(slug: str, *, table: str, row: str, column: str, filters: ReportFilters) -> Behind:
    """What the count in (table, row, column) of the report counts; NotACell for an address
    that names no linked count (the row key is read as its table's keys are written)."""
    drill = DRILLS.get((slug, table))
    if drill is None or column not in drill.columns:
        raise NotACell("No such count.")
    if drill.parse_row is None:
        if row:
            raise NotACell("This table has one row.")
        key = None
    else:
        key = drill.parse_row(row)
    try:
        return drill.cell(filters, key, column)
    except ValueError as error:  # a value no choice has
        raise NotACell("No such row.") from error
