"""Behind the trusted proxy, the visitor's address comes from X-Forwarded-For; a header that
does not end in an address is no reason to fail the page: the proxy's own address is kept."""

import pytest
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
