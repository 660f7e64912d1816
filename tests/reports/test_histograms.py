"""The reports' histograms (`cases.reports.histograms`) give exactly the figures counted from
every row: on random data sets (the bulk seed, seeded) and random periods, and at once after a
change made through the services. At a fixed instant: Wednesday 18 November 2026, 10:00 in New
York. Run on SQLite and on PostgreSQL."""

import datetime
import random
from contextlib import contextmanager

import pytest
import time_machine
from django.core.management import call_command

from cases.demo.seed import ensure_team, seed_bulk
from cases.models import (
    Appointment,
    Case,
    Insurance,
    RecordsRequest,
    RecordsRequestItem,
    ReportHistogram,
    ReportHistogramBuild,
    Step,
)
from cases.records import services as records_services
from cases.reports.caseload import team_caseload
from cases.reports.histograms import report_histograms_rebuild, uses_histograms, whole_months
from cases.reports.insurance import insurance
from cases.reports.parts import ReportFilters
from cases.reports.records import records
from cases.reports.timeliness import timeliness
from cases.reports.volume import volume
from cases.workflow import services
from tests import factories

INSTANT = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 18)
REPORTS = (timeliness, records, volume, insurance, team_caseload)


@pytest.fixture
def travel():
    with time_machine.travel(INSTANT, tick=False):
        yield


def figures(report) -> tuple:
    return (
        [(table.key, table.rows) for table in report.tables],
        [(headline.label, headline.value) for headline in report.headlines],
    )


@contextmanager
def counted_from_the_rows():
    """The reports count every row while no build is recorded."""
    built = list(ReportHistogramBuild.objects.all())
    ReportHistogramBuild.objects.all().delete()
    try:
        yield
    finally:
        ReportHistogramBuild.objects.bulk_create(built)


def assert_the_same(filters: ReportFilters) -> dict:
    assert uses_histograms(filters)
    fast = {build.__name__: figures(build(filters)) for build in REPORTS}
    with counted_from_the_rows():
        assert not uses_histograms(filters)
        direct = {build.__name__: figures(build(filters)) for build in REPORTS}
    assert fast == direct
    return fast


def random_period(rng: random.Random) -> ReportFilters:
    start = TODAY - datetime.timedelta(days=rng.randint(0, 700))
    end = min(TODAY, start + datetime.timedelta(days=rng.randint(0, 500)))
    return ReportFilters(start=start, end=end)


@pytest.mark.parametrize("cases", [240, 313])
def test_the_histograms_give_the_figures_counted_from_the_rows(db, travel, cases):
    ensure_team()
    seed_bulk(cases)  # seeded by `cases`; it rebuilds the histograms at its end
    assert ReportHistogram.objects.exists()
    rng = random.Random(cases)
    periods = [
        ReportFilters.default(),
        ReportFilters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 10, 31)),
        ReportFilters(start=datetime.date(2026, 11, 3), end=datetime.date(2026, 11, 17)),
        *(random_period(rng) for _ in range(6)),
    ]
    for filters in periods:
        figures_now = assert_the_same(filters)
    # The default period has figures to compare: the data set is not empty there.
    default = figures(timeliness(ReportFilters.default()))
    assert dict(default[1])["Median business days to appointment"] is not None
    assert figures_now


def test_whole_months_leave_out_the_months_begun_or_unfinished():
    assert whole_months(datetime.date(2025, 12, 1), datetime.date(2026, 11, 18)) == [
        202512,
        *range(202601, 202611),
    ]
    assert whole_months(datetime.date(2026, 2, 2), datetime.date(2026, 2, 28)) == []
    assert whole_months(datetime.date(2026, 1, 31), datetime.date(2026, 3, 31)) == [202602, 202603]


def reopened(case: Case, by) -> None:
    case.refresh_from_db()
    if case.is_closed:
        services.case_set_status(case=case, status=Case.Status.OPEN, by=by)


