"""The admin (and the login pages) answer bad input calmly: never a 500. A NUL byte in a
query string is refused with 400 everywhere (cases.security.NulBytesRefusedMiddleware)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from cases.models import Coverage
from tests import factories


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


# The admin's login form tries the password whatever the username's length, so axes records
# the failure; the staff login refuses a username longer than any account's first.
@pytest.mark.parametrize("login, recorded", [("admin:login", ["u" * 255]), ("login", [])])
def test_a_very_long_username_at_a_login_page_is_refused_calmly(client, db, login, recorded):
    response = client.post(reverse(login), {"username": "u" * 256, "password": "wrong"})
    assert response.status_code in (200, 400)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == recorded


@pytest.mark.parametrize(
    "url, query",
    [
        ("admin:cases_delivery_changelist", "status__exact=%00"),
        ("admin:cases_auditevent_changelist", "q=%00"),
        ("admin:cases_auditevent_changelist", "action__exact=%00"),
        ("admin:cases_checklisttemplate_changelist", "stage__exact=%00x"),
        ("admin:cases_checklisttemplate_changelist", "st%00age=referral"),
    ],
)
def test_a_nul_byte_in_a_changelist_filter_is_a_calm_400(admin_client, url, query):
    response = admin_client.get(f"{reverse(url)}?{query}")
    assert response.status_code == 400
    assert b"could not be understood" in response.content


def test_a_nul_byte_in_any_query_string_is_a_calm_400(client_for, alex):
    response = client_for(alex).get(reverse("caseload") + "?stage=%00")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url, query",
    [
        ("admin:cases_delivery_changelist", "created_at__year=99999999"),
        ("admin:cases_reminder_changelist", "created_at__year=99999999&created_at__month=99"),
        ("admin:cases_auditevent_changelist", "created_at__year=99999999&created_at__day=-1"),
    ],
)
def test_a_huge_date_hierarchy_year_is_calm(admin_client, url, query):
    assert admin_client.get(f"{reverse(url)}?{query}").status_code < 500


@pytest.mark.parametrize("covering", ["abc", "99999999999999999999999", "\x00", "1.5", "-1"])
def test_junk_in_the_coverage_forms_autocomplete_field_is_a_form_error(
    admin_client, alex, covering
):
    response = admin_client.post(
        reverse("admin:cases_coverage_add"),
        {
            "covering": covering,
            "covered": alex.pk,
            "starts_on": "2026-01-05",
            "ends_on": "2026-01-09",
        },
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Coverage.objects.exists()


@pytest.mark.parametrize("term", ["\x00", "x" * 5000])
def test_junk_in_the_autocomplete_search_is_calm(admin_client, term):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "coverage", "field_name": "covering", "term": term},
    )
    assert response.status_code < 500
