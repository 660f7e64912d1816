"""The team-wide records requests list: who sees which requests, its filters (waiting, past
the follow-up date, past the legal clock, by contact, by social worker for supervisors),
paging, the audit trail, and a fixed number of queries however long it is."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AuditEvent
from cases.records import services
from tests import factories

TEAM = ZoneInfo("America/New_York")
WEDNESDAY = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=TEAM)
D = datetime.date
URL = reverse("records_requests")


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def shown(response) -> list[int]:
    """The ids of the requests listed, in order."""
    assert response.status_code == 200
    return [
        int(pk) for pk in re.findall(r'data-records-request="(\d+)"', response.content.decode())
    ]


@pytest.fixture
def requests(alex, blair):
    """A spread of alex's requests and one of blair's, on 4 March 2026."""
    lab = factories.ContactFactory(name="Example Pathology Lab", kind="pathology_lab")
    office = factories.ContactFactory(name="Example Records Office")
    case = factories.open_case(alex)
    late = factories.records_request(case, alex, contact=office, sent_on=D(2026, 1, 30))
    follow_up = factories.records_request(
        case, alex, kinds=["slides"], contact=lab, sent_on=D(2026, 2, 20)
    )
    fresh = factories.records_request(
        case, alex, kinds=["mri_dicom"], contact=office, sent_on=D(2026, 3, 3)
    )
    draft = factories.records_request(case, alex, kinds=["operative_note"], contact=lab)
    done = factories.records_request(
        case, alex, kinds=["referral_letter"], contact=lab, sent_on=D(2026, 2, 2)
    )
    services.records_item_receive(item=done.items.get(), by=alex, received_on=D(2026, 2, 9))
    blairs = factories.records_request(
        factories.open_case(blair), blair, contact=office, sent_on=D(2026, 3, 2)
    )
    return {
        "late": late.pk,
        "follow_up": follow_up.pk,
        "fresh": fresh.pk,
        "draft": draft.pk,
        "done": done.pk,
        "blairs": blairs.pk,
        "lab": lab.pk,
        "office": office.pk,
    }


def test_a_social_worker_sees_the_requests_of_their_cases_answer_due_soonest_first(
    client_for, alex, requests
):
    response = client_for(alex).get(URL)
    assert shown(response) == [
        requests["late"],
        requests["follow_up"],
        requests["fresh"],
        requests["draft"],
    ]
    page = re.sub(r"<[^>]+>", "", response.content.decode())
    page = re.sub(r"\s+", " ", page)
    assert "Answer due Sun Mar 1, 2026 · 3 days overdue" in page
    assert "Follow-up due Feb 27" in page
    assert "0 of 1 received" in page


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("waiting", ["late", "follow_up", "fresh"]),
        ("not_sent", ["draft"]),
        ("follow_up", ["late", "follow_up"]),
        ("late", ["late"]),
        ("complete", ["done"]),
        ("all", ["late", "follow_up", "fresh", "done", "draft"]),
        ("nonsense", ["late", "follow_up", "fresh", "draft"]),
    ],
)
def test_the_show_filter(client_for, alex, requests, show, expected):
    found = shown(client_for(alex).get(URL, {"show": show}))
    assert sorted(found) == sorted(requests[name] for name in expected)


def test_by_contact(client_for, alex, requests):
    found = shown(client_for(alex).get(URL, {"contact": requests["lab"], "show": "all"}))
    assert sorted(found) == sorted([requests["follow_up"], requests["draft"], requests["done"]])
    assert shown(client_for(alex).get(URL, {"contact": "abc"})) != []


def test_a_covering_colleague_sees_alexs_and_another_worker_does_not(
    client_for, casey, blair, requests
):
    assert requests["late"] in shown(client_for(casey).get(URL))
    assert shown(client_for(blair).get(URL)) == [requests["blairs"]]


def test_a_supervisor_sees_everyone_and_filters_by_worker(client_for, sam, alex, requests):
    client = client_for(sam)
    everyone = shown(client.get(URL))
    assert requests["blairs"] in everyone and requests["late"] in everyone
    only_alex = shown(client.get(URL, {"worker": alex.pk}))
    assert requests["blairs"] not in only_alex and requests["late"] in only_alex
    assert b"Alex Rivera" in client.get(URL).content


def test_a_social_worker_cannot_filter_by_another_worker(client_for, blair, alex, requests):
    assert shown(client_for(blair).get(URL, {"worker": alex.pk})) == [requests["blairs"]]


def test_each_page_is_recorded_in_the_audit_trail(client_for, alex, requests):
    client_for(alex).get(URL, {"show": "late"})
    event = AuditEvent.objects.filter(changes__list="records_requests").get()
    assert event.actor == alex
    assert event.changes["filters"] == {"show": "late", "contact": None, "social_worker": None}
    assert len(event.changes["cases"]) == 1


def test_the_list_is_paged(client_for, alex):
    case = factories.open_case(alex)
    for day in range(1, 28):
        factories.records_request(
            case,
            alex,
            contact=factories.ContactFactory(name=f"Records office {day}"),
            sent_on=D(2026, 2, day),
        )
    client = client_for(alex)
    first, second = shown(client.get(URL)), shown(client.get(URL, {"page": 2}))
    assert (len(first), len(second)) == (25, 2)
    assert b"Page 1 of 2" in client.get(URL).content


def test_anonymous_goes_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["alex", "sam"])
def test_the_list_costs_a_fixed_number_of_queries(client_for, alex, sam, who):
    user = {"alex": alex, "sam": sam}[who]
    client = client_for(user)

    def cost(count: int) -> int:
        for index in range(count):
            case = factories.open_case(alex)
            factories.records_request(
                case,
                alex,
                kinds=["pathology_report", "slides"],
                contact=factories.ContactFactory(name=f"Office {count}-{index}"),
                sent_on=D(2026, 2, 2),
            )
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries.captured_queries)

    few, many = cost(2), cost(30)
    assert few == many <= 10


def test_requests_of_closed_cases_are_left_out_unless_all_are_asked_for(client_for, alex):
    from cases.workflow import services as workflow

    case = factories.open_case(alex)
    request = factories.records_request(case, alex, sent_on=D(2026, 3, 2))
    workflow.case_set_status(case=case, status="withdrawn", reason="Moved away", by=alex)
    client = client_for(alex)
    assert request.pk not in shown(client.get(URL))
    assert request.pk not in shown(client.get(URL, {"show": "waiting"}))
    assert request.pk in shown(client.get(URL, {"show": "all"}))
