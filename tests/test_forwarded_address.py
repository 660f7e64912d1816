"""Behind the trusted proxy, the visitor's address comes from X-Forwarded-For; a header that
does not end in an address is no reason to fail the page: the proxy's own address is kept. An
IPv6 zone (`%eth0`) is dropped: PostgreSQL's `inet` column refuses it. Each test is a whole
request that writes an audit row, so on PostgreSQL the column itself is exercised."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from cases.models import AuditEvent


@pytest.fixture
def behind_the_proxy(settings):
    """Production behind the TLS-ending proxy at 127.0.0.1 (the test client's address)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.mark.parametrize(
    "header, recorded",
    [
        ("203.0.113.9", "203.0.113.9"),
        ("198.51.100.1, 2001:db8::7", "2001:db8::7"),
        ("not-an-address", "127.0.0.1"),
        ("203.0.113.9, ", "127.0.0.1"),
        ("203.0.113.9, 999.1.1.1", "127.0.0.1"),
        ("x" * 5000, "127.0.0.1"),
        ("203.0.113.9\x00", "127.0.0.1"),
        # Django cleans a short scoped address itself; past 39 characters it passes the text
        # to the database as it is.
        ("fe80::1%" + "x" * 40, "fe80::1"),
        (
            "203.0.113.9, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff%eth0",
            "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
        ),
        ("fe80::1%", "127.0.0.1"),
    ],
)
def test_a_malformed_forwarded_header_still_shows_the_page_and_records_the_proxy(
    client_for, alex, case, behind_the_proxy, header, recorded
):
    response = client_for(alex).get(
        reverse("case_detail", args=[case.pk]), HTTP_X_FORWARDED_FOR=header
    )
    assert response.status_code == 200
    view = AuditEvent.objects.get(action="view", actor=alex)
    assert view.ip_address == recorded


@pytest.mark.parametrize("password, action", [("wrong", "login_failed"), (None, "login")])
def test_a_scoped_forwarded_address_at_login_is_recorded_without_its_zone(
    client, alex, behind_the_proxy, password, action
):
    response = client.post(
        reverse("login"),
        {"username": "alex", "password": password or "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="fe80::1%" + "x" * 40,
    )
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.get(action=action).ip_address == "fe80::1"
    if action == "login_failed":
        assert AccessAttempt.objects.get().ip_address == "fe80::1"


def test_a_scoped_peer_address_is_recorded_without_its_zone(client_for, alex, case):
    response = client_for(alex).get(
        reverse("case_detail", args=[case.pk]), REMOTE_ADDR="fe80::2%" + "x" * 40
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="view", actor=alex).ip_address == "fe80::2"
