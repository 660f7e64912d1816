"""A social worker's first morning, in Debian's chromium driven by Playwright."""

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        yield page
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_log_in_open_a_case_complete_the_referral_and_see_the_caseload_change(
    live_server, browser_page
):
    factories.ensure_defaults()  # a transactional test starts from empty tables
    factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    page = browser_page

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    # A social worker lands on Today; the caseload is one click away.
    expect(page).to_have_url(f"{live_server.url}/today/")
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    page.get_by_role("link", name="Open a new case").click()
    page.get_by_label("Patient's full name").fill("Wren Thistlewood")
    page.get_by_label("Date of birth").fill("1968-04-12")
    page.get_by_label("Phone").fill("555-0142")
    page.get_by_label("Wants a team more experienced with this tumour").check()
    page.get_by_label("Centre (not in directory)").fill("Example Brain Tumor Center")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("status")).to_contain_text("Case opened.")

    page.get_by_role("link", name="Caseload").click()
    row = page.get_by_role("row", name="Wren Thistlewood")
    expect(row).to_contain_text("Referral")

    row.get_by_role("link", name="Wren Thistlewood").click()
    referral = page.locator("section[data-stage=referral]")
    referral.get_by_role("button", name="Mark done").click()
    expect(referral.locator(".step-status")).to_have_text("Done")

    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("row", name="Wren Thistlewood")).to_contain_text(
        "Insurance preauthorization"
    )
