"""Shared fixtures. The cast, as in every test file:

- alex: a social worker who owns the case;
- blair: another social worker, with no access to alex's cases;
- casey: a social worker covering alex's caseload this week;
- sam: a supervisor, who sees every case;
- an anonymous visitor, who is sent to the login page.
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests import factories
from tests.staff_pages import staff_browser, staff_world  # noqa: F401 - fixtures for every test


def pytest_sessionstart(session):
    """On SQLite the test database is a file, so real Celery workers can open it. Remove a
    write-ahead log left by an interrupted run before the database is made again: SQLite would
    replay it into the new file."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def alex(db):
    return factories.social_worker("alex", first_name="Alex", last_name="Rivera")


@pytest.fixture
def blair(db):
    return factories.social_worker("blair", first_name="Blair", last_name="Nguyen")


@pytest.fixture
def casey(db, alex):
    user = factories.social_worker("casey", first_name="Casey", last_name="Morgan")
    factories.coverage(covering=user, covered=alex)
    return user


@pytest.fixture
def sam(db):
    return factories.supervisor("sam", first_name="Sam", last_name="Okafor")


@pytest.fixture
def case(alex):
    return factories.open_case(alex)


@pytest.fixture
def client_for(client):
    """client_for(user) logs `user` in and returns the test client."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests speak plain HTTP to the test servers, the live one included (which loads its
    middleware once per session). Production redirects to HTTPS: tests/test_hardening.py."""
    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render pages without running collectstatic first, and hash the cast's passwords
    with a fast hasher (production keeps Django's slow default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
