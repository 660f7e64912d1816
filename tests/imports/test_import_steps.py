"""Steps the sheet says were done are done on their days: the same steps, due dates and
timeline days as if the social worker had pressed the buttons on those days."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Insurance, Patient
from cases.workflow import services
from tests import factories
from tests.imports.sheets import confirm, csv_bytes

# Friday 20 March 2026, 11:00 in New York.
INSTANT = datetime.datetime(2026, 3, 20, 15, 0, tzinfo=datetime.UTC)
ROW = [
    "Tamsin Oakridge",
    "1977-07-07",
    "EX-2001",
    "alex",
    "routine",
    "Glioma",
    "2",
    "2026-03-02",
    "03/04/2026",
    "4 Mar 2026",
    "2026-03-12",
    "2026-03-26 14:30",
    "",
]
STEP_STATE = ("stage", "status", "started_at", "due_date", "finished_at")


def noon(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 3, day, 12, 0))


def steps_of(case: Case) -> list[tuple]:
    return [tuple(getattr(step, name) for name in STEP_STATE) for step in case.steps.all()]


@pytest.fixture
def imported(client_for, sam, alex) -> Case:
    client = client_for(sam)
    with time_machine.travel(INSTANT, tick=False):
        client.post(
            reverse("case_import"),
            {"file": SimpleUploadedFile("team.csv", csv_bytes([ROW]))},
        )
        confirm(client)
    return Patient.objects.get(mrn="EX-2001").cases.get()


def test_the_steps_start_and_finish_on_the_sheets_days(imported):
    assert imported.opened_at == noon(2)
    assert steps_of(imported) == [
        # referral: 3 business days from Monday Mar 2, done Wednesday
        ("referral", "done", noon(2), datetime.date(2026, 3, 5), noon(4)),
        # preauthorization: started when the referral was done, 7 business days
        ("preauthorization", "done", noon(4), datetime.date(2026, 3, 13), noon(12)),
        ("records", "done", noon(4), None, noon(4)),
        # appointment: started when preauthorization finished (records were in already);
        # booked, so done at the import
        ("appointment", "done", noon(12), datetime.date(2026, 4, 2), INSTANT),
    ]
    assert imported.insurance.decision == Insurance.Decision.APPROVED
    assert imported.insurance.decided_on == datetime.date(2026, 3, 12)
    assert timezone.localtime(imported.appointment.scheduled_at) == timezone.make_aware(
        datetime.datetime(2026, 3, 26, 14, 30)
    )
    days = set(
        imported.events.filter(kind=CaseEvent.Kind.STEP).values_list("created_at", flat=True)
    )
    assert days == {noon(2), noon(4), noon(12), INSTANT}


def test_the_import_leaves_what_the_social_worker_would_have(imported, alex, sam):
    """A twin case worked by hand on the same days, through the same services."""
    with time_machine.travel(noon(2), tick=False):
        twin = factories.open_case(alex, reasons=(), urgency="routine")
    steps = {step.stage: step for step in twin.steps.all()}
    with time_machine.travel(noon(4), tick=False):
        services.step_set_status(step=steps["referral"], status="done", by=alex)
        services.step_set_status(step=steps["records"], status="done", by=alex)
    with time_machine.travel(noon(12), tick=False):
        services.insurance_update(
            insurance=twin.insurance,
            by=alex,
            fields={"decision": "approved", "decided_on": datetime.date(2026, 3, 12)},
        )
        steps["preauthorization"].refresh_from_db()
        services.step_set_status(step=steps["preauthorization"], status="done", by=alex)
    with time_machine.travel(INSTANT, tick=False):
        services.appointment_update(
            appointment=twin.appointment,
            by=alex,
            fields={"scheduled_at": imported.appointment.scheduled_at},
        )
        steps["appointment"].refresh_from_db()
        services.step_set_status(step=steps["appointment"], status="done", by=alex)
    twin.refresh_from_db()
    imported.refresh_from_db()
    assert steps_of(imported) == steps_of(twin)
    assert (imported.current_stage, imported.next_due_date) == (
        twin.current_stage,
        twin.next_due_date,
    )


def test_a_case_with_nothing_done_starts_its_referral_on_the_day_it_was_opened(
    client_for, sam, alex
):
    row = ["Odile Marchbank", "1960-01-01", "", "alex", "urgent", "", "", "2026-03-18"]
    row += [""] * 5
    client = client_for(sam)
    with time_machine.travel(INSTANT, tick=False):
        client.post(reverse("case_import"), {"file": SimpleUploadedFile("t.csv", csv_bytes([row]))})
        confirm(client)
    case = Case.objects.get()
    referral = case.steps.get(stage="referral")
    assert (referral.status, referral.started_at) == ("in_progress", noon(18))
    # urgent: 1 business day from Wednesday Mar 18
    assert referral.due_date == case.next_due_date == datetime.date(2026, 3, 19)
    assert case.current_stage == "referral"
