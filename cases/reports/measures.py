"""The rows behind each percentile figure the histograms keep, and behind the volume report's
counts (a count is a histogram of 0 days), defined once: the direct computation in the reports
and the histograms (`cases.reports.histograms`) both start here.

Each measure is a queryset of every row it measures, whatever the period, with the days it
counts from (`first_day`) and to (`last_day`), the day that decides its flag (`flag_day`, if
it has one), the month it belongs to (`month_key`, yyyymm of the field the period filters on)
and its group (`group_key`, text). Definitions: `cases.reports.registry`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import CharField, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, ExtractMonth, ExtractYear

from cases.models import Case, CaseReason, Insurance, RecordsRequestItem, Stage, Step
from cases.reports.common import DECIDED
from cases.reports.parts import ReportFilters
from cases.reports.sql import local_day, month_of


def _appointments() -> QuerySet:
    """Cases with an appointment date, withdrawn cases left out: business days after the day
    the case was opened up to the appointment day, by month of the appointment."""
    return (
        Case.objects.filter(appointment__scheduled_at__isnull=False)
        .exclude(status=Case.Status.WITHDRAWN)
        .annotate(
            first_day=local_day("opened_at"),
            last_day=local_day("appointment__scheduled_at"),
        )
    )


def _stages() -> QuerySet:
    """Steps done, from when each started to when it was done, by stage; flagged when done by
    its due date. A step done straight from pending (the records came early) never had a clock
    or a due date: 0 days, and within its limit."""
    return Step.objects.filter(status=Step.Status.DONE, started_at__isnull=False).annotate(
        first_day=local_day("started_at"),
        last_day=local_day("finished_at"),
        flag_day=Coalesce("due_date", local_day("finished_at"), output_field=DateField()),
    )


def _records_complete() -> QuerySet:
    """Records steps done: business days from the day the case was opened to the day the
    records step was done."""
    return Step.objects.filter(stage=Stage.RECORDS, status=Step.Status.DONE).annotate(
        first_day=local_day("case__opened_at"),
        last_day=local_day("finished_at"),
    )


# The source of a record, as a key the histograms can keep when a contact is renamed: "c"
# and the directory contact's id, "t" and the name typed for one not in it, or "" for none.
SOURCE_KEY = models.Case(
    When(
        request__contact__isnull=False,
        then=Concat(Value("c"), Cast("request__contact_id", CharField())),
    ),
    When(~Q(request__contact_other=""), then=Concat(Value("t"), F("request__contact_other"))),
    default=Value(""),
    output_field=CharField(),
)


def _received() -> QuerySet:
    """Records that arrived, of requests sent: calendar days from the day the request was sent
    to the day the record arrived; flagged when it arrived by the request's answer due date."""
    return RecordsRequestItem.objects.filter(
        received_on__isnull=False, request__sent_on__isnull=False
    ).annotate(
        first_day=F("request__sent_on"),
        last_day=F("received_on"),
        flag_day=F("request__answer_due_on"),
    )


def _opened() -> QuerySet:
    """Cases, by the day and month they were opened (0 days: a count of cases)."""
    return Case.objects.annotate(first_day=local_day("opened_at"), last_day=local_day("opened_at"))


def _completed() -> QuerySet:
    """Completed cases, by the day and month they were completed (0 days: a count)."""
    return Case.objects.filter(status=Case.Status.COMPLETED).annotate(
        first_day=local_day("closed_at"), last_day=local_day("closed_at")
    )


def _reasons() -> QuerySet:
    """The reasons given for cases, by the day and month the case was opened (0 days)."""
    return CaseReason.objects.annotate(
        first_day=local_day("case__opened_at"), last_day=local_day("case__opened_at")
    )


def _requests() -> QuerySet:
    """Preauthorizations requested, by the day and month requested (0 days: a count), grouped
    by their decision, " decided" added when it has a decision day."""
    return Insurance.objects.filter(requested_on__isnull=False).annotate(
        first_day=F("requested_on"), last_day=F("requested_on")
    )


REQUEST_GROUP = Concat(
    F("decision"),
    models.Case(
        When(decided_on__isnull=False, then=Value(" decided")),
        default=Value(""),
        output_field=CharField(),
    ),
    output_field=CharField(),
)


