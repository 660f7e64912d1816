"""Where an upload waits between its preview and the supervisor's confirmation: the
uploader's own session (the database session store), as the rows read from the file, with the
chosen mapping and the time it was read. The file itself is never written anywhere.

It is dropped on confirm and on cancel, treated as gone (and dropped) once it has waited
`CASE_IMPORT_WAIT_MINUTES`, and goes with the session at logout or the session's expiry (the
hourly housekeeping deletes expired sessions). Only the uploader's browser can reach it; no
name or row ever goes into a URL or a log.
"""

import datetime
import hashlib
import json
import secrets

from django.conf import settings
from django.utils import timezone

from cases.imports.reading import Sheet

SESSION_KEY = "case_import"
RESULT_KEY = "case_import_result"


def upload_keep(session, *, sheet: Sheet, columns: list[str], now=None) -> None:
    session[SESSION_KEY] = {
        # Tells this upload from the next one (another tab's), whatever the clock says.
        "id": secrets.token_hex(8),
        "rows": [[number, cells] for number, cells in sheet.rows],
        "columns": columns,
        "kept_at": (now or timezone.now()).isoformat(),
    }
    session.pop(RESULT_KEY, None)


def upload_get(session, now=None) -> tuple[Sheet, list[str]] | None:
    """The waiting upload and its mapping, or None (none waits, or it has waited too long)."""
    kept = session.get(SESSION_KEY)
    if kept is None:
        return None
    try:
        kept_at = datetime.datetime.fromisoformat(kept["kept_at"])
        rows = [(int(number), list(cells)) for number, cells in kept["rows"]]
        columns = list(kept["columns"])
    except (KeyError, TypeError, ValueError):
        upload_drop(session)
        return None
    waited = (now or timezone.now()) - kept_at
    if waited > datetime.timedelta(minutes=settings.CASE_IMPORT_WAIT_MINUTES):
        upload_drop(session)
        return None
    return Sheet(rows=rows), columns


def upload_set_columns(session, columns: list[str]) -> None:
    kept = session[SESSION_KEY]
    session[SESSION_KEY] = {**kept, "columns": columns}


def upload_version(session) -> str:
    """Names the upload waiting and its mapping. The preview's Import button sends it back, so
    a confirm from a page that showed another upload or other columns (another tab changed
    them since) is refused instead of importing what that page never showed."""
    kept = session.get(SESSION_KEY) or {}
    text = json.dumps([kept.get("id"), kept.get("columns")])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def upload_drop(session) -> None:
    session.pop(SESSION_KEY, None)
