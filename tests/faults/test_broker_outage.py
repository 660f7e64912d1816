"""The broker goes away while people work: the broker here is a Redis of the test's own, which
the test stops (losing every message, as a Redis without persistence does) and starts again.

- a step saved meanwhile is kept and the user sees it saved;
- a sweep that runs meanwhile keeps its reminders and deliveries in the database, and neither
  fails nor waits long for the broker;
- the admin's *Send again* is saved and says so, never a 500 over a committed write, and a
  broker that accepts the connection but never answers holds it for seconds, not forever;
- once the broker is back, the real worker and beat send each reminder exactly once."""

import contextlib
import socket
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cases.business_days import add_business_days, team_today
from cases.models import Delivery, Reminder, StaffProfile
from cases.reminders.tasks import sweep_reminders
from navigator.celery import app
from tests import factories
from tests.browser_form import submit
from tests.faults.servers import RedisServer
from tests.reminders.test_worker import sent_emails, start_worker, stop, wait_until

pytestmark = [
    pytest.mark.faults,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://"),
        reason="the timeouts settings give a Redis broker (make test-postgres)",
    ),
]


def _use_broker(url: str) -> None:
    """Point this process's Celery app at `url`: its next publish takes a connection from
    kombu's pool for that URL (pools are kept per URL, so the other's stays open for later
    tests). Celery reads CELERY_BROKER_URL from the environment before its settings: the
    fixture sets both."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path, monkeypatch):
    server = RedisServer(tmp_path)
    server.start()
    original = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", server.url())
    _use_broker(server.url())
    try:
        yield server
    finally:
        server.stop()
        monkeypatch.undo()
        _use_broker(original)


@pytest.fixture
def silent_broker(monkeypatch):
    """A port that accepts connections and never answers, as a broker behind a dead link or a
    hung server does."""
    with contextlib.closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        original = app.conf.broker_url
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        _use_broker(url)
        try:
            yield url
        finally:
            monkeypatch.undo()
            _use_broker(original)


def due_soon_case():
    """alex's open case, alex wanting one email per due-soon reminder."""
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    StaffProfile.objects.create(user=alex, due_soon_delivery="immediate")
    return alex, factories.open_case(alex)


def test_a_step_saved_while_the_broker_is_down_is_kept_and_its_reminder_sent_once_it_is_back(
    broker, tmp_path, caplog
):
    alex, case = due_soon_case()
    referral = case.steps.get(stage="referral")
    broker.stop()

    # alex moves the referral's due date to the next business day, through the case page.
    client = Client()
    client.force_login(alex)
    next_business_day = add_business_days(team_today(), 1)
    moved = submit(
        client,
        case.get_absolute_url(),
        reverse("step_due_date", args=[case.pk, referral.pk]),
        due_date=next_business_day.isoformat(),
        reason="The referring team asked for a day",
    )
    assert moved.status_code == 302
    page = client.get(moved.url)
    assert "Referral due date moved." in page.text
    referral.refresh_from_db()
    assert referral.due_date == next_business_day

    # Beat's sweep runs while the broker is down: the reminder and its delivery are kept, the
    # delivery is left for the next sweep to queue, and the sweep neither fails nor hangs.
    started = time.monotonic()
    sweep_reminders()
    assert time.monotonic() - started < 3 * settings.BROKER_TIMEOUT_SECONDS
    reminder = Reminder.objects.get()
    assert (reminder.rule, reminder.recipient) == ("due_soon", alex)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.queued_at) == ("pending", None)
    assert "The broker is unavailable (OperationalError): 1 deliveries wait" in caplog.text

    # The broker is back (empty: a Redis without persistence), the worker and beat start.
    broker.start()
    worker = start_worker(tmp_path, "solo", beat=True, env={"CELERY_BROKER_URL": broker.url()})
    try:
        wait_until(
            lambda: Delivery.objects.filter(status="sent").count() == 1, timeout=60, logs=tmp_path
        )
        time.sleep(3)  # a few more sweeps: nothing new
    finally:
        stop(worker)
    emails = sent_emails(tmp_path)
    assert [to for to, _ in emails] == [alex.email]
    assert emails[0][1].startswith("Due soon")
    assert Reminder.objects.count() == Delivery.objects.count() == 1


def test_the_admin_sending_again_while_the_broker_is_down_is_saved_and_says_so(broker, caplog):
    alex, case = due_soon_case()
    case.steps.filter(stage="referral").update(due_date=team_today())
    sweep_reminders()
    Delivery.objects.update(status="dead", attempts=5)
    broker.stop()

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-x")
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:cases_delivery_changelist")
    ids = list(Delivery.objects.values_list("pk", flat=True))
    started = time.monotonic()
    response = client.post(changelist, {"action": "requeue", "_selected_action": ids}, follow=True)
    assert time.monotonic() - started < 3 * settings.BROKER_TIMEOUT_SECONDS
    assert response.status_code == 200
    assert b"queued again" in response.content
    # Saved with a fresh set of attempts, waiting for the next sweep to queue it.
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.queued_at) == ("pending", 0, None)
    assert "The broker is unavailable" in caplog.text


def test_the_admin_sending_again_to_a_silent_broker_waits_seconds_not_forever(
    silent_broker, caplog
):
    alex, case = due_soon_case()
    case.steps.filter(stage="referral").update(due_date=team_today())
    with caplog.at_level("WARNING"):
        sweep_reminders()  # the sweep, too, gives up on the silent broker
    Delivery.objects.update(status="dead", attempts=5)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-x")
    client = Client()
    client.force_login(admin)
    started = time.monotonic()
    response = client.post(
        reverse("admin:cases_delivery_changelist"),
        {"action": "requeue", "_selected_action": [Delivery.objects.get().pk]},
        follow=True,
    )
    waited = time.monotonic() - started
    assert b"queued again" in response.content
    # One try and one more, each given up after CELERY_BROKER_TIMEOUT.
    assert waited < 3 * settings.BROKER_TIMEOUT_SECONDS
    assert caplog.text.count("The broker is unavailable") == 2
    assert Delivery.objects.get().queued_at is None
