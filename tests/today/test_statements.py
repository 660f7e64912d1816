"""Today's hand-written SQL (cases/today/statements.py) lists exactly what each list's
queryset (cases/today/selectors.py) defines: the same rows, in the same order, shown the same
way, with the same total, on random data around a Monday, for a social worker, a colleague
covering them, another social worker and a supervisor looking at each. Run it on PostgreSQL
too: `DATABASE_URL=postgres://…/nav_<name> pytest tests/today/test_statements.py`."""

import dataclasses
import datetime
import random

import pytest
import time_machine
from django.db import connection

from cases.models import Case, Step
from cases.screening import services as screening_services
from cases.today import selectors, statements
from tests import factories
from tests.today.data import (
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
    tell_what_to_bring,
    visit,
)

STAGES = ("referral", "preauthorization", "records", "appointment")


def around(rng: random.Random, days: int = 12) -> datetime.date:
    return MONDAY + datetime.timedelta(days=rng.randint(-days, days))


def maybe(rng: random.Random, value):
    return value if rng.random() < 0.6 else None


def random_world(rng: random.Random, workers: list) -> None:
    """A dozen and a half cases of random owners, each with a random mix of what Today lists
    (and of what it must leave out: steps not started, work done, cases closed)."""
    # The screenings draw from a generator of their own, so the rest of the world stays what
    # each seed gave before screenings were listed.
    screenings = random.Random(rng.getstate()[1][0])
    for number in range(18):
        owner = rng.choice(workers)
        case = case_for(
            owner, name=f"Random Patient{number:02d}", urgency=rng.choice(["routine", "urgent"])
        )
        for stage in rng.sample(STAGES, rng.randint(0, 3)):
            due = MONDAY if rng.random() < 0.25 else around(rng)
            chosen = due_on(case, stage, due, by=owner)
            if rng.random() < 0.3:
                block(case, stage, by=owner, on=around(rng, 5), reason=f"Waiting {number}")
                if rng.random() < 0.3:  # blocked before steps recorded when
                    Step.objects.filter(pk=chosen.pk).update(blocked_at=None)
        for _ in range(rng.randint(0, 3)):
            follow_up(
                case,
                due=around(rng),
                assignee=rng.choice(workers),
                what=f"Call back <{number}> & fax",
                due_time=maybe(rng, datetime.time(rng.randint(8, 17), rng.choice([0, 30]))),
                **(
                    {"done_at": at(MONDAY - datetime.timedelta(days=1)), "done_by": owner}
                    if rng.random() < 0.2
                    else {}
                ),
            )
        for _ in range(rng.randint(0, 2)):
            fields = {
                "sent_on": maybe(rng, around(rng, 40)),
                "answer_due_on": maybe(rng, around(rng)),
                "follow_up_on": maybe(rng, around(rng)),
            }
            if rng.random() < 0.2:
                fields["completed_on"] = around(rng)
            if rng.random() < 0.5:
                fields["contact"] = factories.ContactFactory()
            records_request(case, by=owner, **fields)
        for _ in range(rng.randint(0, 3)):
            asked = at(around(rng, 6), rng.randint(8, 20))
            question(case, asked=asked, changed=maybe(rng, asked + datetime.timedelta(hours=3)))
        for viewer in rng.sample(workers, rng.randint(0, len(workers))):
            visit(viewer, case, at(around(rng, 6), rng.randint(8, 20)))
        if rng.random() < 0.6:
            when = MONDAY + datetime.timedelta(days=rng.randint(-2, 9))
            book(case, by=owner, when=at(when, rng.randint(8, 17), 30))
            if rng.random() < 0.4:
                tell_what_to_bring(case, by=owner)
        # Distress screenings (issue #14), some old enough for rescreening: the latest counts.
        for _ in range(screenings.randint(0, 2)):
            screened = MONDAY - datetime.timedelta(days=screenings.randint(10, 60))
            screening_services.screening_record(
                case=case, by=owner, screened_on=screened, method="phone", score=2, now=at(screened)
            )
        ending = rng.random()
        if ending < 0.25:
            held_on = MONDAY - datetime.timedelta(days=rng.randint(1, 12))
            review_on = held_on + datetime.timedelta(days=rng.randint(0, 20))
            hold(case, by=owner, on=held_on, review_on=review_on)
            if rng.random() < 0.3:  # held before holds took a review date
                Case.objects.filter(pk=case.pk).update(hold_review_on=None)
        elif ending < 0.35:
            Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED)


