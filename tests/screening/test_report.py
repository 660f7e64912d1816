"""The Screening and barriers report's figures on a small hand-built data set, each worked out
by hand below, and the committee's annual summary and the CSV through the pages.

The period is March 2026 (threshold 4, rescreening 30 days, screened within 7 days).

New cases (opened Monday 2 March): one screened Wednesday 4 March (2 days: on time), one
screened Monday 16 March (14 days: late), one not screened, and one withdrawn (left out): 3
new, 2 screened, 1 on time (33%); median days to the first screening (2, 14) = 8.0.

Screenings in March: score 2 (4 Mar), 6 (16 Mar, referral to counselling the same day), 8
(10 Mar, no referral with a reason; a rescreen 18 days after 20 Feb), 4 (9 Mar, no plan; a
rescreen 63 days after 5 Jan, late), 5 (20 Mar, a rescreen 16 days after 4 Mar; referral to
psychiatry recorded 23 Mar). At 4 or more: 4, of which 2 referred (50%), 1 declined, 1 without
a plan; days to referral 0 and 3: median 1.5, 90th percentile 0 + 0.9 × 3 = 2.7. Rescreens: 3,
2 on time (67%), median of 16, 18, 63 = 18.0.

Barriers: transport 2 Mar → resolved 12 Mar (10 days) and 5 Mar → 9 Mar (4 days): median 7.0,
90th percentile 4 + 0.9 × 6 = 9.4. Cost identified 3 Mar, still open; cost identified 1 Feb,
resolved 3 Mar (30 days: counted in days to resolution, not as identified). Housing identified
10 Feb, still open, and 30 Mar, resolved 2 April (after the period: open at its end). Language
10 Mar, closed unresolved 20 Mar. Identified 5, resolved 2 (40%); days to resolution of all
resolved in March (10, 4, 30): median 10.0; open at period end 3.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, DistressScreening, SupportResource
from cases.reports import registry as reports
from cases.screening import services
from cases.workflow import services as workflow_services
from tests import factories

TEAM = ZoneInfo("America/New_York")
MARCH = reports.ReportFilters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
REPORT_QUERIES = 9


def at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, tzinfo=TEAM)


def on(day: int, month: int = 3) -> datetime.date:
    return datetime.date(2026, month, day)


def rows(report, table: str) -> list[list[str]]:
    built = report.table(table)
    return [built.cells(row) for row in built.rows]


def headline(report, label: str) -> str:
    return next(item.text for item in report.headlines if item.label == label)


def screen(case, by, day, score, month=3, **plan):
    return services.screening_record(
        case=case,
        by=by,
        screened_on=on(day, month),
        method="phone",
        score=score,
        now=at(day, month),
        **plan,
    )


def unplanned(case, by, day, score, month=3) -> DistressScreening:
    """A screening without a plan at or above the threshold, as one made before the threshold
    was lowered (the form refuses it now)."""
    return DistressScreening.objects.create(
        case=case,
        screened_on=on(day, month),
        screened_by=by,
        method="phone",
        score=score,
        recorded_by=by,
        created_at=at(day, month),
    )


def barrier(case, by, kind, day, month=3, **fields):
    return services.barrier_add(
        case=case,
        by=by,
        kind=kind,
        identified_on=on(day, month),
        now=at(day, month),
        **fields,
    )


def close(item, by, day, month=3, status="resolved", **fields):
    services.barrier_close(
        barrier=item, by=by, status=status, closed_on=on(day, month), now=at(day, month), **fields
    )


@pytest.fixture
def march(alex, blair):
    rides = SupportResource.objects.create(name="Example Ride Programme")
    first = factories.open_case(alex, now=at(2))
    second = factories.open_case(blair, now=at(2))
    unscreened = factories.open_case(alex, now=at(2))
    withdrawn = factories.open_case(alex, now=at(2))
    workflow_services.case_set_status(
        case=withdrawn, status="withdrawn", reason="Moved", by=alex, now=at(3)
    )
    earlier = factories.open_case(alex, now=at(2, 2))
    older = factories.open_case(alex, now=at(5, 1))

    screen(first, alex, 4, 2)
    screen(second, blair, 16, 6, plan="referral", referral_kind="counselling")
    screen(earlier, alex, 20, 1, month=2)
    screen(earlier, alex, 10, 8, plan="none", no_referral_reason="Already in care")
    screen(older, alex, 5, 1, month=1)
    unplanned(older, alex, 9, 4)
    later_plan = unplanned(first, alex, 20, 5)
    services.screening_plan_record(
        screening=later_plan, by=alex, plan="referral", referral_kind="psychiatry", now=at(23)
    )

    transport = barrier(first, alex, "transport", 2, resource=rides)
    services.barrier_intervention_add(
        barrier=transport, by=alex, note="Bus pass", done_on=on(4), now=at(4)
    )
    close(transport, alex, 12)
    close(barrier(second, blair, "transport", 5, resource=rides), blair, 9)
    barrier(first, alex, "cost", 3, intervention_note="Payment plan")
    barrier(earlier, alex, "housing", 10, month=2, intervention_note="Shelter list")
    close(barrier(earlier, alex, "cost", 1, month=2), alex, 3)
    close(barrier(unscreened, alex, "housing", 30), alex, 2, month=4)
    close(
        barrier(second, blair, "language", 10),
        blair,
        20,
        status="unresolved",
        unresolved_reason="No interpreter for that language",
    )


def test_the_screening_figures(march, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES):
        report = reports.REPORTS["screening"].build(MARCH)
    assert rows(report, "new_cases") == [["3", "2", "1", "33%", "8.0"]]
    scores = {row[0]: row[1] for row in rows(report, "scores")}
    assert scores == {
        "0": "0",
        "1": "0",
        "2": "1",
        "3": "0",
        "4": "1",
        "5": "1",
        "6": "1",
        "7": "0",
        "8": "1",
        "9": "0",
        "10": "0",
    }
    assert rows(report, "plans") == [["4", "2", "50%", "1", "1", "1.5", "2.7"]]
    referrals = {row[0]: row[1] for row in rows(report, "referrals")}
    assert referrals["Psychosocial counselling"] == "1" and referrals["Psychiatry"] == "1"
    assert referrals["Chaplaincy"] == "0"
    assert rows(report, "rescreens") == [["3", "2", "67%", "18.0"]]
    assert headline(report, "New cases screened within 7 days") == "33%"
    assert headline(report, "Screenings") == "5"
    assert headline(report, "Scores of 4 or more with a referral") == "50%"
    assert headline(report, "Rescreens on time") == "67%"


def test_the_barrier_figures(march):
    report = reports.REPORTS["screening"].build(MARCH)
    by_kind = {row[0]: row[1:] for row in rows(report, "barriers")}
    assert by_kind["Transport"] == ["2", "2", "100%", "0", "7.0", "9.4", "0"]
    assert by_kind["Cost and out-of-pocket"] == ["1", "0", "0%", "0", "30.0", "30.0", "1"]
    assert by_kind["Housing"] == ["1", "0", "0%", "0", "—", "—", "2"]
    assert by_kind["Language and interpreter"] == ["1", "0", "0%", "1", "—", "—", "0"]
    assert by_kind["Caregiving"] == ["0", "0", "—", "0", "—", "—", "0"]
    assert rows(report, "interventions") == [
        ["(typed: no resource from the list)", "2", "2"],
        ["Example Ride Programme", "2", "2"],
    ]
    assert rows(report, "by_worker") == [
        ["Alex Rivera", "4", "3", "2", "3", "1", "3"],
        ["Blair Nguyen", "1", "1", "1", "2", "1", "0"],
    ]
    assert headline(report, "Barriers identified") == "5"
    assert headline(report, "Barriers resolved") == "40%"
    assert headline(report, "Median days to resolve a barrier") == "10.0"
    assert headline(report, "Barriers open at period end") == "3"


def test_the_figures_follow_the_social_worker_filter(march, blair):
    report = reports.REPORTS["screening"].build(
        reports.ReportFilters(start=MARCH.start, end=MARCH.end, social_worker=blair.pk)
    )
    assert rows(report, "new_cases") == [["1", "1", "0", "0%", "14.0"]]
    assert rows(report, "plans") == [["1", "1", "100%", "0", "0", "0.0", "0.0"]]
    assert rows(report, "by_worker") == [["Blair Nguyen", "1", "1", "1", "2", "1", "0"]]


def test_the_thresholds_come_from_settings(march, settings):
    settings.SCREENING_THRESHOLD = 6
    settings.RESCREENING_DAYS = 17
    settings.SCREENING_WITHIN_DAYS = 14
    report = reports.REPORTS["screening"].build(MARCH)
    assert rows(report, "new_cases") == [["3", "2", "2", "67%", "8.0"]]
    # At 6 or more: the 6 (referred) and the 8 (declined).
    assert rows(report, "plans")[0][:5] == ["2", "1", "50%", "1", "0"]
    # Within 17 days: only the 16-day rescreen.
    assert rows(report, "rescreens") == [["3", "1", "33%", "18.0"]]


def test_the_report_page_csv_and_annual_summary(march, client_for, sam, settings):
    settings.PROGRAMME_NAME = "Example Cancer Centre Second Opinion Programme"
    client = client_for(sam)
    query = {"start": "2026-03-01", "end": "2026-03-31"}
    with time_machine.travel(at(1, 6), tick=False):
        page = client.get(reverse("report", args=["screening"]), query)
        assert page.status_code == 200
        assert "Barriers to care by kind" in page.content.decode()
        csv = client.get(reverse("report_csv", args=["screening"]), query).content.decode()
        assert "Transport,2,2,100%,0,7.0,9.4,0" in csv
        summary = client.get(reverse("screening_summary"), query)
    body = summary.content.decode()
    assert "Example Cancer Centre Second Opinion Programme" in body
    assert "Period: March 1, 2026 to March 31, 2026." in body
    assert (
        "Of 3 new cases, 2 were screened for distress with the NCCN Distress Thermometer, 1 "
        "within 7 days of the case opening (33%)." in body
    )
    assert "5 barriers to care were identified and 2 of them resolved" in body
    assert AuditEvent.objects.filter(
        action="view", changes__list="report: screening summary"
    ).exists()


def test_the_annual_summary_defaults_to_the_last_full_year(client_for, sam):
    with time_machine.travel(at(15, 2), tick=False):
        body = client_for(sam).get(reverse("screening_summary")).content.decode()
    assert "Period: January 1, 2025 to December 31, 2025." in body


def test_the_annual_summary_explains_a_bad_period(client_for, sam):
    with time_machine.travel(at(15, 2), tick=False):
        response = client_for(sam).get(
            reverse("screening_summary"), {"start": "2026-03-31", "end": "2026-03-01"}
        )
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.content.decode()
