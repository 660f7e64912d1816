"""Delivery: each reminder is sent once, however often the sweep or the task runs, and a failed
send is retried with backoff until it is dead and visible."""

import datetime
import smtplib
import time
import zoneinfo

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseEvent, Delivery, Reminder
from cases.reminders import channels
from cases.reminders import sending as reminder_sending
from cases.reminders import sweep as reminders
from cases.reminders.tasks import deliver_reminder, sweep_reminders
from cases.workflow import services
from tests import factories
from tests.concurrency import run_at_once
from tests.reminders.smtp_server import SMTPServer

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


class BrokenEmailBackend(BaseEmailBackend):
    """An email backend whose server is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server unreachable")


def overdue_step(owner):
    case = factories.open_case(owner, now=MONDAY - datetime.timedelta(days=7))
    step = case.steps.get(stage="referral")
    services.due_date_move(
        step=step,
        due_date=datetime.date(2026, 11, 20),
        reason="Agreed",
        by=owner,
        now=MONDAY - datetime.timedelta(days=7),
    )
    return step


@pytest.fixture
def delivery(alex):
    overdue_step(alex)
    with time_machine.travel(MONDAY, tick=False):
        reminders.sweep()
    return Delivery.objects.get()


def test_the_sweep_run_twice_makes_one_reminder_and_one_delivery(alex):
    overdue_step(alex)
    with time_machine.travel(MONDAY, tick=False):
        first = reminders.sweep()
        second = reminders.sweep()
    assert (first.reminders, first.deliveries, first.queued) == (1, 1, 1)
    assert (second.reminders, second.deliveries, second.queued) == (0, 0, 0)
    assert Reminder.objects.count() == 1
    assert Delivery.objects.get().queued_at == MONDAY


def test_the_sweep_queues_one_task_per_delivery_after_commit(
    alex, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(deliver_reminder, "delay", lambda *args: queued.append(args))
    overdue_step(alex)
    with time_machine.travel(MONDAY, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            sweep_reminders()
    assert queued == []  # nothing reaches the broker before the sweep's transaction commits
    for callback in after_commit:
        callback()
    assert queued == [(Delivery.objects.get().pk,)]


def test_the_sweep_costs_the_same_queries_for_3_or_30_due_steps(alex, blair):
    def queries_for(owner, count: int) -> int:
        for _ in range(count):
            overdue_step(owner)
        with time_machine.travel(MONDAY, tick=False), CaptureQueriesContext(connection) as seen:
            assert reminders.sweep().reminders == count
        return len(seen)

    assert queries_for(alex, 3) == queries_for(blair, 30)


def test_the_delivery_task_run_twice_sends_once(delivery, mailoutbox):
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
        deliver_reminder(delivery.pk)
        deliver_reminder(delivery.pk)
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at == MONDAY + datetime.timedelta(seconds=5)


def test_a_claim_abandoned_mid_send_is_taken_again_and_sent_once(delivery, mailoutbox):
    # A worker claimed the row, then died before sending.
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=MONDAY, attempts=1)
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=4), tick=False):
        deliver_reminder(delivery.pk)
        assert mail.outbox == []
        assert list(reminders.deliveries_to_queue(reminders.timezone.now())) == []
    later = MONDAY + datetime.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert reminders.sweep().queued == 1
        deliver_reminder(delivery.pk)
        deliver_reminder(delivery.pk)
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_a_claim_abandoned_on_its_last_attempt_is_dead_not_queued_forever(delivery, mailoutbox):
    # Every attempt stopped its worker mid-send (a hard time limit, a crash).
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=MONDAY, attempts=reminders.config("MAX_ATTEMPTS")
    )
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=6), tick=False):
        deliver_reminder(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.last_error) == ("dead", reminder_sending.ABANDONED)
        assert reminders.sweep().queued == 0
    assert mailoutbox == []


class RecipientRefusedBackend(BaseEmailBackend):
    """A mail server that names the address it refuses, as SMTP servers do."""

    def send_messages(self, messages):
        refused = {address: (550, b"5.1.1 User unknown") for address in messages[0].to}
        raise smtplib.SMTPRecipientsRefused(refused)


def test_an_error_naming_the_address_is_recorded_without_it(delivery, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_sending.RecipientRefusedBackend"
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
        reminder_sending.delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("SMTPRecipientsRefused: {'[address]': (550")
    assert "@" not in delivery.last_error


def test_a_pending_delivery_whose_message_was_lost_is_queued_again(delivery):
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=4), tick=False):
        assert reminders.sweep().queued == 0
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=6), tick=False):
        assert reminders.sweep().queued == 1


def test_a_step_done_before_the_send_cancels_it(delivery, alex, mailoutbox):
    step = delivery.source_reminder.step
    services.step_set_status(step=step, status="done", by=alex, now=MONDAY)
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
        deliver_reminder(delivery.pk)
    assert mailoutbox == []
    delivery.refresh_from_db()
    assert delivery.status == "cancelled"


def test_a_failing_backend_is_retried_with_backoff_then_dead_and_visible(
    delivery, settings, client_for, alex
):
    settings.EMAIL_BACKEND = "tests.reminders.test_sending.BrokenEmailBackend"
    moment = MONDAY
    waits = []
    for _ in range(4):
        with time_machine.travel(moment, tick=False), pytest.raises(Retry):
            deliver_reminder(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == "failed"
        assert delivery.last_error == "ConnectionRefusedError: mail server unreachable"
        waits.append((delivery.next_attempt_at - moment).total_seconds())
        # Too early: a duplicate message does nothing.
        with time_machine.travel(moment + datetime.timedelta(seconds=30), tick=False):
            deliver_reminder(delivery.pk)
        moment = delivery.next_attempt_at
    assert waits == [60, 120, 240, 480]
    with time_machine.travel(moment, tick=False):
        deliver_reminder(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("dead", 5)
    assert CaseEvent.objects.filter(summary__contains="could not be delivered").exists()
    page = client_for(alex).get(delivery.case.get_absolute_url())
    assert b"Undelivered reminders" in page.content
    assert b"ConnectionRefusedError" in page.content


def test_requeueing_a_dead_delivery_sends_it(delivery, mailoutbox):
    Delivery.objects.filter(pk=delivery.pk).update(status="dead", attempts=5)
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        assert reminder_sending.delivery_requeue(deliveries=Delivery.objects.all()) == 1
        deliver_reminder(delivery.pk)
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_two_threads_delivering_at_once_send_once(settings):
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    overdue_step(alex)
    with time_machine.travel(MONDAY, tick=False):
        reminders.sweep()
    delivery_id = Delivery.objects.get().pk
    errors = run_at_once(
        lambda: reminder_sending.delivery_send(delivery_id=delivery_id, now=MONDAY)
    )
    assert errors == []
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().status == "sent"


def test_a_recipient_without_an_address_is_a_recorded_failure(delivery, alex, mailoutbox):
    alex.email = ""
    alex.save(update_fields=["email"])
    with time_machine.travel(MONDAY, tick=False), pytest.raises(Retry):
        deliver_reminder(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("MissingAddressError")
    assert mailoutbox == []


def use_smtp_server(settings, server: SMTPServer) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 1


def test_a_mail_server_that_never_answers_quit_gets_the_message_once(delivery, settings):
    with SMTPServer(answer_quit=False) as server:
        use_smtp_server(settings, server)
        started = time.monotonic()
        with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
            deliver_reminder(delivery.pk)
        took = time.monotonic() - started
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")
        # The next task run, after the claim would have expired, sends nothing.
        with time_machine.travel(MONDAY + datetime.timedelta(minutes=10), tick=False):
            reminders.sweep()
            deliver_reminder(delivery.pk)
    assert took < 5
    assert len(server.messages) == 1
    assert server.messages[0]["Message-ID"] == f"<reminder-delivery-{delivery.pk}@localhost>"


def test_a_copy_sent_again_after_a_worker_died_has_the_same_message_id(delivery, settings):
    with SMTPServer(answer_quit=True) as server:
        use_smtp_server(settings, server)
        with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
            deliver_reminder(delivery.pk)
        # As a worker killed after the server's acceptance leaves it: claimed, not recorded.
        Delivery.objects.filter(pk=delivery.pk).update(status="sending", sent_at=None)
        with time_machine.travel(MONDAY + datetime.timedelta(minutes=6), tick=False):
            assert reminders.sweep().queued == 1
            deliver_reminder(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(server.messages) == 2
    assert server.messages[0]["Message-ID"] == server.messages[1]["Message-ID"]


class QuitFailsBackend(SMTPEmailBackend):
    """Django's SMTP backend, failing while it closes the connection after the message."""

    def close(self):
        super().close()
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_an_error_closing_the_connection_after_the_send_is_not_a_failure(delivery, settings):
    with SMTPServer(answer_quit=True) as server:
        use_smtp_server(settings, server)
        settings.EMAIL_BACKEND = "tests.reminders.test_sending.QuitFailsBackend"
        with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
            deliver_reminder(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("sent", "")
    assert len(server.messages) == 1


def test_a_worker_whose_clock_lags_the_sweeps_still_sends(delivery, mailoutbox):
    # The sweep made the delivery due at MONDAY by its clock; this worker's runs a minute behind.
    with time_machine.travel(MONDAY - datetime.timedelta(minutes=1), tick=False):
        deliver_reminder(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(mailoutbox) == 1


def test_a_retry_skipped_as_not_yet_due_is_logged(delivery, settings, caplog):
    settings.EMAIL_BACKEND = "tests.reminders.test_sending.BrokenEmailBackend"
    with time_machine.travel(MONDAY, tick=False), pytest.raises(Retry):
        deliver_reminder(delivery.pk)
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=30), tick=False):
        deliver_reminder(delivery.pk)
    assert f"Delivery {delivery.pk} skipped: its retry is due in 30 s" in caplog.text
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)


