"""The patient's own questions for the specialist, the calendar file, and the page's words."""

import re
from gettext import GNUTranslations
from html.parser import HTMLParser

import pytest
import textstat
from django.conf import settings
from django.urls import reverse

from cases.models import Appointment, PatientQuestion
from cases.patient import links as status_links
from tests.patient.status_page_data import case_in_progress, issue, pass_check, status_url
from tests.query_budgets import STATUS_PAGE_QUERIES


@pytest.fixture
def issued(alex):
    return issue(case_in_progress(alex), alex)


@pytest.fixture
def patient(client, issued):
    pass_check(client, issued.token)
    return client


def add_url(issued) -> str:
    return reverse("patient_question_add", kwargs={"token": issued.token})


def question_url(name: str, issued, question) -> str:
    return reverse(name, kwargs={"token": issued.token, "question_id": question.pk})


def test_the_patient_adds_a_question(patient, issued):
    response = patient.post(add_url(issued), {"text": "  Can I   drive after surgery? "})
    assert response.status_code == 302 and response["Location"].endswith("#questions")
    question = PatientQuestion.objects.get(case=issued.link.case)
    assert (question.text, question.asked_by) == ("Can I drive after surgery?", "patient")
    assert "Can I drive after surgery?" in patient.get(status_url(issued.token)).content.decode()


def test_an_empty_question_is_refused_with_a_message(patient, issued):
    response = patient.post(add_url(issued), {"text": "   "})
    assert response.status_code == 400
    assert "Please write your question first." in response.content.decode()
    assert not PatientQuestion.objects.exists()


def test_a_suggested_question_is_added_with_one_tap_and_leaves_the_ideas(patient, issued):
    page = patient.get(status_url(issued.token)).content.decode()
    suggestion = "Is there a clinical trial that could help me?"
    assert f'value="{suggestion}"' in page
    patient.post(add_url(issued), {"text": suggestion})
    page = patient.get(status_url(issued.token)).content.decode()
    assert f'value="{suggestion}"' not in page
    assert f'<span class="question-text">{suggestion}</span>' in page


def test_the_patient_edits_a_question(patient, issued):
    question = status_links.patient_question_add(link=issued.link, text="Old words")
    url = question_url("patient_question_edit", issued, question)
    form = patient.get(url)
    assert form.status_code == 200 and "Old words" in form.content.decode()
    assert patient.post(url, {"text": "New words"}).status_code == 302
    question.refresh_from_db()
    assert question.text == "New words"


def test_the_patient_removes_a_question(patient, issued):
    question = status_links.patient_question_add(link=issued.link, text="Remove me")
    assert (
        patient.post(question_url("patient_question_remove", issued, question)).status_code == 302
    )
    assert not PatientQuestion.objects.filter(pk=question.pk).exists()


def test_questions_need_the_birth_date_check_first(client, issued):
    question = status_links.patient_question_add(link=issued.link, text="Kept")
    for response in (
        client.post(add_url(issued), {"text": "Without a session"}),
        client.post(question_url("patient_question_edit", issued, question), {"text": "X"}),
        client.post(question_url("patient_question_remove", issued, question)),
        client.get(reverse("patient_appointment_ics", kwargs={"token": issued.token})),
    ):
        assert response.status_code == 302
        assert response["Location"] == status_url(issued.token)
    assert list(PatientQuestion.objects.values_list("text", flat=True)) == ["Kept"]


def test_a_case_keeps_at_most_30_questions(patient, issued):
    for number in range(status_links.MAX_QUESTIONS):
        status_links.patient_question_add(link=issued.link, text=f"Question {number}")
    response = patient.post(add_url(issued), {"text": "One too many"})
    assert response.status_code == 400
    assert PatientQuestion.objects.count() == status_links.MAX_QUESTIONS


