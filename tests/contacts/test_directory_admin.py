"""The contacts directory is kept in the admin (search, a filter by kind, its fields in the
list; the centres keep their specialists inline) and chosen from on the case pages: what the
administrator adds there is what a social worker picks."""

import pytest
from django.urls import reverse

from cases.models import Centre, Contact, ContactLogEntry, Specialist
from tests import factories
from tests.browser_form import form_data


@pytest.fixture
def admin_client_(db, client):
    client.force_login(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def directory(db):
    return [
        factories.insurer(name="Example Health Plan", phone="555-0101"),
        factories.ContactFactory(
            kind=Contact.Kind.RECORDS_OFFICE, name="Example Hospital Release of Information"
        ),
        factories.ContactFactory(kind=Contact.Kind.PATHOLOGY_LAB, name="Example Pathology Lab"),
    ]


def test_the_changelist_searches_filters_by_kind_and_shows_the_numbers(admin_client_, directory):
    changelist = reverse("admin:cases_contact_changelist")
    page = admin_client_.get(changelist).content.decode()
    for heading in ("Name", "Kind", "Phone", "Fax", "Email", "Hours", "Active"):
        assert f">{heading}<" in page
    found = admin_client_.get(changelist, {"q": "pathology"}).content.decode()
    assert "Example Pathology Lab" in found and "Example Health Plan" not in found
    by_kind = admin_client_.get(changelist, {"kind__exact": "records_office"}).content.decode()
    assert "Example Hospital Release of Information" in by_kind
    assert "Example Health Plan" not in by_kind


def test_a_contact_added_in_the_admin_is_offered_on_the_contact_log(
    admin_client_, client_for, alex, case
):
    add = reverse("admin:cases_contact_add")
    data = form_data(admin_client_.get(add)) | {
        "kind": ["imaging_centre"],
        "name": ["Example Imaging Centre"],
        "phone": ["555-0130"],
        "portal_url": ["portal.example.org"],
        "hours": ["Mon–Fri 7–7"],
    }
    assert admin_client_.post(add, data).status_code == 302
    contact = Contact.objects.get(name="Example Imaging Centre")
    assert contact.portal_url == "https://portal.example.org"
    page = client_for(alex).get(reverse("contact_log_add", args=[case.pk])).content.decode()
    assert '<optgroup label="Imaging centre">' in page
    assert f'<option value="{contact.pk}" data-phone="555-0130"' in page


def test_the_centre_admin_keeps_its_specialists_inline(admin_client_):
    add = reverse("admin:cases_centre_add")
    page = admin_client_.get(add)
    assert "Specialists" in page.content.decode()
    data = form_data(page) | {
        "name": ["Example Neuro-Oncology Center"],
        "phone": ["555-0140"],
        "specialists-0-name": ["Dr. Example Person"],
        "specialists-0-specialty": ["neuro-oncology"],
    }
    assert admin_client_.post(add, data).status_code == 302
    centre = Centre.objects.get(name="Example Neuro-Oncology Center")
    assert centre.kind == Contact.Kind.CENTRE
    assert Specialist.objects.get(centre=centre).name == "Dr. Example Person"
    # The centre is in the directory too, among the second-opinion centres.
    assert Contact.objects.get(pk=centre.pk).get_kind_display() == "Second-opinion centre"


def test_a_contact_a_call_names_cannot_be_deleted_only_made_inactive(
    admin_client_, alex, case, directory
):
    insurer = directory[0]
    ContactLogEntry.objects.create(
        case=case,
        author=alex,
        occurred_at=case.opened_at,
        channel="call",
        contact=insurer,
        outcome="reached",
        created_at=case.opened_at,
    )
    delete = reverse("admin:cases_contact_delete", args=[insurer.pk])
    response = admin_client_.post(delete, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert Contact.objects.filter(pk=insurer.pk).exists()


@pytest.mark.parametrize("who", ["alex", "sam"])
def test_the_care_team_chooses_but_does_not_edit(client_for, request, who, directory):
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse("admin:cases_contact_changelist"))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
