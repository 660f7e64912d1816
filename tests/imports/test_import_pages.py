"""The import through its pages, posted as the browser posts them: a messy sheet previewed and
imported as a person expects, nothing written by the preview, nothing new the second time, a
refused row explained, and the upload forgotten on confirm, cancel and expiry."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.imports import reading
from cases.imports.upload import SESSION_KEY
from cases.models import AuditEvent, Case, CaseEvent, ImportMapping, Patient, Step
from tests import factories
from tests.browser_form import form_data, submit
from tests.imports.sheets import big_csv, confirm, csv_bytes, messy_rows, messy_xlsx
from tests.query_budgets import IMPORT_PREVIEW_QUERIES

# Friday 20 March 2026, 11:00 in New York.
INSTANT = datetime.datetime(2026, 3, 20, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(INSTANT, tick=False):
        yield


@pytest.fixture
def already_there(alex):
    return factories.open_case(
        alex, patient={"full_name": "Wren Thistlewood", "date_of_birth": datetime.date(1966, 4, 21)}
    )


def upload(client, content: bytes, name: str = "team.xlsx"):
    return client.post(reverse("case_import"), {"file": SimpleUploadedFile(name, content)})


def counts() -> tuple[int, int, int, int]:
    return (
        Patient.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
        ImportMapping.objects.count(),
    )


def rows_of(response) -> dict[int, str]:
    page = response.content.decode()
    found = {}
    for plan in response.context["page"]:
        assert f'data-row="{plan.number}"' in page
        found[plan.number] = plan.outcome
    return found


def test_a_messy_sheet_previews_as_a_person_reads_it(client_for, sam, alex, already_there):
    client = client_for(sam)
    response = upload(client, messy_xlsx())
    assert response.status_code == 302
    assert response.url == reverse("case_import_preview")
    response = client.get(response.url)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.header_row == 3
    assert preview.columns[:12] == [
        "full_name",
        "date_of_birth",
        "mrn",
        "social_worker",
        "urgency",
        "diagnosis",
        "grade",
        "opened_on",
        "referral_sent",
        "records_received",
        "insurance_approved",
        "appointment_date",
    ]
    assert preview.columns[12] == ""  # "Days open" (a formula) is not Navigator's
    assert rows_of(response) == {
        4: "create",
        6: "create",
        7: "refuse",
        8: "refuse",
        9: "refuse",
        10: "refuse",
        11: "match",
        12: "refuse",
    }
    plans = {plan.number: plan for plan in preview.rows}
    jose = plans[4]
    assert jose.full_name == "José Núñez"
    assert jose.date_of_birth == datetime.date(1970, 1, 5)
    assert jose.opened_on == datetime.date(2026, 3, 2)
    assert jose.steps_done == {
        "referral": datetime.date(2026, 3, 4),
        "records": datetime.date(2026, 3, 4),
    }
    assert jose.case_fields["urgency"] == "urgent"
    assert jose.case_fields["glioma_type"] == "glioblastoma_idh_wildtype"
    ana = plans[6]
    assert ana.date_of_birth == datetime.date(1980, 3, 4)
    assert ana.social_worker == alex
    assert ana.appointment_at.date() == datetime.date(2026, 3, 26)  # the formula's value
    assert plans[7].problems == ["No patient name."]
    assert "not a date" in plans[8].problems[0] and "month first" in plans[8].problems[0]
    assert "No social worker “pat”" in plans[9].problems[0]
    assert any("soonish" in problem for problem in plans[10].problems)
    assert any("diagnosis" in problem for problem in plans[10].problems)
    assert plans[11].matched_case_id == already_there.pk
    assert plans[12].problems == ["The same patient as row 4 of this file."]
    page = response.content.decode()
    assert "José Núñez" in page and "The same patient as row 4 of this file." in page
    assert "Import 2 cases" in page


def test_the_preview_writes_nothing(client_for, sam, already_there):
    client = client_for(sam)
    before = counts()
    client.get(upload(client, messy_xlsx()).url)
    client.get(reverse("case_import_preview") + "?show=refuse")
    assert counts() == before


def test_confirming_imports_the_valid_rows_once(client_for, sam, alex, already_there):
    client = client_for(sam)
    upload(client, messy_xlsx())
    response = submit(client, reverse("case_import_preview"), reverse("case_import_confirm"))
    assert response.url == reverse("case_import_result")
    assert SESSION_KEY not in client.session
    result = client.get(response.url)
    assert result.context["counts"] == {"create": 2, "match": 1, "refuse": 5}
    page = result.content.decode()
    assert "Refused: No social worker “pat”" in page
    assert "José" not in page  # the result names cases by number only
    jose = Patient.objects.get(search_name="jose nunez")
    case = jose.cases.get()
    assert case.social_worker == alex
    assert case.opened_at.date() == datetime.date(2026, 3, 2)
    assert case.events.filter(kind=CaseEvent.Kind.OPENED, actor=sam).exists()
    assert AuditEvent.objects.filter(action="create", object_type="case", object_id=str(case.pk))
    # The same file again: nothing new, every row already there or refused.
    before = counts()
    upload(client, messy_xlsx())
    preview = client.get(reverse("case_import_preview"))
    # Row 12 (row 4 again) now finds the case row 4 opened.
    assert preview.context["counts"] == {"create": 0, "match": 4, "refuse": 4}
    confirm(client)
    assert counts()[:3] == before[:3]
    assert client.get(reverse("case_import_result")).context["counts"]["create"] == 0


def test_the_mapping_is_chosen_on_the_preview_and_remembered(client_for, sam, alex):
    client = client_for(sam)
    rows = [row[:13] for row in messy_rows()[:1]]
    rows[0][11] = "2026-03-30"
    upload(client, csv_bytes(rows), "team.csv")
    # The Columns form as the browser sends it, the appointment's column left out.
    response = submit(
        client, reverse("case_import_preview"), pick={"column_11": "appointment_date"}, column_11=""
    )
    assert response.status_code == 302
    assert client.get(reverse("case_import_preview")).context["preview"].columns[11] == ""
    client.post(reverse("case_import_cancel"))
    assert SESSION_KEY not in client.session
    upload(client, csv_bytes(rows), "next-week.csv")
    assert client.get(reverse("case_import_preview")).context["preview"].columns[11] == ""


def test_a_sheet_without_the_needed_columns_says_which(client_for, sam):
    client = client_for(sam)
    upload(client, b"Name,Phone\nWren Example,555-0100\n", "team.csv")
    response = client.get(reverse("case_import_preview"))
    assert "Choose the column with the date of birth." in response.content.decode()
    assert client.post(reverse("case_import_confirm")).url == reverse("case_import_preview")
    assert Case.objects.count() == 0


def test_a_file_over_the_limit_is_refused_with_the_limit(client_for, sam, settings):
    settings.CASE_IMPORT_MAX_MB = 1
    response = upload(client_for(sam), b"x" * (1024 * 1024 + 1), "big.csv")
    assert response.status_code == 400
    assert "the import takes files up to 1 MB" in response.content.decode()
    assert SESSION_KEY not in response.wsgi_request.session


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel format"),
        ("broken.xlsx", b"PK\x03\x04 not really", "cannot be read as an Excel workbook"),
        ("notes.pdf", b"%PDF-1.4", "Upload a CSV file or an Excel workbook"),
        ("empty.csv", b"\n\n", "no rows to import"),
    ],
)
def test_a_file_that_is_not_a_sheet_gets_a_clear_message(client_for, sam, name, content, message):
    response = upload(client_for(sam), content, name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_upload_waits_only_so_long(client_for, sam, settings):
    settings.CASE_IMPORT_WAIT_MINUTES = 5  # within the staff idle timeout
    client = client_for(sam)
    upload(client, messy_xlsx())
    later = INSTANT + datetime.timedelta(minutes=settings.CASE_IMPORT_WAIT_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        response = client.get(reverse("case_import_preview"))
        assert response.url == reverse("case_import")
        assert SESSION_KEY not in client.session
        assert client.post(reverse("case_import_confirm")).url == reverse("case_import")
    assert Case.objects.count() == 0


def test_no_name_goes_into_an_address(client_for, sam, already_there):
    client = client_for(sam)
    response = client.get(upload(client, messy_xlsx()).url)
    page = response.content.decode()
    for address in [response.wsgi_request.get_full_path(), *_links(page)]:
        assert "Núñez" not in address and "Nunez" not in address and "Thistlewood" not in address


def _links(page: str) -> list[str]:
    import re

    return re.findall(r'(?:href|action)="([^"]*)"', page)


def test_the_preview_costs_a_fixed_number_of_queries(
    client_for, sam, alex, django_assert_max_num_queries
):
    client = client_for(sam)
    rows = [
        [
            f"Query Patient{n}",
            f"1970-01-{n + 1:02d}",
            "",
            "alex",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        for n in range(20)
    ]
    upload(client, csv_bytes(rows[:2]), "small.csv")
    with django_assert_max_num_queries(IMPORT_PREVIEW_QUERIES):
        client.get(reverse("case_import_preview"))
    upload(client, csv_bytes(rows), "larger.csv")
    with django_assert_max_num_queries(IMPORT_PREVIEW_QUERIES):
        client.get(reverse("case_import_preview"))


@pytest.mark.parametrize("who", ["alex", "blair", "casey"])
def test_social_workers_cannot_import(request, client_for, sam, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("case_import")).status_code == 404
    response = client.post(
        reverse("case_import"), {"file": SimpleUploadedFile("t.xlsx", messy_xlsx())}
    )
    assert response.status_code == 404
    assert client.post(reverse("case_import_confirm")).status_code == 404
    assert Case.objects.count() == 0
    assert Step.objects.count() == 0


def test_show_lists_the_rows_of_one_kind(client_for, sam, already_there):
    client = client_for(sam)
    upload(client, messy_xlsx())
    response = client.get(reverse("case_import_preview") + "?show=refuse")
    assert set(rows_of(response)) == {7, 8, 9, 10, 12}
    response = client.get(reverse("case_import_preview") + "?show=match")
    assert set(rows_of(response)) == {11}


def test_a_windows_csv_with_semicolons_reads_its_accents(client_for, sam, alex):
    text = "Name;Date of birth;Social worker\nJosé Núñez;4 Mar 1980;alex\n"
    client = client_for(sam)
    upload(client, text.encode("cp1252"), "export.csv")
    plan = client.get(reverse("case_import_preview")).context["preview"].rows[0]
    assert (plan.number, plan.outcome, plan.full_name) == (2, "create", "José Núñez")


def test_a_mapping_that_is_not_a_field_is_sent_back(client_for, sam):
    client = client_for(sam)
    upload(client, messy_xlsx())
    response = client.post(reverse("case_import_preview"), {"column_0": "password"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert client.session[SESSION_KEY]["columns"][0] == "full_name"


def test_a_damaged_workbook_gets_a_clear_message(client_for, sam):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(messy_xlsx()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    response = upload(client_for(sam), damaged.getvalue(), "team.xlsx")
    assert response.status_code == 400
    assert "cannot be read as an Excel workbook" in response.content.decode()


def test_a_tab_showing_an_earlier_upload_imports_nothing(client_for, sam, alex):
    """Two tabs: the first previews a file, the second uploads another; the first tab's
    Import button must not import the file it never showed."""
    client = client_for(sam)
    first = (
        b"Patient name,Date of birth,Social worker\n"
        b"Wren Example,1968-05-14,alex\nRowan Sample,1975-07-22,alex\n"
    )
    upload(client, first, "team.csv")
    first_tab = client.get(reverse("case_import_preview"))
    assert first_tab.context["counts"]["create"] == 2
    other = b"Patient name,Date of birth,Social worker\nAsh Example,1970-01-05,alex\n"
    upload(client, other, "other.csv")
    pressed = form_data(first_tab, reverse("case_import_confirm"))
    response = client.post(reverse("case_import_confirm"), pressed)
    assert response.url == reverse("case_import_preview")
    assert Case.objects.count() == 0
    page = client.get(response.url)
    assert "Nothing was imported: the upload waiting is no longer" in page.content.decode()
    assert confirm(client).url == reverse("case_import_result")
    assert Case.objects.count() == 1


def test_an_email_too_long_for_navigator_is_refused_in_the_preview(client_for, sam, alex):
    """A valid address longer than the 254 characters a patient's email holds (PostgreSQL
    would refuse the whole import at confirm) is refused on its row, as intake refuses it."""
    client = client_for(sam)
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "com"
    sheet = f"Name,Date of birth,Social worker,Email\nWren Example,1968-05-14,alex,{email}\n"
    upload(client, sheet.encode(), "team.csv")
    preview = client.get(reverse("case_import_preview"))
    (plan,) = preview.context["preview"].rows
    assert plan.problems == ["The email is longer than 254 characters."]
    assert "The email is longer than 254 characters." in preview.content.decode()


def test_a_csv_whose_first_header_starts_with_pk_is_read_as_csv(client_for, sam, alex):
    """A database export's key column ("PK") makes the file start with the two bytes of a
    zip, but a .csv is read as the CSV it is."""
    client = client_for(sam)
    sheet = b"PK,Patient name,Date of birth,Social worker\n17,Wren Example,1968-05-14,alex\n"
    assert upload(client, sheet, "export.csv").status_code == 302
    preview = client.get(reverse("case_import_preview"))
    assert preview.context["counts"]["create"] == 1


def test_a_date_cell_holding_a_time_too_is_read_as_its_day(client_for, sam, alex):
    """A cell formatted to show 3/2/2026 may hold 09:15 as well (typed with Ctrl+Shift+;, or
    exported from another system): the person sees a date, and the import reads that day."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Patient name", "Date of birth", "Social worker", "Opened on"])
    workbook.active.append(
        [
            "Wren Example",
            datetime.datetime(1968, 5, 14, 0, 0, 0, 1),
            "alex",
            datetime.datetime(2026, 3, 2, 9, 15),
        ]
    )
    for cell in ("B2", "D2"):
        workbook.active[cell].number_format = "m/d/yyyy"
    content = io.BytesIO()
    workbook.save(content)
    client = client_for(sam)
    upload(client, content.getvalue(), "team.xlsx")
    (plan,) = client.get(reverse("case_import_preview")).context["preview"].rows
    assert plan.problems == []
    assert plan.date_of_birth == datetime.date(1968, 5, 14)
    assert plan.opened_on == datetime.date(2026, 3, 2)


