"""A form sent after its cookies were lost (Django's CSRF check fails): a calm 403 page that says
how to go on, in the patient's language on a status link, never Django's stock page."""

from django.test import Client
from django.urls import reverse

from cases.models import PatientQuestion
from cases.patient import links as status_links
from tests.patient.status_page_data import case_in_progress, issue, status_url


def add_url(issued) -> str:
    return reverse("patient_question_add", kwargs={"token": issued.token})


def test_lost_cookies_give_a_calm_page_in_the_patients_language(alex):
    issued = issue(case_in_progress(alex, preferred_language="es"), alex)
    browser = Client(enforce_csrf_checks=True)
    # The form posted after the cookies were cleared: no CSRF cookie, no session.
    response = browser.post(add_url(issued), {"text": "¿Puedo trabajar?"})
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Esta página caducó" in body and "Lo que envió no se guardó." in body
    assert f'href="{status_url(issued.token)}"' in body
    assert "CSRF" not in body
    assert not PatientQuestion.objects.exists()
    # Following the page's advice works: the link opens the birth-date check again.
    assert browser.get(status_url(issued.token)).status_code == 200


def test_lost_cookies_on_a_dead_link_give_the_one_dead_link_page(alex):
    issued = issue(case_in_progress(alex), alex)
    status_links.status_link_revoke(link=issued.link, by=alex)
    response = Client(enforce_csrf_checks=True).post(add_url(issued), {"text": "Hello"})
    assert response.status_code == 404
    assert "This link does not work right now" in response.content.decode()


def test_lost_cookies_give_staff_a_calm_page(client_for, alex, case):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alex)
    response = browser.post(reverse("note_add", args=[case.pk]), {"body": "Called the lab"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page expired" in body and "reload the page" in body
    assert "CSRF" not in body


def test_lost_cookies_on_the_sign_in_page_give_a_calm_page(db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "alex", "password": "not-sent"}
    )
    assert response.status_code == 403
    assert "This page expired" in response.content.decode()
