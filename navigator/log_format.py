"""Structured logs: one JSON object per line, for a log collector to index.

Selected with `LOG_FORMAT=json`. A record carries only what is listed here — the time, level,
logger, message, process and, for a request, its method, path (never the query string, which
can hold a search for a patient's name) and status — so nothing a caller attached to a record
(Django attaches the whole request) reaches the logs by accident. Messages themselves never
carry patient data: code logs ids, never names.
"""

import datetime
import json
import logging

from django.http import HttpRequest


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        # Django's request loggers attach the HttpRequest (runserver attaches its socket
        # handler, whose raw path keeps the query string: that one is left out).
        if isinstance(request, HttpRequest):
            entry["method"] = request.method
            entry["path"] = request.path
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
