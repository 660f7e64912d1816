"""A status link's token never reaches a log: not through Django's security log (a CSRF
failure names the path), not through runserver's request lines (`make run`), not through any
handler the settings configure."""

import datetime
import io
import logging
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from gunicorn.config import Config

from navigator.log_format import GunicornLogger, HideStatusLinkTokens, hide_tokens

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "Zq3vT8kPq2mW7xY4bN6cR1sD"


@pytest.fixture
def console_output():
    """What the settings' console handler (the root's) writes, in the default plain format."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


def test_a_csrf_failure_on_a_status_link_logs_no_token(db, console_output):
    response = Client(enforce_csrf_checks=True).post(f"/s/{TOKEN}/", {"date_of_birth": "x"})
    assert response.status_code == 404  # no such link: the calm dead-link page
    logged = console_output.getvalue()
    assert "django.security.csrf" in logged and "/s/[token]/" in logged
    assert TOKEN not in logged


# What a client may send instead of /s/<token>/: Django routes the percent-encoded ones to the
# status page and logs the others as not found, all with the token.
TOKEN_PATHS = [
    f"/S/{TOKEN}/",
    f"/s//{TOKEN}/",
    f"/s///{TOKEN}/questions/",
    f"/%73/{TOKEN}/",
    f"/%53/{TOKEN}/",
    f"/s%2F{TOKEN}/",
    f"/s/./{TOKEN}/",
]


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_a_status_link_sent_another_way_logs_no_token(db, console_output, path):
    assert Client().get(path).status_code == 404
    logged = console_output.getvalue()
    assert "django.request" in logged and "[token]" in logged
    assert TOKEN not in logged


@pytest.mark.parametrize("path", ["/static/s.css", "/cases/5/", "/reports/overdue/?s=x"])
def test_paths_that_are_not_status_links_are_logged_as_they_are(path):
    assert hide_tokens(f"Not Found: {path}") == f"Not Found: {path}"


@pytest.fixture
def gunicorn_logger():
    """gunicorn's logger as gunicorn.conf.py configures it; its handlers go after the test
    (the logger filters, not its handlers, which the handler check below would see)."""
    loggers = []

    def configured(**settings):
        config = Config()
        for name, value in settings.items():
            config.set(name, value)
        loggers.append(config.logger_class(config))
        return loggers[-1]

    yield configured
    for log in loggers:
        log.error_log.handlers.clear()
        log.access_log.handlers.clear()


@pytest.mark.parametrize("log_format", ["plain", "json"])
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_gunicorns_access_log_masks_a_status_link_sent_another_way(
    monkeypatch, gunicorn_logger, log_format, path
):
    monkeypatch.setenv("LOG_FORMAT", log_format)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log = gunicorn_logger(
        **{name: config[name] for name in ("accesslog", "access_log_format", "logger_class")}
    )
    written = io.StringIO()
    for handler in log.access_log.handlers:
        handler.setStream(written)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": urllib.parse.unquote(path),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    log.access(
        SimpleNamespace(status="404 Not Found", sent=10, headers=[]),
        SimpleNamespace(headers=[]),
        environ,
        datetime.timedelta(milliseconds=3),
    )
    line = written.getvalue()
    assert "[token]" in line and TOKEN not in line
    # The raw request line (%(r)s, not in our formats) is masked as well.
    assert TOKEN not in hide_tokens(f"GET {path} HTTP/1.1")


def test_a_traceback_naming_a_status_link_is_masked(console_output):
    try:
        raise ValueError(f"cannot route /s/{TOKEN}/")
    except ValueError:
        logging.getLogger("cases").exception("Failed.")
    logged = console_output.getvalue()
    assert "ValueError: cannot route /s/[token]/" in logged and TOKEN not in logged


def test_every_configured_handler_masks_tokens():
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    handlers = {
        handler
        for logger in loggers
        for handler in logger.handlers
        # pytest's own capture, and the libraries' handlers that write nothing, aside.
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)
    }
    assert {handler.name for handler in handlers} >= {"console", "django.server"}
    for handler in handlers:
        assert any(isinstance(f, HideStatusLinkTokens) for f in handler.filters), handler.name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answer(url: str, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data)  # noqa: S310 - the test's own server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_development_server_of_make_run_prints_no_token(tmp_path):
    """`make run` serves with runserver (NAVIGATOR_DEMO, DEBUG off): its request lines and
    Django's security log are masked."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "LOG_FORMAT")
    }
    env |= {"NAVIGATOR_DEMO": "1", "NAVIGATOR_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # The server writes a request's line after it has answered: read its output as it comes.
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    expected = [
        '"POST /s/[token]/ HTTP/1.1" 404',
        '"GET /s/[token]/nothing-here/ HTTP/1.1" 404',
        '"GET /S//[token]/ HTTP/1.1" 404',
        '"GET /%73/[token]/ HTTP/1.1" 404',
        "Forbidden (CSRF cookie not set.): /s/[token]/",
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        assert _answer(f"{base}/s/{TOKEN}/", data=b"date_of_birth=x") == 404
        assert _answer(f"{base}/s/{TOKEN}/nothing-here/") == 404
        assert _answer(f"{base}/S//{TOKEN}/") == 404
        assert _answer(f"{base}/%73/{TOKEN}/") == 404
        deadline = time.monotonic() + 20
        while not all(line in "".join(lines) for line in expected):
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    output = "".join(lines)
    for line in expected:
        assert line in output
    assert TOKEN not in output


def test_gunicorns_error_log_masks_tokens():
    """gunicorn names the request's path when the application fails outside Django."""
    log = GunicornLogger(Config())
    written = io.StringIO()
    for handler in log.error_log.handlers:
        handler.setStream(written)
    log.error("Error handling request %s", f"/s/{TOKEN}/questions/")
    assert "Error handling request /s/[token]/questions/" in written.getvalue()
    assert TOKEN not in written.getvalue()
