"""The daily loop in Debian's chromium (issue #13): a social worker logs in and lands on
Today, opens a case from it, logs a call to an insurer from the directory with a follow-up due
today and sees it on Today; sends a records request to a records office (pathology report and
slides), downloads its letter and reads it back, marks both records received and sees the
checklist ticked and the request gone from Today's chase list; then marks the follow-up done
from Today's link and sees Today's count drop.

Like the other browser tests it runs at the real instant (the browser keeps its own clock,
which time-machine cannot move): every date typed or read is counted from the team's today,
so it passes on any day, and CI reruns it under faketime.
"""

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from cases.business_days import team_today
from cases.models import FollowUp, RecordsRequest
from cases.workflow import services
from tests import factories
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

PASSWORD = "correct-horse-battery"  # noqa: S105 - the factories' test password


@pytest.fixture
def page():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_context(accept_downloads=True).new_page()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _count(page, slug: str):
    """The count on Today's button for one list."""
    return page.get_by_role("navigation", name="Today's lists").locator(f"[data-count='{slug}']")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_social_worker_works_through_the_day_from_today(live_server, page):
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    factories.ContactFactory(kind="insurer", name="Example Health Plan", phone="555-0101")
    office = factories.ContactFactory(
        kind="records_office", name="Example Hospital Records", phone="555-0130", fax="555-0131"
    )
    case = factories.open_case(alex, patient={"full_name": "Wren Thistlewood"})
    # The referral falls due today, so the case is on Today when alex logs in.
    services.due_date_move(
        step=case.steps.get(stage="referral"),
        due_date=team_today(),
        reason="Agreed with the office",
        by=alex,
    )

    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(_count(page, "follow-ups")).to_have_text("0")
    expect(_count(page, "records-requests")).to_have_text("0")

    # Open the case from Today and log a call to the insurer, with a follow-up due today.
    page.locator("#due-today").get_by_role("link", name="Wren Thistlewood").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wren Thistlewood")
    page.get_by_role("link", name="Log a call, fax or email").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log a call")
    page.get_by_label("How").select_option("call")
    page.get_by_label("Find in the directory").fill("health")
    expect(page.get_by_label("Number or address used")).to_have_value("555-0101")
    page.get_by_label("Outcome").select_option("left_message")
    page.get_by_label("What needs doing").fill("Call back for the decision")
    page.get_by_label("Due", exact=True).fill(team_today().isoformat())
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("status").first).to_contain_text("Contact logged")
    # Opened from Today, each saved form leads back to Today.
    expect(page).to_have_url(re.compile(r"/today/"))
    expect(_count(page, "follow-ups")).to_have_text("1")
    expect(page.locator("#follow-ups")).to_contain_text("Call back for the decision")
    expect(page.locator("#follow-ups")).to_contain_text("Due today")

    # A records request to the records office: pathology report and slides.
    page.locator("#due-today").get_by_role("link", name="Wren Thistlewood").click()
    expect(page.locator("#contact-log")).to_contain_text("Phone call to Example Health Plan")
    page.get_by_role("link", name="New records request").click()
    expect(page.get_by_role("heading", name=re.compile("New records request"))).to_be_visible()
    page.get_by_label("From (the contacts directory)").select_option(str(office.pk))
    page.get_by_label("Pathology report").check()
    page.get_by_label("Glass slides or paraffin block").check()
    page.get_by_role("button", name="Save the request").click()
    expect(page.get_by_role("status").first).to_contain_text("Records request saved.")
    expect(page).to_have_url(re.compile(r"/today/"))

    # Sent today, to be followed up today: it is on Today's chase list.
    page.locator("#due-today").get_by_role("link", name="Wren Thistlewood").click()
    page.get_by_role("link", name=re.compile("^Open the request to Example Hospital")).click()
    expect(page.get_by_role("heading", name="Records asked for")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Letter and fax cover (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert "Thistlewood" not in download.suggested_filename
    text = " ".join(
        re.sub(r"\s+", " ", pdf_page.extract_text())
        for pdf_page in PdfReader(download.path()).pages
    )
    assert "Wren Thistlewood" in text
    assert "Pathology report" in text
    assert "Glass slides or paraffin block" in text

    send = page.get_by_role("form", name="Mark it sent")
    send.get_by_label("Sent on").fill(team_today().isoformat())
    send.get_by_label("Follow up on (empty: the default)").fill(team_today().isoformat())
    send.get_by_role("button", name="Mark sent").click()
    expect(page).to_have_url(re.compile(r"/today/"))
    assert RecordsRequest.objects.get().sent_on == team_today()
    expect(_count(page, "records-requests")).to_have_text("1")
    expect(page.locator("#records-requests")).to_contain_text(
        "Records request to Example Hospital Records"
    )

    # Both records arrive: the first leaves the request's page open for the second, the last
    # leads back to Today, where the request no longer needs chasing.
    page.locator("#records-requests").get_by_role("link", name="Wren Thistlewood").click()
    page.get_by_role("link", name=re.compile("^Open the request to Example Hospital")).click()
    page.get_by_role("button", name=re.compile(r"^Received\s*:\s*Pathology report")).click()
    expect(page.get_by_role("listitem").filter(has_text="Pathology report")).to_contain_text(
        "received"
    )
    page.get_by_role(
        "button", name=re.compile(r"^Received\s*:\s*Glass slides or paraffin block")
    ).click()
    expect(page).to_have_url(re.compile(r"/today/"))
    expect(_count(page, "records-requests")).to_have_text("0")
    expect(page.locator("#records-requests")).to_contain_text("No records request needs chasing.")

    # The records checklist items that name them are ticked (their buttons now untick).
    page.locator("#due-today").get_by_role("link", name="Wren Thistlewood").click()
    for words in ("pathology report", "slides"):
        expect(
            page.get_by_role("button", name=re.compile(f"^Untick: .*{words}", re.IGNORECASE))
        ).to_be_visible()
    page.get_by_role("link", name="Today", exact=True).click()

    # The follow-up, from Today's link: marked done, and Today's count drops.
    page.locator("#follow-ups").get_by_role(
        "link", name="Do it, then mark the follow-up done."
    ).click()
    page.locator("#follow-ups").get_by_role(
        "button", name=re.compile(r"^Mark done\s*: Call back")
    ).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Follow-up done: Call back for the decision"
    )
    if not page.url.split("#")[0].endswith("/today/"):
        page.get_by_role("link", name="← Back to Today").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(_count(page, "follow-ups")).to_have_text("0")
    expect(page.locator("#follow-ups")).to_contain_text("No follow-up is due.")
    assert FollowUp.objects.get().done_at is not None
