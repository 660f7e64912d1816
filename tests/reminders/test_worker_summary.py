"""The monthly summary through real workers (issue #15): two workers each running beat, as a
deployment that started beat twice by mistake, sweeping every second on the first business day
of December 2026 (their clocks set to it): the supervisor gets November's summary once."""

import datetime
import time
import zoneinfo

import pytest
import time_machine

from cases.models import Delivery, StaffProfile
from tests import factories
from tests.reminders.test_worker import sent_emails, start_worker, stop, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

# Tuesday 1 December 2026, 9:00 in New York: the first business day, past the digest hour (8).
FIRST_BUSINESS_DAY = datetime.datetime(
    2026, 12, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York")
)


def test_two_beats_and_their_workers_send_the_monthly_summary_once(tmp_path):
    with time_machine.travel(FIRST_BUSINESS_DAY, tick=False):
        factories.ensure_defaults()
        sam = factories.supervisor("sam", first_name="Sam", last_name="Okafor")
        StaffProfile.objects.create(user=sam, monthly_summary=True)
    workers = [start_worker(tmp_path, f"beat{n}", beat=True, at=FIRST_BUSINESS_DAY) for n in (1, 2)]
    try:
        wait_until(
            lambda: Delivery.objects.filter(status="sent").exists(), timeout=90, logs=tmp_path
        )
        time.sleep(4)  # a few more sweeps from each beat: nothing new
    finally:
        for worker in workers:
            stop(worker)
    assert sent_emails(tmp_path) == [(sam.email, "Navigator: the reports for November 2026")]
    delivery = Delivery.objects.get()
    assert (delivery.rule, delivery.summary_month, delivery.attempts) == (
        "monthly_summary",
        datetime.date(2026, 11, 1),
        1,
    )
    body = "".join(path.read_text() for path in (tmp_path / "emails").glob("*.log"))
    assert "/reports/?start=2026-11-01&end=2026-11-30" in body