def _stage_count(report, stage: str) -> int:
    return next(row["count"] for row in report.table("stages").rows if row["stage"] == stage)


def test_a_change_through_the_services_shows_at_once(db, travel, sam, alex):
    ensure_team()
    seed_bulk(120)
    filters = ReportFilters.default()
    start, after = filters.moments()
    step = (
        Step.objects.filter(
            status=Step.Status.DONE,
            stage="referral",
            started_at__isnull=False,
            finished_at__gte=start,
            finished_at__lt=after,
        )
        .select_related("case")
        .first()
    )
    case = step.case
    before = timeliness(filters)
    # A step reopened: one fewer referral step done, at once.
    reopened(case, sam)
    services.step_set_status(step=step, status=Step.Status.IN_PROGRESS, by=sam)
    assert _stage_count(timeliness(filters), "Referral") == _stage_count(before, "Referral") - 1
    assert_the_same(filters)
    # ...done again, three weeks later than it was.
    step.refresh_from_db()
    services.step_set_status(
        step=step, status=Step.Status.DONE, by=sam, now=INSTANT - datetime.timedelta(days=2)
    )
    assert _stage_count(timeliness(filters), "Referral") == _stage_count(before, "Referral")
    assert_the_same(filters)
    # A date moved: the appointment to another month.
    appointment = Appointment.objects.get(case=case)
    services.appointment_update(
        appointment=appointment,
        by=sam,
        fields={"scheduled_at": INSTANT - datetime.timedelta(days=200)},
    )
    assert_the_same(filters)
    # A case withdrawn leaves the appointments.
    other = (
        Case.objects.filter(appointment__scheduled_at__gte=start, status=Case.Status.COMPLETED)
        .exclude(pk=case.pk)
        .first()
    )
    counted = timeliness(filters).table("to_appointment").rows[0]["count"]
    reopened(other, sam)
    services.case_set_status(case=other, status=Case.Status.WITHDRAWN, by=sam, reason="Moved")
    assert timeliness(filters).table("to_appointment").rows[0]["count"] == counted - 1
    assert_the_same(filters)
    # Records: a record's arrival moved, a request's sent date corrected.
    item = (
        RecordsRequestItem.objects.filter(
            received_on__gte=filters.start, request__sent_on__isnull=False
        )
        .select_related("request__case")
        .first()
    )
    records_case = item.request.case
    reopened(records_case, sam)
    records_services.records_item_receive(item=item, by=sam, received_on=None)
    assert_the_same(filters)
    request = RecordsRequest.objects.get(pk=item.request_id)
    records_services.records_request_update(
        records_request=request,
        by=sam,
        fields={"sent_on": request.sent_on - datetime.timedelta(days=9)},
    )
    assert_the_same(filters)
    # A case reassigned: the new owner's figures (counted from the rows) have it at once, and
    # the team's (from the histograms) are the same as before.
    team = figures(timeliness(filters))
    mine = ReportFilters(start=filters.start, end=filters.end, social_worker=alex.pk)
    assert _stage_count(timeliness(mine), "Referral") == 0
    services.case_reassign(case=case, social_worker=alex, by=sam)
    assert _stage_count(timeliness(mine), "Referral") == 1
    assert figures(timeliness(filters)) == team
    assert_the_same(filters)


def _opened_and_reasons(filters: ReportFilters) -> tuple[int, dict]:
    report = volume(filters)
    opened = sum(row["opened"] for row in report.table("by_month").rows)
    return opened, {row["key"]: row["cases"] for row in report.table("reasons").rows}


def _plus(counts: dict, *keys: str) -> dict:
    return counts | {key: counts[key] + 1 for key in keys}


