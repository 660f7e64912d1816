"""Where each person lands: after the login form, at `/`, from the admin's *View site*.

A social worker or supervisor goes to Today, an administrator on no team to the admin,
anyone on no team to a calm page saying an administrator must add them to a team. A safe
`?next=` wins; one that leads off the site does not. Two-factor authentication comes first."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import SOCIAL_WORKERS
from tests import factories
from tests.browser_form import form_data

T0 = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=datetime.UTC)
PASSWORD = "correct-horse-battery"


def _log_in(client: Client, username: str, *, next_url: str = ""):
    """Open the login page (through `/` or a page's address, as a browser does), fill in the
    form it shows, post it, and follow the redirects to the page the user lands on."""
    page = client.get(reverse("login") + (f"?next={next_url}" if next_url else ""))
    data = form_data(page) | {"username": [username], "password": [PASSWORD]}
    response = client.post(_address(page), data)
    assert response.status_code == 302, response.status_code
    return client.get(response.url, follow=True)


@pytest.fixture
def admin(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def newcomer(db):
    return factories.UserFactory(username="newcomer")


def _landed(response) -> str:
    return response.request["PATH_INFO"]


def _address(response) -> str:
    """The page's own address, where its form (with no action) posts."""
    query = response.request["QUERY_STRING"]
    return response.request["PATH_INFO"] + (f"?{query}" if query else "")


@pytest.mark.parametrize(
    "who, lands_on",
    [("alex", "today"), ("sam", "today"), ("admin", "admin:index")],
)
def test_the_login_form_leads_each_role_where_it_works(client, alex, sam, admin, who, lands_on):
    with time_machine.travel(T0, tick=False):
        response = _log_in(client, who)
    assert response.status_code == 200
    assert _landed(response) == reverse(lands_on)


def test_a_user_on_no_team_is_told_an_administrator_must_add_them(client, newcomer, case):
    with time_machine.travel(T0, tick=False):
        response = _log_in(client, "newcomer")
    assert response.status_code == 200 and _landed(response) == reverse("no_team")
    body = response.content.decode()
    assert "not on a care team yet" in body and "An administrator must add you" in body
    assert case.patient.full_name not in body and "Caseload" not in body


def test_once_on_a_team_the_no_team_page_leads_to_today(client, newcomer):
    client.force_login(newcomer)
    assert client.get(reverse("no_team")).status_code == 200
    newcomer.groups.add(Group.objects.get(name=SOCIAL_WORKERS))
    response = client.get(reverse("no_team"), follow=True)
    assert _landed(response) == reverse("today")


def test_the_start_page_sends_a_visitor_to_log_in_and_then_where_their_role_works(client, admin):
    """The address `make run` prints is `/`: logging in from there, an administrator reaches
    the admin, not a page that is not theirs."""
    start = client.get("/")
    assert start.status_code == 302 and start.url == f"{reverse('login')}?next=/"
    with time_machine.travel(T0, tick=False):
        response = _log_in(client, "admin", next_url="/")
    assert _landed(response) == reverse("admin:index")


def test_a_safe_next_is_followed(client, alex, case):
    with time_machine.travel(T0, tick=False):
        response = _log_in(client, "alex", next_url=case.get_absolute_url())
    assert response.status_code == 200 and _landed(response) == case.get_absolute_url()


def test_a_next_off_the_site_is_not(client, alex):
    with time_machine.travel(T0, tick=False):
        response = _log_in(client, "alex", next_url="https://elsewhere.example/")
    assert _landed(response) == reverse("today")


def test_two_factor_comes_first_then_the_role_page(client, admin):
    device = TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    with time_machine.travel(T0, tick=False):
        response = _log_in(client, "admin")
        assert _landed(response) == reverse("two_factor_verify")
        token = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
        data = form_data(response) | {"token": [token]}
        verified = client.post(_address(response), data)
        assert verified.status_code == 302
        assert _landed(client.get(verified.url, follow=True)) == reverse("admin:index")


def test_the_admins_view_site_link_answers(client, admin):
    client.force_login(admin)
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert '<a href="/">View site</a>' in admin_page
    response = client.get("/", follow=True)
    assert response.status_code == 200 and _landed(response) == reverse("admin:index")
