"""The status links page of a case (issue, send or copy, revoke, re-issue) and what the case
page says about links and the patient's questions."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, CaseEvent, StatusLink
from cases.patient import links as status_links
from cases.reminders.channels import InMemorySMSBackend
from cases.workflow import services
from tests import factories
from tests.concurrency import run_at_once
from tests.patient.status_page_data import case_in_progress, issue


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "cases.reminders.channels.InMemorySMSBackend"
    InMemorySMSBackend.outbox.clear()
    return InMemorySMSBackend.outbox


def create(client, case, **data):
    fields = {"audience": "patient", "delivery": "copy"} | data
    return client.post(
        reverse("status_links", kwargs={"case_id": case.pk}),
        {f"link-{name}": value for name, value in fields.items()},
    )


def shown_link(response) -> str:
    match = re.search(r'id="new-status-link" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else ""


def test_a_social_worker_creates_a_link_to_copy(client_for, alex, case):
    response = create(client_for(alex), case)
    assert response.status_code == 200
    url = shown_link(response)
    assert "/s/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    link = StatusLink.objects.get(case=case)
    assert link.token_hash == status_links.hash_token(token)
    assert CaseEvent.objects.filter(case=case, summary__startswith="Status link issued").exists()
    assert AuditEvent.objects.filter(object_type="statuslink", action="create").exists()
    # Shown once: neither the links page nor the case page shows it again.
    links_page = reverse("status_links", kwargs={"case_id": case.pk})
    assert token not in client_for(alex).get(links_page).content.decode()
    assert token not in client_for(alex).get(case.get_absolute_url()).content.decode()


def test_a_link_sent_by_email_goes_to_the_patient_in_their_language(client_for, alex):
    case = factories.open_case(alex, patient={"preferred_language": "es"})
    response = create(client_for(alex), case, delivery="email")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [case.patient.email]
    assert "Puede ver cómo va su solicitud" in message.body
    assert "/s/" in message.body
    assert case.patient.full_name not in message.body + message.subject
    assert CaseEvent.objects.filter(case=case, summary="Status link sent by email.").exists()


def test_a_carer_link_is_sent_by_text_to_the_carer(client_for, alex, case, sms_outbox):
    response = create(
        client_for(alex),
        case,
        audience="carer",
        carer_name="Jo Example",
        carer_phone="555-0177",
        delivery="sms",
    )
    assert response.status_code == 302
    assert [text["to"] for text in sms_outbox] == ["555-0177"]
    assert "/s/" in sms_outbox[0]["body"]
    link = StatusLink.objects.get(case=case)
    assert (link.audience, link.carer_name) == ("carer", "Jo Example")


def test_a_carer_link_needs_the_carers_name(client_for, alex, case):
    response = create(client_for(alex), case, audience="carer")
    assert response.status_code == 400
    assert "needs the carer&#x27;s name" in response.content.decode()
    assert not StatusLink.objects.exists()


def test_a_failed_send_is_shown_and_recorded_and_the_link_can_be_copied(
    client_for, alex, case, settings
):
    settings.EMAIL_BACKEND = "tests.patient.test_links_staff.FailingEmailBackend"
    response = create(client_for(alex), case, delivery="email")
    assert response.status_code == 502
    body = response.content.decode()
    assert "could not be sent by email (SMTPServerDisconnected)" in body
    assert shown_link(response)
    event = CaseEvent.objects.get(case=case, summary__contains="could not be sent")
    assert case.patient.email not in event.summary


def test_sending_with_no_address_says_so(client_for, alex):
    case = factories.open_case(alex, patient={"email": ""})
    response = create(client_for(alex), case, delivery="email")
    assert response.status_code == 502
    assert "There is no email address for this person" in response.content.decode()
    assert shown_link(response)


def test_a_social_worker_revokes_a_link(client_for, alex, case):
    issued = issue(case, alex)
    client = client_for(alex)
    response = client.post(
        reverse("status_link_revoke", kwargs={"case_id": case.pk, "link_id": issued.link.pk})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("status_links", kwargs={"case_id": case.pk})
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is not None
    assert CaseEvent.objects.filter(case=case, summary__contains="revoked").exists()
    assert client.get(reverse("patient_status", kwargs={"token": issued.token})).status_code == 404


def test_re_issuing_gives_a_new_link_and_kills_the_old(client_for, alex, case, sms_outbox):
    issued = issue(case, alex)
    response = client_for(alex).post(
        reverse("status_link_reissue", kwargs={"case_id": case.pk, "link_id": issued.link.pk}),
        {"delivery": "sms"},
    )
    assert response.status_code == 302
    assert len(sms_outbox) == 1 and issued.token not in sms_outbox[0]["body"]
    assert StatusLink.objects.filter(case=case, revoked_at__isnull=True).count() == 1
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is not None


def test_the_patients_questions_show_on_the_case_page(client_for, alex, case):
    issued = issue(case, alex)
    status_links.patient_question_add(link=issued.link, text="Can I keep working?")
    body = client_for(alex).get(case.get_absolute_url()).content.decode()
    assert "Can I keep working?" in body
    assert "The patient's questions for the specialist" in body


def test_a_covering_colleague_and_a_supervisor_can_issue_links(client_for, casey, sam, case):
    assert create(client_for(casey), case).status_code == 200
    assert create(client_for(sam), case).status_code == 200
    assert StatusLink.objects.filter(case=case).count() == 2


def test_an_outsider_cannot_issue_revoke_or_reissue(client_for, blair, alex, case):
    issued = issue(case, alex)
    client = client_for(blair)
    ids = {"case_id": case.pk, "link_id": issued.link.pk}
    assert create(client, case).status_code == 404
    assert client.post(reverse("status_link_revoke", kwargs=ids)).status_code == 404
    assert client.post(reverse("status_link_reissue", kwargs=ids)).status_code == 404
    assert StatusLink.objects.filter(case=case).count() == 1
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is None


def test_a_link_of_another_case_cannot_be_revoked_through_this_one(client_for, alex, case):
    other = issue(factories.open_case(alex), alex)
    response = client_for(alex).post(
        reverse("status_link_revoke", kwargs={"case_id": case.pk, "link_id": other.link.pk})
    )
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, case):
    response = client.post(reverse("status_links", kwargs={"case_id": case.pk}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_links_page_lists_active_links_and_lockouts(client_for, alex, case):
    issue(case, alex)
    locked = issue(case, alex, audience="carer", carer_name="Jo Example")
    revoked = issue(case, alex)
    status_links.status_link_revoke(link=revoked.link, by=alex)
    StatusLink.objects.filter(pk=locked.link.pk).update(
        failed_attempts=5, locked_until=timezone.now() + datetime.timedelta(minutes=10)
    )
    body = client_for(alex).get(reverse("status_links", kwargs={"case_id": case.pk}))
    body = body.content.decode()
    assert body.count('class="card card-body mb-2 status-link"') == 2
    assert "Carer: Jo Example" in body and "after 5 wrong dates of birth" in body
    summary = client_for(alex).get(case.get_absolute_url()).content.decode()
    assert "2 active links" in summary and "1 locked after 5 wrong dates of birth" in summary


def test_the_case_page_says_when_the_patient_cannot_see_the_status_page(client_for, alex, case):
    body = client_for(alex).get(case.get_absolute_url()).content.decode()
    assert "No active link. The patient cannot see the status page." in body
    assert "Create a status link" in body


def test_the_links_page_costs_a_fixed_number_of_queries(
    client_for, alex, django_assert_num_queries
):
    small = case_in_progress(alex)
    big = case_in_progress(alex)
    for _ in range(8):
        issue(big, alex)
    client = client_for(alex)

    def links_page(case):
        return reverse("status_links", kwargs={"case_id": case.pk})

    client.get(links_page(small))
    with CaptureQueriesContext(connection) as baseline:
        client.get(links_page(small))
    with django_assert_num_queries(len(baseline.captured_queries)):
        body = client.get(links_page(big)).content.decode()
    assert body.count('class="card card-body mb-2 status-link"') == 8


def reissue(client, case, link, delivery="copy"):
    return client.post(
        reverse("status_link_reissue", kwargs={"case_id": case.pk, "link_id": link.pk}),
        {"delivery": delivery},
    )


def test_re_issue_pressed_twice_shows_one_working_link(client_for, alex, case):
    issued = issue(case, alex)
    client = client_for(alex)
    first = reissue(client, case, issued.link)
    # The second press posts the same form again, for the link the first press replaced.
    second = reissue(client, case, issued.link)
    assert first.status_code == second.status_code == 200
    assert "pressed twice" in second.content.decode()
    shown = shown_link(second)
    assert shown and shown != shown_link(first)
    active = StatusLink.objects.filter(case=case, revoked_at__isnull=True)
    token = shown.rstrip("/").rsplit("/", 1)[1]
    assert [link.token_hash for link in active] == [status_links.hash_token(token)]
    assert client.get(reverse("patient_status", kwargs={"token": token})).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_re_issue_pressed_twice_at_once_leaves_one_link():
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    case = factories.open_case(alex)
    issued = issue(case, alex)
    # Both requests loaded the link before either re-issued it.
    stale = StatusLink.objects.get(pk=issued.link.pk)
    stale.case = case
    results = []
    errors = run_at_once(
        lambda: results.append(status_links.status_link_reissue(link=stale, by=alex))
    )
    assert errors == []
    assert len(results) == 2
    active = StatusLink.objects.filter(case=case, revoked_at__isnull=True)
    assert active.count() == 1


def test_a_closed_case_gets_no_new_link(client_for, alex, case):
    issued = issue(case, alex)
    services.case_set_status(case=case, status="withdrawn", reason="Moved", by=alex)
    client = client_for(alex)
    created = create(client, case)
    assert created.status_code == 400
    assert "This case is withdrawn" in created.content.decode()
    response = reissue(client, case, issued.link)
    assert response.status_code == 302
    assert "This case is withdrawn" in client.get(response["Location"]).content.decode()
    assert StatusLink.objects.filter(case=case).count() == 1
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is None