def _decisions() -> QuerySet:
    """Preauthorizations decided (`cases.reports.common.DECIDED`): calendar days from the
    request to the decision, by the month requested, per urgency of the case."""
    return (
        Insurance.objects.filter(requested_on__isnull=False)
        .filter(DECIDED)
        .annotate(first_day=F("requested_on"), last_day=F("decided_on"))
    )


def _requested_month():
    return ExtractYear("requested_on") * 100 + ExtractMonth("requested_on")


def _no_group():
    return Value("", output_field=CharField())


def _received_month():
    return ExtractYear("received_on") * 100 + ExtractMonth("received_on")


@dataclass(frozen=True)
class Measure:
    name: str
    rows: Callable[[], QuerySet]
    # The month (yyyymm) and the group a row is kept under.
    month: Callable
    group: Callable
    # The field a period filters on, and whether it is a date (else a timestamp).
    period_field: str
    dated: bool
    # The path from a row to its case, for the filters and for keeping one case's rows.
    case_path: str
    counting: str = "ordinal"
    flagged: bool = False

    def in_days(self, first: datetime.date, last: datetime.date) -> Q:
        """The rows whose period field falls on the days `first` to `last`."""
        if self.dated:
            return Q(**{f"{self.period_field}__gte": first, f"{self.period_field}__lte": last})
        return ReportFilters(start=first, end=last).in_period(self.period_field)

    def of_cases(self, case_ids) -> Q:
        return Q(**{f"{self.case_path}pk__in" if self.case_path else "pk__in": case_ids})

    def values(self, queryset: QuerySet) -> QuerySet:
        flag = ["flag_day"] if self.flagged else []
        return queryset.values(
            "first_day", "last_day", *flag, month_key=self.month(), group_key=self.group()
        )


APPOINTMENTS = Measure(
    "appointments",
    _appointments,
    lambda: month_of("appointment__scheduled_at"),
    _no_group,
    "appointment__scheduled_at",
    False,
    "",
)
STAGES = Measure(
    "stages",
    _stages,
    lambda: month_of("finished_at"),
    lambda: F("stage"),
    "finished_at",
    False,
    "case__",
    flagged=True,
)
RECORDS_COMPLETE = Measure(
    "records_complete",
    _records_complete,
    lambda: month_of("finished_at"),
    _no_group,
    "finished_at",
    False,
    "case__",
)
RECORDS_BY_SOURCE = Measure(
    "records_by_source",
    _received,
    _received_month,
    lambda: SOURCE_KEY,
    "received_on",
    True,
    "request__case__",
    counting="day_number",
    flagged=True,
)
RECORDS_BY_KIND = Measure(
    "records_by_kind",
    _received,
    _received_month,
    lambda: F("kind"),
    "received_on",
    True,
    "request__case__",
    counting="day_number",
    flagged=True,
)


def _owner():
    return Cast("social_worker_id", CharField())


# The volume report's counts: cases opened and cases completed (by social worker, for the team
# caseload's), reasons given (by reason).
CASES_OPENED = Measure(
    "cases_opened", _opened, lambda: month_of("opened_at"), _owner, "opened_at", False, ""
)
CASES_COMPLETED = Measure(
    "cases_completed", _completed, lambda: month_of("closed_at"), _owner, "closed_at", False, ""
)
CASE_REASONS = Measure(
    "case_reasons",
    _reasons,
    lambda: month_of("case__opened_at"),
    lambda: F("reason"),
    "case__opened_at",
    False,
    "case__",
)
# The insurance report's: requests by decision, and the days to decide.
INSURANCE_REQUESTS = Measure(
    "insurance_requests",
    _requests,
    _requested_month,
    lambda: REQUEST_GROUP,
    "requested_on",
    True,
    "case__",
    counting="day_number",
)
INSURANCE_DECISIONS = Measure(
    "insurance_decisions",
    _decisions,
    _requested_month,
    lambda: F("case__urgency"),
    "requested_on",
    True,
    "case__",
    counting="day_number",
)
MEASURES = (
    APPOINTMENTS,
    STAGES,
    RECORDS_COMPLETE,
    RECORDS_BY_SOURCE,
    RECORDS_BY_KIND,
    CASES_OPENED,
    CASES_COMPLETED,
    CASE_REASONS,
    INSURANCE_REQUESTS,
    INSURANCE_DECISIONS,
)
