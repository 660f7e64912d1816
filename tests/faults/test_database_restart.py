"""The database restarts while people work: a real gunicorn (gunicorn.conf.py, persistent
connections as in production) and a real Celery worker against a PostgreSQL cluster of this
test's own, which the test stops in the middle of a save and starts again.

- the save in flight gets the calm 503 page, and nothing of it is written;
- during the outage every page is that 503 and `/healthz` says 503, each at once;
- once the database is back the same gunicorn and the same worker serve and send again, with
  no restart and no failed request (CONN_HEALTH_CHECKS)."""

import http.cookies
import subprocess
import sys
import threading
import time
import types
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from tests.browser_form import _Forms
from tests.faults.servers import (
    BASE_DIR,
    Gunicorn,
    PostgresServer,
    django_shell,
    manage,
    project_environment,
)
from tests.reminders.test_worker import stop, wait_until

pytestmark = pytest.mark.faults

DATABASE = "navigator"

# Run in `manage.py shell` on the test's own database: alex, one open case, alex's session.
SETUP = """
from django.test import Client
from tests import factories
alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
case = factories.open_case(alex)
client = Client()
client.force_login(alex)
print(case.pk, case.steps.get(stage="referral").pk, client.cookies["sessionid"].value)
"""

# Another case of alex's, opened three weeks ago: overdue, and escalated to the supervisor.
OVERDUE_CASE = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from tests import factories
if not get_user_model().objects.filter(username="sam").exists():
    factories.supervisor("sam", first_name="Sam", last_name="Okafor")
alex = get_user_model().objects.get(username="alex")
case = factories.open_case(alex, now=timezone.now() - datetime.timedelta(days=21))
print(case.pk)
"""


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    try:
        server.start()
        server.create_database(DATABASE)
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def deployment(postgres, tmp_path_factory):
    """The environment of the web and worker machines: production settings on the test's own
    PostgreSQL, migrated and with its static files collected, as a release does."""
    var_dir = tmp_path_factory.mktemp("var")
    environment = project_environment(
        var_dir,
        DATABASE_URL=postgres.url(DATABASE),
        DATABASE_CONN_MAX_AGE="60",
        CELERY_BROKER_URL="filesystem://",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(var_dir / "emails"),
        REMINDER_SWEEP_SECONDS="1",
    )
    manage(environment, "migrate", "--noinput")
    manage(environment, "collectstatic", "--noinput")
    return types.SimpleNamespace(environment=environment, var_dir=var_dir)


def sql(postgres, query: str, *params) -> list[tuple]:
    with psycopg.connect(postgres.url(DATABASE), autocommit=True) as connection:
        return connection.execute(query, params).fetchall()


def step_form(body: str, action: str, status: str) -> dict[str, list[str]]:
    """The case page's form for one step status button, as the browser would post it."""
    parser = _Forms()
    parser.feed(body)
    [fields] = [
        fields
        for form_action, fields in parser.forms
        if form_action == action and fields.get("status") == [status]
    ]
    return fields


def written(postgres) -> list[tuple]:
    """What a step's save writes: steps' states, timeline lines, audit events of changes."""
    return sql(
        postgres,
        "SELECT (SELECT array_agg(status || ':' || version ORDER BY id) FROM cases_step), "
        "(SELECT count(*) FROM cases_caseevent), "
        "(SELECT count(*) FROM cases_auditevent WHERE action <> 'view')",
    )


