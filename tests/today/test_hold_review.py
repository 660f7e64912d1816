"""A hold takes a review date: asked for when the case goes on hold, kept, audited, shown on
the case page and the caseload, changeable while on hold, cleared when the hold ends."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, Case, Step
from cases.workflow import services
from tests.browser_form import form_data, submit
from tests.today.data import MONDAY, at, case_for, hold

STATUS = "case_status"


@pytest.fixture
def monday():
    with time_machine.travel(at(MONDAY, 10), tick=False):
        yield


@pytest.fixture
def open_case(alex, monday):
    return case_for(alex, name="Hol Ding")


def put_on_hold(client, case, **typed):
    return submit(
        client,
        case.get_absolute_url(),
        reverse(STATUS, args=[case.pk]),
        status="on_hold",
        reason="Patient in hospital",
        **typed,
    )


def test_putting_a_case_on_hold_asks_for_the_review_date(client_for, alex, open_case):
    client = client_for(alex)
    missing = put_on_hold(client, open_case)
    assert missing.status_code == 400
    text = missing.content.decode()
    assert "Choose the day to look at the hold again" in text
    # What was typed stays.
    assert 'value="Patient in hospital"' in text
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.OPEN

    done = put_on_hold(client, open_case, review_on="2026-12-14")
    assert done.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.ON_HOLD
    assert open_case.hold_review_on == datetime.date(2026, 12, 14)
    event = AuditEvent.objects.filter(object_type="case", action="update").latest("id")
    assert event.changes["hold_review_on"] == [None, "2026-12-14"]
    assert event.changes["status_reason"] == "[masked]"
    assert open_case.events.filter(
        summary="Case open → on hold until a review on Dec 14, 2026: Patient in hospital"
    ).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-12-04", "cannot be in the past"),
        ("2027-12-08", "a hold is reviewed between Dec 7, 2026 and Dec 7, 2027"),
        ("9999-12-31", "a hold is reviewed between"),
        ("not a date", "Enter a valid date."),
    ],
)
def test_a_review_date_out_of_range_is_refused_keeping_what_was_typed(
    client_for, alex, open_case, typed, message
):
    response = put_on_hold(client_for(alex), open_case, review_on=typed)
    assert response.status_code == 400
    assert message in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.OPEN and open_case.hold_review_on is None


def test_today_is_a_valid_review_date(client_for, alex, open_case):
    assert put_on_hold(client_for(alex), open_case, review_on="2026-12-07").status_code == 302


def test_the_review_date_shows_on_the_case_page_and_the_caseload(client_for, alex, open_case):
    client = client_for(alex)
    put_on_hold(client, open_case, review_on="2026-12-14")
    page = client.get(open_case.get_absolute_url()).content.decode()
    assert "review the hold on Dec 14, 2026" in page
    assert "Look at this case again on Monday, Dec 14, 2026" in page
    caseload = client.get(reverse("caseload"), {"status": "on_hold"}).content.decode()
    assert "review Dec 14" in caseload


def test_the_review_date_changes_while_on_hold(client_for, alex, open_case):
    client = client_for(alex)
    put_on_hold(client, open_case, review_on="2026-12-14")
    action = reverse("case_hold_review", args=[open_case.pk])
    moved = submit(client, open_case.get_absolute_url(), action, review_on="2026-12-21")
    assert moved.status_code == 302
    open_case.refresh_from_db()
    assert open_case.hold_review_on == datetime.date(2026, 12, 21)
    assert open_case.events.filter(
        summary="Hold review date moved from Dec 14, 2026 to Dec 21, 2026."
    ).exists()
    event = AuditEvent.objects.filter(object_type="case").latest("id")
    assert event.changes == {"hold_review_on": ["2026-12-14", "2026-12-21"]}
    page = client.get(open_case.get_absolute_url()).content.decode()
    assert "The hold will be reviewed on Dec 21, 2026." in page


def test_a_bad_review_date_change_is_refused_on_the_case_page(client_for, alex, open_case):
    client = client_for(alex)
    put_on_hold(client, open_case, review_on="2026-12-14")
    action = reverse("case_hold_review", args=[open_case.pk])
    refused = submit(client, open_case.get_absolute_url(), action, review_on="2026-12-01")
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "cannot be in the past" in text and 'href="#hold-review-on"' in text
    assert 'value="2026-12-01"' in text
    open_case.refresh_from_db()
    assert open_case.hold_review_on == datetime.date(2026, 12, 14)


def test_a_stale_review_date_change_is_a_conflict(client_for, alex, casey, open_case):
    client = client_for(alex)
    put_on_hold(client, open_case, review_on="2026-12-14")
    action = reverse("case_hold_review", args=[open_case.pk])
    stale = form_data(client.get(open_case.get_absolute_url()), action)
    services.case_hold_review_move(case=open_case, review_on=datetime.date(2026, 12, 10), by=casey)
    refused = client.post(action, stale | {"review_on": ["2026-12-21"]})
    assert refused.status_code == 409
    assert "Someone else changed this case" in refused.content.decode()
    open_case.refresh_from_db()
    assert open_case.hold_review_on == datetime.date(2026, 12, 10)


def test_a_double_clicked_review_date_change_is_calm(client_for, alex, open_case):
    client = client_for(alex)
    put_on_hold(client, open_case, review_on="2026-12-14")
    action = reverse("case_hold_review", args=[open_case.pk])
    data = form_data(client.get(open_case.get_absolute_url()), action) | {
        "review_on": ["2026-12-21"]
    }
    assert client.post(action, data).status_code == 302
    again = client.post(action, data, follow=True)
    assert "already Dec 21, 2026" in again.content.decode()


def test_a_case_not_on_hold_has_no_review_date_to_change(client_for, alex, open_case):
    action = reverse("case_hold_review", args=[open_case.pk])
    response = client_for(alex).post(
        action, {"review_on": "2026-12-21", "version": open_case.version}
    )
    assert response.status_code == 400
    assert "not on hold" in response.content.decode()


def test_leaving_the_hold_clears_the_review_date(client_for, alex, open_case):
    client = client_for(alex)
    put_on_hold(client, open_case, review_on="2026-12-14")
    resumed = submit(
        client, open_case.get_absolute_url(), reverse(STATUS, args=[open_case.pk]), status="open"
    )
    assert resumed.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.OPEN and open_case.hold_review_on is None
    event = AuditEvent.objects.filter(object_type="case").latest("id")
    assert event.changes["hold_review_on"] == ["2026-12-14", None]


def test_the_service_refuses_a_hold_without_a_date_or_in_the_past(alex, open_case):
    with pytest.raises(services.TransitionError, match="review date"):
        services.case_set_status(case=open_case, status="on_hold", reason="In hospital", by=alex)
    with pytest.raises(services.TransitionError, match="past"):
        hold(open_case, by=alex, on=MONDAY, review_on=datetime.date(2026, 12, 6))


def test_a_block_records_since_when_and_unblocking_clears_it(alex, open_case):
    records = open_case.steps.get(stage="records")
    records.case = open_case
    services.step_set_status(
        step=records, status="blocked", reason="Waiting", by=alex, now=at(MONDAY, 9)
    )
    records.refresh_from_db()
    assert records.blocked_at == at(MONDAY, 9)
    services.step_set_status(step=records, status="in_progress", by=alex, now=at(MONDAY, 10))
    records.refresh_from_db()
    assert records.status == Step.Status.IN_PROGRESS and records.blocked_at is None


def test_the_migration_dates_an_old_block_from_its_timeline_line(alex, open_case):
    import importlib

    from django.apps import apps

    records = open_case.steps.get(stage="records")
    records.case = open_case
    services.step_set_status(
        step=records, status="blocked", reason="Waiting", by=alex, now=at(MONDAY, 9)
    )
    Step.objects.filter(pk=records.pk).update(blocked_at=None)
    importlib.import_module("cases.migrations.0018_today").backfill_blocked_at(apps, None)
    records.refresh_from_db()
    assert records.blocked_at == at(MONDAY, 9)


def test_a_review_date_left_in_the_box_does_not_stop_another_status(client_for, alex, open_case):
    response = submit(
        client_for(alex),
        open_case.get_absolute_url(),
        reverse(STATUS, args=[open_case.pk]),
        status="withdrawn",
        reason="Moved away",
        review_on="2026-12-01",
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.WITHDRAWN and open_case.hold_review_on is None
