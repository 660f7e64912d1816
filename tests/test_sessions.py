"""Person authentication and sessions: lockout, automatic logoff with a warning, password
changes ending other sessions, and TOTP two-factor authentication."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import AuditEvent

T0 = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=datetime.UTC)
CASELOAD = reverse("caseload")
LOGIN = reverse("login")


def _log_in(client, username: str, password: str = "correct-horse-battery"):
    return client.post(LOGIN, {"username": username, "password": password})


# --- lockout --------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_out_for_15_minutes(client, alex):
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            assert _log_in(client, "alex", "wrong").status_code == 200
        locked = _log_in(client, "alex", "wrong")
        assert locked.status_code == 429 and b"Too many failed attempts" in locked.content
        assert b"paused for 15 minutes after 5 wrong passwords" in locked.content
        # Even the right password is refused while locked.
        assert _log_in(client, "alex").status_code == 429
        assert client.get(CASELOAD).status_code == 302
    with time_machine.travel(T0 + datetime.timedelta(minutes=16), tick=False):
        assert _log_in(client, "alex").status_code == 302
        assert client.get(CASELOAD).status_code == 200


@pytest.fixture
def behind_the_proxy(settings):
    """Production behind the TLS-ending proxy at 127.0.0.1 (the test client's address)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def test_behind_the_proxy_a_lockout_is_for_the_visitors_address_not_the_proxys(
    client, alex, behind_the_proxy
):
    def log_in_from(address: str, password: str = "correct-horse-battery"):
        return client.post(
            LOGIN,
            {"username": "alex", "password": password},
            HTTP_X_FORWARDED_FOR=f"198.51.100.1, {address}",
        )

    for _ in range(5):
        log_in_from("203.0.113.9", "wrong")
    assert log_in_from("203.0.113.9").status_code == 429
    # Everyone reaches Django from the proxy's address: one attacker must not lock alex out.
    assert log_in_from("203.0.113.10").status_code == 302
    failed = AuditEvent.objects.filter(action="login_failed").values_list("ip_address", flat=True)
    assert set(failed) == {"203.0.113.9"}