def test_the_delivery_time_limit_outlasts_every_wait_of_an_email():
    """Each wait for the mail server has EMAIL_TIMEOUT; an email that times out at every one
    still ends before the task's soft time limit, and a killed task's claim outlives it."""
    every_wait = channels.SMTP_WAITS * django_settings.EMAIL_TIMEOUT
    assert max(every_wait, django_settings.SMS_TIMEOUT) < deliver_reminder.soft_time_limit
    assert deliver_reminder.soft_time_limit < deliver_reminder.time_limit
    assert deliver_reminder.time_limit < reminders.config("CLAIM_TIMEOUT_SECONDS")


def test_a_mail_server_slow_before_every_answer_is_waited_for(delivery, settings):
    with SMTPServer(answer_quit=True, reply_delay=0.3) as server:
        use_smtp_server(settings, server)  # 1 s for each wait
        started = time.monotonic()
        with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
            deliver_reminder(delivery.pk)
        took = time.monotonic() - started
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert len(server.messages) == 1
    assert took < channels.SMTP_WAITS * settings.EMAIL_TIMEOUT


def test_a_server_that_answers_the_end_of_data_too_late_gets_a_second_copy(delivery, settings):
    """The window the README names: the server kept the message but answered after
    EMAIL_TIMEOUT, so the send is recorded failed and retried; both copies share a Message-ID."""
    with SMTPServer(answer_quit=True, end_of_data_delay=1.5) as server:
        use_smtp_server(settings, server)  # 1 s for each wait
        with time_machine.travel(MONDAY + datetime.timedelta(seconds=5), tick=False):
            with pytest.raises(Retry):
                deliver_reminder(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", 1)
        server.end_of_data_delay = 0
        with time_machine.travel(MONDAY + datetime.timedelta(minutes=10), tick=False):
            deliver_reminder(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(server.messages) == 2
    assert server.messages[0]["Message-ID"] == server.messages[1]["Message-ID"]
