"""The supervisors' monthly summary email (issue #15), at fixed instants in team time (New York).

Hand-worked calendar (US holidays):
- December 2026: the 1st is a Tuesday, itself the first business day;
- August 2026: the 1st is a Saturday, so the first business day is Monday 3 August;
- January 2027: the 1st, a Friday, is New Year's Day, so the first business day is Monday the 4th;
- September 2025: the 1st, a Monday, is Labor Day, so the first business day is Tuesday the 2nd.
"""

import datetime
import re
import zoneinfo
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AuditEvent, Delivery, StaffProfile
from cases.reminders import sending as reminder_sending
from cases.reminders import summary
from cases.reminders import sweep as reminders
from cases.reminders.tasks import deliver_reminder
from tests import factories
from tests.browser_form import form_data, submit

TEAM = zoneinfo.ZoneInfo("America/New_York")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TEAM)


FIRST_OF_DECEMBER = at(2026, 12, 1, 9)


@pytest.fixture(autouse=True)
def _december_2026():
    """Each test starts on Tuesday 1 December 2026, whatever the real date."""
    with time_machine.travel(at(2026, 12, 1, 0), tick=False):
        yield


def subscribed(user, **profile) -> None:
    StaffProfile.objects.update_or_create(user=user, defaults={"monthly_summary": True, **profile})


@pytest.fixture
def sam_subscribed(sam):
    subscribed(sam)
    return sam


def sweep_at(moment: datetime.datetime) -> reminders.SweepResult:
    with time_machine.travel(moment, tick=False):
        return reminders.sweep()


def send_all_at(moment: datetime.datetime) -> None:
    unfinished = Delivery.objects.filter(status__in=["pending", "failed", "sending"])
    with time_machine.travel(moment, tick=False):
        for delivery_id in unfinished.values_list("pk", flat=True):
            reminder_sending.delivery_send(delivery_id=delivery_id)


def summaries() -> list[tuple[str, datetime.date, str]]:
    return [
        (delivery.recipient.username, delivery.summary_month, delivery.status)
        for delivery in Delivery.objects.filter(rule="monthly_summary")
        .select_related("recipient")
        .order_by("recipient__username")
    ]


def dashboard_link(first: str, last: str) -> str:
    base = django_settings.NAVIGATOR_BASE_URL.rstrip("/")
    return f"{base}/reports/?start={first}&end={last}"


def test_the_first_business_day_skips_weekends_and_holidays():
    assert summary.first_business_day(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 1)
    assert summary.first_business_day(datetime.date(2026, 8, 1)) == datetime.date(2026, 8, 3)
    assert summary.first_business_day(datetime.date(2027, 1, 1)) == datetime.date(2027, 1, 4)
    assert summary.first_business_day(datetime.date(2025, 9, 1)) == datetime.date(2025, 9, 2)


def test_a_month_whose_first_is_a_saturday_sends_on_the_monday_at_the_digest_hour(
    sam_subscribed, mailoutbox
):
    assert sweep_at(at(2026, 8, 1, 10)).summaries == 0  # Saturday
    assert sweep_at(at(2026, 8, 2, 23, 59)).summaries == 0  # Sunday
    assert sweep_at(at(2026, 8, 3, 7, 59)).summaries == 0  # Monday, before sam's digest hour
    first = sweep_at(at(2026, 8, 3, 8))
    again = sweep_at(at(2026, 8, 3, 8, 1))
    assert (first.summaries, first.queued, again.summaries, again.queued) == (1, 1, 0, 0)
    assert summaries() == [("sam", datetime.date(2026, 7, 1), "pending")]
    send_all_at(at(2026, 8, 3, 8, 1))
    send_all_at(at(2026, 8, 3, 8, 2))
    assert summaries() == [("sam", datetime.date(2026, 7, 1), "sent")]
    [email] = mailoutbox
    assert email.to == [sam_subscribed.email]
    assert email.subject == "Navigator: the reports for July 2026"
    assert dashboard_link("2026-07-01", "2026-07-31") in email.body


def test_a_holiday_on_the_first_moves_it_to_the_next_business_day(sam_subscribed, mailoutbox):
    assert sweep_at(at(2027, 1, 1, 12)).summaries == 0  # New Year's Day, a Friday
    assert sweep_at(at(2027, 1, 4, 9)).summaries == 1
    send_all_at(at(2027, 1, 4, 9, 1))
    [email] = mailoutbox
    assert email.subject == "Navigator: the reports for December 2026"
    assert dashboard_link("2026-12-01", "2026-12-31") in email.body


