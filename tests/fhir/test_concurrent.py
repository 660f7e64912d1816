"""Two requests at the same moment on PostgreSQL (SQLite lets one writer in at a time): the
same referral sent twice at once is one referral; two supervisors assigning it at once open
one case."""

import datetime

import pytest
import time_machine
from django.db import connection

from cases.fhir import services
from cases.models import Case, IncomingReferral
from tests import factories
from tests.concurrency import run_at_once
from tests.fhir import data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]


@pytest.fixture(autouse=True)
def _monday():
    moment = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=True):
        yield


def test_the_same_referral_sent_twice_at_once_is_one_referral():
    factories.ensure_defaults()
    _, token = data.api_system()
    statuses = []

    def send() -> None:
        response = data.post_json(data.api_client(token), "/fhir/r4/Bundle", data.referral())
        statuses.append(response.status_code)

    assert run_at_once(send) == []
    assert sorted(statuses) == [200, 201]
    assert IncomingReferral.objects.count() == 1


def test_two_supervisors_assigning_at_once_open_one_case():
    factories.ensure_defaults()
    alex = factories.social_worker("alex")
    sam, kit = factories.supervisor("sam"), factories.supervisor("kit")
    referral = data.waiting_referral()
    ended = []

    def assign(by) -> None:
        try:
            services.referral_assign(referral=referral, social_worker=alex, by=by)
            ended.append("opened")
        except services.ReferralAlreadyAssigned:
            ended.append("already assigned")

    assert run_at_once(lambda: assign(sam if not ended else kit)) == []
    assert sorted(ended) == ["already assigned", "opened"]
    assert Case.objects.count() == 1