def test_a_forwarded_address_from_anyone_but_the_proxy_is_ignored(client, alex, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["192.0.2.1"]  # not the test client's 127.0.0.1
    _log_in(client, "alex", "wrong")
    client.post(LOGIN, {"username": "alex", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    failed = AuditEvent.objects.filter(action="login_failed").values_list("ip_address", flat=True)
    assert set(failed) == {"127.0.0.1"}


def test_a_lockout_of_one_username_leaves_others_alone(client, alex, blair):
    for _ in range(5):
        _log_in(client, "alex", "wrong")
    assert _log_in(client, "blair").status_code == 302


# --- automatic logoff -------------------------------------------------------------------------


def test_a_session_ends_after_15_idle_minutes_and_says_why(client_for, alex):
    client = client_for(alex)
    with time_machine.travel(T0, tick=False):
        assert client.get(CASELOAD).status_code == 200
    with time_machine.travel(T0 + datetime.timedelta(minutes=14, seconds=59), tick=False):
        assert client.get(CASELOAD).status_code == 200  # activity restarts the clock
    idle_end = T0 + datetime.timedelta(minutes=29, seconds=59, microseconds=1)
    with time_machine.travel(idle_end, tick=False):
        response = client.get(CASELOAD)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
        login_page = client.get(response.url)
    assert b"logged out after 15 minutes without activity" in login_page.content
    assert AuditEvent.objects.filter(action="logout", actor=alex, changes__reason="idle").exists()
    assert client.get(CASELOAD).status_code == 302  # the session is gone, not just paused


def test_the_idle_limit_is_a_setting(client_for, alex, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 5
    client = client_for(alex)
    with time_machine.travel(T0, tick=False):
        client.get(CASELOAD)
    with time_machine.travel(T0 + datetime.timedelta(minutes=5, seconds=1), tick=False):
        assert client.get(CASELOAD).status_code == 302


def test_every_staff_page_carries_the_warning_and_a_no_script_fallback(client_for, alex):
    page = client_for(alex).get(CASELOAD).content.decode()
    assert 'id="idle-warning"' in page
    assert 'data-idle-seconds="900"' in page and 'data-warning-seconds="780"' in page
    assert "logged out after 15 minutes without activity" in page
    # Without JavaScript the page reloads itself once the session has ended, so an unattended
    # screen falls back to the login page.
    assert '<noscript><meta http-equiv="refresh" content="905"></noscript>' in page
    assert "navigator-idle.js" in page


def test_stay_logged_in_restarts_the_clock(client_for, alex):
    client = client_for(alex)
    with time_machine.travel(T0, tick=False):
        client.get(CASELOAD)
    with time_machine.travel(T0 + datetime.timedelta(minutes=14), tick=False):
        response = client.post(reverse("keepalive"), HTTP_ACCEPT="application/json")
        assert response.status_code == 204
    with time_machine.travel(T0 + datetime.timedelta(minutes=28), tick=False):
        assert client.get(CASELOAD).status_code == 200


def test_stay_logged_in_without_javascript_returns_to_the_page(client_for, alex):
    response = client_for(alex).post(reverse("keepalive"), {"next": "/cases/new/"})
    assert response.status_code == 302 and response.url == "/cases/new/"


def test_stay_logged_in_never_redirects_off_site(client_for, alex):
    response = client_for(alex).post(reverse("keepalive"), {"next": "https://evil.example/"})
    assert response.url == reverse("home")  # the start page, which sends alex to the caseload


# --- password change --------------------------------------------------------------------------


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(alex):
    here, elsewhere = Client(), Client()
    assert _log_in(here, "alex").status_code == 302
    assert _log_in(elsewhere, "alex").status_code == 302
    assert elsewhere.get(CASELOAD).status_code == 200
    response = here.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert here.get(CASELOAD).status_code == 200
    assert elsewhere.get(CASELOAD).status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="user", actor=alex)
    assert event.changes == {"password": ["[masked]", "[masked]"]}


def test_a_weak_new_password_is_refused_by_the_validators(client_for, alex):
    response = client_for(alex).post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert b"This password is too common" in response.content
    alex.refresh_from_db()
    assert alex.check_password("correct-horse-battery")


# --- two-factor authentication ----------------------------------------------------------------


def _token(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def _turn_on(client, user) -> TOTPDevice:
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor_setup"), {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_by_default_two_factor_is_optional_even_for_supervisors(client_for, sam):
    assert client_for(sam).get(CASELOAD).status_code == 200


def test_the_setting_makes_supervisors_set_up_two_factor_first(client_for, sam, settings):
    settings.REQUIRE_2FA_FOR_SUPERVISORS = True
    client = client_for(sam)
    response = client.get(CASELOAD)
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))
    setup = client.get(response.url)
    assert b"Supervisors must use two-factor authentication" in setup.content
    assert b"<svg" in setup.content  # the QR code, drawn inline: no script, no external image
    _turn_on(client, sam)
    assert client.get(CASELOAD).status_code == 200


def test_the_setting_does_not_force_social_workers(client_for, alex, settings):
    settings.REQUIRE_2FA_FOR_SUPERVISORS = True
    assert client_for(alex).get(CASELOAD).status_code == 200


def test_a_user_with_two_factor_must_give_a_code_after_the_password(client, alex):
    _log_in(client, "alex")
    _turn_on(client, alex)
    client.post(reverse("logout"))
    _log_in(client, "alex")
    response = client.get(CASELOAD)
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    wrong = client.post(response.url, {"token": "000000"})
    assert wrong.status_code == 400 and b"did not match" in wrong.content
    assert client.get(CASELOAD).status_code == 302
    device = TOTPDevice.objects.get(user=alex)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)):
        # A new time step, past the throttle's pause after one wrong code.
        right = client.post(reverse("two_factor_verify"), {"token": _token(device)})
        assert right.status_code == 302
        assert client.get(CASELOAD).status_code == 200
    assert AuditEvent.objects.filter(action="login_failed", actor=alex).exists()


@pytest.mark.parametrize("name", ["two_factor_setup", "two_factor_verify", "password_change"])
def test_account_pages_need_a_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_form_sent_after_the_session_ended_leads_back_to_the_caseload(client_for, alex, case):
    client = client_for(alex)
    with time_machine.travel(T0, tick=False):
        client.get(CASELOAD)
    with time_machine.travel(T0 + datetime.timedelta(minutes=16), tick=False):
        response = client.post(reverse("note_add", args=[case.pk]), {"body": "Late note."})
    assert response.status_code == 302 and response.url == f"{LOGIN}?next=/"
    assert not case.notes.exists()
