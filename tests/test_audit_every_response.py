"""Every response that shows a patient's data records exactly one view, whatever its method: a
form sent back with its errors shows the whole case again. A write that succeeds and redirects
records its write, and the page it leads to records the view."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.business_days import team_today
from cases.models import AuditEvent, Step
from tests import factories
from tests.workflow.test_intake import intake_data


def views_of(case, user) -> int:
    return AuditEvent.objects.filter(action="view", case=case, actor=user).count()


def step(case, stage="referral"):
    return case.steps.get(stage=stage)


def test_the_case_page_records_one_view(client_for, alex, case):
    response = client_for(alex).get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert views_of(case, alex) == 1


# (url name, url arguments, the form as the browser posts it, the status of the answer)
def _tomorrow() -> datetime.date:
    return team_today() + datetime.timedelta(days=1)


ERROR_PATHS = {
    "step status not on offer": (
        "step_status",
        lambda case: [case.pk, step(case).pk],
        lambda case: {"version": step(case).version, "status": "bogus", "reason": ""},
        400,
    ),
    "step blocked without a reason": (
        "step_status",
        lambda case: [case.pk, step(case).pk],
        lambda case: {"version": step(case).version, "status": "blocked", "reason": ""},
        400,
    ),
    "step status from a stale page": (
        "step_status",
        lambda case: [case.pk, step(case).pk],
        lambda case: {"version": step(case).version - 1, "status": "blocked", "reason": "Lab"},
        409,
    ),
    "due date without a reason": (
        "step_due_date",
        lambda case: [case.pk, step(case).pk],
        lambda case: {"version": step(case).version, "due_date": "2031-03-04", "reason": ""},
        400,
    ),
    "snooze without a date": (
        "step_snooze",
        lambda case: [case.pk, step(case).pk],
        lambda case: {"until": "", "reason": "Patient in hospital"},
        400,
    ),
    "empty note": ("note_add", lambda case: [case.pk], lambda case: {"body": "  "}, 400),
    "hold without a reason": (
        "case_status",
        lambda case: [case.pk],
        lambda case: {"version": case.version, "status": "on_hold", "reason": ""},
        400,
    ),
    "case details with a birth date in the future": (
        "case_edit",
        lambda case: [case.pk],
        lambda case: intake_data(
            case.social_worker,
            full_name=case.patient.full_name,
            date_of_birth="2999-01-01",
            version=case.version,
        ),
        400,
    ),
    "insurance decision without its date": (
        "insurance_edit",
        lambda case: [case.pk],
        lambda case: {
            "version": case.insurance.version,
            "payer": "Example Health",
            "decision": "approved",
            "decided_on": "",
        },
        400,
    ),
    "video appointment without a link": (
        "appointment_edit",
        lambda case: [case.pk],
        lambda case: {
            "version": case.appointment.version,
            "scheduled_at": "2030-01-08T10:00",
            "mode": "video",
            "video_link": "",
        },
        400,
    ),
    "contact logged with nobody named": (
        "contact_log_add",
        lambda case: [case.pk],
        lambda case: {"occurred_at": "2026-01-05T10:00", "channel": "call", "outcome": "sent"},
        400,
    ),
    "follow-up without what needs doing": (
        "follow_up_add",
        lambda case: [case.pk],
        lambda case: {"what": "", "due_on": "2099-01-05", "assignee": case.social_worker_id},
        400,
    ),
    "follow-up changed to say nothing": (
        "follow_up_change",
        lambda case: [case.pk, factories.follow_up(case, due_on=_tomorrow()).pk],
        lambda case: {"what": "", "due_on": "", "assignee": case.social_worker_id, "version": 1},
        400,
    ),
    "status link for a carer without a name": (
        "status_links",
        lambda case: [case.pk],
        lambda case: {"link-audience": "carer", "link-delivery": "copy", "link-carer_name": ""},
        400,
    ),
}


@pytest.mark.parametrize("path", ERROR_PATHS)
def test_a_refused_form_that_shows_the_case_again_records_one_view(client_for, alex, case, path):
    name, args, data, status = ERROR_PATHS[path]
    response = client_for(alex).post(reverse(name, args=args(case)), data(case))
    assert response.status_code == status
    assert case.patient.full_name.encode() in response.content
    assert views_of(case, alex) == 1


def test_a_refused_reassignment_records_one_view(client_for, sam, case):
    response = client_for(sam).post(
        reverse("case_reassign", args=[case.pk]), {"social_worker": "999999"}
    )
    assert response.status_code == 400
    assert case.patient.full_name.encode() in response.content
    assert views_of(case, sam) == 1


def test_a_write_that_redirects_records_the_write_and_no_view(client_for, alex, case):
    client = client_for(alex)
    response = client.post(reverse("note_add", args=[case.pk]), {"body": "Called the insurer."})
    assert response.status_code == 302
    assert views_of(case, alex) == 0
    assert AuditEvent.objects.filter(action="create", object_type="note", actor=alex).count() == 1
    client.get(response.url)
    assert views_of(case, alex) == 1


def test_an_outsider_is_refused_and_records_nothing(client_for, blair, case):
    response = client_for(blair).post(reverse("note_add", args=[case.pk]), {"body": ""})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view", actor=blair).exists()


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, tzinfo=datetime.UTC), tick=False)
def test_the_overdue_report_records_who_looked_at_which_cases(client_for, alex, sam, case):
    Step.objects.filter(pk=step(case).pk).update(due_date="2000-01-03")
    # Overdue now is as of today: a period in the address is not used, nor recorded.
    response = client_for(sam).get(
        reverse("report", args=["overdue"]), {"start": "2000-01-01", "end": "2000-12-31"}
    )
    assert response.status_code == 200
    assert case.patient.full_name.encode() in response.content
    event = AuditEvent.objects.get(action="view", actor=sam)
    assert event.changes == {
        "list": "report: overdue",
        "page": {"overdue": 1},
        "filters": {
            "as_of": "2026-03-20",
            "social_worker": None,
            "urgency": "",
            "centre": None,
        },
        "cases": [case.pk],
    }
    assert case.patient.full_name not in str(event.changes)


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, tzinfo=datetime.UTC), tick=False)
def test_the_cases_behind_a_report_count_record_who_looked_at_which_cases(
    client_for, alex, sam, case
):
    Step.objects.filter(pk=step(case).pk).update(due_date="2026-03-02")
    query = {"table": "caseload", "row": alex.pk, "col": "overdue_steps"}
    response = client_for(sam).get(reverse("report_cases", args=["caseload"]), query)
    assert response.status_code == 200
    assert case.patient.full_name.encode() in response.content
    event = AuditEvent.objects.get(action="view", actor=sam)
    assert event.changes["list"] == "report cases: caseload"
    assert event.changes["cases"] == [case.pk]
    assert event.changes["filters"]["column"] == "overdue_steps"
    assert case.patient.full_name not in str(event.changes)
    # A count that is not there shows no patient, and records nothing.
    gone = client_for(sam).get(reverse("report_cases", args=["caseload"]), {"table": "x"})
    assert gone.status_code == 404
    assert AuditEvent.objects.filter(action="view", actor=sam).count() == 1


def test_each_page_of_the_caseload_records_who_looked_and_with_which_filters(
    client_for, alex, case
):
    client = client_for(alex)
    searched = client.post(reverse("caseload"), {"q": case.patient.full_name, "urgency": ""})
    assert searched.status_code == 302
    assert not AuditEvent.objects.filter(action="view", actor=alex).exists()
    response = client.get(reverse("caseload"), {"stage": "referral", "sort": "patient"})
    assert response.status_code == 200
    assert case.patient.full_name.encode() in response.content
    event = AuditEvent.objects.get(action="view", actor=alex)
    assert event.case_id is None
    assert event.changes == {
        "list": "caseload",
        "page": 1,
        "filters": {
            "stage": "referral",
            "urgency": "",
            "due": "",
            "status": "open",
            "social_worker": None,
            "search": True,
            "sort": "patient",
        },
        "cases": [case.pk],
    }
    assert case.patient.full_name not in str(event.changes)
