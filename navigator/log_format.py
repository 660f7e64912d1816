"""Structured logs: one JSON object per line, for a log collector to index.

Selected with `LOG_FORMAT=json`. A record carries only what is listed here — the time, level,
logger, message, process and, for a request, its method, path (never the query string, which
can hold a search for a patient's name) and status — so nothing a caller attached to a record
(Django attaches the whole request) reaches the logs by accident. Messages themselves never
carry patient data: code logs ids, never names. A status link's token (`/s/<token>/`) is taken
out of every path, message and traceback that reaches a log: `HideStatusLinkTokens` sits on
every handler of the settings' LOGGING (Django's request and security loggers, runserver's
request lines, the application's own), this formatter masks what it writes too, and gunicorn's
access and error logs have it as well (`GunicornLogger`).
"""

import datetime
import json
import logging
import re

from django.http import HttpRequest
from gunicorn.glogging import Logger

_SLASH = r"(?:/|%2f)"
# A status link's path as any client may send it and a log may write it: Django's log has the
# decoded path, runserver's request line and gunicorn's %(r)s the raw one. So the `s` segment
# in either case or percent-encoded, its slashes repeated or encoded, dot segments after it;
# the token is the next segment, whatever it holds.
_STATUS_LINK = re.compile(
    rf"""(?P<prefix>{_SLASH}(?:s|%73|%53){_SLASH}+(?:(?:\.|%2e){{1,2}}{_SLASH}+)*)[^/\s"'?#]+""",
    re.IGNORECASE,
)


def hide_tokens(text: str) -> str:
    """`/s/<token>/...` → `/s/[token]/...` (and `/S//<token>/` → `/S//[token]/`, …): a token
    opens a patient's status page."""
    return _STATUS_LINK.sub(r"\g<prefix>[token]", text)


class HideStatusLinkTokens(logging.Filter):
    """Rewrite a record whose message or traceback names a status link's path."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _STATUS_LINK.search(message):
            record.msg, record.args = hide_tokens(message), ()
        if record.exc_info and not record.exc_text:
            # Formatters write exc_text when it is set: format the traceback once, masked.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide_tokens(record.exc_text)
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, with status-link tokens out of the access log's path and out of
    its error log ("Error handling request /s/...")."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(HideStatusLinkTokens())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if key in atoms:
                atoms[key] = hide_tokens(atoms[key])
        return atoms


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": hide_tokens(record.getMessage()),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        # Django's request loggers attach the HttpRequest (runserver attaches its socket
        # handler, whose raw path keeps the query string: that one is left out).
        if isinstance(request, HttpRequest):
            entry["method"] = request.method
            entry["path"] = hide_tokens(request.path)
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status"] = status_code
        if record.exc_info:
            entry["exception"] = hide_tokens(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
