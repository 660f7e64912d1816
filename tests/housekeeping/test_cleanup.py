"""The periodic clean-up (`cases.housekeeping.tasks.housekeeping`, on Celery beat's schedule):
expired sessions, the sessions of status links that no longer work, old django-axes login
records — and a report of what went, in counts only. At fixed instants; sessions and login
records made through the pages, as a browser makes them."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

from cases.housekeeping.tasks import housekeeping
from cases.patient import links as status_links
from navigator.celery import app
from tests.patient.status_page_data import case_in_progress, issue, pass_check, status_url

T0 = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
PASSWORD = "correct-horse-battery"
NOTHING = {"expired_sessions": 0, "status_link_sessions": 0, "login_attempts": 0, "login_logs": 0}


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def log_in(username: str, password: str = PASSWORD) -> Client:
    browser = Client()
    browser.post(reverse("login"), {"username": username, "password": password})
    return browser


def session_key(browser: Client) -> str:
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def session_exists(browser: Client) -> bool:
    return Session.objects.filter(session_key=session_key(browser)).exists()


@pytest.fixture
def patient_case(alex):
    with at(T0 - 10 * MINUTE):
        return case_in_progress(alex)


def a_patient_who_passed_the_check(case, by, *, when=T0, **link):
    with at(when):
        issued = issue(case, by, **link)
        browser = Client()
        pass_check(browser, issued.token)
    return issued, browser


def test_beat_runs_the_task_by_its_name():
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping"]
    assert entry["task"] == housekeeping.name == "cases.housekeeping.tasks.housekeeping"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 3600.0


def test_a_revoked_links_session_goes_and_the_staff_session_stays(patient_case, alex):
    issued, patient = a_patient_who_passed_the_check(patient_case, alex)
    with at(T0):
        staff = log_in("alex")
    with at(T0 + MINUTE):
        status_links.status_link_revoke(link=issued.link, by=alex)
    with at(T0 + 2 * MINUTE):
        assert housekeeping() == NOTHING | {"status_link_sessions": 1}
        assert not session_exists(patient)
        assert session_exists(staff)
        assert staff.get(reverse("caseload")).status_code == 200


def test_a_live_links_session_stays_until_it_sits_idle_too_long(patient_case, alex):
    issued, patient = a_patient_who_passed_the_check(patient_case, alex)
    with at(T0 + 29 * MINUTE):
        assert housekeeping() == NOTHING
        assert session_exists(patient)
        assert b"Where your request is" in patient.get(status_url(issued.token)).content
    # 31 idle minutes after that page: the page itself would ask for the birth date again.
    with at(T0 + 60 * MINUTE):
        assert housekeeping() == NOTHING | {"status_link_sessions": 1}
        assert not session_exists(patient)
        assert b"Check your date of birth" in patient.get(status_url(issued.token)).content


def test_an_expired_links_session_goes(patient_case, alex):
    # Issued 90 days before T0 + 5 minutes: it expires five minutes after the check.
    with at(T0 + 5 * MINUTE - status_links.LINK_LIFETIME):
        issued = issue(patient_case, alex)
    with at(T0):
        patient = Client()
        pass_check(patient, issued.token)
    with at(T0 + 6 * MINUTE):
        assert housekeeping() == NOTHING | {"status_link_sessions": 1}
        assert not session_exists(patient)


def test_a_staff_member_who_opened_a_link_stays_logged_in(patient_case, alex):
    with at(T0):
        issued = issue(patient_case, alex)
        staff = log_in("alex")
        pass_check(staff, issued.token)
    with at(T0 + MINUTE):
        status_links.status_link_revoke(link=issued.link, by=alex)
        assert housekeeping() == NOTHING
        assert staff.get(reverse("caseload")).status_code == 200


def test_expired_sessions_go(patient_case, alex):
    a_patient_who_passed_the_check(patient_case, alex)
    with at(T0):
        log_in("alex")
    # Every session ends 12 hours after its last save at the latest (SESSION_COOKIE_AGE).
    with at(T0 + datetime.timedelta(hours=12, minutes=1)):
        assert housekeeping() == NOTHING | {"expired_sessions": 2}
        assert Session.objects.count() == 0
        assert housekeeping() == NOTHING


def test_old_login_records_go_and_recent_ones_stay(alex, blair):
    old = T0 - datetime.timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS, minutes=1)
    recent = T0 - datetime.timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS - 1)
    # Newest first: django-axes itself drops the attempts past the cool-off whenever anyone
    # tries to log in, so the old attempt comes after every later login.
    with at(recent):
        log_in("blair")  # a login: an access log row
        log_in("nobody-lately", "wrong")  # a failed attempt
    with at(old):
        log_in("alex")
        log_in("nobody-then", "wrong")
    with at(T0):
        result = housekeeping()
    assert result == NOTHING | {"expired_sessions": 2, "login_attempts": 1, "login_logs": 1}
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["blair"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["nobody-lately"]


def test_a_lockout_is_never_cleared_before_its_cool_off_ends(alex, settings):
    settings.LOGIN_RECORDS_RETENTION_DAYS = 1
    settings.AXES_COOLOFF_TIME = 48  # hours
    with at(T0 - datetime.timedelta(hours=30)):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in("alex", "wrong")
    with at(T0):
        assert housekeeping()["login_attempts"] == 0
        assert AccessAttempt.objects.filter(username="alex").exists()
    with at(T0 + datetime.timedelta(hours=19)):
        assert housekeeping()["login_attempts"] == 1
        assert log_in("alex").get(reverse("caseload")).status_code == 200


def test_the_report_is_counts_only(patient_case, alex, caplog):
    issued, patient = a_patient_who_passed_the_check(patient_case, alex)
    with at(T0):
        log_in("alex", "wrong")
    with at(T0 + MINUTE):
        status_links.status_link_revoke(link=issued.link, by=alex)
    secrets = [issued.token, issued.link.token_hash, session_key(patient), "alex", "127.0.0.1"]
    with at(T0 + 2 * MINUTE), caplog.at_level(logging.DEBUG):
        result = housekeeping()
    assert result == NOTHING | {"status_link_sessions": 1}
    (line,) = [r.getMessage() for r in caplog.records if r.name.startswith("cases.housekeeping")]
    assert line == (
        "Housekeeping removed 0 expired sessions, 1 status-link sessions, 0 login attempts "
        "and 0 login log rows"
    )
    assert not any(secret in repr(result) for secret in secrets)


def test_a_session_signed_with_another_key_is_left_to_expire(patient_case, alex):
    """A process started with another SECRET_KEY (a worker set up apart from the site) cannot
    read the site's sessions: it must not take them for dead."""
    issued, patient = a_patient_who_passed_the_check(patient_case, alex)
    with at(T0 + MINUTE):
        status_links.status_link_revoke(link=issued.link, by=alex)
    with at(T0 + 2 * MINUTE), override_settings(SECRET_KEY="another-process-another-key"):
        assert housekeeping() == NOTHING
    assert session_exists(patient)
