"""In a real browser: the Content Security Policy blocks nothing the pages need, and the idle
warning's script runs and keeps the session alive without leaving the page."""

import pytest

from tests import factories
from tests.test_browser import browser_page  # noqa: F401 - the shared Playwright fixture


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_policy_and_the_idle_warning_works(
    live_server,
    browser_page,  # noqa: F811
    settings,
):
    factories.ensure_defaults()
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    case = factories.open_case(alex)
    # The warning shows as soon as the page loads: a 15-minute session that warns 15 minutes out.
    settings.STAFF_IDLE_WARNING_MINUTES = settings.STAFF_IDLE_TIMEOUT_MINUTES
    page = browser_page
    console = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{case.get_absolute_url()}")

    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible")
    with page.expect_response(lambda response: "/accounts/keepalive/" in response.url) as kept:
        page.get_by_role("button", name="Stay logged in").click()
    assert kept.value.status == 204
    assert page.url.endswith(case.get_absolute_url())  # no navigation: typed text survives
    assert not [text for text in console if "Content Security Policy" in text]
