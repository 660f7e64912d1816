"""Real workers under two faults: nothing lost, nothing twice.

- A worker killed (SIGKILL) in the middle of a send, as the kernel's OOM killer or a lost
  machine does, with a real mail server slow to greet it. Its claim expires after
  CLAIM_TIMEOUT_SECONDS (5 minutes); the worker started next, its clock run 6 minutes ahead
  with Debian's faketime, sweeps, takes the claim over and sends: the message arrives once.
- Beat run twice: two workers each with an embedded beat, so two schedulers sweep every second
  at once, as a second `celery beat` started by mistake would."""

import glob
import signal
import time

import pytest

from cases.models import Delivery
from cases.reminders.tasks import sweep_reminders
from tests.reminders.smtp_server import SMTPServer
from tests.reminders.test_worker import (
    all_sent,
    overdue_cases,
    sent_emails,
    start_worker,
    stop,
    wait_until,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

# Debian's libfaketime, preloaded into the worker itself (the `faketime` command would run it
# as its child, which a signal to the command does not stop).
LIBFAKETIME = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))


@pytest.mark.skipif(not LIBFAKETIME, reason="needs Debian's faketime (make faketime)")
def test_a_worker_killed_mid_send_leaves_a_claim_the_next_worker_sends_once(tmp_path):
    alex, sam = overdue_cases(1)
    # Greet each client after 60 s: the first worker is connected, mid-send, when it is killed.
    with SMTPServer(answer_quit=True, reply_delay=60) as server:
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "EMAIL_TIMEOUT": "90",
        }
        # Without beat: a worker's embedded beat is a child process of its own, which the
        # kill would leave running. The test sweeps instead, as beat would.
        first = start_worker(tmp_path, "first", beat=False, env=smtp)
        try:
            sweep_reminders()
            wait_until(
                lambda: Delivery.objects.filter(status="sending").exists(),
                timeout=60,
                logs=tmp_path,
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=20)
        finally:
            if first.poll() is None:
                stop(first)
        claimed = Delivery.objects.get(status="sending")
        assert claimed.attempts == 1
        assert server.messages == []

        server.reply_delay = 0
        six_minutes_later = {"LD_PRELOAD": LIBFAKETIME[0], "FAKETIME": "+6m"}
        second = start_worker(tmp_path, "second", beat=True, env=smtp | six_minutes_later)
        try:
            wait_until(
                lambda: set(Delivery.objects.values_list("status", flat=True)) == {"sent"},
                timeout=90,
                logs=tmp_path,
            )
            time.sleep(3)  # a few more sweeps: nothing new
        finally:
            stop(second)
    # Overdue → alex, escalation → sam: each message arrived once, the interrupted one too.
    assert sorted(message["To"] for message in server.messages) == sorted([alex.email, sam.email])
    claimed.refresh_from_db()
    assert (claimed.status, claimed.attempts) == ("sent", 2)


def test_two_beats_at_once_send_each_reminder_once(tmp_path):
    alex, sam = overdue_cases(5)
    workers = [start_worker(tmp_path, f"beat{n}", beat=True) for n in (1, 2)]
    try:
        wait_until(all_sent(10), timeout=90, logs=tmp_path)
        time.sleep(4)  # a few more sweeps from both schedulers: nothing new
    finally:
        for worker in workers:
            stop(worker)
    emails = sent_emails(tmp_path)
    assert len(emails) == 10
    assert sorted(to for to, _ in emails) == [alex.email] * 5 + [sam.email] * 5
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
