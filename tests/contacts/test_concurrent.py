"""Two requests at the same moment on PostgreSQL (SQLite lets one writer in at a time): the two
copies of a double click log one call and mark a follow-up done once; two corrections of one
entry, or two changes of one follow-up, from the same page save one, and refuse or calmly answer
the other."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cases.contacts import services
from cases.models import ContactLogEntry, FollowUp
from tests import factories
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]


@pytest.fixture(autouse=True)
def _monday():
    """Monday 23 November 2026, 10:00 in New York; the clock runs on from there."""
    moment = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def alex_and_case():
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    return alex, factories.open_case(alex)


def outcomes(work) -> list[str]:
    """What each of two simultaneous calls of `work` ended with, sorted."""
    ended: list[str] = []

    def once() -> None:
        try:
            work()
            ended.append("saved")
        except (services.AlreadySaved, services.ConflictError) as refusal:
            ended.append(type(refusal).__name__)

    assert run_at_once(once) == []
    return sorted(ended)


def fields(**overrides) -> dict:
    return {
        "occurred_at": timezone.now().replace(microsecond=0),
        "channel": "call",
        "direction": "out",
        "contact": None,
        "contact_other": "Example Health Plan, prior authorization",
        "number_used": "555-0101",
        "reference_number": "",
        "outcome": "reached",
        "note": "",
    } | overrides


def test_a_double_click_logs_one_call(alex_and_case):
    alex, case = alex_and_case
    typed = fields()
    follow_up = services.NewFollowUp(what="Call back", due_on=timezone.localdate())

    def log() -> None:
        services.contact_log_add(
            case=type(case).objects.get(pk=case.pk), by=alex, fields=typed, follow_up=follow_up
        )

    assert outcomes(log) == ["AlreadySaved", "saved"]
    assert ContactLogEntry.objects.count() == 1
    assert FollowUp.objects.count() == 1


def test_two_corrections_from_one_page(alex_and_case):
    alex, case = alex_and_case
    entry = services.contact_log_add(case=case, by=alex, fields=fields())

    def correct(outcome: str, *, expected_version: int):
        def run() -> None:
            services.contact_log_correct(
                entry=ContactLogEntry.objects.select_related("case").get(pk=entry.pk),
                by=alex,
                fields=fields(occurred_at=entry.occurred_at, outcome=outcome),
                expected_version=expected_version,
            )

        return run

    # A double click: the same correction twice.
    assert outcomes(correct("left_message", expected_version=1)) == ["AlreadySaved", "saved"]
    entry.refresh_from_db()
    assert (entry.outcome, entry.version) == ("left_message", 2)
    # Two tabs of one page, each with another outcome: one is saved, the other refused.
    tabs = iter([correct("no_answer", expected_version=2), correct("busy", expected_version=2)])
    assert outcomes(lambda: next(tabs)()) == ["ConflictError", "saved"]
    entry.refresh_from_db()
    assert entry.version == 3 and entry.outcome in ("no_answer", "busy")


def test_done_pressed_twice_at_once_marks_it_done_once(alex_and_case):
    alex, case = alex_and_case
    follow_up = factories.follow_up(case, due_on=timezone.localdate() + datetime.timedelta(days=1))

    def done() -> None:
        services.follow_up_done(
            follow_up=FollowUp.objects.select_related("case").get(pk=follow_up.pk), by=alex
        )

    assert outcomes(done) == ["AlreadySaved", "saved"]
    follow_up.refresh_from_db()
    assert follow_up.version == 2


def test_two_changes_of_one_follow_up_from_one_page(alex_and_case):
    alex, case = alex_and_case
    follow_up = factories.follow_up(case, due_on=timezone.localdate() + datetime.timedelta(days=1))

    def change(days: int, *, expected_version: int):
        def run() -> None:
            services.follow_up_change(
                follow_up=FollowUp.objects.select_related("case").get(pk=follow_up.pk),
                by=alex,
                what=follow_up.what,
                due_on=timezone.localdate() + datetime.timedelta(days=days),
                expected_version=expected_version,
            )

        return run

    # A double click: the same change twice.
    assert outcomes(change(3, expected_version=1)) == ["AlreadySaved", "saved"]
    follow_up.refresh_from_db()
    assert follow_up.version == 2
    assert follow_up.due_on == timezone.localdate() + datetime.timedelta(days=3)
    # Two tabs, each moving it to another day: one is saved, the other refused.
    tabs = iter([change(4, expected_version=2), change(5, expected_version=2)])
    assert outcomes(lambda: next(tabs)()) == ["ConflictError", "saved"]
    follow_up.refresh_from_db()
    assert follow_up.version == 3
    assert (follow_up.due_on - timezone.localdate()).days in (4, 5)
