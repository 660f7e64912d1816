"""The records pages in Debian's chromium: an axe-core scan, with zero violations, of the
requests list, the new-request form (blank and sent back with errors) and a request's page."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import factories
from tests.test_browser import browser_page  # noqa: F401 - the fixture

PASSWORD = "correct-horse-battery"  # noqa: S105 - the factories' test password


def _assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_records_pages_pass_axe_core(live_server, browser_page):  # noqa: F811
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    case = factories.open_case(alex)
    # Sent on a fixed day (whatever the clock shows on the page, axe-core scans it the same).
    sent = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
    request = factories.records_request(
        case, alex, kinds=["pathology_report", "slides"], sent_on=sent.date(), now=sent
    )
    factories.records_request(case, alex, kinds=["mri_dicom"], contact_other="Example Imaging")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Records requests", exact=True).click()
    expect(page.get_by_role("heading", name="Records requests")).to_be_visible()
    expect(page.locator("tr[data-records-request]")).to_have_count(2)
    _assert_no_violations(page, "records requests list")

    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="New records request").click()
    expect(page.get_by_role("heading", name="New records request")).to_be_visible()
    _assert_no_violations(page, "new records request form")

    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Tracking number").fill("KEPT-123")
    page.get_by_role("button", name="Save the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what the other record is.")
    expect(page.get_by_label("Tracking number")).to_have_value("KEPT-123")
    _assert_no_violations(page, "new records request form with errors")

    page.goto(f"{live_server.url}/cases/{case.pk}/records-requests/{request.pk}/")
    expect(page.get_by_role("heading", name="Records asked for")).to_be_visible()
    _assert_no_violations(page, "records request page")
