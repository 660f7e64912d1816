import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Step
from cases.workflow import services
from tests import factories

URL = reverse("case_intake")


@pytest.fixture(autouse=True)
def _december_2026():
    """The dates typed below (a birth in 1971, one in 2099 "in the future") mean what they say
    only at a known date: each test happens on Tuesday 1 December 2026, whatever the calendar."""
    with time_machine.travel(datetime.datetime(2026, 12, 1, 15, tzinfo=datetime.UTC)):
        yield


def intake_data(social_worker, **overrides) -> dict:
    data = {
        "full_name": "Marlowe Penhallow",
        "date_of_birth": "1971-06-02",
        "mrn": "EX-4471",
        "preferred_language": "es",
        "phone": "555-0133",
        "email": "",
        "preferred_contact": "phone",
        "consent_to_reminders": "on",
        "tumour_type": "glioma",
        "glioma_type": "oligodendroglioma_idh_mutant_codeleted",
        "grade": "3",
        "diagnosis_notes": "",
        "reasons": ["experienced_team", "different_approach"],
        "reasons_other": "",
        "urgency": "urgent",
        "centre_other": "Example Brain Tumor Center",
        "specialist_other": "",
        "social_worker": social_worker.pk,
    }
    return data | overrides


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_a_user_outside_the_care_team_gets_404(client_for, db):
    assert client_for(factories.UserFactory(username="stranger")).get(URL).status_code == 404


def test_the_form_starts_with_the_social_worker_assigned(client_for, alex):
    response = client_for(alex).get(URL)
    assert response.context["case_form"].initial["social_worker"] == alex


def test_opening_a_case(client_for, alex):
    response = client_for(alex).post(URL, intake_data(alex))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.patient.full_name == "Marlowe Penhallow"
    assert case.patient.preferred_language == "es"
    assert case.urgency == "urgent" and case.social_worker == alex
    assert sorted(case.reasons.values_list("reason", flat=True)) == [
        "different_approach",
        "experienced_team",
    ]
    assert case.steps.get(stage="referral").status == Step.Status.IN_PROGRESS


def test_bad_input_gets_clear_messages_and_keeps_what_was_typed(client_for, alex):
    response = client_for(alex).post(
        URL,
        intake_data(
            alex,
            date_of_birth="2099-01-01",
            preferred_contact="email",
            reasons=["other"],
            diagnosis_notes="Left frontal lesion, biopsy only",
        ),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The date of birth cannot be in the future." in content
    assert "Add an email address" in content
    assert "Say what the other reason is." in content
    assert "Marlowe Penhallow" in content and "Left frontal lesion, biopsy only" in content
    assert "EX-4471" in content
    assert not Case.objects.exists()


def test_a_missing_reason_is_refused(client_for, alex):
    response = client_for(alex).post(URL, intake_data(alex, reasons=[]))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_case_cannot_be_assigned_to_someone_outside_the_team(client_for, alex, sam):
    response = client_for(alex).post(URL, intake_data(alex) | {"social_worker": sam.pk})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_an_open_case_for_the_same_person_is_a_warning_with_a_link(client_for, alex):
    existing = factories.open_case(
        alex,
        patient={"full_name": "Marlowe Penhallow", "date_of_birth": "1971-06-02"},
    )
    client = client_for(alex)
    response = client.post(URL, intake_data(alex, full_name="  marlowe penhallow "))
    assert response.status_code == 400
    assert existing.get_absolute_url().encode() in response.content
    assert b"may already have an open case" in response.content
    assert Case.objects.count() == 1

    confirmed = client.post(URL, intake_data(alex) | {"confirm_duplicate": "1"})
    assert confirmed.status_code == 302
    assert Case.objects.count() == 2


def test_a_closed_case_for_the_same_person_is_no_obstacle(client_for, alex):
    old = factories.open_case(
        alex, patient={"full_name": "Marlowe Penhallow", "date_of_birth": "1971-06-02"}
    )
    services.case_set_status(case=old, status="withdrawn", reason="Moved away", by=alex)
    assert client_for(alex).post(URL, intake_data(alex)).status_code == 302


@pytest.mark.parametrize("typed", ["Tomas Larkspur", "wren  hollister", "TOMÁS   LARKSPUR"])
def test_the_duplicate_check_ignores_case_accents_and_spacing(client_for, alex, typed):
    # The same birth date for both, so only the name decides.
    for name in ("Tomás Larkspur", "Wren Hollister"):
        factories.open_case(alex, patient={"full_name": name, "date_of_birth": "1971-06-02"})
    response = client_for(alex).post(URL, intake_data(alex, full_name=typed))
    assert response.status_code == 400
    assert Case.objects.count() == 2


@pytest.mark.parametrize(
    "typed",
    [
        "Hollister, Wren",  # the words in another order, as a file lists them
        "Wren Hol\u00adlister",  # a soft hyphen pasted from a document
        "Wren Hollister\u200b",  # a zero-width space pasted from a web page
        "\ufeffWREN  hollister.",
    ],
)
def test_the_duplicate_check_ignores_word_order_punctuation_and_invisible_characters(
    client_for, alex, blair, typed
):
    factories.open_case(
        alex, patient={"full_name": "Wren Hollister", "date_of_birth": "1967-12-29"}
    )
    response = client_for(blair).post(
        URL, intake_data(blair, full_name=typed, date_of_birth="1967-12-29")
    )
    assert response.status_code == 400
    assert "An open case exists for this patient" in response.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("saved", "typed"),
    [
        ("Aoife O'Brien", "aoife obrien"),
        ("Aoife O\u2019Brien", "O'Brien, Aoife"),
        ("Mary-Jane Quill", "mary jane quill"),
        ("J. R. Pennywhistle", "J.R. Pennywhistle"),
    ],
)
def test_apostrophes_join_a_name_and_other_punctuation_separates_its_words(
    client_for, alex, saved, typed
):
    factories.open_case(alex, patient={"full_name": saved, "date_of_birth": "1971-06-02"})
    response = client_for(alex).post(URL, intake_data(alex, full_name=typed))
    assert response.status_code == 400
    assert Case.objects.count() == 1


def test_an_accented_name_alone_is_no_duplicate_of_another_person(client_for, alex):
    factories.open_case(
        alex, patient={"full_name": "Tomás Larkspur", "date_of_birth": "1980-01-01"}
    )
    response = client_for(alex).post(URL, intake_data(alex, full_name="Tomas Larkspur"))
    assert response.status_code == 302


@pytest.mark.parametrize("born", ["1850-03-04", "9999-12-31"])
def test_a_birth_date_out_of_range_is_refused_and_kept(client_for, alex, born):
    response = client_for(alex).post(URL, intake_data(alex, date_of_birth=born))
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        "more than 120 years ago" in content
        if born < "1900"
        else "cannot be in the future" in content
    )
    assert f'value="{born}"' in content
    assert not Case.objects.exists()
