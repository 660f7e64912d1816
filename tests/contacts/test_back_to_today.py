"""From a Today row to the case page, then to the contact log's and follow-ups' own pages:
saving there leads back to Today, as the case page's own forms do."""

import html
import re

import pytest
import time_machine

from tests.browser_form import form_data
from tests.today.data import MONDAY, alex_monday, at


@pytest.fixture
def monday(alex, blair):
    with time_machine.travel(at(MONDAY, 10), tick=False):
        yield alex_monday(alex, blair)


def _case_page(client, slug):
    page = client.get("/today/")
    listed = next(item for item in page.context["lists"] if item.slug == slug)
    return client.get(listed.rows[0].url.partition("#")[0])


def _link(page, pattern):
    found = re.search(rf'href="({pattern}[^"]*)"', page.content.decode())
    assert found, pattern
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("slug", "pattern", "typed"),
    [
        ("follow-ups", r"/cases/\d+/contact-log/new/", {"name": "Example Clinic"}),
        ("follow-ups", r"/cases/\d+/follow-ups/new/\?next", {"what": "Fax the form"}),
    ],
)
def test_the_contact_pages_opened_from_today_lead_back(
    client_for, alex, monday, slug, pattern, typed
):
    client = client_for(alex)
    link = _link(_case_page(client, slug), pattern)
    assert f"next=/today/%23{slug}" in link.replace("%2F", "/")
    form_page = client.get(link)
    assert form_page.status_code == 200
    data = form_data(form_page)
    assert data["next"] == [f"/today/#{slug}"]
    if "contact-log" in link:
        data |= {"channel": ["call"], "direction": ["out"], "outcome": ["reached"]}
        data |= {"contact": [""], "contact_other": ["Example Clinic"]}
    data |= {name: [value] for name, value in typed.items() if name != "name"}
    response = client.post(link, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == f"/today/#{slug}"


def test_a_next_with_a_control_character_is_ignored_as_on_the_case_page(client_for, alex, case):
    client = client_for(alex)
    response = client.get(f"/cases/{case.pk}/follow-ups/new/", {"next": "/today/\x07"})
    assert response.status_code == 200 and response.context["next"] == ""
