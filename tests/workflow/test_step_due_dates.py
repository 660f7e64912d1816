"""Starting and reopening a step through the case page: what happens to its due date is in the
audit trail and on the timeline (issue 11 review, item 3).

A due date still ahead (moved by hand, or the one the step had) stays when the step is
reopened or started; one that has passed gives way to the stage's time limit from today.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, CaseEvent
from cases.workflow import services
from tests.browser_form import submit

TEAM = zoneinfo.ZoneInfo("America/New_York")
# Monday 23 November 2026, 10:00 team time. Thanksgiving is Thursday the 26th.
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def press(client, case, step, status: str):
    """The step's button (Start, Reopen, Mark done) as the browser posts it."""
    action = reverse("step_status", args=[case.pk, step.pk])
    response = submit(client, case.get_absolute_url(), action, pick={"status": status})
    assert response.status_code == 302, response.content.decode()
    step.refresh_from_db()
    return step


def last_update(step) -> dict:
    return (
        AuditEvent.objects.filter(action="update", object_type="step", object_id=str(step.pk))
        .latest("id")
        .changes
    )


def last_line(case) -> str:
    return case.events.filter(kind=CaseEvent.Kind.STEP).latest("id").summary


def referral_moved_then_done(case, by):
    referral = case.steps.get(stage="referral")
    services.due_date_move(
        step=referral, due_date=datetime.date(2026, 12, 2), reason="Clinic closed", by=by
    )
    services.step_set_status(step=case.steps.get(stage="referral"), status="done", by=by)
    return case.steps.get(stage="referral")


def test_reopening_keeps_a_due_date_moved_by_hand_that_is_still_ahead(client_for, alex, case):
    referral = referral_moved_then_done(case, alex)
    referral = press(client_for(alex), case, referral, "in_progress")
    assert referral.due_date == datetime.date(2026, 12, 2)
    assert last_update(referral) == {"status": ["Done", "In progress"]}
    assert last_line(case) == "Referral: Done → In progress."


def test_reopening_after_the_due_date_passed_records_the_new_one(client_for, alex, case):
    referral = referral_moved_then_done(case, alex)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=TEAM), tick=False):
        referral = press(client_for(alex), case, referral, "in_progress")
    # Three business days from Thursday Dec 3.
    assert referral.due_date == datetime.date(2026, 12, 8)
    assert last_update(referral) == {
        "status": ["Done", "In progress"],
        "due_date": ["2026-12-02", "2026-12-08"],
    }
    assert last_line(case) == "Referral: Done → In progress, due Dec 8, 2026."


def test_starting_a_step_records_the_due_date_it_gets(client_for, alex, case):
    records = press(client_for(alex), case, case.steps.get(stage="records"), "in_progress")
    # Ten business days from Monday 23rd, skipping Thanksgiving.
    assert records.due_date == datetime.date(2026, 12, 8)
    assert last_update(records) == {
        "status": ["Pending", "In progress"],
        "due_date": [None, "2026-12-08"],
    }
    assert last_line(case) == "Records gathered: Pending → In progress, due Dec 8, 2026."


def test_the_next_stage_starting_records_the_due_date_it_had(client_for, alex, case):
    services.due_date_move(
        step=case.steps.get(stage="preauthorization"),
        due_date=datetime.date(2026, 11, 24),
        reason="Insurer asked for it",
        by=alex,
    )
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=TEAM), tick=False):
        press(client_for(alex), case, case.steps.get(stage="referral"), "done")
    preauth = case.steps.get(stage="preauthorization")
    # The date it had has passed: seven business days from Wednesday 25th.
    assert preauth.due_date == datetime.date(2026, 12, 7)
    assert last_update(preauth) == {
        "status": ["Pending", "In progress"],
        "due_date": ["2026-11-24", "2026-12-07"],
    }
    assert last_line(case) == "Insurance preauthorization started, due Dec 7, 2026."