def cookies_of(headers, cookies: str) -> str:
    jar = http.cookies.SimpleCookie(cookies)
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def wait_for_lock_wait(postgres, *, timeout: float = 20) -> None:
    """Until a session on the test's database waits on a lock: the save is in flight."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = sql(
            postgres,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            DATABASE,
        )
        if waiting[0][0]:
            return
        time.sleep(0.1)
    raise AssertionError("the save never reached the database")


def test_a_restart_mid_save_is_a_calm_503_writes_nothing_and_the_site_recovers(
    postgres, deployment, tmp_path
):
    case_id, step_id, session = django_shell(deployment.environment, SETUP).split()
    case_url, action = f"/cases/{case_id}/", f"/cases/{case_id}/steps/{step_id}/status/"
    with Gunicorn(deployment.environment, tmp_path / "gunicorn.log") as web:
        cookies = f"sessionid={session}"
        status, headers, body = web.request(case_url, cookies=cookies)
        assert status == 200, body[-2000:]
        cookies = cookies_of(headers, cookies)
        form = urllib.parse.urlencode(step_form(body, action, "done"), doseq=True).encode()
        written_before = written(postgres)

        # Hold the save at its audit row, after it has updated the step and written the
        # timeline line in its transaction, and stop the database there.
        locker = psycopg.connect(postgres.url(DATABASE))
        locker.execute("LOCK TABLE cases_auditevent IN EXCLUSIVE MODE")
        answers = {}

        def save() -> None:
            answers["save"] = web.request(action, data=form, cookies=cookies)

        saving = threading.Thread(target=save)
        saving.start()
        wait_for_lock_wait(postgres)
        postgres.stop()
        saving.join(timeout=30)
        locker.close()

        status, headers, body = answers["save"]
        assert status == 503
        assert "Navigator is briefly unavailable" in body
        assert "saved whole or not at all" in body
        assert headers["Retry-After"] == "30"
        assert "Traceback" not in body

        # The outage: each page is the 503 page, the health check says which part is down,
        # and neither waits.
        started = time.monotonic()
        status, _, body = web.request(case_url, cookies=cookies)
        assert (status, "Navigator is briefly unavailable" in body) == (503, True)
        status, _, body = web.request("/healthz")
        assert (status, body) == (503, '{"database": "unavailable", "broker": "ok"}')
        status, _, body = web.request("/s/not-a-real-link/")
        assert status == 503
        assert "No pudimos abrir su información en este momento." in body
        assert time.monotonic() - started < 10

        postgres.start()
        # The same gunicorn, the same workers: every request answers, the first one included.
        assert web.request("/healthz")[:2][0] == 200
        for _ in range(6):
            status, _, body = web.request(case_url, cookies=cookies)
            assert status == 200, body[-2000:]

        # Nothing of the interrupted save was written: not the step, not the next one, not
        # its timeline line, not its audit event.
        assert sql(postgres, "SELECT status FROM cases_step WHERE id = %s", int(step_id)) == [
            ("in_progress",)
        ]
        assert written(postgres) == written_before

        # Saving again goes through.
        status, headers, _ = web.request(case_url, cookies=cookies)
        cookies = cookies_of(headers, cookies)
        status, headers, body = web.request(
            action,
            data=urllib.parse.urlencode(step_form(body, action, "done"), doseq=True).encode(),
            cookies=cookies,
        )
        assert status == 302, body[-2000:]

        # A restart between two requests: each worker's kept connection is dead, and is
        # replaced before it is used (CONN_HEALTH_CHECKS), so not one request fails.
        postgres.stop()
        postgres.start()
        for _ in range(6):
            status, _, body = web.request(case_url, cookies=cookies)
            assert status == 200, body[-2000:]
        assert web.process.poll() is None
    assert sql(postgres, "SELECT status FROM cases_step WHERE id = %s", int(step_id)) == [("done",)]


def emails_to(var_dir: Path) -> list[str]:
    return [
        line.removeprefix("To: ")
        for path in sorted((var_dir / "emails").glob("*.log"))
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_the_worker_sends_again_after_the_database_restarts_without_being_restarted(
    postgres, deployment, tmp_path
):
    worker = start_worker(deployment, tmp_path)
    try:
        django_shell(deployment.environment, OVERDUE_CASE)
        # Each overdue case: one overdue reminder (alex), one escalation (its supervisor).
        wait_until(lambda: len(emails_to(deployment.var_dir)) == 2, timeout=60, logs=tmp_path)
        postgres.stop()
        time.sleep(5)  # beat's sweeps fail meanwhile
        postgres.start()
        django_shell(deployment.environment, OVERDUE_CASE)
        wait_until(lambda: len(emails_to(deployment.var_dir)) == 4, timeout=90, logs=tmp_path)
        time.sleep(3)  # a few more sweeps: nothing new
        assert worker.poll() is None
    finally:
        stop(worker)
    # Each case: alex once, sam once; nothing of the first case again.
    assert len(emails_to(deployment.var_dir)) == 4
    assert sql(postgres, "SELECT DISTINCT status FROM cases_delivery") == [("sent",)]


def start_worker(deployment, tmp_path: Path) -> subprocess.Popen:
    """A worker with embedded beat, sweeping every second, as `make run` starts one."""
    command = [sys.executable, "-m", "celery", "-A", "navigator", "worker", "--beat"]
    command += ["--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=warning"]
    command += [f"--schedule={tmp_path / 'beat-schedule'}"]
    with open(tmp_path / "worker.log", "w") as log:
        return subprocess.Popen(  # noqa: S603 -- a fixed command
            command, cwd=BASE_DIR, env=deployment.environment, stdout=log, stderr=log
        )
