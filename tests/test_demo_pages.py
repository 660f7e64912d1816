"""`make run` serves the product's own pages, never Django's debug page: a missing page (404),
one the account may not open (403), a failure (500) and an expired form (CSRF, 403), each in
the visitor's language (English or Spanish), while the demo runs on plain http on localhost.

These run the demo's real settings (NAVIGATOR_DEMO=1, nothing else) in a child process: the
suite's own settings could not show what the demo's environment turns on or off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run inside `manage.py shell` with the demo's settings; prints one line of JSON.
VISIT = """
import json
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from tests import factories

admin = factories.UserFactory(username="demo-admin", is_staff=True, is_superuser=True)
answers = {"debug": settings.DEBUG}
for language in ("en", "es"):
    browser = {"HTTP_ACCEPT_LANGUAGE": language, "HTTP_HOST": "localhost"}
    anonymous = Client(raise_request_exception=False, **browser)
    signed_in = Client(**browser)
    signed_in.force_login(admin)
    strict = Client(enforce_csrf_checks=True, **browser)
    with override_settings(ROOT_URLCONF="tests.urls_with_a_failure"):
        failure = anonymous.get("/test-failure/")
    pages = {
        "404": anonymous.get("/no-such-page/"),
        "403": signed_in.get(reverse("admin:cases_auditevent_add")),
        "500": failure,
        "csrf": strict.post(reverse("login"), {"username": "x", "password": "y"}),
        "favicon": anonymous.get("/favicon.ico"),
        "icon": anonymous.get("/static/favicon.svg"),
        "stylesheet": anonymous.get("/static/navigator.css"),
    }
    for name, response in pages.items():
        body = b"".join(response) if response.streaming else response.content
        answers[f"{name}-{language}"] = [
            response.status_code,
            response.get("Content-Type", ""),
            body.decode(errors="replace"),
        ]
print("ANSWERS " + json.dumps(answers))
"""

# What Django's debug pages say (404, 500, CSRF): never in the demo.
DEBUG_PAGE_MARKS = ("DEBUG = True", "Django tried these URL patterns", "Traceback", "Reason given")

EXPECTED = {
    "404": (404, "There is nothing here", "Aquí no hay nada"),
    "403": (403, "Your account cannot do this", "Su cuenta no puede hacer esto"),
    "500": (500, "Something went wrong on our side", "Algo salió mal de nuestro lado"),
    "csrf": (403, "This page expired", "Esta página caducó"),
}


def _demo_environment(var_dir: Path) -> dict:
    """The environment `make run` gives: NAVIGATOR_DEMO, no DEBUG, no secret key, no URLs."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "LOG_FORMAT"}
        and not key.startswith(("EMAIL_", "SMS_", "SECURE_", "SESSION_"))
    }
    return kept | {"NAVIGATOR_DEMO": "1", "NAVIGATOR_VAR_DIR": str(var_dir)}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter and our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict:
    env = _demo_environment(tmp_path_factory.mktemp("demo-var"))
    migrated = _manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    result = _manage("shell", "-c", VISIT, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("ANSWERS ")]
    return json.loads(line.removeprefix("ANSWERS ")) | {"stderr": migrated.stderr + result.stderr}


def test_the_demo_runs_with_debug_off(answers):
    assert answers["debug"] is False


def test_the_demo_starts_without_a_warning(answers):
    # WhiteNoise once warned of a missing var/static/ at every start of `make run`.
    assert "Warning" not in answers["stderr"], answers["stderr"]


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_demo_shows_the_products_own_error_page_in_the_visitors_language(
    answers, page, language
):
    status, english, spanish = EXPECTED[page]
    got_status, content_type, body = answers[f"{page}-{language}"]
    assert got_status == status
    assert content_type.startswith("text/html")
    assert (spanish if language == "es" else english) in body
    assert (english if language == "es" else spanish) not in body
    assert 'href="/"' in body  # back to the start page, which answers for every role
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in body


def test_the_demo_serves_its_favicon_and_static_files_without_collectstatic(answers):
    status, content_type, _ = answers["favicon-en"]
    assert status == 200 and content_type in ("image/x-icon", "image/vnd.microsoft.icon")
    status, content_type, body = answers["icon-en"]
    assert status == 200 and content_type.startswith("image/svg+xml") and "<svg" in body
    status, content_type, body = answers["stylesheet-en"]
    assert status == 200 and content_type.startswith("text/css") and body


def test_make_runs_one_command_migrates_an_empty_database_and_seeds_the_demo(tmp_path):
    # `make run` starts Django once for both (`seed_demo --migrate`), a second or two sooner.
    result = _manage("seed_demo", "--migrate", "--skip-checks", env=_demo_environment(tmp_path))
    assert result.returncode == 0, result.stderr
    # A new database is made through the squash of 0001-0024 (tests/test_migrations.py).
    assert "Applying cases.0001_squashed_0024_case_import" in result.stdout
    assert "Demo cases created: " in result.stdout
    assert "alex         social worker" in result.stdout
    assert "Warning" not in result.stderr, result.stderr