def test_a_case_opened_or_its_reasons_edited_shows_at_once(db, travel, alex):
    ensure_team()
    seed_bulk(60)
    filters = ReportFilters.default()
    opened, reasons = _opened_and_reasons(filters)
    # A case opened at intake: one more case, and its reasons.
    case = factories.open_case(alex, reasons=("relapse", "family_advice"))
    assert _opened_and_reasons(filters) == (opened + 1, _plus(reasons, "relapse", "family_advice"))
    assert_the_same(filters)
    # Its reasons edited: one reason taken away, another added.
    services.case_update_details(
        case=case,
        by=alex,
        expected_version=case.version,
        patient_fields={},
        case_fields={},
        reasons=["relapse", "another_view"],
    )
    assert _opened_and_reasons(filters) == (opened + 1, _plus(reasons, "relapse", "another_view"))
    assert_the_same(filters)
    # Completed, then reopened: a case completed this month, then not.
    completed = volume(filters).headlines[1].value
    for step in case.steps.all():
        services.step_set_status(step=step, status=Step.Status.NOT_NEEDED, by=alex, reason="Test")
    case.refresh_from_db()
    if not case.is_closed:
        services.case_set_status(case=case, status=Case.Status.COMPLETED, by=alex)
    assert volume(filters).headlines[1].value == completed + 1
    assert_the_same(filters)
    reopened(case, alex)
    assert volume(filters).headlines[1].value == completed
    assert_the_same(filters)


def test_a_decision_or_an_urgency_changed_shows_at_once(db, travel, sam):
    ensure_team()
    seed_bulk(240)
    filters = ReportFilters.default()
    requested = Insurance.objects.filter(requested_on__gte=filters.start).select_related("case")
    # A decision changed (an approval turned into a denial), another taken back to pending, a
    # third's decision day moved, a fourth's taken away (a decision with no day: not decided).
    approved = list(requested.filter(decision=Insurance.Decision.APPROVED)[:4])
    denied, undecided, moved, undated = approved
    services.insurance_update(
        insurance=denied, by=sam, fields={"decision": Insurance.Decision.DENIED}
    )
    assert_the_same(filters)
    services.insurance_update(
        insurance=undecided,
        by=sam,
        fields={"decision": Insurance.Decision.PENDING, "decided_on": None},
    )
    assert_the_same(filters)
    services.insurance_update(
        insurance=moved,
        by=sam,
        fields={"decided_on": moved.decided_on + datetime.timedelta(days=9)},
    )
    assert_the_same(filters)
    services.insurance_update(insurance=undated, by=sam, fields={"decided_on": None})
    assert_the_same(filters)
    # A case made urgent: its decision time moves to the urgent row.
    case = moved.case
    urgent = insurance(filters).table("decision_time").rows[0]["count"]
    services.case_update_details(
        case=case,
        by=sam,
        expected_version=case.version,
        patient_fields={},
        case_fields={"urgency": "routine" if case.urgency == "urgent" else "urgent"},
        reasons=list(case.reasons.values_list("reason", flat=True)),
    )
    assert insurance(filters).table("decision_time").rows[0]["count"] != urgent
    assert_the_same(filters)


def test_a_rebuild_folds_the_changes_into_one_row_a_key(db, travel, sam):
    ensure_team()
    seed_bulk(60)
    filters = ReportFilters.default()
    step = Step.objects.filter(status=Step.Status.DONE, stage="referral").first()
    reopened(step.case, sam)
    services.step_set_status(step=step, status=Step.Status.IN_PROGRESS, by=sam)
    kept = figures(timeliness(filters))
    call_command("report_histograms", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert figures(timeliness(filters)) == kept
    keys = ReportHistogram.objects.values_list("metric", "month", "group", "value")
    assert keys.count() == len(set(keys))


def test_before_the_first_build_the_reports_count_the_rows(db, travel):
    assert not uses_histograms(ReportFilters.default())
    report_histograms_rebuild()
    assert uses_histograms(ReportFilters.default())
    # Any filter but the period is counted from the rows.
    assert not uses_histograms(ReportFilters(start=TODAY, end=TODAY, urgency="urgent"))
