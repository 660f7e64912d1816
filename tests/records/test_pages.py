"""The records request pages through the test client, forms posted as the browser posts them:
a new request from the case page, its page (mark sent, each record's arrival, the extension
notice, its details), who may use them, bad input kept, stale pages refused, and the case
page's section with its clocks. At a fixed instant."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, ChecklistItem, RecordsRequest
from cases.records import services
from tests import factories
from tests.browser_form import form_data, submit
from tests.query_budgets import CASE_PAGE_QUERIES

TEAM = ZoneInfo("America/New_York")
# Wednesday 4 March 2026, mid-morning in the team's time zone.
WEDNESDAY = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=TEAM)
D = datetime.date


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def new_url(case) -> str:
    return reverse("records_request_new", args=[case.pk])


def detail_url(request) -> str:
    return reverse("records_request_detail", args=[request.case_id, request.pk])


def post_new(client, case, **typed):
    """The new-request page's form, filled in as a person would (several boxes ticked)."""
    page = client.get(new_url(case))
    assert page.status_code == 200
    data = form_data(page) | {name: value for name, value in typed.items()}
    return client.post(new_url(case), data)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def words(response) -> str:
    """The page as a person reads it: no tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_the_case_page_leads_to_a_new_request_and_shows_it_with_its_clock(client_for, alex, case):
    contact = factories.ContactFactory(name="Springfield General Records")
    client = client_for(alex)
    page = client.get(case.get_absolute_url())
    assert new_url(case).encode() in page.content
    assert b"No records requested yet." in page.content
    response = post_new(
        client,
        case,
        kinds=["pathology_report", "slides", "mri_dicom"],
        contact=str(contact.pk),
        method="courier",
        sent_on="2026-03-02",
        tracking_number="1Z999",
        release_reference="ROI-2026-17",
    )
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#records-requests"
    request = RecordsRequest.objects.get(case=case)
    assert (request.answer_due_on, request.follow_up_on) == (D(2026, 4, 1), D(2026, 3, 9))
    assert sorted(request.items.values_list("kind", flat=True)) == [
        "mri_dicom",
        "pathology_report",
        "slides",
    ]
    shown = text(client.get(case.get_absolute_url()))
    assert "Springfield General Records" in shown
    assert "Answer due Wed Apr 1, 2026 · " in shown and "28 days left" in shown
    assert "Pathology report: waiting" in words(client.get(case.get_absolute_url()))
    assert detail_url(request) in shown


def test_bad_input_keeps_everything_typed_and_says_what_to_do(client_for, alex, case):
    client = client_for(alex)
    response = post_new(
        client,
        case,
        kinds=["other"],
        description="",
        contact="",
        contact_other="",
        sent_on="2026-03-05",
        tracking_number="TRACK-KEPT",
        release_reference="ROI-KEPT",
    )
    assert response.status_code == 400
    shown = text(response)
    assert "Say what the other record is." in shown
    assert "Choose who the records come from, or type a name below." in shown
    assert "A request cannot be sent after today." in shown
    assert 'value="TRACK-KEPT"' in shown and 'value="ROI-KEPT"' in shown
    assert re.search(r'value="other"[^>]*checked', shown)
    assert RecordsRequest.objects.count() == 0
    # The error summary links each message to its field, and the first field in error has focus.
    assert 'href="#id_description"' in shown


def test_directory_and_typed_name_together_are_refused(client_for, alex, case):
    contact = factories.ContactFactory()
    response = post_new(
        client_for(alex),
        case,
        kinds=["slides"],
        contact=str(contact.pk),
        contact_other="Also this lab",
    )
    assert response.status_code == 400
    assert "Choose from the directory or type a name, not both." in text(response)


def test_a_double_clicked_new_request_is_saved_once(client_for, alex, case):
    client = client_for(alex)
    page = client.get(new_url(case))
    data = form_data(page) | {"kinds": ["slides"], "contact_other": "Example Lab"}
    client.post(new_url(case), data)
    again = client.post(new_url(case), data, follow=True)
    assert "This records request was already added." in text(again)
    assert RecordsRequest.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("who", ["alex", "casey", "sam"])
def test_the_owner_a_covering_colleague_and_a_supervisor_work_a_request(
    client_for, alex, casey, sam, case, who
):
    user = {"alex": alex, "casey": casey, "sam": sam}[who]
    request = factories.records_request(case, alex, kinds=["pathology_report", "slides"])
    client = client_for(user)
    page = client.get(detail_url(request))
    assert page.status_code == 200
    send = reverse("records_request_send", args=[case.pk, request.pk])
    response = submit(client, detail_url(request), send, sent_on="2026-03-03")
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.sent_on, request.answer_due_on) == (D(2026, 3, 3), D(2026, 4, 2))
    pathology = request.items.get(kind="pathology_report")
    receive = reverse("records_item_receive", args=[case.pk, request.pk, pathology.pk])
    response = submit(client, detail_url(request), receive, pick={"received_on": "2026-03-04"})
    assert response.status_code == 302
    pathology.refresh_from_db()
    assert pathology.received_on == D(2026, 3, 4)
    tick = ChecklistItem.objects.get(pk=pathology.checklist_item_id)
    assert tick.done_by == user
    assert AuditEvent.objects.filter(case=case, actor=user, action="view").exists()


def test_another_social_worker_gets_404_everywhere(client_for, alex, blair, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    item = request.items.get()
    client = client_for(blair)
    for url in (
        new_url(case),
        detail_url(request),
        reverse("records_request_letter", args=[case.pk, request.pk]),
    ):
        assert client.get(url).status_code == 404
    for name, args, data in (
        ("records_request_new", [case.pk], {"kinds": "slides", "contact_other": "X"}),
        ("records_request_send", [case.pk, request.pk], {"sent_on": "2026-03-02"}),
        ("records_request_extend", [case.pk, request.pk], {"notice_on": "2026-03-03"}),
        ("records_item_receive", [case.pk, request.pk, item.pk], {"received_on": "2026-03-03"}),
    ):
        response = client.post(reverse(name, args=args), data | {"version": "1"})
        assert response.status_code == 404
        assert case.patient.full_name.encode() not in response.content
    item.refresh_from_db()
    assert item.received_on is None and RecordsRequest.objects.count() == 1


def test_a_request_of_another_case_is_404(client_for, alex, case):
    other = factories.open_case(alex)
    request = factories.records_request(other, alex)
    response = client_for(alex).get(reverse("records_request_detail", args=[case.pk, request.pk]))
    assert response.status_code == 404


def test_marking_a_record_not_received_unticks_the_checklist(client_for, alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    item = request.items.get()
    services.records_item_receive(item=item, by=alex, received_on=D(2026, 3, 3))
    client = client_for(alex)
    receive = reverse("records_item_receive", args=[case.pk, request.pk, item.pk])
    response = submit(client, detail_url(request), receive, pick={"not_received": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.received_on is None
    assert ChecklistItem.objects.get(pk=item.checklist_item_id).done_at is None


def test_a_future_arrival_is_refused_on_its_field_and_the_date_kept(client_for, alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    item = request.items.get()
    receive = reverse("records_item_receive", args=[case.pk, request.pk, item.pk])
    response = submit(client_for(alex), detail_url(request), receive, received_on="2026-03-09")
    assert response.status_code == 400
    shown = text(response)
    assert "A record cannot arrive after today." in shown
    assert f'id="item-{item.pk}-received-on" name="received_on" value="2026-03-09"' in shown
    assert f'href="#item-{item.pk}-received-on"' in shown


def test_an_arrival_from_a_stale_page_is_a_conflict(client_for, alex, casey, case):
    request = factories.records_request(case, alex, kinds=["slides", "mri_dicom"])
    stale = client_for(alex).get(detail_url(request))
    services.records_request_send(records_request=request, by=casey, sent_on=D(2026, 3, 3))
    slides = request.items.get(kind="slides")
    receive = reverse("records_item_receive", args=[case.pk, request.pk, slides.pk])
    data = form_data(stale, receive) | {"received_on": ["2026-03-04"]}
    response = client_for(alex).post(receive, data)
    assert response.status_code == 409
    assert "Someone else changed this records request after you opened it." in text(response)
    slides.refresh_from_db()
    assert slides.received_on is None
    # The page now carries the current version: sending it again goes through.
    again = client_for(alex).post(receive, form_data(response, receive))
    assert again.status_code == 302


def test_the_extension_is_recorded_once_with_its_new_due_date(client_for, alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 2, 2))
    client = client_for(alex)
    extend = reverse("records_request_extend", args=[case.pk, request.pk])
    response = submit(client, detail_url(request), extend, notice_on="2026-03-03")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answer_due_on == D(2026, 4, 3)
    page = text(client.get(detail_url(request)))
    assert "received Mar 3, 2026 (30 more days)" in page
    assert extend not in page  # no second extension offered


def test_a_late_extension_notice_is_refused_with_the_reason(client_for, alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 1, 20))
    extend = reverse("records_request_extend", args=[case.pk, request.pk])
    response = submit(client_for(alex), detail_url(request), extend, notice_on="2026-03-02")
    assert response.status_code == 400
    shown = text(response)
    assert "A notice must arrive within the first 30 days (by Feb 19, 2026)" in shown
    assert 'value="2026-03-02"' in shown


def test_the_details_saved_from_a_stale_page_show_both_values(client_for, alex, casey, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    stale = client_for(alex).get(detail_url(request))
    services.records_request_update(
        records_request=request, by=casey, fields={"tracking_number": "CASEY-1"}
    )
    data = form_data(stale, "") | {"tracking_number": ["ALEX-1"]}
    response = client_for(alex).post(detail_url(request), data)
    assert response.status_code == 409
    shown = text(response)
    assert "CASEY-1" in shown and 'value="ALEX-1"' in shown
    again = client_for(alex).post(detail_url(request), form_data(response, ""))
    assert again.status_code == 302
    request.refresh_from_db()
    assert request.tracking_number == "ALEX-1"


def test_a_closed_case_shows_its_requests_without_forms(client_for, alex, case):
    from cases.workflow import services as workflow

    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    workflow.case_set_status(case=case, status="withdrawn", reason="Moved away", by=alex)
    client = client_for(alex)
    page = text(client.get(detail_url(request)))
    assert "This case is closed: reopen it to change its records requests." in page
    receive = reverse("records_item_receive", args=[case.pk, request.pk, request.items.get().pk])
    assert receive not in page and "Mark sent" not in page
    assert new_url(case) not in text(client.get(case.get_absolute_url()))


def test_the_case_page_stays_within_its_query_budget_with_requests(
    client_for, alex, case, django_assert_max_num_queries
):
    for index in range(6):
        factories.records_request(
            case,
            alex,
            kinds=["pathology_report", "slides", "other"],
            description=f"Item {index}",
            contact=factories.ContactFactory(),
            sent_on=D(2026, 2, 1 + index),
        )
    client = client_for(alex)
    client.get(case.get_absolute_url())
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = client.get(case.get_absolute_url())
    assert response.content.count(b"data-records-request=") == 6
    # Sent 1 February: due 3 March, a day ago; sent 2 February: due today.
    assert b"1 day overdue" in response.content and b"Answer due today" in response.content


def test_the_request_page_says_overdue_and_follow_up_due(client_for, alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 1, 30))
    shown = text(client_for(alex).get(detail_url(request)))
    # Sent Friday 30 January: due Sunday 1 March, 3 days ago; follow-up was Friday 6 February.
    assert "Sun Mar 1, 2026 · 3 days overdue" in shown
    assert "Follow-up due Feb 6" in shown


def test_save_the_date_corrects_when_a_record_arrived(client_for, alex, case):
    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    item = request.items.get()
    services.records_item_receive(item=item, by=alex, received_on=D(2026, 3, 4))
    client = client_for(alex)
    page = client.get(detail_url(request))
    assert b"Save the date" in page.content
    receive = reverse("records_item_receive", args=[case.pk, request.pk, item.pk])
    data = form_data(page, receive) | {"received_on": ["2026-03-03"]}
    assert client.post(receive, data).status_code == 302
    item.refresh_from_db()
    assert item.received_on == D(2026, 3, 3)
    request.refresh_from_db()
    assert request.completed_on == D(2026, 3, 3)
