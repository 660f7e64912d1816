"""The patient's status page: the birth-date check, the session, what the page shows."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, PatientQuestion
from cases.patient import links as status_links
from cases.patient import page as patient_page
from cases.security import ACTIVITY_WRITE_SECONDS
from cases.workflow import services
from tests import factories
from tests.patient.status_page_data import (
    birth_date_post,
    case_in_progress,
    issue,
    pass_check,
    status_url,
)
from tests.query_budgets import STATUS_PAGE_CLOCK_QUERIES, STATUS_PAGE_QUERIES

NOW = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def patient_case(alex):
    return case_in_progress(alex)


@pytest.fixture
def issued(patient_case, alex):
    return issue(patient_case, alex)


def test_opening_the_link_asks_for_the_birth_date_and_shows_nothing_else(client, issued):
    response = client.get(status_url(issued.token))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Check your date of birth" in body
    patient = issued.link.case.patient
    assert patient.full_name not in body
    assert "Insurance approval" not in body
    assert "Rivera" not in body


def test_the_right_birth_date_shows_the_status_page(client, issued):
    pass_check(client, issued.token)
    response = client.get(status_url(issued.token))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Where your request is" in body
    assert "Waiting on: your insurance company." in body
    assert "Waiting on: the hospital that sends your records." in body
    assert "Your social worker is Alex Rivera." in body
    assert "555-0123" in body and "Mon–Fri 9–5" in body
    assert "Free help in your language." in body
    assert "Example Brain Tumor Center" in body


def test_the_page_shows_no_diagnosis_notes_or_insurance_reference(client, alex, issued):
    case = issued.link.case
    case.diagnosis_notes = "Left frontal lesion"
    case.save()
    services.note_add(case=case, author=alex, body="Private note for the team")
    services.insurance_update(
        insurance=case.insurance, by=alex, fields={"reference_number": "REF-998877"}
    )
    pass_check(client, issued.token)
    body = client.get(status_url(issued.token)).content.decode()
    for secret in ("Left frontal lesion", "Private note", "REF-998877", "Astrocytoma", "MRN"):
        assert secret not in body
    assert case.patient.full_name not in body


def test_the_title_and_urls_carry_no_patient_data(client, issued):
    pass_check(client, issued.token)
    body = client.get(status_url(issued.token)).content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert title.strip() == "Your second-opinion request"
    patient = issued.link.case.patient
    for href in re.findall(r'(?:href|action)="([^"]*)"', body):
        assert patient.full_name.split()[0] not in href
        assert str(patient.date_of_birth.year) not in href
        assert str(issued.link.case.pk) not in href.split("/")[1:3]


def test_a_wrong_birth_date_says_so_and_counts(client, issued):
    response = client.post(status_url(issued.token), birth_date_post(datetime.date(1970, 1, 1)))
    assert response.status_code == 400
    assert "That date does not match" in response.content.decode()
    issued.link.refresh_from_db()
    assert issued.link.failed_attempts == 1
    assert client.get(status_url(issued.token)).content.decode().count("Check your date") >= 1


def test_an_impossible_date_is_refused_without_counting(client, issued):
    response = client.post(
        status_url(issued.token), {"birth_month": "2", "birth_day": "31", "birth_year": "1968"}
    )
    assert response.status_code == 400
    assert "Please enter a real date" in response.content.decode()
    issued.link.refresh_from_db()
    assert issued.link.failed_attempts == 0


def test_a_right_answer_resets_the_count(client, issued):
    wrong = birth_date_post(datetime.date(1970, 1, 1))
    for _ in range(4):
        client.post(status_url(issued.token), wrong)
    pass_check(client, issued.token)
    issued.link.refresh_from_db()
    assert issued.link.failed_attempts == 0


def test_each_view_is_audited_as_the_patient_with_the_ip(client, issued):
    pass_check(client, issued.token)
    client.get(status_url(issued.token), REMOTE_ADDR="203.0.113.9")
    view = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("id")
    assert view.actor is None
    assert view.actor_label == "patient via status link"
    assert view.ip_address == "203.0.113.9"
    assert view.case_id == issued.link.case_id
    assert view.changes == {"status_link": issued.link.pk}
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN, actor_label="patient via status link"
    ).exists()


def test_a_carer_link_is_audited_as_the_carer(client, patient_case, alex):
    carer = issue(patient_case, alex, audience="carer", carer_name="Jo Example")
    pass_check(client, carer.token)
    client.get(status_url(carer.token))
    view = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("id")
    assert view.actor_label == "carer via status link"


def test_the_check_is_asked_again_after_30_idle_minutes(client, alex):
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        pass_check(client, issued.token)
        traveller.shift(datetime.timedelta(minutes=29))
        assert "Where your request is" in client.get(status_url(issued.token)).content.decode()
        traveller.shift(datetime.timedelta(minutes=29))  # 29 idle minutes since the last view
        assert "Where your request is" in client.get(status_url(issued.token)).content.decode()
        traveller.shift(datetime.timedelta(minutes=31))
        body = client.get(status_url(issued.token)).content.decode()
    assert "Check your date of birth" in body
    assert "Where your request is" not in body


def test_a_session_for_one_link_does_not_open_another_patients_page(client, alex):
    first = issue(case_in_progress(alex), alex)
    other_case = case_in_progress(alex, full_name="Other Patient")
    second = issue(other_case, alex)
    pass_check(client, first.token)
    body = client.get(status_url(second.token)).content.decode()
    assert "Check your date of birth" in body
    assert "Where your request is" not in body
    response = client.post(
        reverse("patient_question_add", kwargs={"token": second.token}), {"text": "Mine?"}
    )
    assert response.status_code == 302
    assert not PatientQuestion.objects.filter(case=other_case).exists()


def test_another_patients_question_cannot_be_edited_or_removed(client, alex):
    mine = issue(case_in_progress(alex), alex)
    theirs = issue(case_in_progress(alex), alex)
    question = status_links.patient_question_add(link=theirs.link, text="Their question")
    pass_check(client, mine.token)
    ids = {"token": mine.token, "question_id": question.pk}
    edit = reverse("patient_question_edit", kwargs=ids)
    remove = reverse("patient_question_remove", kwargs=ids)
    # The same answer as for a question already removed: back to one's own questions.
    own_questions = reverse("patient_status", kwargs={"token": mine.token}) + "#questions"
    for response in (client.get(edit), client.post(edit, {"text": "Changed"}), client.post(remove)):
        assert (response.status_code, response["Location"]) == (302, own_questions)
    question.refresh_from_db()
    assert question.text == "Their question"


def test_the_page_speaks_the_patients_language_first_and_can_switch(client, alex):
    issued = issue(case_in_progress(alex, preferred_language="es"), alex)
    first = client.get(status_url(issued.token)).content.decode()
    assert 'lang="es"' in first and "Revise su fecha de nacimiento" in first
    pass_check(client, issued.token)
    assert "Dónde está su solicitud" in client.get(status_url(issued.token)).content.decode()
    switched = client.get(status_url(issued.token) + "?lang=en")
    assert switched.status_code == 302 and switched["Location"] == status_url(issued.token)
    assert "Where your request is" in client.get(status_url(issued.token)).content.decode()


def test_the_status_page_costs_a_fixed_number_of_queries(client, alex, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        pass_check(client, issued.token)
        client.get(status_url(issued.token))
        with django_assert_num_queries(STATUS_PAGE_QUERIES):
            client.get(status_url(issued.token))
        for number in range(12):
            status_links.patient_question_add(link=issued.link, text=f"Question {number}")
        with django_assert_num_queries(STATUS_PAGE_QUERIES):
            response = client.get(status_url(issued.token))
        assert response.content.decode().count('class="question-text"') == 12
        # A minute on, the page rewrites the session's idle clock as well.
        traveller.shift(datetime.timedelta(seconds=ACTIVITY_WRITE_SECONDS))
        with django_assert_num_queries(STATUS_PAGE_QUERIES + STATUS_PAGE_CLOCK_QUERIES):
            client.get(status_url(issued.token))
        with django_assert_num_queries(STATUS_PAGE_QUERIES):
            client.get(status_url(issued.token))


def test_the_idle_clock_moves_on_while_the_patient_reads_though_not_on_every_page(client, alex):
    with time_machine.travel(NOW, tick=False) as traveller:
        issued = issue(case_in_progress(alex), alex)
        pass_check(client, issued.token)
        for _ in range(42):  # a page every 50 seconds for 35 minutes
            traveller.shift(datetime.timedelta(seconds=50))
            assert client.get(status_url(issued.token)).status_code == 200
        traveller.shift(status_links.SESSION_IDLE_LIMIT + datetime.timedelta(seconds=1))
        assert "Check your date of birth" in client.get(status_url(issued.token)).content.decode()


def test_waiting_on_follows_the_stage_and_a_blocked_step_still_waits(alex):
    case = factories.open_case(alex)
    steps = {step.stage: step for step in case.steps.all()}
    for step in steps.values():
        step.case = case
    services.step_set_status(step=steps["referral"], status="done", by=alex)
    services.step_set_status(
        step=steps["preauthorization"], status="not_needed", reason="No preauth needed", by=alex
    )
    services.step_set_status(
        step=steps["records"], status="blocked", reason="Lab keeps the block", by=alex
    )
    case.refresh_from_db()
    lines = {line.stage: line for line in patient_page.stage_lines(case, list(case.steps.all()))}
    assert (lines["referral"].state, lines["referral"].waiting_on) == ("done", "")
    assert lines["preauthorization"].state == "not_needed"
    assert (lines["records"].state, lines["records"].waiting_on) == ("in_progress", "hospital")
    assert lines["records"].expected_on == steps["records"].due_date
    assert lines["records"].is_current
    assert (lines["appointment"].state, lines["appointment"].expected_on) == ("not_started", None)
    assert patient_page.todos(list(lines.values()), case) == [
        "sign_release",
        "bring_insurance_card",
        "bring_imaging_disc",
    ]


def test_a_finished_request_says_so_and_lists_no_to_dos(client, issued):
    from cases.models import Case

    Case.objects.filter(pk=issued.link.case_id).update(status=Case.Status.COMPLETED)
    pass_check(client, issued.token)
    body = client.get(status_url(issued.token)).content.decode()
    assert "Your request is complete." in body
    assert "What you can do" not in body
