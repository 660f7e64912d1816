"""The outbox page, reminder preferences, snoozing from the case page, and the admin's action
that sends undelivered reminders again."""

import datetime
import zoneinfo

import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Delivery, StaffProfile
from cases.reminders import sweep as reminders
from cases.workflow import services
from tests import factories

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)
URL = reverse("outbox")


def overdue_case(owner, *, full_name: str = "Avery Ashdown"):
    case = factories.open_case(
        owner, now=MONDAY - datetime.timedelta(days=21), patient={"full_name": full_name}
    )
    return case


def swept() -> None:
    with time_machine.travel(MONDAY, tick=False):
        reminders.sweep()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_outside_the_care_team_gets_404(client_for, db):
    stranger = factories.UserFactory(username="stranger")
    assert client_for(stranger).get(URL).status_code == 404
    url = reverse("notification_preferences")
    assert client_for(stranger).get(url).status_code == 404


def test_a_social_worker_sees_sends_about_their_cases_only(client_for, alex, blair, sam):
    mine = overdue_case(alex)
    theirs = overdue_case(blair, full_name="Rowan Brightwater")
    swept()
    response = client_for(blair).get(URL)
    case_ids = {delivery.case_id for delivery in response.context["page"].object_list}
    assert case_ids == {theirs.pk}
    assert f"#{mine.pk}<" not in response.content.decode()
    assert b"Avery Ashdown" not in response.content


def test_a_supervisor_sees_every_send_and_can_filter_undelivered(client_for, alex, blair, sam):
    overdue_case(alex)
    overdue_case(blair)
    swept()
    client = client_for(sam)
    assert client.get(URL).context["page"].paginator.count == 4
    Delivery.objects.filter(recipient=alex).update(status="dead", last_error="SMTPException: x")
    assert b"1 reminder could not be delivered" in client.get(URL).content
    page = client.get(URL, {"status": "dead"}).context["page"]
    assert [d.recipient for d in page.object_list] == [alex]


def test_the_outbox_costs_a_fixed_number_of_queries(
    client_for, alex, sam, django_assert_max_num_queries
):
    for _ in range(30):
        overdue_case(alex)
    swept()
    client = client_for(sam)
    client.get(URL)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page": 2})
    assert len(response.context["page"].object_list) == 10


def test_staff_choose_their_reminder_preferences(client_for, alex):
    client = client_for(alex)
    url = reverse("notification_preferences")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "due_soon_delivery": "immediate",
            "overdue_delivery": "digest",
            "escalation_delivery": "immediate",
            "digest_hour": "7",
        },
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=alex)
    assert (profile.due_soon_delivery, profile.overdue_delivery, profile.digest_hour) == (
        "immediate",
        "digest",
        7,
    )
    saved = AuditEvent.objects.get(action="update", object_type="staffprofile")
    assert saved.actor == alex and saved.changes["digest_hour"] == [8, 7]
    refused = client.post(url, {"due_soon_delivery": "immediate", "digest_hour": "25"})
    assert refused.status_code == 400


def test_snoozing_from_the_case_page(client_for, alex, blair):
    case = overdue_case(alex)
    step = case.steps.get(stage="referral")
    url = reverse("step_snooze", kwargs={"case_id": case.pk, "step_id": step.pk})
    until = timezone.localdate() + datetime.timedelta(days=5)
    typed = {"until": until, "version": step.version}
    assert client_for(blair).post(url, typed | {"reason": "x"}).status_code == 404
    client = client_for(alex)
    refused = client.post(url, typed | {"reason": ""})
    assert refused.status_code == 400
    response = client.post(url, typed | {"reason": "Waiting for the lab"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.snoozed_until, step.snooze_reason) == (until, "Waiting for the lab")
    assert b"Reminders snoozed until" in client.get(case.get_absolute_url()).content


def test_the_admin_sends_undelivered_reminders_again(client, alex, mailoutbox):
    overdue_case(alex)
    swept()
    Delivery.objects.update(status="dead", attempts=5)
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-x")
    client.force_login(admin_user)
    changelist = reverse("admin:cases_delivery_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200
    assert b"Avery Ashdown" not in listing.content
    ids = list(Delivery.objects.values_list("pk", flat=True))
    response = client.post(changelist, {"action": "requeue", "_selected_action": ids}, follow=True)
    assert b"queued again" in response.content
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    assert client.get(reverse("admin:cases_reminder_changelist")).status_code == 200


def test_the_case_page_shows_nothing_when_all_was_delivered(client_for, alex):
    case = overdue_case(alex)
    swept()
    services.note_add(case=case, author=alex, body="Called the lab.")
    assert b"Undelivered reminders" not in client_for(alex).get(case.get_absolute_url()).content
