"""Every staff page (tests/staff_pages.py lists them) in Debian's chromium: on a phone 390 px
wide nothing scrolls sideways and the menu is reachable, with JavaScript (behind its button) and
without (open); and axe-core finds no violation, on a desk's screen and on the phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.staff_pages import DESK, PHONE, STAFF_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What sticks out past the right edge of the screen, for the failure message.
WIDER_THAN_THE_SCREEN = """width => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5)
  .map(element => `${element.tagName.toLowerCase()}.${element.className} ` +
       `${Math.round(element.getBoundingClientRect().right)}px`)"""


def _too_wide(page: Page) -> str:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return ""
    return f"{width} px wide: {page.evaluate(WIDER_THAN_THE_SCREEN, PHONE['width'])}"


def _menu_problem(page: Page, *, javascript: bool) -> str:
    """ "" when the menu's last item, Log out, can be reached and is on the screen."""
    log_out = page.get_by_role("button", name="Log out")
    if javascript:
        expect(log_out).to_be_hidden()
        toggler = page.get_by_role("button", name="Menu")
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(log_out).to_be_visible()
    box = log_out.bounding_box()
    return "" if box["x"] + box["width"] <= PHONE["width"] else f"Log out at {box['x']} px"


def _violations(page: Page) -> str:
    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()


def test_every_staff_page_fits_a_phone_its_menu_opens_and_axe_finds_nothing(staff_browser):
    problems = {}
    for staff_page in STAFF_PAGES:
        page = staff_browser.open(staff_page, viewport=PHONE)
        found = [_too_wide(page), _violations(page)]
        if staff_page.who:
            found.append(_menu_problem(page, javascript=True))
            found.append(_too_wide(page))  # the menu open
        if any(found):
            problems[staff_page.name] = [problem for problem in found if problem]
        staff_browser.close_pages()
    assert problems == {}, "\n\n".join(f"{name}: {found}" for name, found in problems.items())


def test_without_javascript_every_staff_page_fits_a_phone_with_its_menu_open(staff_browser):
    problems = {}
    for staff_page in STAFF_PAGES:
        if staff_page.then is not None:
            continue  # the same page as without the action
        page = staff_browser.open(staff_page, viewport=PHONE, javascript=False)
        found = [_too_wide(page)]
        if staff_page.who:
            found.append(_menu_problem(page, javascript=False))
        if any(found):
            problems[staff_page.name] = [problem for problem in found if problem]
        staff_browser.close_pages()
    assert problems == {}, "\n\n".join(f"{name}: {found}" for name, found in problems.items())


def test_every_staff_page_passes_axe_core_on_a_desk(staff_browser):
    problems = {}
    for staff_page in STAFF_PAGES:
        page = staff_browser.open(staff_page, viewport=DESK)
        if violations := _violations(page):
            problems[staff_page.name] = violations
        staff_browser.close_pages()
    assert problems == {}, "\n\n".join(f"{name}:\n{found}" for name, found in problems.items())
