"""Today in Debian's chromium: an axe-core scan with no violations, as a social worker with
every list full and as a supervisor with the team's counts, and the case page's hold form
opened from Today; on a 390 px phone nothing scrolls sideways."""

import os

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from tests import factories
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.today.data import MONDAY, alex_monday, at

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def logged_in_page(browser, live_server, user, viewport=None):
    """A page whose browser holds `user`'s session (made on the server's clock, so the
    browser's own clock does not matter)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_today_has_no_accessibility_violations(live_server, browser):
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    blair = factories.social_worker("blair", first_name="Blair", last_name="Nguyen")
    sam = factories.supervisor("sam", first_name="Sam", last_name="Okafor")
    with time_machine.travel(at(MONDAY, 10)):
        alex_monday(alex, blair)
        page = logged_in_page(browser, live_server, alex)
        page.goto(f"{live_server.url}/today/")
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
        expect(page.locator("#overdue")).to_contain_text("Max Fivedays")
        assert_no_violations(page, "Today, every list full")

        page.locator("#holds").get_by_role("link", name="Hal Hold").click()
        expect(page.get_by_role("heading", name="The hold")).to_be_visible()
        assert_no_violations(page, "the case page of a hold, opened from Today")
        page.get_by_label("Review the hold on", exact=True).fill("2026-12-21")
        page.get_by_role("button", name="Change the review date").click()
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("reviewed on Dec 21, 2026")
        expect(page.locator("#holds")).to_contain_text("No hold is due for review.")

        team = logged_in_page(browser, live_server, sam)
        team.goto(f"{live_server.url}/today/")
        expect(team.get_by_role("heading", name="The team today")).to_be_visible()
        assert_no_violations(team, "the supervisor's Today of the team")
        team.goto(f"{live_server.url}/today/?worker={alex.pk}")
        expect(team.locator("#overdue")).to_contain_text("Max Fivedays")
        assert_no_violations(team, "the supervisor's Today for one worker")
        team.goto(f"{live_server.url}/today/?show=overdue&worker={alex.pk}")
        assert_no_violations(team, "one list shown whole, for one worker")

        # The page's own content fits a phone (the top bar's collapse is the navigation's
        # work, issue 13 section 6); wide tables scroll inside their own box.
        phone = logged_in_page(browser, live_server, alex, viewport=PHONE)
        phone.goto(f"{live_server.url}/today/")
        assert phone.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]
