"""The page a database outage shows (the real outage, on a PostgreSQL of the test's own, is in
test_database_restart.py): a calm 503 for staff and, under a status link, the patient pages'
page in English and Spanish; rendered without touching the database; any other failure is
still the 500 page. These run in every suite, SQLite included."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from cases.views import staff


def refuse(*args, **kwargs):
    """Every new cursor fails, as when the server went away: the session, the user, the page."""
    raise OperationalError("server closed the connection unexpectedly")


def test_a_staff_page_is_a_calm_503_when_the_database_is_down(alex, case):
    client = Client(raise_request_exception=False)
    client.force_login(alex)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get(case.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert b"Navigator is briefly unavailable" in response.content
    assert b"saved whole or not at all, never in part" in response.content
    assert case.patient.full_name.encode() not in response.content


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_patient_link_gets_the_page_in_english_and_spanish(db, language):
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get(reverse("patient_status", args=["a" * 43]))
    assert response.status_code == 503
    text = response.content.decode()
    assert "This page is not available right now" in text
    assert '<section lang="es"' in text
    assert "No pudimos abrir su información en este momento." in text


def test_a_form_posted_while_the_database_is_down_gets_the_503(alex, case):
    client = Client(raise_request_exception=False)
    client.force_login(alex)
    step = case.steps.get(stage="referral")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.post(
            reverse("step_status", args=[case.pk, step.pk]), {"status": "done", "version": "1"}
        )
    assert response.status_code == 503
    step.refresh_from_db()
    assert step.status == "in_progress"


def test_any_other_failure_is_still_the_500_page(client_for, alex, case, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(staff, "case_page", broken)
    client = client_for(alex)
    client.raise_request_exception = False
    response = client.get(case.get_absolute_url())
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
