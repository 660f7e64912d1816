"""Every staff page in Debian's chromium: the list of pages, a case that fills them, and a
logged-in browser at a phone's or a desk's width, with JavaScript on or off.

A new staff page is one line in STAFF_PAGES: its name, its address (given the `StaffWorld`,
whose case has a bit of everything), who opens it, and optionally what to do on it before it
is checked (send its form empty, to check the page with its errors). The browser tests of
`tests/caseload/test_staff_pages_browser.py` then check it on a phone (nothing wider than the
screen, the menu reachable) and with axe-core (no violations).

The fixtures `staff_world` and `staff_browser` are open to every test (tests/conftest.py):
`staff_browser.open(staff_page, viewport=PHONE)` returns the Playwright page.
"""

import datetime
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cases.models import Barrier, Delivery, Reminder, Rule
from cases.patient import links as status_links
from cases.reports.registry import REPORTS
from cases.screening import services as screening_services
from cases.workflow import services
from tests import factories
from tests.fhir import data as fhir_data
from tests.patient.status_page_data import case_in_progress
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@dataclass
class StaffWorld:
    """The people and the case the pages are opened with: alex owns the case (insurance,
    appointment, a note, a patient's question, a status link, an undelivered reminder, a
    records request, a follow-up due today and a timeline); sam supervises."""

    alex: object
    sam: object
    case: object
    records_request: object
    # A referral from an EHR waiting in the Unassigned list.
    referral: object = None
    follow_up: object = None


@dataclass(frozen=True)
class StaffPage:
    name: str
    path: Callable[[StaffWorld], str]
    # "alex" (the owner, a social worker), "sam" (a supervisor) or "" (nobody logged in).
    who: str = "alex"
    # What the user does on the page before it is checked (e.g. send its form empty).
    then: Callable[[Page], None] | None = None


def _send_empty(button: str) -> Callable[[Page], None]:
    """Press `button` without filling anything in: the page comes back saying what is missing."""

    def send(page: Page) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("alert").first).to_be_visible()

    return send


EXAMPLE_SHEET = Path(__file__).resolve().parent.parent / "docs" / "import-example.csv"


def _upload_example(page: Page) -> None:
    """Upload the README's example sheet: the page is then its preview."""
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(EXAMPLE_SHEET))
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()


def _import_example(page: Page) -> None:
    """Upload the example sheet and import it: the page is then the result."""
    _upload_example(page)
    page.get_by_role("button", name="Import 3 cases", exact=True).click()
    expect(page.get_by_role("heading", name="Import done")).to_be_visible()


def _case(name: str) -> Callable[[StaffWorld], str]:
    return lambda world: reverse(name, args=[world.case.pk])


STAFF_PAGES: list[StaffPage] = [
    StaffPage("login", lambda world: reverse("login"), who=""),
    StaffPage("caseload", lambda world: reverse("caseload")),
    StaffPage("caseload (supervisor)", lambda world: reverse("caseload"), who="sam"),
    StaffPage(
        "caseload, reassigning nothing",
        lambda world: reverse("caseload"),
        who="sam",
        then=_send_empty("Reassign selected"),
    ),
    StaffPage("intake", lambda world: reverse("case_intake")),
    StaffPage(
        "intake with mistakes", lambda world: reverse("case_intake"), then=_send_empty("Open case")
    ),
    StaffPage("import cases", lambda world: reverse("case_import"), who="sam"),
    StaffPage(
        "import cases, no file chosen",
        lambda world: reverse("case_import"),
        who="sam",
        then=_send_empty("Preview"),
    ),
    StaffPage(
        "import preview",
        lambda world: reverse("case_import"),
        who="sam",
        then=_upload_example,
    ),
    StaffPage(
        "import result",
        lambda world: reverse("case_import"),
        who="sam",
        then=_import_example,
    ),
    StaffPage("case page", _case("case_detail")),
    StaffPage("case page (supervisor)", _case("case_detail"), who="sam"),
    StaffPage("case page, a note left empty", _case("case_detail"), then=_send_empty("Add note")),
    StaffPage("case edit", _case("case_edit")),
    StaffPage("insurance edit", _case("insurance_edit")),
    StaffPage("appointment edit", _case("appointment_edit")),
    StaffPage("status links", _case("status_links")),
    StaffPage("contact log entry", _case("contact_log_add")),
    StaffPage("follow-up", _case("follow_up_add")),
    StaffPage(
        "follow-up change",
        lambda world: reverse("follow_up_change", args=[world.case.pk, world.follow_up.pk]),
    ),
    StaffPage("records request, new", _case("records_request_new")),
    StaffPage(
        "records request",
        lambda world: reverse(
            "records_request_detail", args=[world.case.pk, world.records_request.pk]
        ),
    ),
    StaffPage("records requests", lambda world: reverse("records_requests")),
    StaffPage("today", lambda world: reverse("today")),
    StaffPage("today (supervisor)", lambda world: reverse("today"), who="sam"),
    StaffPage(
        "today (supervisor), one social worker",
        lambda world: reverse("today") + f"?worker={world.alex.pk}",
        who="sam",
    ),
    StaffPage("access history", _case("case_access_history"), who="sam"),
    StaffPage("outbox", lambda world: reverse("outbox")),
    StaffPage("notification preferences", lambda world: reverse("notification_preferences")),
    StaffPage("reports dashboard", lambda world: reverse("reports"), who="sam"),
    StaffPage(
        "reports dashboard compared with the period before",
        lambda world: reverse("reports") + "?compare=on",
        who="sam",
    ),
    StaffPage(
        "report compared with the period before",
        lambda world: reverse("report", args=["timeliness"]) + "?compare=on",
        who="sam",
    ),
    *(
        StaffPage(
            f"report: {slug}", lambda world, slug=slug: reverse("report", args=[slug]), who="sam"
        )
        for slug in REPORTS
    ),
    StaffPage(
        "cases behind a report's count",
        lambda world: (
            reverse("report_cases", args=["caseload"])
            + f"?table=caseload&row={world.alex.pk}&col=open_cases"
        ),
        who="sam",
    ),
    StaffPage(
        "a report's count that is not there",
        lambda world: reverse("report_cases", args=["caseload"]) + "?table=nonsense",
        who="sam",
    ),
    StaffPage("screening summary", lambda world: reverse("screening_summary"), who="sam"),
    StaffPage("distress screening", _case("screening_add")),
    StaffPage(
        "distress screening with mistakes",
        _case("screening_add"),
        then=_send_empty("Record the screening"),
    ),
    StaffPage("barrier to care", _case("barrier_add")),
    StaffPage(
        "barrier to care, what was done",
        lambda world: reverse(
            "barrier_detail", args=[world.case.pk, Barrier.objects.filter(case=world.case)[0].pk]
        ),
    ),
    StaffPage("audit export", lambda world: reverse("audit_export"), who="sam"),
    StaffPage("unassigned referrals", lambda world: reverse("referrals_unassigned"), who="sam"),
    StaffPage(
        "referral to assign",
        lambda world: reverse("referral_assign", args=[world.referral.pk]),
        who="sam",
    ),
    StaffPage(
        "referral to assign, sent empty",
        lambda world: reverse("referral_assign", args=[world.referral.pk]),
        who="sam",
        then=_send_empty("Assign and open the case"),
    ),
    StaffPage("password change", lambda world: reverse("password_change")),
    StaffPage("two-factor setup", lambda world: reverse("two_factor_setup")),
    StaffPage("a page that is not there", lambda world: "/cases/999999/"),
]


