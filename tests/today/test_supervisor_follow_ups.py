"""A supervisor's own follow-ups on the team's Today: a follow-up may be given to a supervisor
(the case page offers them), and the team's view, which lists no other rows, lists theirs —
due today or late, on any case, the first ten and then every one a page at a time; in the
audit event with the cases it shows; at a fixed number of queries.

Monday 7 December 2026, 10:00 in New York."""

import datetime

import pytest
import time_machine

from cases.models import AuditEvent
from tests import factories
from tests.query_budgets import TODAY_TEAM_QUERIES
from tests.today.data import MONDAY, at, case_for, follow_up

URL = "/today/"


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(at(MONDAY, 10), tick=False):
        yield


def own(response):
    [listed] = response.context["own"]
    return listed


def test_the_team_view_lists_the_supervisor_s_own_follow_ups(client_for, alex, blair, sam):
    case = case_for(alex, name="Fay Followup")
    follow_up(case, due=MONDAY, assignee=sam, what="Call the centre's director")
    follow_up(case, due=MONDAY - datetime.timedelta(days=3), assignee=sam, what="Late one")
    follow_up(case, due=MONDAY + datetime.timedelta(days=1), assignee=sam, what="Tomorrow's")
    follow_up(case, due=MONDAY, assignee=alex, what="Alex's own")
    other = factories.supervisor("tess", first_name="Tess", last_name="Ito")
    follow_up(case, due=MONDAY, assignee=other, what="Another supervisor's")
    response = client_for(sam).get(URL)
    assert response.status_code == 200
    listed = own(response)
    assert listed.total == 2
    assert [row.what for row in listed.rows] == ["Late one", "Call the centre's director"]
    assert {row.whose for row in listed.rows} == {""}  # theirs: "Yours" on the page
    page = response.content.decode()
    assert "Your own follow-ups" in page and "Call the centre&#x27;s director" in page
    assert "Alex&#x27;s own" not in page and "Another supervisor" not in page
    event = AuditEvent.objects.filter(action="view", changes__list="today").latest("pk")
    assert event.changes["cases"] == [case.pk]


def test_more_than_ten_are_one_click_away_a_page_at_a_time(client_for, alex, sam):
    case = case_for(alex, name="Fay Followup")
    for number in range(30):
        follow_up(case, due=MONDAY, assignee=sam, what=f"Call number {number:02}")
    client = client_for(sam)
    listed = own(client.get(URL))
    assert (listed.total, len(listed.rows), listed.more) == (30, 10, True)
    assert 'href="?show=follow-ups">Show all 30' in client.get(URL).content.decode()
    whole = client.get(URL, {"show": "follow-ups", "page": "2"})
    assert whole.status_code == 200
    listed = own(whole)
    assert listed.page.number == 2
    assert [row.what for row in listed.rows] == [
        "Call number 25",
        "Call number 26",
        "Call number 27",
        "Call number 28",
        "Call number 29",
    ]
    assert "Back to every list" in whole.content.decode()


def test_the_team_view_costs_the_same_however_many(
    client_for, alex, sam, django_assert_max_num_queries
):
    case = case_for(alex, name="Fay Followup")
    client = client_for(sam)
    for count in (1, 25):
        for number in range(count):
            follow_up(case, due=MONDAY, assignee=sam, what=f"Call {count}-{number}")
        with django_assert_max_num_queries(TODAY_TEAM_QUERIES):
            assert client.get(URL).status_code == 200
