"""API systems are made in the Django admin: the token is shown once, on the page after adding
the system, and only its digest is kept; revoking it shuts the API at once."""

import re

import pytest

from cases.fhir import tokens
from cases.models import ApiSystem, AuditEvent
from tests import factories
from tests.fhir import data


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_adding_a_system_shows_its_token_once(admin_client, case):
    response = admin_client.post(
        "/admin/cases/apisystem/add/", {"name": "Example EHR", "scope": "read"}, follow=True
    )
    assert response.status_code == 200
    token = re.search(r"system now\): (nav_[A-Za-z0-9_\-]+)", response.content.decode()).group(1)
    system = ApiSystem.objects.get()
    assert system.token_digest == tokens.token_digest(token)
    assert token.startswith(system.token_prefix)
    assert AuditEvent.objects.filter(action="create", object_type="apisystem").exists()
    again = admin_client.get(f"/admin/cases/apisystem/{system.pk}/change/").content.decode()
    assert token not in again
    assert data.api_client(token).get(f"/fhir/r4/ServiceRequest/{case.pk}").status_code == 200


def test_revoking_a_system_shuts_its_token_out(admin_client, case):
    system, token = data.api_system()
    response = admin_client.post(
        "/admin/cases/apisystem/",
        {"action": "revoke", "_selected_action": [system.pk]},
        follow=True,
    )
    assert response.status_code == 200
    system.refresh_from_db()
    assert system.revoked_at is not None
    assert data.api_client(token).get(f"/fhir/r4/ServiceRequest/{case.pk}").status_code == 401


def test_a_system_name_taken_already_is_refused_calmly(admin_client):
    data.api_system("Example EHR")
    response = admin_client.post(
        "/admin/cases/apisystem/add/", {"name": "Example EHR", "scope": "read"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert ApiSystem.objects.count() == 1
