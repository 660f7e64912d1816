"""The status page in Debian's chromium: a patient on a phone, and an axe-core scan of every page
the patient can see, in English and in Spanish."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from cases.patient import links as status_links
from tests import factories
from tests.patient.status_page_data import BIRTH_DATE, case_in_progress, issue
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_page(request):
    """A phone-sized page; an indirect parameter of False turns JavaScript off."""
    javascript = getattr(request, "param", True)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        yield context.new_page()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _link(live_server, preferred_language="en"):
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    issued = issue(case_in_progress(alex, preferred_language=preferred_language), alex)
    return issued, f"{live_server.url}/s/{issued.token}/"


def _pass_check(page, *, month: str, day: str, year: str, button: str):
    page.get_by_label(month).select_option(str(BIRTH_DATE.month))
    page.get_by_label(day).fill(str(BIRTH_DATE.day))
    page.get_by_label(year).fill(str(BIRTH_DATE.year))
    page.get_by_role("button", name=button).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("phone_page", [True, False], ids=["js", "no-js"], indirect=True)
def test_a_patient_on_a_phone_checks_in_sees_the_stage_adds_a_question_and_gets_the_calendar(
    live_server, phone_page
):
    _issued, url = _link(live_server)
    page = phone_page

    page.goto(url)
    expect(page).to_have_title("Check your date of birth")
    _pass_check(page, month="Month", day="Day", year="Year", button="Continue")

    expect(page.get_by_role("heading", name="Where your request is")).to_be_visible()
    current = page.locator("li[aria-current=step]")
    expect(current).to_contain_text("2. Insurance approval")
    expect(current).to_contain_text("Waiting on: your insurance company.")

    page.get_by_label("Your question").fill("Can I keep working during treatment?")
    page.get_by_role("button", name="Add my question").click()
    expect(page.locator(".my-questions")).to_contain_text("Can I keep working during treatment?")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add the visit to my calendar").click()
    download = download_info.value
    assert download.suggested_filename == "appointment.ics"
    with open(download.path(), encoding="utf-8") as calendar:
        assert "DTSTART:20310506T143000Z" in calendar.read()

    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Printed, the page keeps the words and drops the buttons and forms.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Add my question")).to_be_hidden()
    expect(page.get_by_role("heading", name="Where your request is")).to_be_visible()


def _assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            {
                "month": "Month",
                "day": "Day",
                "year": "Year",
                "go": "Continue",
                "change": "Change question 1",
            },
        ),
        (
            "es",
            {
                "month": "Mes",
                "day": "Día",
                "year": "Año",
                "go": "Continuar",
                "change": "Cambiar la pregunta 1",
            },
        ),
    ],
)
def test_every_patient_page_passes_axe_core(live_server, phone_page, language, words):
    issued, url = _link(live_server, preferred_language=language)
    status_links.patient_question_add(link=issued.link, text="Can I keep working?")
    page = phone_page

    page.goto(f"{live_server.url}/s/not-a-real-link/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _assert_no_violations(page, "link that does not work")

    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    _assert_no_violations(page, "birth-date check")

    page.get_by_label(words["year"]).fill("1900")
    page.get_by_role("button", name=words["go"]).click()
    expect(page.get_by_role("alert")).to_be_visible()
    _assert_no_violations(page, "birth-date check with an error")

    _pass_check(
        page, month=words["month"], day=words["day"], year=words["year"], button=words["go"]
    )
    expect(page.locator("#stages-title")).to_be_visible()
    _assert_no_violations(page, "status page")

    page.get_by_role("link", name=words["change"]).click()
    expect(page.locator("#question-text")).to_have_value("Can I keep working?")
    _assert_no_violations(page, "question edit page")
