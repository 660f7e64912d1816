"""Every URL pattern in the URLconf × every role → the expected outcome.

A URL pattern without a row here fails `test_every_url_pattern_has_a_row`: adding a URL means
adding one line to MATRIX. Each row names the method used and the outcome for each role, in
ROLES order. The outcomes:

- OK: the page or action is open to this role (2xx, a 400 for the empty form we send, or a
  redirect somewhere other than a login page);
- LOGIN: sent to the staff login page (with `next`);
- ADMIN_LOGIN: sent to the admin's login page;
- NOT_FOUND: 404, the same answer as for something that does not exist;
- FORBIDDEN: 403 (the admin's read-only audit trail);
- CHECK: sent back to the status link's date-of-birth check (a patient page without the
  patient's verified session);
- UNAUTHORIZED: 401, the FHIR API's answer to anyone without a system's token (a staff
  session counts for nothing there).

A 5xx is never an outcome: the test client raises it. The whole Django admin is one family
(`admin:`): only the administrator gets in; exceptions to the family have their own rows.

The "patient link" role is a visitor who holds the case's status link and has passed its
date-of-birth check, with no staff account. Staff pages must treat it like anyone anonymous;
the patient pages are the only ones it opens.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.contacts import services as contact_services
from cases.patient import links as status_links
from cases.screening import services as screening_services
from tests import factories
from tests.fhir import data as fhir_data
from tests.patient.status_page_data import pass_check

ROLES = ("anonymous", "patient_link", "owner", "other_worker", "covering", "supervisor", "admin")
OK, LOGIN, ADMIN_LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "admin login", "404", "403"
CHECK = "birth-date check"
UNAUTHORIZED = "401"


@dataclass(frozen=True)
class Row:
    method: str
    outcomes: tuple[str, ...]

    def __post_init__(self):
        assert len(self.outcomes) == len(ROLES), "one outcome per role, in ROLES order"


def row(method: str, *outcomes: str) -> Row:
    return Row(method, outcomes)


# Outcome shapes shared by many rows.
EVERYONE = (OK,) * 7
LOGGED_IN = (LOGIN, LOGIN, OK, OK, OK, OK, OK)
CARE_TEAM = (LOGIN, LOGIN, OK, OK, OK, OK, NOT_FOUND)
THE_CASE = (LOGIN, LOGIN, OK, NOT_FOUND, OK, OK, NOT_FOUND)
SUPERVISOR_ONLY = (LOGIN, LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND)
ADMIN_ONLY = (ADMIN_LOGIN,) * 6 + (OK,)
THE_PATIENT = (CHECK, OK, CHECK, CHECK, CHECK, CHECK, CHECK)
SYSTEMS_ONLY = (UNAUTHORIZED,) * 7

#   url name (or "route:<route>" for an unnamed pattern)   method, outcome per role
MATRIX: dict[str, Row] = {
    "login": row("GET", *EVERYONE),
    "home": row("GET", *LOGGED_IN),
    "no_team": row("GET", *LOGGED_IN),
    "logout": row("POST", *EVERYONE),
    "password_change": row("GET", *LOGGED_IN),
    "password_change_done": row("GET", *LOGGED_IN),
    "two_factor_setup": row("GET", *LOGGED_IN),
    "two_factor_verify": row("GET", *LOGGED_IN),
    "keepalive": row("POST", *LOGGED_IN),
    "caseload": row("GET", *CARE_TEAM),
    "case_intake": row("GET", *CARE_TEAM),
    # The spreadsheet import (issue #16): supervisors only. With nothing uploaded, the preview,
    # confirm and result send the supervisor back to the upload page.
    "case_import": row("GET", *SUPERVISOR_ONLY),
    "case_import_preview": row("GET", *SUPERVISOR_ONLY),
    "case_import_confirm": row("POST", *SUPERVISOR_ONLY),
    "case_import_cancel": row("POST", *SUPERVISOR_ONLY),
    "case_import_result": row("GET", *SUPERVISOR_ONLY),
    "case_detail": row("GET", *THE_CASE),
    "case_edit": row("GET", *THE_CASE),
    "case_status": row("POST", *THE_CASE),
    "case_reassign": row("POST", *SUPERVISOR_ONLY),
    # d-caseload: several cases reassigned from the caseload (an empty form comes back to it).
    "caseload_reassign": row("POST", *SUPERVISOR_ONLY),
    "insurance_edit": row("GET", *THE_CASE),
    "appointment_edit": row("GET", *THE_CASE),
    "note_add": row("POST", *THE_CASE),
    "step_status": row("POST", *THE_CASE),
    "step_due_date": row("POST", *THE_CASE),
    "checklist_item": row("POST", *THE_CASE),
    "case_access_history": row("GET", *SUPERVISOR_ONLY),
    "status_links": row("GET", *THE_CASE),
    "status_link_revoke": row("POST", *THE_CASE),
    "status_link_reissue": row("POST", *THE_CASE),
    # The contact log and follow-ups (issue #13). Correcting an entry is its author's (alex,
    # the owner): anyone else who sees the case is sent back to it with the reason.
    "contact_log_add": row("GET", *THE_CASE),
    "contact_log_correct": row("GET", *THE_CASE),
    "follow_up_add": row("GET", *THE_CASE),
    "follow_up_change": row("GET", *THE_CASE),
    "follow_up_done": row("POST", *THE_CASE),
    "follow_up_reopen": row("POST", *THE_CASE),
    # Anyone holding the link gets the page: the birth-date check, or the status once passed.
    "patient_status": row("GET", *EVERYONE),
    "patient_question_add": row("POST", *THE_PATIENT),
    "patient_question_edit": row("GET", *THE_PATIENT),
    "patient_question_remove": row("POST", *THE_PATIENT),
    "patient_appointment_ics": row("GET", *THE_PATIENT),
    "healthz": row("GET", *EVERYONE),
    "step_snooze": row("POST", *THE_CASE),
    "outbox": row("GET", *CARE_TEAM),
    "notification_preferences": row("GET", *CARE_TEAM),
    "reports": row("GET", *SUPERVISOR_ONLY),
    "report": row("GET", *SUPERVISOR_ONLY),
    "report_csv": row("GET", *SUPERVISOR_ONLY),
    # The cases behind a count of a report (issue #15's drill-down), and their CSV.
    "report_cases": row("GET", *SUPERVISOR_ONLY),
    "report_cases_csv": row("GET", *SUPERVISOR_ONLY),
    "audit_export": row("GET", *SUPERVISOR_ONLY),
    # Records requests (issue #13).
    "records_requests": row("GET", *CARE_TEAM),
    # The FHIR API (issue #16): a system's token or nothing; its capability statement is open.
    "fhir_metadata": row("GET", *EVERYONE),
    "fhir_service_requests": row("GET", *SYSTEMS_ONLY),
    "fhir_service_request": row("GET", *SYSTEMS_ONLY),
    "fhir_service_request_bundle": row("GET", *SYSTEMS_ONLY),
    "fhir_tasks": row("GET", *SYSTEMS_ONLY),
    "fhir_patient": row("GET", *SYSTEMS_ONLY),
    "fhir_bundle": row("POST", *SYSTEMS_ONLY),
    # The referrals it received, waiting for a supervisor.
    "referrals_unassigned": row("GET", *SUPERVISOR_ONLY),
    "referral_assign": row("GET", *SUPERVISOR_ONLY),
    "records_request_new": row("GET", *THE_CASE),
    "records_request_detail": row("GET", *THE_CASE),
    "records_request_send": row("POST", *THE_CASE),
    "records_request_extend": row("POST", *THE_CASE),
    "records_item_receive": row("POST", *THE_CASE),
    "records_request_letter": row("GET", *THE_CASE),
    # Today (#13): every care-team member has one; the hold's review date is the case's.
    "today": row("GET", *CARE_TEAM),
    "case_hold_review": row("POST", *THE_CASE),
    # Distress screening and barriers to care (issue #14); the committee's summary.
    "screening_add": row("GET", *THE_CASE),
    "screening_plan": row("GET", *THE_CASE),
    "barrier_add": row("GET", *THE_CASE),
    "barrier_detail": row("GET", *THE_CASE),
    "screening_summary": row("GET", *SUPERVISOR_ONLY),
    # The admin site's own login and logout pages are open; the audit trail in it is read-only
    # and django-axes' records of login attempts are written only by django-axes.
    "admin:login": row("GET", *EVERYONE),
    "admin:logout": row("GET", *EVERYONE),
    "admin:axes_accessattempt_add": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "admin:axes_accesslog_add": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "admin:axes_accessfailurelog_add": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    # "View on site" for a content type and object that do not go together.
    "admin:view_on_site": row("GET", *ADMIN_ONLY[:6], NOT_FOUND),
    "admin:cases_auditevent_add": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "admin:cases_auditevent_delete": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    # Reminders and their deliveries are read-only in the admin too (one action re-queues).
    "admin:cases_reminder_add": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "admin:cases_reminder_delete": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "admin:cases_delivery_add": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "admin:cases_delivery_delete": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    # An API system is revoked, never deleted: its name stays on the audit trail's events.
    "admin:cases_apisystem_delete": row("GET", *ADMIN_ONLY[:6], FORBIDDEN),
    "route:admin/(?P<url>.*)$": row("GET", *ADMIN_ONLY[:6], NOT_FOUND),
}
# Pages that show a form on GET (their MATRIX row) and save it on POST: the POST is checked too.
ALSO_POST: dict[str, Row] = {
    "referral_assign": row("POST", *SUPERVISOR_ONLY),
    "fhir_service_requests": row("POST", *SYSTEMS_ONLY),
    "case_import": row("POST", *SUPERVISOR_ONLY),
    "case_import_preview": row("POST", *SUPERVISOR_ONLY),
    "contact_log_add": row("POST", *THE_CASE),
    # Another author's entry is refused (403) with the typed text kept, to log it anew.
    "contact_log_correct": row(
        "POST", LOGIN, LOGIN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND
    ),
    "follow_up_add": row("POST", *THE_CASE),
    "follow_up_change": row("POST", *THE_CASE),
    "insurance_edit": row("POST", *THE_CASE),
    "appointment_edit": row("POST", *THE_CASE),
    "status_links": row("POST", *THE_CASE),
    "records_request_new": row("POST", *THE_CASE),
    "records_request_detail": row("POST", *THE_CASE),
    "screening_add": row("POST", *THE_CASE),
    "screening_plan": row("POST", *THE_CASE),
    "barrier_add": row("POST", *THE_CASE),
    "barrier_detail": row("POST", *THE_CASE),
}
# Query strings some patterns need to reach their permission check.
DRILL_DOWN = {"table": "to_appointment", "col": "count"}  # the slug is "timeliness"
QUERIES = {
    "admin:autocomplete": {
        "app_label": "cases",
        "model_name": "coverage",
        "field_name": "covering",
    },
    "report_cases": DRILL_DOWN,
    "report_cases_csv": DRILL_DOWN,
}
FAMILIES: dict[str, Row] = {
    "admin:": row("GET", *ADMIN_ONLY),
    "route:admin/": row("GET", *ADMIN_ONLY),
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else f"route:{route}"
            yield key, route


def url_patterns() -> dict[str, str]:
    """{key: route} for every pattern in the URLconf."""
    return dict(_walk(get_resolver().url_patterns))


def expected_row(key: str) -> Row | None:
    if key in MATRIX:
        return MATRIX[key]
    for prefix, family_row in FAMILIES.items():
        if key.startswith(prefix):
            return family_row
    return None


def test_every_url_pattern_has_a_row():
    missing = sorted(key for key in url_patterns() if expected_row(key) is None)
    assert missing == [], f"Add a row to MATRIX for: {missing}"


def test_every_row_names_a_url_that_exists():
    assert sorted(set(MATRIX) - set(url_patterns())) == []


# --- requesting every pattern as every role ---------------------------------------------------

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def concrete_path(route: str, values: dict[str, str]) -> str:
    """The route with its parameters filled in: `<int:case_id>` or `(?P<app_label>…)`."""
    path = REGEX_GROUP.sub(lambda m: values[m.group(1)], route)
    path = CONVERTER.sub(lambda m: values[m.group(1)], path)
    # A regex route's anchors go; a `$` inside a route is a character of the address
    # (the FHIR API's `ServiceRequest/<id>/$bundle`).
    return "/" + path.replace("^", "").removesuffix("$")


@pytest.fixture
def cast(alex, blair, casey, sam, case):
    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    step = case.steps.get(stage="referral")
    device = TOTPDevice.objects.create(user=blair, name="phone", confirmed=False)
    case.appointment.scheduled_at = datetime.datetime(2031, 5, 6, 14, 30, tzinfo=datetime.UTC)
    case.appointment.save()
    issued = status_links.status_link_issue(case=case, by=alex)
    question = status_links.patient_question_add(link=issued.link, text="How long is the visit?")
    records_request = factories.records_request(case, alex, contact_other="Example Records")
    entry = contact_services.contact_log_add(
        case=case,
        by=alex,
        fields={
            "occurred_at": timezone.now(),
            "channel": "call",
            "contact_other": "Front desk",
            "outcome": "reached",
        },
    )
    follow_up = factories.follow_up(case, due_on=timezone.localdate())
    # Below the threshold and without a plan: its plan page shows the form.
    screening = screening_services.screening_record(
        case=case, by=alex, screened_on=timezone.localdate(), method="phone", score=2
    )
    barrier = screening_services.barrier_add(
        case=case, by=alex, kind="transport", identified_on=timezone.localdate()
    )
    users = {
        "anonymous": None,
        "patient_link": None,
        "owner": alex,
        "other_worker": blair,
        "covering": casey,
        "supervisor": sam,
        "admin": admin,
    }
    values = {
        "case_id": str(case.pk),
        "step_id": str(step.pk),
        "item_id": str(step.checklist.first().pk),
        "object_id": str(case.pk),
        "pk": str(device.pk),  # the admin's TOTP device pages
        "id": str(blair.pk),  # the admin's password page for a user
        "content_type_id": "1",
        "app_label": "cases",
        "url": "no-such-page/",
        "token": issued.token,
        "link_id": str(issued.link.pk),
        "question_id": str(question.pk),
        "entry_id": str(entry.pk),
        "follow_up_id": str(follow_up.pk),
        "birth_date": case.patient.date_of_birth,
        "slug": "timeliness",
        "records_request_id": str(records_request.pk),
        "records_item_id": str(records_request.items.get().pk),
        "resource_id": str(case.pk),
        "referral_id": str(fhir_data.waiting_referral().pk),
        "screening_id": str(screening.pk),
        "barrier_id": str(barrier.pk),
    }
    return users, values


def outcome(response) -> str:
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 401:
        return UNAUTHORIZED
    if response.status_code in (301, 302):
        if response.url.startswith("/accounts/login/?next="):
            return LOGIN
        if response.url.startswith("/admin/login/?next="):
            return ADMIN_LOGIN
        if re.fullmatch(r"/s/[^/#?]+/", response.url):
            return CHECK
    assert response.status_code < 500
    return OK


def clients_for(users, values) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if users[role] is not None:
            clients[role].force_login(users[role])
    pass_check(clients["patient_link"], values["token"], values["birth_date"])
    return clients


def outcomes_for(
    key: str, route: str, values: dict, clients: dict, method: str = ""
) -> dict[str, str]:
    path = concrete_path(route, values)
    method = method or expected_row(key).method
    found = {}
    for role in ROLES:
        client = clients[role]
        if method == "POST":
            response = client.post(path, QUERIES.get(key, {}))
        else:
            response = client.get(path, QUERIES.get(key, {}))
        found[role] = outcome(response)
    return found


def is_admin_site(key: str) -> bool:
    return key.startswith(("admin:", "route:admin/"))


@pytest.mark.parametrize("key", sorted(k for k in url_patterns() if not is_admin_site(k)))
def test_each_role_gets_the_expected_outcome(cast, key):
    users, values = cast
    found = outcomes_for(key, url_patterns()[key], values, clients_for(users, values))
    assert found == dict(zip(ROLES, expected_row(key).outcomes, strict=True))


@pytest.mark.parametrize("key", sorted(ALSO_POST))
def test_each_role_gets_the_expected_outcome_when_saving(cast, key):
    users, values = cast
    clients = clients_for(users, values)
    found = outcomes_for(key, url_patterns()[key], values, clients, method="POST")
    assert found == dict(zip(ROLES, ALSO_POST[key].outcomes, strict=True))


def test_the_admin_site_is_for_the_administrator_only(cast):
    """Every pattern of the admin family, each as every role (GETs only: one client a role)."""
    users, values = cast
    clients = clients_for(users, values)
    mismatches = {}
    for key, route in url_patterns().items():
        if is_admin_site(key):
            expected = dict(zip(ROLES, expected_row(key).outcomes, strict=True))
            found = outcomes_for(key, route, values, clients)
            if found != expected:
                mismatches[key] = found
    assert mismatches == {}, "\n".join(f"{k}: {v}" for k, v in mismatches.items())
