"""The admin (and the login pages) answer bad input calmly: never a 500. A NUL byte in a
query string is refused with 400 everywhere (cases.security.NulBytesRefusedMiddleware)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin import site
from django.urls import reverse

from cases.admin import CalmDateHierarchyChangeList
from cases.models import Coverage, StageSetting
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


DATE_HIERARCHY_CHANGELISTS = [
    ("admin:cases_delivery_changelist", "created_at"),
    ("admin:cases_reminder_changelist", "created_at"),
    ("admin:cases_auditevent_changelist", "created_at"),
    ("admin:axes_accessattempt_changelist", "attempt_time"),
    ("admin:axes_accesslog_changelist", "attempt_time"),
]


@pytest.mark.parametrize("url, field", DATE_HIERARCHY_CHANGELISTS)
@pytest.mark.parametrize(
    "query",
    [
        "{f}__year=9999",
        "{f}__year=1",
        "{f}__year=x",
        "{f}__year=9999&{f}__month=12",
        "{f}__year=9999&{f}__month=12&{f}__day=31",
        "{f}__year=99999999999999999999",
        "{f}__year=2026&{f}__month=99999999999999999",
        "{f}__year=2026&{f}__month=1&{f}__day=99999999999999999",
    ],
)
def test_a_date_hierarchy_link_edited_past_the_calendar_is_djangos_invalid_filter_answer(
    admin_client, url, field, query
):
    response = admin_client.get(f"{reverse(url)}?{query.format(f=field)}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(url)}?e=1"


@pytest.mark.parametrize("url, field", DATE_HIERARCHY_CHANGELISTS)
def test_the_last_day_the_date_hierarchy_can_show_still_lists(admin_client, url, field):
    query = f"{field}__year=9998&{field}__month=12&{field}__day=31"
    assert admin_client.get(f"{reverse(url)}?{query}").status_code == 200


def test_every_admin_with_a_date_hierarchy_uses_the_calm_changelist(rf):
    with_hierarchy = [
        model_admin for model_admin in site._registry.values() if model_admin.date_hierarchy
    ]
    assert with_hierarchy
    for model_admin in with_hierarchy:
        assert model_admin.get_changelist(rf.get("/")) is CalmDateHierarchyChangeList


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


def _coverage_post(admin_client, alex, blair, starts_on, ends_on):
    return admin_client.post(
        reverse("admin:cases_coverage_add"),
        {"covering": blair.pk, "covered": alex.pk, "starts_on": starts_on, "ends_on": ends_on},
    )


def test_a_coverage_ending_before_it_starts_is_refused_on_its_end_date(admin_client, alex, blair):
    response = _coverage_post(admin_client, alex, blair, "2026-01-09", "2026-01-05")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_on": ["The coverage must end on or after the day it starts."]
    }
    assert b"coverage_dates_ordered" not in response.content
    assert b'value="2026-01-09"' in response.content  # what was typed is kept
    assert not Coverage.objects.exists()


@pytest.mark.parametrize(
    "starts_on, ends_on, field",
    [("0001-01-01", "2026-01-09", "starts_on"), ("2026-01-05", "9999-12-31", "ends_on")],
)
def test_a_coverage_outside_the_business_calendar_is_refused(
    admin_client, alex, blair, starts_on, ends_on, field
):
    response = _coverage_post(admin_client, alex, blair, starts_on, ends_on)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: ["Use a date from 2000 to 2050."]}
    assert not Coverage.objects.exists()


def test_a_coverage_inside_the_calendar_is_saved(admin_client, alex, blair):
    response = _coverage_post(admin_client, alex, blair, "2026-01-05", "2026-01-05")
    assert response.status_code == 302
    assert Coverage.objects.get().ends_on.isoformat() == "2026-01-05"


@pytest.mark.parametrize(
    "routine_days, urgent_days, field",
    [("32767", "2", "routine_days"), ("10", "0", "urgent_days"), ("61", "5", "routine_days")],
)
def test_a_stage_time_limit_outside_one_to_sixty_business_days_is_refused(
    admin_client, routine_days, urgent_days, field
):
    setting = StageSetting.objects.get(stage="referral")
    before = (setting.routine_days, setting.urgent_days)
    response = admin_client.post(
        reverse("admin:cases_stagesetting_change", args=[setting.pk]),
        {"stage": "referral", "routine_days": routine_days, "urgent_days": urgent_days},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: ["Use 1 to 60 business days."]}
    setting.refresh_from_db()
    assert (setting.routine_days, setting.urgent_days) == before


def test_a_stage_time_limit_of_sixty_business_days_is_saved(admin_client):
    setting = StageSetting.objects.get(stage="referral")
    response = admin_client.post(
        reverse("admin:cases_stagesetting_change", args=[setting.pk]),
        {"stage": "referral", "routine_days": "60", "urgent_days": "1"},
    )
    assert response.status_code == 302
    setting.refresh_from_db()
    assert (setting.routine_days, setting.urgent_days) == (60, 1)