def through_the_queryset(kind, scope, day) -> tuple[int, list[dict]]:
    values = list(selectors._values(kind, scope, day))
    return len(values), values


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_statement_lists_what_its_queryset_lists(seed, alex, blair, casey, sam):
    """casey covers alex; sam supervises. Every list, whole and a page of it."""
    rng = random.Random(seed)
    with time_machine.travel(at(MONDAY - datetime.timedelta(days=30), 9), tick=False):
        factories.coverage(covering=casey, covered=alex, days=60)
    random_world(rng, [alex, blair, casey])
    with time_machine.travel(at(MONDAY, 10), tick=False):
        day = selectors.day_for()
        scopes = {
            "alex": selectors.scope_for(alex),
            "casey, covering alex": selectors.scope_for(casey),
            "blair": selectors.scope_for(blair),
            "sam, alex's": selectors.scope_for(sam, worker=alex),
            "sam, blair's": selectors.scope_for(sam, worker=blair),
        }
        listed_somewhere = set()
        for name, scope in scopes.items():
            for kind in selectors.KINDS:
                if kind.statement is None:  # listed through its queryset: nothing to compare
                    continue
                expected_total, expected = through_the_queryset(kind, scope, day)
                total, found = statements.run(kind.statement(scope, day), limit=1000)
                shown = selectors._rows(kind, found, scope, day, "/today/")
                assert (total, shown) == (
                    expected_total,
                    selectors._rows(kind, expected, scope, day, "/today/"),
                ), f"{kind.slug} for {name}"
                _, page = statements.run(kind.statement(scope, day), limit=3, offset=2)
                assert selectors._rows(kind, page, scope, day, "/today/") == shown[2:5]
                if total:
                    listed_somewhere.add(kind.slug)
    # The random world reaches every list at least once for someone.
    assert listed_somewhere == {kind.slug for kind in selectors.KINDS if kind.statement}


def test_a_list_without_a_statement_is_listed_through_its_queryset(alex, blair):
    """A new list may start with its queryset alone: the page lists it the same way (its
    total, and a page of its rows)."""
    random_world(random.Random(4), [alex, blair])
    with time_machine.travel(at(MONDAY, 10), tick=False):
        scope, day = selectors.scope_for(alex), selectors.day_for()

        def listed(kind) -> tuple[int, list]:
            total, values = selectors.rows_of(kind, scope, day, limit=4, offset=1)
            return total, selectors._rows(kind, values, scope, day, "/today/")

        for kind in selectors.KINDS:
            assert listed(dataclasses.replace(kind, statement=None)) == listed(kind), kind.slug


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_statements_are_prepared_once_per_connection(alex, blair):
    """Today's statements are parsed once per kept connection (`DATABASE_PREPARE_THRESHOLD`);
    with no threshold (a pooler that cannot keep them) nothing is prepared."""
    random_world(random.Random(5), [alex, blair])

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    with time_machine.travel(at(MONDAY, 10), tick=False):
        scope, day = selectors.scope_for(alex), selectors.day_for()
        threshold = connection.connection.prepare_threshold
        try:
            connection.connection.prepare_threshold = None
            before = prepared()
            selectors.today_lists(scope, day, back_to="/today/")
            assert prepared() == before
            connection.connection.prepare_threshold = 5
            selectors.today_lists(scope, day, back_to="/today/")
            once = prepared()
            assert once - before == sum(1 for kind in selectors.KINDS if kind.statement)
            selectors.today_lists(scope, day, back_to="/today/")
            assert prepared() == once
        finally:
            connection.connection.prepare_threshold = threshold
