"""A favicon: linked from every page's head, staff and patient, and at /favicon.ico, where
browsers look for it by themselves (the admin's pages included)."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.patient.status_page_data import case_in_progress, issue, status_url

ICON_LINKS = ('<link rel="icon" href="/favicon.ico"', 'href="/static/favicon.svg"')


def _body(response) -> bytes:
    return b"".join(response) if response.streaming else response.content


def test_favicon_ico_answers_at_the_root_for_anyone(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert _body(response)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_svg_icon_is_a_static_file():
    """Served as every static file is (collected in production, from the app in the demo:
    tests/test_demo_pages.py)."""
    assert "<svg" in Path(finders.find("favicon.svg")).read_text()


def test_staff_pages_link_the_icon(client_for, alex):
    for html in (
        client_for(alex).get(reverse("caseload")).content.decode(),
        client_for(alex).get("/no-such-page/").content.decode(),
    ):
        assert all(link in html for link in ICON_LINKS)


def test_patient_pages_link_the_icon(client, alex):
    issued = issue(case_in_progress(alex), alex)
    for html in (
        client.get(status_url(issued.token)).content.decode(),
        client.get(status_url("x" * 43)).content.decode(),
    ):
        assert all(link in html for link in ICON_LINKS)
