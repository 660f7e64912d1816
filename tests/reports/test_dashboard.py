"""The reports dashboard shows exactly the figures of each report built whole: its headline
figures (and the period before's) and its table by month, from the histograms or counted from
the rows, for a fixed number of queries. At a fixed instant: Wednesday 18 November 2026, 10:00
in New York. Run on SQLite and on PostgreSQL."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.demo.seed import ensure_team, seed_bulk
from cases.models import Case
from cases.reports import registry as reports
from cases.reports.periods import compare_headlines, previous_period
from tests.query_budgets import REPORTS_DASHBOARD_QUERIES
from tests.reports.test_histograms import counted_from_the_rows

INSTANT = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def seeded(db):
    with time_machine.travel(INSTANT, tick=False):
        ensure_team()
        seed_bulk(240)  # it builds the histograms at its end
        yield


def _headlines(report: reports.Report) -> list[tuple]:
    return [(headline.label, headline.value, headline.kind) for headline in report.headlines]


def _compared(compared) -> list[tuple]:
    return [(row.label, row.now, row.before, row.change) for row in compared]


def assert_the_dashboard_shows_each_report(client, params: dict) -> None:
    response = client.get(reverse("reports"), params)
    assert response.status_code == 200
    filters = response.context["filters"]
    start, end = previous_period(filters.start, filters.end)
    before = reports.ReportFilters(
        start=start,
        end=end,
        social_worker=filters.social_worker,
        urgency=filters.urgency,
        centre=filters.centre,
    )
    cards = {card["report"].slug: card for card in response.context["cards"]}
    assert list(cards) == list(reports.DASHBOARD_REPORTS)
    trends = {trend["table_id"]: trend["table"].rows for trend in response.context["trends"]}
    for slug in reports.DASHBOARD_REPORTS:
        whole = reports.REPORTS[slug].build(filters)
        assert _headlines(cards[slug]["report"]) == _headlines(whole), slug
        if "compare" in params:
            expected = compare_headlines(whole, reports.REPORTS[slug].build(before))
            assert _compared(cards[slug]["compared"]) == _compared(expected), slug
        by_month = [table for table in whole.tables if table.key == "by_month"]
        if by_month:
            assert trends.pop(f"{slug}-by_month") == by_month[0].rows, slug
    assert not trends  # every trend is some report's table by month


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start": "2026-02-10", "end": "2026-09-20", "compare": "on"},
        {"start": "2025-11-01", "end": "2026-10-31", "compare": "on"},
        {"urgency": "urgent", "compare": "on"},
    ],
)
def test_the_dashboard_shows_the_figures_of_each_report_built_whole(
    client_for, seeded, sam, params
):
    client = client_for(sam)
    with time_machine.travel(INSTANT, tick=False):
        assert_the_dashboard_shows_each_report(client, params)
        with counted_from_the_rows():
            assert_the_dashboard_shows_each_report(client, params)


def test_a_social_workers_dashboard_shows_their_reports_figures(client_for, seeded, sam):
    worker = Case.objects.filter(status=Case.Status.OPEN).first().social_worker
    with time_machine.travel(INSTANT, tick=False):
        assert_the_dashboard_shows_each_report(
            client_for(sam), {"worker": worker.pk, "compare": "on"}
        )


def test_dashboard_costs_a_fixed_number_of_queries(
    client_for, seeded, sam, django_assert_num_queries
):
    client = client_for(sam)
    with time_machine.travel(INSTANT, tick=False):
        with django_assert_num_queries(REPORTS_DASHBOARD_QUERIES):
            assert client.get(reverse("reports")).status_code == 200
        seed_bulk(360)  # more cases, the histograms rebuilt
        with django_assert_num_queries(REPORTS_DASHBOARD_QUERIES):
            assert client.get(reverse("reports")).status_code == 200
