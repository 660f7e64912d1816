"""A row saved before the forms checked dates (an appointment at 9999-12-31 23:59 team time,
which overflows on conversion) once broke every page of its case; migration 0013 clears such a
time, says so on the timeline, and the pages answer again."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, CaseEvent, Patient
from cases.reminders.sweep import sweep
from tests import factories
from tests.patient.status_page_data import case_in_progress, issue, pass_check, status_url

BEFORE = [("cases", "0012_search_columns")]


@pytest.fixture(autouse=True)
def _december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 15, tzinfo=datetime.UTC), tick=False):
        yield


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_an_appointment_time_no_page_could_show(client):
    factories.ensure_defaults()
    alex = factories.social_worker("alex")
    broken = factories.open_case(alex, patient={"full_name": "Hollister, Wren"})
    fine = factories.open_case(alex)
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_appointment SET scheduled_at = '9999-12-31 23:59-05' WHERE case_id = %s",
            [broken.pk],
        )
        cursor.execute(
            "UPDATE cases_appointment SET scheduled_at = '2027-01-05 15:00+00' WHERE case_id = %s",
            [fine.pk],
        )
        # As 0012 stored it: the normalised name in the order it was typed.
        cursor.execute("UPDATE cases_patient SET search_name = 'hollister, wren'")
    _migrate(None)

    client.force_login(alex)
    for name in ("case_detail", "appointment_edit", "insurance_edit"):
        response = client.get(reverse(name, kwargs={"case_id": broken.pk}))
        assert response.status_code == 200, name
    broken.appointment.refresh_from_db()
    fine.appointment.refresh_from_db()
    assert broken.appointment.scheduled_at is None
    assert fine.appointment.scheduled_at is not None
    event = CaseEvent.objects.get(case=broken, kind="appointment")
    assert (
        event.summary == "An appointment time that could not be shown was cleared; book it again."
    )
    assert event.summary in client.get(broken.get_absolute_url()).content.decode()
    assert not CaseEvent.objects.filter(case=fine, kind="appointment").exists()
    assert AuditEvent.objects.filter(
        case=broken, action="update", object_type="appointment"
    ).exists()
    assert set(Patient.objects.values_list("search_name", flat=True)) >= {"hollister wren"}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_step SET due_date = %s, snoozed_until = %s WHERE case_id = %s",
        "UPDATE cases_case SET next_due_date = %s WHERE id = %s",
        "UPDATE cases_insurance SET requested_on = %s, decided_on = %s WHERE case_id = %s",
        "UPDATE cases_patient SET date_of_birth = %s "
        "WHERE id = (SELECT patient_id FROM cases_case WHERE id = %s)",
    ],
)
def test_a_stored_date_at_either_end_of_the_calendar_breaks_no_page(client, alex, sql, day):
    """What an older form could store in a date column (a date field reads years 1 to 9999):
    the pages, the sweep and the patient's page still answer, so 0013 leaves these alone."""
    case = case_in_progress(alex)
    token = issue(case, alex).token
    pass_check(client, token)
    with connection.cursor() as cursor:
        cursor.execute(sql, [day] * (sql.count("%s") - 1) + [case.pk])
    assert client.get(status_url(token)).status_code == 200
    client.force_login(alex)
    for name in ("case_detail", "appointment_edit", "insurance_edit", "case_edit"):
        assert client.get(reverse(name, kwargs={"case_id": case.pk})).status_code == 200, name
    assert client.get(reverse("caseload")).status_code == 200
    sweep(now=timezone.now())