# The pages are opened on Tuesday 1 December 2026 at 10:00 in New York, the clock running.
INSTANT = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff_world(transactional_db) -> Iterator[StaffWorld]:
    with time_machine.travel(INSTANT):
        yield _world()


def _world() -> StaffWorld:
    factories.ensure_defaults()  # a transactional test starts from empty tables
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    sam = factories.supervisor("sam", first_name="Sam", last_name="Okafor")
    factories.social_worker("blair", first_name="Blair", last_name="Nguyen")
    case = case_in_progress(alex, full_name="Wren Thistlewood")
    services.note_add(case=case, author=alex, body="Called the records office.")
    issued = status_links.status_link_issue(case=case, by=alex)
    status_links.patient_question_add(link=issued.link, text="How long is the visit?")
    step = case.steps.get(stage="records")
    now = timezone.now()
    reminder = Reminder.objects.create(
        case=case,
        step=step,
        rule=Rule.OVERDUE,
        due_at=now,
        recipient=alex,
        mode="immediate",
        created_at=now,
    )
    Delivery.objects.create(
        recipient=alex,
        case=case,
        source_reminder=reminder,
        channel="email",
        rule=Rule.OVERDUE,
        status=Delivery.Status.DEAD,
        attempts=5,
        last_error="SMTPServerDisconnected: gone",
        created_at=now,
        next_attempt_at=now,
        claimed_at=now,
    )
    Reminder.objects.filter(pk=reminder.pk).update(delivery=Delivery.objects.get())
    records_request = factories.records_request(case, alex)
    follow_up = factories.follow_up(case, by=alex, due_on=timezone.localdate())
    screening_services.screening_record(
        case=case,
        by=alex,
        screened_on=timezone.localdate(),
        method="phone",
        score=6,
        problems=["practical.transportation", "emotional.worry"],
        plan="referral",
        referral_kind="counselling",
    )
    screening_services.barrier_add(
        case=case,
        by=alex,
        kind="distance",
        description="The centre is 200 miles away",
        identified_on=timezone.localdate(),
        intervention_note="Asked the lodging charity",
    )
    factories.open_case(alex, patient={"full_name": "Avery Ashdown"}, urgency="urgent")
    referral = fhir_data.waiting_referral()
    return StaffWorld(
        alex=alex,
        sam=sam,
        case=case,
        records_request=records_request,
        referral=referral,
        follow_up=follow_up,
    )


@dataclass
class StaffBrowser:
    """Opens staff pages in chromium as a user, through a session made for them (no login
    form to fill for each page)."""

    browser: Browser
    base_url: str
    world: StaffWorld
    _contexts: list = field(default_factory=list)

    def open(self, staff_page: StaffPage, *, viewport: dict, javascript: bool = True) -> Page:
        context = self.browser.new_context(viewport=viewport, java_script_enabled=javascript)
        self._contexts.append(context)
        user = getattr(self.world, staff_page.who) if staff_page.who else None
        if user is not None:
            context.add_cookies([self._session_cookie(user)])
        page = context.new_page()
        page.goto(self.base_url + staff_page.path(self.world))
        if staff_page.then is not None:
            staff_page.then(page)
        return page

    def _session_cookie(self, user) -> dict:
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        return {"name": name, "value": client.cookies[name].value, "url": self.base_url}

    def close_pages(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()


@pytest.fixture
def staff_browser(live_server, staff_world) -> Iterator[StaffBrowser]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield StaffBrowser(browser=browser, base_url=live_server.url, world=staff_world)
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