def test_excels_unicode_text_file_is_read(client_for, sam, alex):
    """Excel's *Unicode Text (.txt)*: UTF-16 with its byte order mark, tab-separated."""
    sheet = "Patient name\tDate of birth\tSocial worker\r\nJosé Núñez\t1968-05-14\talex\r\n"
    client = client_for(sam)
    assert upload(client, sheet.encode("utf-16"), "team.txt").status_code == 302
    (plan,) = client.get(reverse("case_import_preview")).context["preview"].rows
    assert (plan.outcome, plan.full_name) == ("create", "José Núñez")


def test_a_sheet_of_more_than_20000_rows_is_refused_with_the_limit(client_for, sam):
    client = client_for(sam)
    at_the_limit = big_csv(19_999)  # and its header row: 20,000 rows
    assert upload(client, at_the_limit, "team.csv").status_code == 302
    response = upload(client, big_csv(20_000), "team.csv")
    assert response.status_code == 400
    assert "more than 20,000 rows; the import takes up to 20,000 at a time" in (
        response.content.decode()
    )


def test_a_workbook_is_read_no_further_than_the_limit(client_for, sam, monkeypatch):
    """Rows past the limit are never read: a sheet formatted down to row 1,048,576 does not
    hold a million rows in memory before it is refused."""
    monkeypatch.setattr("cases.imports.reading.MAX_ROWS", 3)
    workbook = openpyxl.Workbook()
    for number in range(10):
        workbook.active.append([f"Row{number}", "1970-01-05", "alex"])
    content = io.BytesIO()
    workbook.save(content)
    read = []
    original = reading._cell_text
    monkeypatch.setattr(reading, "_cell_text", lambda value: read.append(value) or original(value))
    response = upload(client_for(sam), content.getvalue(), "team.xlsx")
    assert response.status_code == 400
    assert "more than 3 rows" in response.content.decode()
    assert len(read) == 4 * 3


