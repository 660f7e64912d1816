"""A patient's link with something odd in its address gets a calm patient page or a redirect
that keeps what was sent: never the staff pages, a lost form or (with DEBUG) an error."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import PatientQuestion
from tests.patient.status_page_data import (
    BIRTH_DATE,
    birth_date_post,
    case_in_progress,
    issue,
    pass_check,
    status_url,
)


@pytest.fixture
def token(alex):
    return issue(case_in_progress(alex), alex).token


@pytest.mark.parametrize("suffix", ["", "questions/", "questions/1/", "appointment.ics"])
def test_a_nul_byte_in_a_patient_address_is_the_calm_patient_page_in_both_languages(
    token, settings, suffix
):
    response = Client().get(f"{status_url(token)}{suffix}?lang=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This address could not be used" in page and "No pudimos usar esta dirección" in page
    assert f"tel:{settings.PATIENT_HELP_PHONE}" in page
    assert reverse("login") not in page and "Navigator" not in page


def test_a_nul_byte_in_a_dead_link_is_the_same_page(db):
    alive_or_not = Client().get("/s/no-such-link/?lang=%00")
    assert alive_or_not.status_code == 400
    assert b"This address could not be used" in alive_or_not.content


def test_a_nul_byte_in_a_staff_address_is_still_the_staff_page(client_for, alex):
    response = client_for(alex).get(reverse("caseload") + "?stage=%00")
    assert response.status_code == 400
    assert b"This request could not be understood" in response.content


@pytest.mark.parametrize("debug", [False, True])
def test_a_birth_date_sent_without_the_trailing_slash_is_redirected_with_its_data(
    token, settings, debug
):
    settings.DEBUG = debug
    client = Client()
    without_slash = status_url(token).rstrip("/")
    response = client.post(without_slash, birth_date_post(BIRTH_DATE))
    assert response.status_code == 308
    assert response["Location"] == status_url(token)
    # A browser sends the same form again to the new address, as the test client does.
    followed = client.post(without_slash, birth_date_post(BIRTH_DATE), follow=True)
    assert followed.redirect_chain[0] == (status_url(token), 308)
    assert followed.status_code == 200 and followed.request["PATH_INFO"] == status_url(token)
    assert b"birth_year" not in followed.content  # past the check: the status page itself


@pytest.mark.parametrize("debug", [False, True])
def test_a_question_sent_without_the_trailing_slash_is_kept(token, settings, debug):
    settings.DEBUG = debug
    client = Client()
    pass_check(client, token)
    questions = reverse("patient_question_add", kwargs={"token": token})
    response = client.post(questions.rstrip("/"), {"text": "Can my sister come along?"})
    assert response.status_code == 308 and response["Location"] == questions
    client.post(questions.rstrip("/"), {"text": "Can my sister come along?"}, follow=True)
    assert PatientQuestion.objects.get().text == "Can my sister come along?"
