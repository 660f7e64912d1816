"""Real Celery workers, in their own processes, against the test database and a real broker
(the filesystem broker on SQLite, Redis on the PostgreSQL run): beat sweeps, workers deliver,
and every reminder arrives exactly once."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.models import Delivery, Reminder
from cases.reminders.tasks import sweep_reminders
from tests import factories
from tests.concurrency import run_at_once
from tests.reminders.smtp_server import SMTPServer

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

# The checkout's root, where workers start: `python -m` puts it first on their path, so they run
# the code under test even when the virtualenv was installed from another checkout.
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(
    tmp_path: Path,
    name: str,
    *,
    beat: bool,
    env: dict | None = None,
    at: datetime.datetime | None = None,
) -> subprocess.Popen:
    """A worker (and beat) in its own process; `env` adds to or overrides its environment;
    `at` starts its clock at that instant (tests/reminders/worker_at.py)."""
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "worker-test-only",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Its own var/: the filesystem broker's folders and beat's schedule, apart from the demo's.
        "NAVIGATOR_VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "emails"),
        "REMINDER_SWEEP_SECONDS": "1",
        **(env or {}),
    }
    celery = ["tests.reminders.worker_at", at.isoformat()] if at else ["celery"]
    command = [
        sys.executable,
        "-m",
        *celery,
        "-A",
        "navigator",
        "worker",
        "--pool=solo",
        f"--hostname={name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=warning",
    ]
    if beat:
        command += ["--beat", f"--schedule={tmp_path / f'{name}-beat'}"]
    with open(tmp_path / f"{name}.log", "w") as log:
        return subprocess.Popen(  # noqa: S603 -- a fixed command, no outside input
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def sent_emails(tmp_path: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every email the file backend wrote."""
    emails = []
    for path in sorted((tmp_path / "emails").glob("*.log")):
        for message in path.read_text().split("-" * 79):
            headers = dict(
                line.split(": ", 1) for line in message.strip().splitlines() if ": " in line
            )
            if "Subject" in headers:
                emails.append((headers["To"], headers["Subject"]))
    return emails


def wait_until(condition, *, timeout: float, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    worker_logs = "\n".join(p.read_text()[-3000:] for p in logs.glob("*.log"))
    raise AssertionError(f"timed out; worker logs:\n{worker_logs}")


def overdue_cases(count: int):
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    sam = factories.supervisor("sam", first_name="Sam", last_name="Okafor")
    three_weeks_ago = timezone.now() - datetime.timedelta(days=21)
    for _ in range(count):
        factories.open_case(alex, now=three_weeks_ago)
    return alex, sam


def all_sent(expected: int):
    def check() -> bool:
        statuses = list(Delivery.objects.values_list("status", flat=True))
        return len(statuses) == expected and set(statuses) == {"sent"}

    return check


def test_beat_and_a_worker_send_each_reminder_once(tmp_path):
    alex, sam = overdue_cases(2)
    worker = start_worker(tmp_path, "solo", beat=True)
    try:
        # Each case: overdue → alex, escalation → sam.
        wait_until(all_sent(4), timeout=90, logs=tmp_path)
        first_count = len(sent_emails(tmp_path))
        time.sleep(4)  # a few more sweeps: nothing new
    finally:
        stop(worker)
    emails = sent_emails(tmp_path)
    assert first_count == 4
    assert sorted(to for to, _ in emails) == [alex.email] * 2 + [sam.email] * 2
    assert (
        sorted(subject.split(":")[0] for _, subject in emails)
        == ["Escalation"] * 2 + ["Overdue"] * 2
    )
    assert Reminder.objects.count() == 4


@pytest.mark.redis
def test_two_workers_and_two_sweeps_at_once_send_every_reminder_exactly_once(tmp_path):
    overdue_cases(15)
    workers = [start_worker(tmp_path, f"worker{n}", beat=False) for n in (1, 2)]
    try:
        errors = run_at_once(sweep_reminders)
        assert errors == []
        wait_until(all_sent(30), timeout=120, logs=tmp_path)
        time.sleep(2)
    finally:
        for worker in workers:
            stop(worker)
    emails = sent_emails(tmp_path)
    assert len(emails) == 30
    assert len(set(emails)) == 30


def test_a_mail_server_that_never_answers_quit_gets_each_reminder_once(tmp_path):
    overdue_cases(1)
    with SMTPServer(answer_quit=False) as server:
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "EMAIL_TIMEOUT": "2",
        }
        worker = start_worker(tmp_path, "solo", beat=True, env=smtp)
        try:
            # Well before the task's 30 s soft time limit would have ended each send.
            wait_until(all_sent(2), timeout=25, logs=tmp_path)
            time.sleep(4)  # a few more sweeps: nothing new
        finally:
            stop(worker)
    assert len(server.messages) == 2
    assert sorted(message["Message-ID"] for message in server.messages) == sorted(
        f"<reminder-delivery-{pk}@localhost>"
        for pk in Delivery.objects.values_list("pk", flat=True)
    )
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("filesystem://"),
    reason="the embedded default's filesystem broker",
)
def test_the_embedded_worker_survives_empty_and_torn_message_files(tmp_path):
    queue = tmp_path / "var" / "celery" / "queue"
    queue.mkdir(parents=True)
    # Named as kombu names them, and sorted first: the worker reads them before any real task.
    empty = queue / f"0_{uuid.uuid4()}.celery.msg"
    empty.write_bytes(b"")
    torn = queue / f"00_{uuid.uuid4()}.celery.msg"
    torn.write_bytes(b'{"body": "W1syXSwge30sIHsiY2FsbGJhY2tzIjogbnVsbCwg", "content-enc')
    overdue_cases(1)
    worker = start_worker(tmp_path, "solo", beat=True)
    try:
        wait_until(all_sent(2), timeout=60, logs=tmp_path)
        assert worker.poll() is None
    finally:
        stop(worker)
    assert not empty.exists()
    assert not torn.exists()
    log = (tmp_path / "solo.log").read_text()
    assert log.count("Skipped an unreadable message file in the celery queue") == 2
    assert "W1sy" not in log


def test_beat_and_a_worker_send_a_late_follow_up_and_a_late_records_request_once(tmp_path):
    """The rules of the daily loop (issue #13) through the real worker: a follow-up left open
    since its due day and a records request past its legal clock each reach the social worker
    once, however many sweeps run."""
    from cases.business_days import team_today
    from cases.contacts import services as contact_services

    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    case = factories.open_case(alex)  # its referral is due in 3 business days: no step reminder
    twelve_days_ago = timezone.now() - datetime.timedelta(days=12)
    contact_services.follow_up_create(
        case=case,
        by=alex,
        what="Call the insurer back",
        due_on=team_today(twelve_days_ago) + datetime.timedelta(days=1),
        now=twelve_days_ago,
    )
    factories.records_request_row(
        case,
        sent_on=team_today() - datetime.timedelta(days=35),
        answer_due_on=team_today() - datetime.timedelta(days=5),
    )
    worker = start_worker(tmp_path, "solo", beat=True)
    try:
        wait_until(all_sent(2), timeout=90, logs=tmp_path)
        time.sleep(4)  # a few more sweeps: nothing new
    finally:
        stop(worker)
    assert sorted(sent_emails(tmp_path)) == [
        (alex.email, f"Follow-up late: case #{case.pk}"),
        (alex.email, f"Records request past its legal clock: case #{case.pk}"),
    ]
    assert Reminder.objects.count() == 2
