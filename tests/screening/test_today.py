"""Rescreening due on Today (issue #14): an open case whose last distress screening was
`RESCREENING_DAYS` (30) or more days ago, in one query like every Today list. Monday 7
December 2026 in New York."""

import datetime

import pytest
import time_machine

from cases.screening import services
from cases.workflow import services as workflow_services
from tests.today.data import MONDAY, at, case_for

URL = "/today/"


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(at(MONDAY, 10), tick=False):
        yield


def screened(case, worker, days_ago: int):
    day = MONDAY - datetime.timedelta(days=days_ago)
    return services.screening_record(
        case=case, by=worker, screened_on=day, method="phone", score=1, now=at(day)
    )


def rescreening(client) -> list:
    listed = {item.slug: item for item in client.get(URL).context["lists"]}
    return listed["rescreening"].rows


def test_a_case_screened_thirty_days_ago_is_due(client_for, alex):
    due = case_for(alex, name="Due Rescreen")
    screened(due, alex, 30)
    not_yet = case_for(alex, name="Not Yet")
    screened(not_yet, alex, 29)
    rows = rescreening(client_for(alex))
    assert [row.patient for row in rows] == ["Due Rescreen"]
    assert rows[0].what == "Last distress screening Sat Nov 7"
    assert rows[0].when == "Rescreening due Mon Dec 7"
    assert not rows[0].late
    assert rows[0].url.endswith("#screening")


def test_only_the_last_screening_counts_and_closed_cases_are_not_listed(client_for, alex):
    rescreened = case_for(alex, name="Rescreened Recently")
    screened(rescreened, alex, 60)
    screened(rescreened, alex, 5)
    closed = case_for(alex, name="Closed Case")
    screened(closed, alex, 45)
    workflow_services.case_set_status(case=closed, status="withdrawn", reason="Moved", by=alex)
    case_for(alex, name="Never Screened")
    assert rescreening(client_for(alex)) == []


def test_the_interval_is_a_setting(client_for, alex, settings):
    case = case_for(alex, name="Weekly Check")
    screened(case, alex, 8)
    settings.RESCREENING_DAYS = 7
    rows = rescreening(client_for(alex))
    assert [row.patient for row in rows] == ["Weekly Check"]
    assert rows[0].late


def test_a_colleague_s_case_is_not_on_my_today(client_for, alex, blair):
    case = case_for(blair, name="Blair Case")
    screened(case, blair, 40)
    assert rescreening(client_for(alex)) == []
    assert [row.patient for row in rescreening(client_for(blair))] == ["Blair Case"]
