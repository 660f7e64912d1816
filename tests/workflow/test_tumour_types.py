"""Diagnoses beyond glioma: a tumour type on every case, a glioma's molecular type only for a
glioma, the grade for all; through intake, the details page, the case page, the Volume report
and its CSV, and the migration that made every existing case a glioma."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import AuditEvent, Case, CaseEvent, TumourType
from tests import factories
from tests.browser_form import form_data
from tests.staff_pages import DESK, StaffPage
from tests.workflow.test_intake import intake_data

INTAKE = reverse("case_intake")


@pytest.fixture(autouse=True)
def _december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 15, tzinfo=datetime.UTC)):
        yield


def intake_page_form(client, **typed) -> dict:
    """The intake form as the browser sends it, with what alex typed."""
    fields = intake_data(client.user) | typed
    return form_data(client.get(INTAKE)) | {
        name: value if isinstance(value, list) else [str(value)] for name, value in fields.items()
    }


@pytest.fixture
def alex_client(client_for, alex):
    logged_in = client_for(alex)
    logged_in.user = alex
    return logged_in


def test_intake_offers_every_tumour_type_and_starts_at_glioma(alex_client):
    client = alex_client
    page = client.get(INTAKE)
    body = page.content.decode()
    for label in (
        "Glioma",
        "Meningioma",
        "Brain metastasis",
        "CNS lymphoma",
        "Ependymoma",
        "Medulloblastoma",
        "Spinal cord tumour",
    ):
        assert f">{label}</option>" in body
    assert form_data(page)["tumour_type"] == ["glioma"]
    assert "Glioma type (gliomas only)" in body and ">Not a glioma</option>" in body


def test_a_meningioma_is_opened_with_no_glioma_type_and_shown_on_the_case_page(alex_client):
    client = alex_client
    # The glioma type stays at the form's "Not yet known": a person choosing another tumour
    # need not touch it.
    data = intake_page_form(client, tumour_type="meningioma", grade="1")
    data["glioma_type"] = form_data(client.get(INTAKE))["glioma_type"]
    response = client.post(INTAKE, data)
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    assert (case.tumour_type, case.glioma_type, case.grade) == ("meningioma", "", "1")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Diagnosis: Meningioma, CNS WHO grade 1" in page


def test_a_glioma_without_a_chosen_type_is_not_yet_known(alex_client):
    client = alex_client
    response = client.post(INTAKE, intake_page_form(client, glioma_type="", grade="unknown"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.tumour_type, case.glioma_type) == ("glioma", "unknown")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Diagnosis: Glioma: type not yet known, grade not yet known" in page


def test_a_glioma_type_with_another_tumour_is_refused_and_nothing_typed_is_lost(alex_client):
    client = alex_client
    data = intake_page_form(
        client,
        tumour_type="brain_metastasis",
        glioma_type="glioblastoma_idh_wildtype",
        diagnosis_notes="Two lesions on the MRI",
    )
    response = client.post(INTAKE, data)
    assert response.status_code == 400
    assert not Case.objects.exists()
    errors = response.context["case_form"].errors
    assert errors["glioma_type"] == [
        "A glioma type only applies to a glioma, and the tumour type is “Brain metastasis”. "
        "Choose “Not a glioma” here, or “Glioma” as the tumour type."
    ]
    kept = form_data(response)
    assert kept["tumour_type"] == ["brain_metastasis"]
    assert kept["glioma_type"] == ["glioblastoma_idh_wildtype"]
    assert kept["diagnosis_notes"] == ["Two lesions on the MRI"]
    assert kept["full_name"] == ["Marlowe Penhallow"]


def test_the_details_page_changes_the_tumour_type_and_the_change_is_audited(client_for, alex, case):
    client = client_for(alex)
    target = reverse("case_edit", args=[case.pk])
    data = form_data(client.get(target))
    assert data["glioma_type"] == ["astrocytoma_idh_mutant"]
    # A glioma type left on a tumour that is no glioma is refused...
    refused = client.post(target, data | {"tumour_type": ["cns_lymphoma"]})
    assert refused.status_code == 400
    assert "the tumour type is “CNS lymphoma”" in refused.content.decode()
    case.refresh_from_db()
    assert case.tumour_type == "glioma"
    # ...and goes through once the glioma type says "Not a glioma".
    fixed = form_data(refused) | {"glioma_type": [""]}
    assert client.post(target, fixed).status_code == 302
    case.refresh_from_db()
    assert (case.tumour_type, case.glioma_type) == ("cns_lymphoma", "")
    (event,) = AuditEvent.objects.filter(action="update", object_type="case")
    assert event.changes == {
        "tumour_type": ["glioma", "cns_lymphoma"],
        "glioma_type": ["astrocytoma_idh_mutant", ""],
    }
    assert case.events.filter(
        kind=CaseEvent.Kind.DETAILS, summary="Edited: tumour type, glioma type."
    ).exists()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Diagnosis: CNS lymphoma, CNS WHO grade 2" in page


def test_the_database_refuses_a_glioma_type_on_another_tumour(alex):
    case = factories.open_case(alex, tumour_type="ependymoma", glioma_type="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(glioma_type="astrocytoma_idh_mutant")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(tumour_type="glioma")


def test_the_volume_report_and_its_csv_show_the_tumour_type(client_for, sam, alex):
    factories.open_case(alex, tumour_type="medulloblastoma", glioma_type="", grade="4")
    factories.open_case(alex)
    client = client_for(sam)
    page = client.get(reverse("report", args=["volume"]))
    body = page.content.decode()
    assert ">Tumour type</th>" in body and ">Glioma type</th>" in body
    download = client.get(reverse("report_csv", args=["volume"]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header = rows.index(["Tumour type", "Glioma type", "Grade", "Cases", "Share of cases opened"])
    assert sorted(rows[header + 1 : header + 3]) == [
        ["Glioma", "Astrocytoma, IDH-mutant", "CNS WHO grade 2", "1", "50%"],
        ["Medulloblastoma", "—", "CNS WHO grade 4", "1", "50%"],
    ]


def test_every_tumour_type_has_a_plain_label():
    assert len(TumourType.choices) == 8
    assert TumourType.SPINAL_CORD.label == "Spinal cord tumour"


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_every_existing_case_a_glioma():
    before = [("cases", "0015_daily_loop")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    worker = old.get_model("auth", "User").objects.create(username="old-worker")
    patient = old.get_model("cases", "Patient").objects.create(
        full_name="Testpatient Old", date_of_birth="1960-02-03"
    )
    old.get_model("cases", "Case").objects.create(
        patient=patient,
        social_worker=worker,
        glioma_type="oligodendroglioma_idh_mutant_codeleted",
        opened_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    case = Case.objects.get()
    assert (case.tumour_type, case.glioma_type) == (
        "glioma",
        "oligodendroglioma_idh_mutant_codeleted",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_glioma_type_shows_only_for_a_glioma(staff_browser):
    intake = StaffPage("intake", lambda world: reverse("case_intake"))
    page = staff_browser.open(intake, viewport=DESK)
    glioma_type = page.get_by_label("Glioma type (gliomas only)")
    glioma_type.select_option("astrocytoma_idh_mutant")
    page.get_by_label("Tumour type").select_option("meningioma")
    expect(glioma_type).to_be_hidden()
    expect(glioma_type).to_have_value("")
    page.get_by_label("Tumour type").select_option("glioma")
    expect(glioma_type).to_be_visible()
    expect(glioma_type).to_have_value("astrocytoma_idh_mutant")
    # Without JavaScript the field stays, labelled for gliomas only.
    page = staff_browser.open(intake, viewport=DESK, javascript=False)
    page.get_by_label("Tumour type").select_option("meningioma")
    expect(page.get_by_label("Glioma type (gliomas only)")).to_be_visible()
