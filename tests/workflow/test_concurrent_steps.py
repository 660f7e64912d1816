"""Two people changing one case's steps at the same moment, on PostgreSQL (issue 11, items 10
and 11). A colleague's transaction is held open at its commit while the other one runs, as
when two requests overlap; the second must decide on what the first saved.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from cases.models import Case, Step
from cases.workflow import services
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def overlapping(colleague, person) -> list[Exception]:
    """Run `colleague` in a transaction that stays open until `person`, in another
    connection, is waiting for a lock (or has finished); return what each raised."""
    errors: list[Exception] = []
    holding, finished = threading.Event(), threading.Event()

    def in_thread(work, hold: bool) -> None:
        try:
            with transaction.atomic():
                work()
                if hold:
                    holding.set()
                    deadline = time.monotonic() + 10
                    while not waiting_for_a_lock() and not finished.is_set():
                        if time.monotonic() > deadline:
                            break
                        time.sleep(0.02)
        except Exception as error:
            errors.append(error)
        finally:
            holding.set()
            if not hold:
                finished.set()
            connection.close()

    first = threading.Thread(target=in_thread, args=(colleague, True))
    first.start()
    holding.wait(10)
    second = threading.Thread(target=in_thread, args=(person, False))
    second.start()
    first.join(20)
    second.join(20)
    return errors


@pytest.fixture
def people(db):
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    casey = factories.social_worker("casey", first_name="Casey", last_name="Morgan")
    return alex, casey


def step_of(case: Case, stage: str) -> Step:
    return Step.objects.select_related("case").get(case=case, stage=stage)


def test_finishing_a_step_keeps_a_colleagues_done_on_the_next(people):
    alex, casey = people
    case = factories.open_case(alex)
    referral, preauth = step_of(case, "referral"), step_of(case, "preauthorization")
    errors = overlapping(
        # Casey marks preauthorization done (the records arrived) ...
        lambda: services.step_set_status(
            step=preauth, status="done", by=casey, expected_version=preauth.version
        ),
        # ... while alex finishes the referral, which starts the next pending step.
        lambda: services.step_set_status(
            step=referral, status="done", by=alex, expected_version=referral.version
        ),
    )
    assert errors == []
    assert step_of(case, "preauthorization").status == Step.Status.DONE
    assert step_of(case, "referral").status == Step.Status.DONE
    # The step that starts is the next one still pending.
    assert step_of(case, "records").status == Step.Status.IN_PROGRESS


def finish_every_step(case: Case, by) -> None:
    for stage in ("referral", "preauthorization", "records", "appointment"):
        step = step_of(case, stage)
        if not step.is_finished:
            services.step_set_status(step=step, status="done", by=by)


def test_a_case_is_not_completed_while_a_colleague_reopens_a_step(people):
    alex, casey = people
    case = factories.open_case(alex)
    finish_every_step(case, alex)
    records = step_of(case, "records")
    loaded = Case.objects.get(pk=case.pk)
    errors = overlapping(
        lambda: services.step_set_status(
            step=records, status="in_progress", by=casey, expected_version=records.version
        ),
        lambda: services.case_set_status(
            case=loaded, status="completed", by=alex, expected_version=loaded.version
        ),
    )
    assert [type(error) for error in errors] == [services.TransitionError]
    assert "Every step must be done" in str(errors[0])
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert step_of(case, "records").status == Step.Status.IN_PROGRESS


def test_a_step_is_not_reopened_while_a_colleague_completes_the_case(people):
    alex, casey = people
    case = factories.open_case(alex)
    finish_every_step(case, alex)
    records = step_of(case, "records")
    loaded = Case.objects.get(pk=case.pk)
    errors = overlapping(
        lambda: services.case_set_status(
            case=loaded, status="completed", by=alex, expected_version=loaded.version
        ),
        lambda: services.step_set_status(
            step=records, status="in_progress", by=casey, expected_version=records.version
        ),
    )
    assert [type(error) for error in errors] == [services.TransitionError]
    assert "This case is closed" in str(errors[0])
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    assert step_of(case, "records").status == Step.Status.DONE


def test_a_double_clicked_note_overlapping_itself_is_added_once(people):
    alex, _ = people
    case = factories.open_case(alex)

    def add_note():
        services.note_add(case=Case.objects.get(pk=case.pk), author=alex, body="Called back.")

    errors = overlapping(add_note, add_note)
    assert [type(error) for error in errors] == [services.AlreadySaved]
    assert case.notes.count() == 1
