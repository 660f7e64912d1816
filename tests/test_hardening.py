"""Transmission security and browser hardening: `check --deploy`, HTTPS, HSTS, secure cookies,
a Content Security Policy with no inline script, frames denied, a strict referrer policy."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a child process with exactly the production environment given."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "NAVIGATOR_DEMO",
            "SECRET_KEY",
            "DATABASE_URL",
            "SECURE_SSL_REDIRECT",
            "EMAIL_BACKEND",
            "BEHIND_HTTPS_PROXY",
        }
    }
    environment |= {"NAVIGATOR_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(  # noqa: S603 - a fixed command line: this interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_sends_mail_by_smtp_and_the_demo_writes_it_to_files(tmp_path):
    show = ("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)")
    production = _manage(*show, tmp_path=tmp_path, SECRET_KEY=secrets.token_urlsafe(60))
    demo = _manage(*show, tmp_path=tmp_path, NAVIGATOR_DEMO="1")
    assert production.stdout.strip().endswith("smtp.EmailBackend"), production.stderr
    assert demo.stdout.strip().endswith("channels.DemoFileEmailBackend"), demo.stderr


def test_only_behind_the_proxy_is_x_forwarded_proto_trusted(tmp_path):
    show = (
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
    )
    key = secrets.token_urlsafe(60)
    behind = _manage(*show, tmp_path=tmp_path, SECRET_KEY=key, BEHIND_HTTPS_PROXY="1")
    direct = _manage(*show, tmp_path=tmp_path, SECRET_KEY=key)
    assert behind.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')"), behind.stderr
    assert direct.stdout.strip().endswith("None"), direct.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY=secrets.token_urlsafe(60),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_catch_a_weakened_setting(tmp_path):
    """The check above is not vacuous: turning HTTPS off is reported."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY=secrets.token_urlsafe(60),
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_the_demo_settings_still_run_over_plain_http(tmp_path):
    """`make run` (NAVIGATOR_DEMO=1, http on localhost) needs no certificate and no secret key,
    and runs with DEBUG off."""
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        tmp_path=tmp_path,
        NAVIGATOR_DEMO="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["False", "False", "False", "0"]


def test_the_demo_keeps_a_secret_key_of_its_own_under_var(tmp_path):
    """No SECRET_KEY set: the demo makes one, readable by this user only, and keeps it, so
    sessions outlive a restart. Production refuses to start without one."""
    show = ("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)")
    first = _manage(*show, tmp_path=tmp_path, NAVIGATOR_DEMO="1")
    again = _manage(*show, tmp_path=tmp_path, NAVIGATOR_DEMO="1")
    production = _manage(*show, tmp_path=tmp_path)
    key_file = tmp_path / "secret_key.txt"
    assert first.returncode == 0, first.stderr
    assert key_file.read_text() == first.stdout.split()[-1] == again.stdout.split()[-1]
    assert len(key_file.read_text()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert production.returncode != 0
    assert "SECRET_KEY must be set" in production.stderr


@pytest.fixture
def production(settings):
    """The production values (the suite itself turns the HTTPS redirect off)."""
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_production_sends_plain_http_to_https(production, db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response.url == "https://testserver/accounts/login/"


def test_https_responses_carry_hsts_and_secure_cookies(production, alex):
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": "alex", "password": "correct-horse-battery"},
        secure=True,
    )
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_every_page_denies_frames_and_inline_script(client_for, alex, case):
    response = client_for(alex).get(reverse("case_detail", args=[case.pk]))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


# Emails are read in mail clients, which take no stylesheet and no Content Security Policy of
# ours: their inline styles are the only way to style them, and they never run as our pages.
PAGE_TEMPLATES = sorted(
    p.relative_to(ROOT)
    for p in (ROOT / "templates").rglob("*.html")
    if "emails" not in p.relative_to(ROOT).parts
)


@pytest.mark.parametrize("template", PAGE_TEMPLATES)
def test_no_template_has_inline_script_or_style(template):
    text = (ROOT / template).read_text()
    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_STYLE.search(text)
    assert not EVENT_HANDLER.search(text)


@pytest.mark.parametrize(
    "name, args",
    [
        ("caseload", []),
        ("case_intake", []),
        ("case_detail", ["case"]),
        ("case_edit", ["case"]),
        ("two_factor_setup", []),
        ("password_change", []),
    ],
)
def test_rendered_pages_have_no_inline_script_or_style(client_for, alex, case, name, args):
    url = reverse(name, args=[case.pk for _ in args])
    html = client_for(alex).get(url).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not EVENT_HANDLER.search(html)


@pytest.mark.parametrize(
    "name",
    ["admin:index", "admin:cases_centre_add", "admin:cases_coverage_add", "admin:auth_user_add"],
)
def test_the_admin_works_under_the_policy_too(client, db, name):
    """Django's admin keeps its scripts in files, so the strict policy does not break it."""
    client.force_login(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    html = client.get(reverse(name)).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not EVENT_HANDLER.search(html)
