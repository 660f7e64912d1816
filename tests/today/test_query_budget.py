"""Today costs a fixed number of queries however long its lists are."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.screening import services as screening_services
from tests.query_budgets import (
    TODAY_QUERIES,
    TODAY_SHOWN_QUERIES,
    TODAY_SUPERVISOR_QUERIES,
    TODAY_TEAM_QUERIES,
)
from tests.today.data import (
    LONG_AGO,
    MONDAY,
    at,
    block,
    book,
    case_for,
    due_on,
    follow_up,
    hold,
    question,
    records_request,
)

URL = "/today/"


def fill(worker, count: int) -> None:
    """`count` rows in every list of `worker`'s Today on MONDAY."""
    for number in range(count):
        case = case_for(worker, name=f"Busy Number{number:02d}")
        due_on(case, "referral", MONDAY, by=worker)
        due_on(case, "preauthorization", datetime.date(2026, 12, 1), by=worker)
        block(case, "records", by=worker, on=datetime.date(2026, 12, 2), reason="Waiting")
        follow_up(case, due=MONDAY, assignee=worker)
        screening_services.screening_record(
            case=case, by=worker, screened_on=LONG_AGO, method="phone", score=1, now=at(LONG_AGO)
        )
        records_request(case, by=worker, follow_up_on=datetime.date(2026, 12, 4))
        question(case, asked=at(datetime.date(2026, 12, 6)))
        book(case, by=worker, when=at(datetime.date(2026, 12, 9), 9))
        held = case_for(worker, name=f"Held Number{number:02d}")
        hold(held, by=worker, on=datetime.date(2026, 11, 20), review_on=MONDAY)


def cost(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [3, 30])
def test_today_costs_the_same_with_3_or_30_rows_a_list(
    client_for, alex, sam, count, django_assert_max_num_queries
):
    fill(alex, count)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        client = client_for(alex)
        listed = client.get(URL).context["lists"]
        assert {item.slug: item.total for item in listed} == {item.slug: count for item in listed}
        with django_assert_max_num_queries(TODAY_QUERIES):
            client.get(URL)
        with django_assert_max_num_queries(TODAY_SHOWN_QUERIES):
            client.get(URL, {"show": "overdue", "page": "2"})
        supervisor = client_for(sam)
        with django_assert_max_num_queries(TODAY_TEAM_QUERIES):
            supervisor.get(URL)
        with django_assert_max_num_queries(TODAY_SUPERVISOR_QUERIES):
            supervisor.get(URL, {"worker": alex.pk})


def test_the_count_does_not_grow_with_the_rows(client_for, alex):
    fill(alex, 2)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        few = cost(client_for(alex))
    fill(alex, 12)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        assert cost(client_for(alex)) == few == TODAY_QUERIES
