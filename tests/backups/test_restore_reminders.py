"""After a restore the reminder engine carries on where the backup left it: a real worker with
beat on the restored database sends what became due and nothing that was already sent (on
SQLite with a new, empty filesystem broker; on PostgreSQL with Redis, its queue drained)."""

import datetime
import time

import pytest
from django.utils import timezone

from cases.models import Delivery
from tests import factories
from tests.backups.conftest import the_test_database
from tests.backups.data import manage
from tests.reminders.test_worker import (
    all_sent,
    overdue_cases,
    sent_emails,
    start_worker,
    stop,
    wait_until,
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_after_a_restore_the_worker_sends_what_is_due_and_nothing_twice(tmp_path, fresh_database):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    alex, sam = overdue_cases(2)
    worker = start_worker(before, "before", beat=True)
    try:
        wait_until(all_sent(4), timeout=90, logs=before)
    finally:
        stop(worker)
    assert len(sent_emails(before)) == 4
    # Overdue since after the last sweep: due, and not sent yet, when the backup is taken.
    late = factories.open_case(alex, now=timezone.now() - datetime.timedelta(days=21))
    sent_before = the_test_database().rows(
        "SELECT id, attempts, sent_at FROM cases_delivery ORDER BY id"
    )

    source = the_test_database()
    done = manage(
        "backup", str(tmp_path / "navigator.backup"), database_url=source.url, tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    done = manage(
        "restore",
        str(tmp_path / "navigator.backup"),
        database_url=fresh_database.url,
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stderr

    def restored_all_sent() -> bool:
        statuses = fresh_database.rows("SELECT status FROM cases_delivery")
        return len(statuses) == 6 and {status for (status,) in statuses} == {"sent"}

    worker = start_worker(after, "after", beat=True, env={"DATABASE_URL": fresh_database.url})
    try:
        wait_until(restored_all_sent, timeout=90, logs=after)
        time.sleep(4)  # a few more sweeps: nothing new
    finally:
        stop(worker)
    emails = sent_emails(after)
    assert sorted(to for to, _ in emails) == sorted([alex.email, sam.email])
    assert sorted(subject.split(":")[0] for _, subject in emails) == ["Escalation", "Overdue"]
    assert all(f"case #{late.pk}" in subject for _, subject in emails)
    # What was sent before the backup is as it was: one attempt, the same send time.
    restored = fresh_database.rows("SELECT id, attempts, sent_at FROM cases_delivery ORDER BY id")
    assert restored[:4] == sent_before
    # The original database was left alone.
    assert Delivery.objects.count() == 4
