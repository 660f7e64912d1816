"""From Today's *Records requests to chase* to the case page, the request's page and back:
marking the records received there leads back to Today, as the case page's forms do."""

import datetime
import html
import re
import zoneinfo

import pytest
import time_machine

from tests import factories
from tests.browser_form import form_data

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def _link(page, pattern: str) -> str:
    found = re.search(rf'href="({pattern}[^"]*)"', page.content.decode())
    assert found, pattern
    return html.unescape(found.group(1))


def test_records_received_from_a_today_row_lead_back_to_today(client_for, alex, case):
    request = factories.records_request(
        case,
        alex,
        kinds=["pathology_report", "slides"],
        sent_on=datetime.date(2026, 10, 1),
    )
    client = client_for(alex)
    today = client.get("/today/")
    listed = next(item for item in today.context["lists"] if item.slug == "records-requests")
    assert [row.case_id for row in listed.rows] == [case.pk]
    case_page = client.get(listed.rows[0].url.partition("#")[0])
    opened = _link(case_page, rf"/cases/{case.pk}/records-requests/{request.pk}/")
    assert "next=" in opened
    request_page = client.get(opened)
    assert request_page.status_code == 200
    assert 'href="/today/#records-requests"' in request_page.content.decode()

    receive_forms = re.findall(r'action="([^"]*/received/)"', request_page.content.decode())
    assert len(receive_forms) == 2
    data = form_data(request_page, action=receive_forms[0])
    assert data["next"] == ["/today/#records-requests"]
    first = client.post(receive_forms[0], data)
    # One record still to come: the request's page again, still leading back to Today.
    assert first.status_code == 302 and "next=" in first.url
    second_page = client.get(first.url)
    data = form_data(second_page, action=receive_forms[1])
    last = client.post(receive_forms[1], data)
    assert last.status_code == 302 and last.url == "/today/#records-requests"
    listed = next(
        item for item in client.get("/today/").context["lists"] if item.slug == "records-requests"
    )
    assert listed.rows == []
