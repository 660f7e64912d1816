"""The contact log and follow-ups in Debian's chromium: a social worker logs a call with a
follow-up (with JavaScript, through the directory's filter; without it, through the grouped
select), sees both on the case page and marks the follow-up done; and an axe-core scan of each
page, with zero violations.

Browser tests run at the real instant (the browser keeps its own clock, which time-machine
cannot move); every date typed is counted from today, so they pass on any day, and
`make test-other-date` runs them at another.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from cases.business_days import add_business_days, team_today
from cases.models import ContactLogEntry, FollowUp
from tests import factories
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def staff_page(request):
    """A desktop-sized page; an indirect parameter of False turns JavaScript off."""
    javascript = getattr(request, "param", True)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=javascript)
        yield context.new_page()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _alex_with_a_case():
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    factories.ContactFactory(
        kind="insurer", name="Example Health Plan", phone="555-0101", fax="555-0102"
    )
    factories.ContactFactory(kind="records_office", name="Example Hospital Records", phone="")
    factories.ContactFactory(kind="pathology_lab", name="Example Pathology Lab", phone="555-0120")
    return alex, factories.open_case(alex)


def _log_in(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


def _assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("staff_page", [True, False], ids=["js", "no-js"], indirect=True)
def test_a_social_worker_logs_a_call_with_a_follow_up_and_marks_it_done(
    live_server, staff_page, request
):
    javascript = request.node.callspec.params["staff_page"]
    _alex, case = _alex_with_a_case()
    page = staff_page
    _log_in(page, live_server, case.get_absolute_url())

    page.get_by_role("link", name="Log a call, fax or email").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log a call")
    page.get_by_label("How").select_option("call")
    chooser = page.get_by_label("With (from the directory)")
    if javascript:
        page.get_by_label("Find in the directory").fill("health")
        expect(chooser).to_have_value(str(_contact_id("Example Health Plan")))
        # The number used is the chosen insurer's line.
        expect(page.get_by_label("Number or address used")).to_have_value("555-0101")
    else:
        expect(page.get_by_label("Find in the directory")).to_be_hidden()
        chooser.select_option(label="Example Health Plan · 555-0101")
        page.get_by_label("Number or address used").fill("555-0101")
    page.get_by_label("Reference number").fill("REF-55")
    page.get_by_label("Outcome").select_option("left_message")
    due = add_business_days(team_today(), 2)
    page.get_by_label("What needs doing").fill("Call back for the decision")
    page.get_by_label("Due", exact=True).fill(due.isoformat())
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("status").first).to_contain_text("Contact logged. Follow-up for Alex")
    log = page.locator("#contact-log")
    expect(log).to_contain_text("Phone call to Example Health Plan · Left a message")
    expect(log).to_contain_text("REF-55")
    follow_ups = page.locator("#follow-ups")
    expect(follow_ups).to_contain_text("Call back for the decision")
    # The button's name says which follow-up (in visually hidden text).
    follow_ups.get_by_role("button", name=re.compile(r"^Mark done\s*: Call back")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Follow-up done: Call back for the decision"
    )
    expect(page.locator("#follow-ups")).to_contain_text("done by Alex Rivera")
    assert ContactLogEntry.objects.get().number_used == "555-0101"
    assert FollowUp.objects.get().done_at is not None


def _contact_id(name: str) -> int:
    from cases.models import Contact

    return Contact.objects.get(name=name).pk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_contact_and_follow_up_page_passes_axe_core(live_server, staff_page):
    alex, case = _alex_with_a_case()
    page = staff_page
    _log_in(page, live_server, f"/cases/{case.pk}/contact-log/new/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Log a call")
    _assert_no_violations(page, "contact log form")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _assert_no_violations(page, "contact log form with errors")

    page.get_by_label("With (from the directory)").select_option(
        label="Example Pathology Lab · 555-0120"
    )
    page.get_by_label("Outcome").select_option("reached")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator("#contact-log")).to_contain_text("Example Pathology Lab")

    page.get_by_role("link", name="Correct this entry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct a contact-log entry")
    _assert_no_violations(page, "correction form")

    page.goto(f"{live_server.url}/cases/{case.pk}/follow-ups/new/")
    _assert_no_violations(page, "follow-up form")
    page.get_by_label("What needs doing").fill("")
    page.get_by_role("button", name="Add the follow-up").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _assert_no_violations(page, "follow-up form with errors")
    page.get_by_label("What needs doing").fill("Fax the release again")
    page.get_by_role("button", name="Add the follow-up").click()

    expect(page.locator("#follow-ups")).to_contain_text("Fax the release again")
    _assert_no_violations(page, "case page with its follow-ups and contact log")
