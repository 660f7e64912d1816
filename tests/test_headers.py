"""Headers on every response: pages for a logged-in user are never stored by the browser
(Back after logging out on a shared workstation shows nothing), and every response — static
files and the session rules' redirects included — refuses to be framed."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

T0 = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=datetime.UTC)


def never_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "name, args",
    [
        ("caseload", []),
        ("case_intake", []),
        ("case_detail", ["case"]),
        ("case_edit", ["case"]),
        ("insurance_edit", ["case"]),
        ("appointment_edit", ["case"]),
        ("status_links", ["case"]),
        ("outbox", []),
        ("notification_preferences", []),
        ("password_change", []),
    ],
)
def test_every_staff_page_is_never_stored(client_for, alex, case, name, args):
    url = reverse(name, args=[case.pk if arg == "case" else arg for arg in args])
    response = client_for(alex).get(url)
    assert response.status_code == 200
    assert never_stored(response)


@pytest.mark.parametrize(
    "url", [reverse("reports"), reverse("report", args=["overdue"]), reverse("audit_export")]
)
def test_supervisor_pages_are_never_stored(client_for, sam, url):
    assert never_stored(client_for(sam).get(url))


def test_a_refused_form_and_a_redirect_after_a_write_are_never_stored(client_for, alex, case):
    client = client_for(alex)
    refused = client.post(reverse("note_add", args=[case.pk]), {"body": ""})
    assert refused.status_code == 400 and never_stored(refused)
    saved = client.post(reverse("note_add", args=[case.pk]), {"body": "Called."})
    assert saved.status_code == 302 and never_stored(saved)


def test_static_files_stay_cacheable_and_are_never_framed(settings, tmp_path, db):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a new client loads WhiteNoise, which indexes STATIC_ROOT
    page = client.get(reverse("login"))
    stylesheet = next(
        part.split('"')[0]
        for part in page.content.decode().split('href="')
        if part.startswith("/static/navigator.") and ".css" in part.split('"')[0]
    )
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "immutable" in response["Cache-Control"] and not never_stored(response)


def test_the_two_factor_redirect_is_never_framed_nor_stored(client_for, alex):
    TOTPDevice.objects.create(user=alex, name="phone", confirmed=True)
    response = client_for(alex).get(reverse("caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    assert response["X-Frame-Options"] == "DENY"
    assert never_stored(response)


def test_the_idle_logoff_redirect_is_never_framed(client_for, alex):
    client = client_for(alex)
    with time_machine.travel(T0, tick=False):
        assert client.get(reverse("caseload")).status_code == 200
    with time_machine.travel(T0 + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"


def test_a_patients_status_page_link_that_does_not_work_is_never_framed(client, db):
    response = client.get(reverse("patient_status", args=["no-such-token"]))
    assert response["X-Frame-Options"] == "DENY"
