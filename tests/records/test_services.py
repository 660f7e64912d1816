"""The records request services: the clocks stored when a request is sent or extended, each
record's arrival ticking the records checklist (and unticking only its own tick), completion,
the timeline and the audit trail, stale pages and double clicks. At fixed instants."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.audit import MASK
from cases.models import (
    AuditEvent,
    CaseEvent,
    ChecklistItem,
    ChecklistTemplate,
    RecordsRequestItem,
)
from cases.records import services
from cases.workflow import services as workflow
from tests import factories

TEAM = ZoneInfo("America/New_York")
# Monday 2 March 2026, mid-morning in the team's time zone.
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TEAM)
D = datetime.date


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def records_checklist(case) -> dict[str, ChecklistItem]:
    return {
        item.label: item
        for item in ChecklistItem.objects.filter(step__case=case, step__stage="records")
    }


PATHOLOGY = "Pathology report"
SLIDES = "Glass slides or paraffin block (not only recuts)"


def test_a_request_sent_today_stores_its_clocks_and_starts_the_records_step(alex, case):
    request = factories.records_request(
        case,
        alex,
        kinds=["pathology_report", "slides", "other"],
        description="Flow cytometry",
        sent_on=D(2026, 3, 2),
        tracking_number="1Z-EXAMPLE",
        release_reference="ROI-77",
    )
    assert request.answer_due_on == D(2026, 4, 1)
    assert request.follow_up_on == D(2026, 3, 9)
    items = {item.kind: item for item in request.items.all()}
    checklist = records_checklist(case)
    assert items["pathology_report"].checklist_item == checklist[PATHOLOGY]
    assert items["slides"].checklist_item == checklist[SLIDES]
    assert items["other"].checklist_item is None
    assert items["other"].description == "Flow cytometry"
    assert case.steps.get(stage="records").status == "in_progress"
    event = case.events.filter(kind=CaseEvent.Kind.RECORDS).get()
    assert event.summary.startswith("Records requested from Example Hospital Records")
    assert "answer due Apr 1, 2026" in event.summary
    audit = AuditEvent.objects.get(action="create", object_type="recordsrequest")
    # Typed text is masked; dates and choices stay readable.
    assert audit.changes["tracking_number"] == MASK
    assert audit.changes["release_reference"] == MASK
    assert audit.changes["description"] == MASK
    assert audit.changes["answer_due_on"] == "2026-04-01"


def test_a_request_not_sent_yet_has_no_clock_until_it_is(alex, case):
    request = factories.records_request(case, alex, kinds=["mri_dicom"])
    assert (request.sent_on, request.answer_due_on, request.follow_up_on) == (None, None, None)
    assert case.steps.get(stage="records").status == "pending"
    services.records_request_send(
        records_request=request, by=alex, sent_on=D(2026, 2, 27), expected_version=1
    )
    request.refresh_from_db()
    # Sent Friday 27 February: due 29 March; follow-up Friday 6 March.
    assert (request.answer_due_on, request.follow_up_on) == (D(2026, 3, 29), D(2026, 3, 6))
    assert request.version == 2
    assert case.steps.get(stage="records").status == "in_progress"


def test_a_chosen_follow_up_date_is_kept(alex, case):
    request = factories.records_request(
        case, alex, sent_on=D(2026, 3, 2), follow_up_on=D(2026, 3, 4)
    )
    assert request.follow_up_on == D(2026, 3, 4)


def test_arrivals_tick_the_checklist_and_the_last_one_completes_the_request(alex, case):
    request = factories.records_request(
        case, alex, kinds=["pathology_report", "slides"], sent_on=D(2026, 2, 20)
    )
    pathology, slides = request.items.order_by("id")
    services.records_item_receive(
        item=pathology, by=alex, received_on=D(2026, 2, 26), expected_version=1
    )
    checklist = records_checklist(case)
    assert checklist[PATHOLOGY].done_at is not None and checklist[PATHOLOGY].done_by == alex
    assert checklist[SLIDES].done_at is None
    request.refresh_from_db()
    assert request.completed_on is None
    services.records_item_receive(
        item=slides, by=alex, received_on=D(2026, 3, 2), expected_version=2
    )
    request.refresh_from_db()
    assert request.completed_on == D(2026, 3, 2)
    summaries = list(case.events.values_list("summary", flat=True))
    assert any(
        "Glass slides or paraffin block received Mar 2, 2026. Every record" in s for s in summaries
    )
    assert any("“Pathology report” ticked." in s for s in summaries)


def test_not_received_after_all_unticks_only_the_tick_its_arrival_made(alex, case):
    checklist = records_checklist(case)
    # Someone ticked the slides by hand before any request: that tick is theirs.
    workflow.checklist_item_set(item=checklist[SLIDES], done=True, by=alex)
    request = factories.records_request(
        case, alex, kinds=["pathology_report", "slides"], sent_on=D(2026, 2, 20)
    )
    pathology, slides = request.items.order_by("id")
    services.records_item_receive(item=pathology, by=alex, received_on=D(2026, 3, 2))
    services.records_item_receive(item=slides, by=alex, received_on=D(2026, 3, 2))
    request.refresh_from_db()
    assert request.completed_on == D(2026, 3, 2)
    services.records_item_receive(item=pathology, by=alex, received_on=None)
    services.records_item_receive(item=slides, by=alex, received_on=None)
    checklist = records_checklist(case)
    assert checklist[PATHOLOGY].done_at is None  # its arrival ticked it: unticked
    assert checklist[SLIDES].done_at is not None  # ticked by hand: stays
    request.refresh_from_db()
    assert request.completed_on is None


def test_a_tick_two_arrivals_share_stays_while_one_of_them_has_arrived(alex, case):
    first = factories.records_request(case, alex, sent_on=D(2026, 2, 20))
    second = factories.records_request(
        case, alex, sent_on=D(2026, 2, 20), contact_other="The referring clinic"
    )
    first_item, second_item = first.items.get(), second.items.get()
    services.records_item_receive(item=first_item, by=alex, received_on=D(2026, 2, 25))
    services.records_item_receive(item=second_item, by=alex, received_on=D(2026, 2, 26))
    services.records_item_receive(item=first_item, by=alex, received_on=None)
    assert records_checklist(case)[PATHOLOGY].done_at is not None
    services.records_item_receive(item=second_item, by=alex, received_on=None)
    assert records_checklist(case)[PATHOLOGY].done_at is None


def test_a_renamed_checklist_label_still_matches_while_it_names_the_record(alex):
    ChecklistTemplate.objects.filter(label=SLIDES).update(label="Slides or block from the lab")
    case = factories.open_case(alex)
    request = factories.records_request(case, alex, kinds=["slides", "mri_dicom"])
    slides, mri = request.items.order_by("id")
    assert slides.checklist_item.label == "Slides or block from the lab"
    assert mri.checklist_item.label.startswith("MRI images")


def test_an_extension_adds_thirty_days_once(alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 2, 20))
    assert request.answer_due_on == D(2026, 3, 22)
    services.records_request_extend(
        records_request=request, by=alex, notice_on=D(2026, 3, 2), expected_version=1
    )
    request.refresh_from_db()
    assert (request.extension_notice_on, request.answer_due_on) == (
        D(2026, 3, 2),
        D(2026, 4, 21),
    )
    with pytest.raises(services.TransitionError, match="a provider may extend only once"):
        services.records_request_extend(
            records_request=request, by=alex, notice_on=D(2026, 3, 1), expected_version=2
        )
    # The same notice sent twice (a double click) is answered calmly.
    with pytest.raises(services.AlreadySaved):
        services.records_request_extend(
            records_request=request, by=alex, notice_on=D(2026, 3, 2), expected_version=1
        )
    audit = AuditEvent.objects.filter(object_type="recordsrequest", action="update").get()
    assert audit.changes["answer_due_on"] == ["2026-03-22", "2026-04-21"]


def test_a_late_notice_does_not_extend_the_clock(alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 1, 20))
    with pytest.raises(services.TransitionError, match="within the first 30 days"):
        services.records_request_extend(records_request=request, by=alex, notice_on=D(2026, 3, 1))


def test_a_stale_page_is_refused_and_a_double_click_answered_calmly(alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 2, 20))
    item = request.items.get()
    services.records_item_receive(item=item, by=alex, received_on=D(2026, 3, 2), expected_version=1)
    with pytest.raises(services.AlreadySaved):
        services.records_item_receive(
            item=item, by=alex, received_on=D(2026, 3, 2), expected_version=1
        )
    with pytest.raises(services.ConflictError):
        services.records_item_receive(
            item=item, by=alex, received_on=D(2026, 3, 1), expected_version=1
        )
    item.refresh_from_db()
    assert item.received_on == D(2026, 3, 2)


def test_dates_a_record_cannot_have(alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 2, 20))
    item = request.items.get()
    with pytest.raises(services.TransitionError, match="after today"):
        services.records_item_receive(item=item, by=alex, received_on=D(2026, 3, 3))
    with pytest.raises(services.TransitionError, match="before the request was sent"):
        services.records_item_receive(item=item, by=alex, received_on=D(2026, 2, 19))
    with pytest.raises(services.TransitionError, match="cannot be sent after today"):
        factories.records_request(case, alex, sent_on=D(2026, 3, 3))
    services.records_item_receive(item=item, by=alex, received_on=D(2026, 2, 24))
    with pytest.raises(services.TransitionError, match="arrived on Feb 24, 2026"):
        services.records_request_update(
            records_request=request, by=alex, fields={"sent_on": D(2026, 2, 25)}
        )


def test_a_double_clicked_request_is_made_once(alex, case):
    contact = factories.ContactFactory()
    factories.records_request(case, alex, kinds=["slides"], contact=contact)
    with pytest.raises(services.AlreadySaved):
        factories.records_request(case, alex, kinds=["slides"], contact=contact)
    assert RecordsRequestItem.objects.filter(request__case=case).count() == 1


def test_a_closed_case_takes_no_records_changes(alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 2, 20))
    workflow.case_set_status(case=case, status="withdrawn", reason="Moved away", by=alex)
    with pytest.raises(services.TransitionError, match="This case is closed"):
        services.records_item_receive(item=request.items.get(), by=alex, received_on=D(2026, 3, 2))
    with pytest.raises(services.TransitionError, match="This case is closed"):
        factories.records_request(case, alex, kinds=["slides"])


def test_correcting_the_sent_date_moves_the_answer_due_date(alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 2, 20))
    services.records_request_update(
        records_request=request,
        by=alex,
        fields={"sent_on": D(2026, 2, 23), "tracking_number": "  TRK-1 "},
        expected_version=1,
    )
    request.refresh_from_db()
    assert (request.answer_due_on, request.tracking_number) == (D(2026, 3, 25), "TRK-1")
    # The follow-up date someone already had stays as it was.
    assert request.follow_up_on == D(2026, 2, 27)
    audit = AuditEvent.objects.filter(object_type="recordsrequest", action="update").get()
    assert audit.changes["tracking_number"] == [None, MASK]
    assert audit.changes["sent_on"] == ["2026-02-20", "2026-02-23"]