def test_a_summary_not_sent_on_its_day_goes_at_the_next_sweep_that_month(sam_subscribed):
    """Beat or the workers were down all of 3 August: the sweep of the 5th, at any hour, makes
    July's summary; September's first business day makes August's."""
    assert sweep_at(at(2026, 8, 5, 3)).summaries == 1
    assert sweep_at(at(2026, 8, 31, 23)).summaries == 0
    assert sweep_at(at(2026, 9, 1, 9)).summaries == 1
    assert sorted(month for _, month, _ in summaries()) == [
        datetime.date(2026, 7, 1),
        datetime.date(2026, 8, 1),
    ]


def test_only_active_supervisors_who_asked_get_it_each_at_their_hour(sam_subscribed, alex):
    subscribed(alex)  # a social worker: never offered it, and never sent it
    riley = factories.supervisor("riley")
    subscribed(riley, digest_hour=10)
    factories.supervisor("morgan")  # has not asked
    jordan = factories.supervisor("jordan", is_active=False)
    subscribed(jordan)
    assert sweep_at(at(2026, 12, 1, 9)).summaries == 1
    assert sweep_at(at(2026, 12, 1, 10)).summaries == 1
    assert summaries() == [
        ("riley", datetime.date(2026, 11, 1), "pending"),
        ("sam", datetime.date(2026, 11, 1), "pending"),
    ]


def test_outside_its_window_the_summary_costs_the_sweep_no_query(sam_subscribed):
    with CaptureQueriesContext(connection) as seen:
        assert reminders._attach_monthly_summaries(at(2026, 8, 1), datetime.date(2026, 8, 1)) == []
    assert len(seen) == 0


def test_the_email_gives_the_month_and_its_link_and_no_patient_data(
    sam_subscribed, alex, mailoutbox, client_for
):
    # Cases of November with a patient the email must not mention, however it is counted.
    november = at(2026, 11, 2)
    cases = [
        factories.open_case(
            alex,
            now=november,
            patient={"full_name": "Avery Ashdown", "email": "avery.ashdown@example.org"},
        )
        for _ in range(3)
    ]
    sweep_at(FIRST_OF_DECEMBER)
    send_all_at(FIRST_OF_DECEMBER)
    # They are overdue by now, so their reminders went too (escalations to sam among them).
    [email] = [message for message in mailoutbox if "reports" in message.subject]
    html = email.alternatives[0][0]
    link = dashboard_link("2026-11-01", "2026-11-30")
    assert email.subject == "Navigator: the reports for November 2026"
    assert "The reports for November 2026 (November 1 to November 30, 2026)" in email.body
    assert link in email.body
    assert f'href="{link.replace("&", "&amp;")}"' in html
    for text in (email.subject, email.body, html):
        assert "Ashdown" not in text and "avery" not in text.lower()
        assert "Alex" not in text and "Rivera" not in text
        assert not any(f"#{case.pk}" in text for case in cases)
        assert "/cases/" not in text
        # No figure: every number left once the links are taken out is one of the period's dates.
        words = re.sub(r"https?://\S+", "", re.sub(r"<[^>]+>", " ", text))
        assert set(re.findall(r"\d+", words)) <= {"1", "30", "2026"}
    # The link opens the dashboard for that month.
    page = client_for(sam_subscribed).get(f"{urlsplit(link).path}?{urlsplit(link).query}")
    assert page.status_code == 200
    assert page.context["filters"].start == datetime.date(2026, 11, 1)
    assert page.context["filters"].end == datetime.date(2026, 11, 30)


def test_the_link_is_absolute_on_the_configured_address(sam_subscribed, mailoutbox, settings):
    settings.NAVIGATOR_BASE_URL = "https://navigator.example.org/"
    sweep_at(FIRST_OF_DECEMBER)
    send_all_at(FIRST_OF_DECEMBER)
    assert (
        "https://navigator.example.org/reports/?start=2026-11-01&end=2026-11-30"
        in mailoutbox[0].body
    )


