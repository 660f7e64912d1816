"""The request letter and fax cover sheet: downloaded through the page, read back with pypdf;
names in any script; the admin's template with its placeholders checked; the download audited
as an export, never stored, its file name free of patient data."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AuditEvent, LetterTemplate
from cases.records.letter import template_problems
from tests import factories

TEAM = ZoneInfo("America/New_York")
WEDNESDAY = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=TEAM)
D = datetime.date


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def letter_url(request) -> str:
    return reverse("records_request_letter", args=[request.case_id, request.pk])


def pages_of(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def make_request(alex, *, patient=None, **fields):
    case = factories.open_case(
        alex,
        patient=patient
        or {"full_name": "Wren Thistlewood", "date_of_birth": D(1968, 4, 12), "mrn": "EX-4471"},
    )
    contact = factories.ContactFactory(
        name="Springfield General Records", fax="555-0177", address="9 Example Road, Springfield"
    )
    return factories.records_request(
        case,
        alex,
        kinds=["pathology_report", "slides", "other"],
        description="Flow cytometry report",
        contact=contact,
        sent_on=D(2026, 3, 2),
        release_reference="ROI-2026-17",
        **fields,
    )


def test_one_button_gives_the_cover_sheet_and_the_letter(client_for, alex, settings):
    settings.LETTERHEAD_NAME = "Example Navigation Team"
    settings.LETTERHEAD_FAX = "555-0199"
    request = make_request(alex)
    case_page = client_for(alex).get(request.case.get_absolute_url())
    assert letter_url(request).encode() in case_page.content
    response = client_for(alex).get(letter_url(request))
    cover, letter = pages_of(response)
    # The cover sheet: to, from, the page count, and no patient.
    assert "To: Springfield General Records" in cover
    assert "Fax: 555-0177" in cover
    assert "From: Example Navigation Team" in cover
    assert "Pages: 2, including this cover sheet" in cover
    assert "Wren" not in cover and "EX-4471" not in cover
    # The letter: the patient, what is asked, where to send it, the release reference.
    assert "Example Navigation Team" in letter
    assert "Wren Thistlewood, born April 12, 1968, MRN EX-4471" in letter
    for record in ("Pathology report", "Glass slides or paraffin block", "Flow cytometry report"):
        assert record in letter
    assert "Please send the records to:" in letter and "Fax 555-0199" in letter
    assert "Release reference: ROI-2026-17" in letter
    assert "Alex Rivera" in letter


def test_the_download_is_an_audited_export_never_stored_and_named_without_patient_data(
    client_for, alex
):
    request = make_request(alex)
    response = client_for(alex).get(letter_url(request))
    assert response["Content-Disposition"] == (
        f'attachment; filename="records-request-{request.pk}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    export = AuditEvent.objects.get(action="export", case=request.case)
    assert export.actor == alex
    assert export.object_type == "recordsrequest" and export.object_id == str(request.pk)
    # The PDF's own title names no patient either.
    assert PdfReader(io.BytesIO(response.content)).metadata.title == (
        f"Records request {request.pk}"
    )


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("José Núñez O'Brien", "José Núñez O'Brien"),
        ("Zoë Łukasiewicz-Ångström", "Zoë Łukasiewicz-Ångström"),
        # DejaVu Sans has no Chinese: each character prints as "?", and nothing fails.
        ("李小龍 Lee", "??? Lee"),
    ],
)
def test_names_in_any_script_print_or_are_replaced_without_failing(client_for, alex, name, printed):
    request = make_request(alex, patient={"full_name": name, "date_of_birth": D(1970, 1, 2)})
    _cover, letter = pages_of(client_for(alex).get(letter_url(request)))
    assert printed in letter


def test_without_the_font_file_the_letter_uses_helvetica_and_transliterates(
    client_for, alex, settings
):
    settings.LETTER_FONT = "/nonexistent/font.ttf"
    request = make_request(
        alex, patient={"full_name": "Ąna Núñez 李", "date_of_birth": D(1970, 1, 2)}
    )
    _cover, letter = pages_of(client_for(alex).get(letter_url(request)))
    # Latin-1 letters stay; Ą loses its accent; what has no Latin letter becomes "?".
    assert "Ana Núñez ?" in letter


def test_the_template_in_use_gives_the_words_with_placeholders_filled(client_for, alex):
    LetterTemplate.objects.create(
        name="Ours",
        letter_body="Dear {provider}: please send {patient_name}'s {records} by {today}. "
        "Braces print as {{this}}.",
        cover_message="For the release desk. Questions: {team_phone}.",
    )
    request = make_request(alex)
    cover, letter = pages_of(client_for(alex).get(letter_url(request)))
    assert "For the release desk. Questions: 555-0100." in cover
    assert (
        "Dear Springfield General Records: please send Wren Thistlewood's Pathology report, "
        "Glass slides or paraffin block, Flow cytometry report by March 4, 2026." in letter
    )
    assert "Braces print as {this}." in letter


def test_a_bad_template_saved_past_the_admin_falls_back_to_the_default(client_for, alex):
    LetterTemplate.objects.create(
        name="Broken", letter_body="Dear {provider.__class__} {nope", cover_message="{0}"
    )
    request = make_request(alex)
    cover, letter = pages_of(client_for(alex).get(letter_url(request)))
    assert "has asked for a second opinion" in letter
    assert "Please find attached a request for medical records." in cover


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hello {patient_name}", None),
        ("Hello {{literal}}", None),
        ("Hello {name}", "Unknown placeholder {name}. Use one of: {patient_name}"),
        ("Hello {patient_name.upper}", "Unknown placeholder {patient_name.upper}"),
        ("Hello {patient_name!r}", "Write the placeholder plainly, as {patient_name}."),
        ("Hello {patient_name:>20}", "Write the placeholder plainly, as {patient_name}."),
        ("Hello {}", "Empty braces {}"),
        ("Hello {patient_name", "A brace { or } has no partner."),
        ("Hello }", "A brace { or } has no partner."),
    ],
)
def test_placeholders_are_checked(text, problem):
    found = template_problems(text)
    if problem is None:
        assert found == []
    else:
        assert found and found[0].startswith(problem)


@pytest.fixture
def admin_client(client, db):
    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_refuses_a_bad_template_with_a_clear_message(admin_client):
    url = reverse("admin:cases_lettertemplate_add")
    response = admin_client.post(
        url,
        {
            "name": "Ours",
            "letter_body": "Dear {provider}, about {patient}.",
            "cover_message": "Call {team_phone",
            "in_use": "on",
        },
    )
    assert response.status_code == 200
    shown = response.content.decode()
    assert "Unknown placeholder {patient}. Use one of:" in shown
    assert "A brace { or } has no partner." in shown
    assert "Dear {provider}, about {patient}." in shown  # what was typed stays
    assert not LetterTemplate.objects.exists()
    good = admin_client.post(
        url,
        {"name": "Ours", "letter_body": "Dear {provider}.", "cover_message": "", "in_use": "on"},
    )
    assert good.status_code == 302
    assert LetterTemplate.objects.get().in_use


def test_the_admin_keeps_one_template_in_use(admin_client):
    LetterTemplate.objects.create(name="First", letter_body="Hello.")
    response = admin_client.post(
        reverse("admin:cases_lettertemplate_add"),
        {"name": "Second", "letter_body": "Hi.", "cover_message": "", "in_use": "on"},
    )
    assert response.status_code == 200
    assert "“First” is in use." in response.content.decode()
    assert LetterTemplate.objects.count() == 1


def test_making_the_letter_logs_no_patient_data(client_for, alex, caplog, capfd):
    import logging

    caplog.set_level(logging.DEBUG)
    request = make_request(
        alex, patient={"full_name": "李 Quillon Marchbanks", "date_of_birth": D(1961, 7, 19)}
    )
    client = client_for(alex)
    pages_of(client.get(letter_url(request)))
    pages_of(client.get(reverse("records_request_letter", args=[request.case_id, request.pk])))
    out, err = capfd.readouterr()
    logged = "\n".join([caplog.text, out, err, *(repr(r.__dict__) for r in caplog.records)])
    for value in ("Quillon", "Marchbanks", "李", "1961", "EX-4471"):
        assert value not in logged