@pytest.mark.parametrize("grade", ["N/A", "n/a", "NA", "none", "Not applicable"])
def test_a_grade_written_as_not_applicable_is_not_yet_known(client_for, sam, alex, grade):
    """A meningioma's row often says N/A for the grade: that is no grade, not a refusal."""
    client = client_for(sam)
    sheet = (
        "Patient name,Date of birth,Social worker,Diagnosis,Grade\n"
        f"Wren Example,1968-05-14,alex,Meningioma,{grade}\n"
    )
    upload(client, sheet.encode(), "team.csv")
    (plan,) = client.get(reverse("case_import_preview")).context["preview"].rows
    assert (plan.problems, plan.case_fields["grade"]) == ([], "unknown")


@pytest.mark.parametrize(
    ("appointment", "problem"),
    [
        ("2027-03-14 02:30", "That time does not exist on that day because the clocks change"),
        ("2026-11-01 01:30", "That time happens twice on that day because the clocks go back"),
    ],
)
def test_an_appointment_at_an_hour_the_clocks_skip_or_repeat_is_refused_as_the_form_does(
    client_for, sam, alex, appointment, problem
):
    client = client_for(sam)
    sheet = (
        "Patient name,Date of birth,Social worker,Appointment\n"
        f"Wren Example,1968-05-14,alex,{appointment}\n"
    )
    upload(client, sheet.encode(), "team.csv")
    (plan,) = client.get(reverse("case_import_preview")).context["preview"].rows
    assert plan.outcome == "refuse"
    assert plan.problems == [f"Appointment: {problem}; choose another time."]