def test_the_calendar_file_holds_the_visit(patient, issued):
    response = patient.get(reverse("patient_appointment_ics", kwargs={"token": issued.token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20310506T143000Z\r\n" in body
    assert "DTEND:20310506T153000Z\r\n" in body
    assert "LOCATION:Example Brain Tumor Center\\, 1 Example Way\\, Springfield" in body
    assert "What to bring: Your list of medicines." in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_a_video_visit_puts_the_link_in_the_calendar(patient, issued, alex):
    Appointment.objects.filter(case=issued.link.case).update(
        mode="video", video_link="https://video.example.org/room/42"
    )
    page = patient.get(status_url(issued.token)).content.decode()
    assert "Join the video visit" in page
    body = patient.get(reverse("patient_appointment_ics", kwargs={"token": issued.token}))
    assert "URL:https://video.example.org/room/42\r\n" in body.content.decode()


def test_with_no_visit_booked_there_is_no_calendar_file(client, alex):
    from tests import factories

    issued = issue(factories.open_case(alex), alex)
    pass_check(client, issued.token, issued.link.case.patient.date_of_birth)
    page = client.get(status_url(issued.token)).content.decode()
    assert "Add the visit to my calendar" not in page
    assert "We will send your request to the expert team." in page
    response = client.get(reverse("patient_appointment_ics", kwargs={"token": issued.token}))
    assert response.status_code == 302


class _Text(HTMLParser):
    """The words a reader sees in <main>: no markup, scripts or hidden helper text."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hidden = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "") or ""
        if tag == "main":
            self.depth += 1
        if self.hidden or "visually-hidden" in classes or tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if self.depth and not self.hidden and data.strip():
            self.chunks.append(data.strip())


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.chunks)


def test_the_english_page_reads_at_grade_8_or_below(patient, issued):
    status_links.patient_question_add(link=issued.link, text="Can I keep working?")
    pages = [
        patient.get(status_url(issued.token)).content.decode(),
        patient.get(status_url("x" * 43)).content.decode(),
    ]
    for html in pages:
        text = page_text(html.split('<section lang="es"')[0])
        grade = textstat.flesch_kincaid_grade(text)
        assert grade <= 8, (grade, text)


def _po_entries(path) -> dict[str, str]:
    entries: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if match:
            msgid, msgstr = (
                "".join(eval(line) for line in part.strip().splitlines())  # noqa: S307
                for part in match.groups()
            )
            if msgid:
                entries[msgid] = msgstr
    return entries


def test_every_spanish_string_is_translated_and_compiled():
    folder = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES"
    entries = _po_entries(folder / "django.po")
    assert len(entries) > 80
    assert "fuzzy" not in (folder / "django.po").read_text().split("msgid", 2)[2]
    assert all(entries.values()), [msgid for msgid, msgstr in entries.items() if not msgstr]
    with open(folder / "django.mo", "rb") as compiled:
        catalogue = GNUTranslations(compiled)
    for msgid, msgstr in entries.items():
        assert catalogue.gettext(msgid) == msgstr, msgid


def test_the_spanish_page_has_no_english_left(client, alex):
    issued = issue(case_in_progress(alex, preferred_language="es"), alex)
    pass_check(client, issued.token)
    text = page_text(client.get(status_url(issued.token)).content.decode())
    for english in ("Where your request", "Waiting on", "What you can do", "Who to call", "Done"):
        assert english not in text
    assert "Esperando a: su compañía de seguros." in text


def test_the_language_can_be_switched_on_the_edit_page_too(patient, issued):
    question = status_links.patient_question_add(link=issued.link, text="Words")
    url = question_url("patient_question_edit", issued, question)
    switched = patient.get(url + "?lang=es")
    assert switched.status_code == 302 and switched["Location"] == url
    assert "Cambie su pregunta" in patient.get(url).content.decode()


def test_the_benchmark_measures_the_page_and_its_queries(db, settings):
    from cases.benchmarks import status_page

    settings.SECURE_SSL_REDIRECT = True  # as `make benchmark` runs: production settings

    result = status_page.measure({"cases": 30, "repeat": 2})
    assert result["status_page_ms"] > 0 and result["status_page_floor_ratio"] > 0
    assert result["status_page_queries"] == STATUS_PAGE_QUERIES


def test_an_empty_question_says_so_at_the_top_and_focuses_the_box(patient, issued):
    body = patient.post(add_url(issued), {"text": ""}).content.decode()
    main = body[body.index('<main id="main"') :]
    assert main.index("error-summary") < main.index("<h1")
    assert '<a class="alert-link" href="#question-text">Please write your question first.</a>' in (
        main
    )
    assert re.search(r'<textarea[^>]* id="question-text"[^>]* autofocus', main)


def test_the_language_switch_after_a_question_error_opens_the_page_in_spanish(patient, issued):
    refused = patient.post(add_url(issued), {"text": ""})
    switch = re.search(r'href="([^"]*\?lang=es)"', refused.content.decode()).group(1)
    assert switch == status_url(issued.token) + "?lang=es"
    response = patient.get(switch, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == status_url(issued.token)
    assert '<html lang="es">' in response.content.decode()


def test_the_spanish_page_gives_the_hours_in_spanish(client, alex):
    issued = issue(case_in_progress(alex, preferred_language="es"), alex)
    profile = alex.staff_profile
    pass_check(client, issued.token)
    text = page_text(client.get(status_url(issued.token)).content.decode())
    # Not written in Spanish yet: the English hours, marked as English for screen readers.
    assert "Horario: Mon–Fri 9–5" in text
    assert (
        '<span lang="en">Mon–Fri 9–5</span>'
        in client.get(status_url(issued.token)).content.decode()
    )
    profile.hours_es = "De lunes a viernes, de 9 a 17"
    profile.save()
    text = page_text(client.get(status_url(issued.token)).content.decode())
    assert "Horario: De lunes a viernes, de 9 a 17" in text and "Mon–Fri" not in text


def test_a_question_address_opened_again_leads_to_the_status_page_in_the_chosen_language(
    patient, issued
):
    """After a refused question the phone shows `/s/<token>/questions/`: reopened or shared,
    that address (and a removal's) is a way back to the page, not a blank 405."""
    question = status_links.patient_question_add(link=issued.link, text="Words")
    patient.get(status_url(issued.token) + "?lang=es")
    for url in (add_url(issued), question_url("patient_question_remove", issued, question)):
        response = patient.get(url, follow=True)
        assert response.redirect_chain == [(status_url(issued.token), 302)], url
        assert '<html lang="es">' in response.content.decode()
    assert PatientQuestion.objects.filter(pk=question.pk).exists()


def test_a_question_address_of_a_dead_link_gets_the_calm_page(client, db):
    response = client.get(reverse("patient_question_add", kwargs={"token": "no-such-link"}))
    assert response.status_code == 404


def test_a_question_removed_twice_leads_back_to_the_questions(patient, issued):
    """A second click on Remove, or an old tab, finds the question gone: the patient is taken
    back to their questions, not to the staff "Not found" page."""
    question = status_links.patient_question_add(link=issued.link, text="Words")
    remove = question_url("patient_question_remove", issued, question)
    assert patient.post(remove).status_code == 302
    again = patient.post(remove)
    assert again.status_code == 302
    assert again["Location"] == status_url(issued.token) + "#questions"
    edit = patient.get(question_url("patient_question_edit", issued, question))
    assert edit.status_code == 302
    assert edit["Location"] == status_url(issued.token) + "#questions"


def test_an_address_under_a_link_that_leads_nowhere_is_the_patient_page(patient, issued):
    response = patient.get(
        reverse("patient_question_edit", kwargs={"token": issued.token, "question_id": 9999})
        + "nothing/"
    )
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="es"' in body and "Go to the start page" not in body
