"""The production path: JSON logs without patient data, static files through WhiteNoise with
DEBUG off, and the process types in the Procfile."""

import datetime
import json
import logging
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

from django.core.management import call_command
from django.test import Client, RequestFactory
from gunicorn.config import Config

from navigator.log_format import GunicornLogger, JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


def json_line(record: logging.LogRecord) -> dict:
    return json.loads(JsonFormatter().format(record))


def record(message: str, *args, **extra) -> logging.LogRecord:
    made = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_a_request_is_logged_by_path_without_its_query_string():
    request = RequestFactory().get("/", {"q": "Avery Ashdown"})
    line = JsonFormatter().format(
        record("Not Found: %s", request.path, request=request, status_code=404)
    )
    entry = json.loads(line)
    assert entry["message"] == "Not Found: /"
    assert entry["method"] == "GET"
    assert entry["path"] == "/"
    assert entry["status"] == 404
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert "Avery" not in line


def test_only_the_listed_fields_reach_the_log():
    """Whatever a caller attaches to a record stays out: only the formatter's own fields."""
    entry = json_line(record("Reminder sent for step %s.", 42, patient_name="Avery Ashdown"))
    assert set(entry) == {"time", "level", "logger", "message", "process"}
    assert entry["message"] == "Reminder sent for step 42."
    assert entry["time"].endswith("+00:00")


def test_the_development_server_log_keeps_its_query_string_out():
    """runserver attaches its socket handler, whose raw path has the query string."""

    class ServerHandler:
        path = "/?q=Avery+Ashdown"
        command = "GET"

    line = JsonFormatter().format(record('"GET / HTTP/1.1" 200', request=ServerHandler()))
    assert "Avery" not in line and "path" not in json.loads(line)


def test_an_exception_keeps_its_traceback():
    try:
        raise ValueError("step 42 has no due date")
    except ValueError:
        failure = logging.LogRecord("cases", logging.ERROR, __file__, 1, "Failed.", (), None)
        failure.exc_info = sys.exc_info()
    entry = json_line(failure)
    assert "ValueError: step 42 has no due date" in entry["exception"]


def test_gunicorn_logs_requests_by_path_only(monkeypatch):
    for log_format in ("plain", "json"):
        monkeypatch.setenv("LOG_FORMAT", log_format)
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        # %(U)s is the path; %(r)s (request line), %(q)s (query) and %(f)s (referrer) can all
        # carry a search for a patient's name.
        assert "%(U)s" in config["access_log_format"]
        for atom in ("%(r)s", "%(q)s", "%(f)s"):
            assert atom not in config["access_log_format"]
    json.loads(
        config["access_log_format"]
        % {"t": "[23/Nov/2026:20:00:00 +0000]", "m": "GET", "U": "/", "s": 200, "B": 10, "M": 3}
    )


def test_gunicorn_keeps_status_link_tokens_out_of_the_access_log(monkeypatch):
    for log_format in ("plain", "json"):
        monkeypatch.setenv("LOG_FORMAT", log_format)
        config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        assert config["logger_class"] == "navigator.log_format.GunicornLogger"
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/s/SeCrEtToKeN/questions/3/",
            "PATH_INFO": "/s/SeCrEtToKeN/questions/3/",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        atoms = GunicornLogger(Config()).atoms(
            SimpleNamespace(status="200 OK", sent=10, headers=[]),
            SimpleNamespace(headers=[]),
            environ,
            datetime.timedelta(milliseconds=3),
        )
        line = config["access_log_format"] % atoms
        assert "SeCrEtToKeN" not in line and "/s/[token]/questions/3/" in line


def test_static_files_are_served_by_whitenoise_with_debug_off(settings, tmp_path, db):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # a new client loads WhiteNoise, which indexes STATIC_ROOT
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    stylesheet = next(
        part.split('"')[0]
        for part in page.content.decode().split('href="')
        if part.startswith("/static/navigator.") and ".css" in part.split('"')[0]
    )
    assert stylesheet != "/static/navigator.css"  # the hashed, cacheable name
    response = client.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]


def test_the_procfile_runs_exactly_one_beat():
    processes = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(processes) == {"web", "worker", "beat", "release"}
    assert processes["web"].startswith("gunicorn navigator.wsgi")
    # Workers scale to any number of machines, so none of them may embed the scheduler.
    assert "--beat" not in processes["worker"] and " -B" not in processes["worker"]
    assert processes["beat"].startswith("celery -A navigator beat")
    assert "migrate" in processes["release"]