def test_it_is_sent_once_however_often_its_task_runs(sam_subscribed, mailoutbox):
    sweep_at(FIRST_OF_DECEMBER)
    delivery = Delivery.objects.get()
    with time_machine.travel(FIRST_OF_DECEMBER, tick=False):
        deliver_reminder(delivery.pk)
        deliver_reminder(delivery.pk)
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_failed_send_is_recorded_and_retried(sam_subscribed, mailoutbox, settings):
    sweep_at(FIRST_OF_DECEMBER)
    settings.EMAIL_BACKEND = "tests.reminders.test_sending.BrokenEmailBackend"
    send_all_at(FIRST_OF_DECEMBER)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "ConnectionRefusedError: mail server unreachable"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_all_at(FIRST_OF_DECEMBER + datetime.timedelta(seconds=30))  # not yet due
    assert mailoutbox == []
    send_all_at(FIRST_OF_DECEMBER + datetime.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_a_supervisor_who_unticks_the_box_before_it_goes_gets_none(sam_subscribed, mailoutbox):
    sweep_at(FIRST_OF_DECEMBER)
    StaffProfile.objects.filter(user=sam_subscribed).update(monthly_summary=False)
    send_all_at(FIRST_OF_DECEMBER)
    assert mailoutbox == []
    assert summaries() == [("sam", datetime.date(2026, 11, 1), "cancelled")]


def test_a_broker_outage_leaves_it_in_the_database_for_the_next_sweep(
    sam_subscribed, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(deliver_reminder, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(FIRST_OF_DECEMBER)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.queued_at) == ("pending", None)
    assert "The broker is unavailable (ConnectionRefusedError): 1 deliveries wait" in caplog.text

    queued = []
    monkeypatch.setattr(deliver_reminder, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_at(FIRST_OF_DECEMBER + datetime.timedelta(minutes=1))
    assert (result.summaries, queued) == (0, [(delivery.pk,)])


def test_the_outbox_shows_it_to_supervisors(sam_subscribed, alex, client_for):
    sweep_at(FIRST_OF_DECEMBER)
    send_all_at(FIRST_OF_DECEMBER)
    page = client_for(sam_subscribed).get(reverse("outbox")).content.decode()
    assert "Monthly summary" in page
    assert "reports for November 2026" in page
    assert "Monthly summary" not in client_for(alex).get(reverse("outbox")).content.decode()


PREFERENCES = reverse("notification_preferences")


def test_a_supervisor_ticks_and_unticks_the_monthly_summary_on_the_preferences_page(
    sam, client_for
):
    client = client_for(sam)
    page = client.get(PREFERENCES)
    assert "Monthly summary email" in page.content.decode()
    response = submit(client, PREFERENCES, monthly_summary="on")
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=sam).monthly_summary is True
    saved = AuditEvent.objects.get(action="update", object_type="staffprofile")
    assert saved.changes["monthly_summary"] == [False, True]
    # The page shows it ticked; unticked, the browser sends no value for it.
    fields = form_data(client.get(PREFERENCES))
    assert fields["monthly_summary"] == ["on"]
    del fields["monthly_summary"]
    assert client.post(PREFERENCES, fields).status_code == 302
    assert StaffProfile.objects.get(user=sam).monthly_summary is False


def test_a_social_worker_is_not_offered_it_and_cannot_post_it(alex, client_for):
    client = client_for(alex)
    page = client.get(PREFERENCES)
    assert "monthly_summary" not in page.content.decode()
    response = submit(client, PREFERENCES, monthly_summary="on")
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=alex).monthly_summary is False


def test_the_summary_column_rules_hold_in_the_database(sam):
    """A monthly summary names its month and no case; nothing else names a month."""
    fields = {
        "recipient": sam,
        "channel": "email",
        "created_at": FIRST_OF_DECEMBER,
        "next_attempt_at": FIRST_OF_DECEMBER,
    }
    with transaction.atomic(), pytest.raises(IntegrityError):
        Delivery.objects.create(rule="monthly_summary", **fields)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Delivery.objects.create(rule="overdue", summary_month=datetime.date(2026, 11, 1), **fields)
    Delivery.objects.create(
        rule="monthly_summary", summary_month=datetime.date(2026, 11, 1), **fields
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Delivery.objects.create(
            rule="monthly_summary", summary_month=datetime.date(2026, 11, 1), **fields
        )
