"""Audit events past their retention, archived to a signed file and removed from the database
only once that file has been read back and verified (`manage.py archive_audit`).

1. Events are kept `AUDIT_RETENTION_YEARS` (6 at least: `MINIMUM_RETENTION_YEARS`, refused
   below). The cutoff is the same date and time of day that many years before now, in the
   team's time zone (29 February falls back to the 28th); an event before it may be archived.
2. `audit_archive_write` writes every event before the cutoff, oldest first, to a new file
   (never over an existing one) readable by its owner only: a header line — the format, the
   time zone of every time in the file (UTC), the team's time zone, the retention and cutoff,
   the range (first and last event) and the count — then one line per event in canonical
   JSON (keys sorted, no spaces, UTF-8), then a last line holding the HMAC-SHA256 of every
   byte before it. The key is SHA-256 of `KEY_SALT` followed by `AUDIT_ARCHIVE_KEY`
   (SECRET_KEY unless set), as Django's `salted_hmac` derives one.
3. `audit_archive_verify` reads a file back and checks all of it: the signature, the header,
   every line canonical, ids unique, times in order, inside the stated range and before the
   cutoff, the count. Anything else is refused, saying what failed.
4. `audit_archive_remove` verifies the file, refuses one whose cutoff is inside today's
   retention, then in one transaction reads the database's events before that cutoff, checks
   they are exactly the file's lines, deletes exactly those, and records an audit event of
   its own: count, range, cutoff, file name and signature — no patient data. Any failure rolls
   all of it back: nothing is deleted.
5. On PostgreSQL the audit table's trigger refuses every DELETE (migration 0005). Removal
   switches it off inside its own transaction (`ALTER TABLE … DISABLE TRIGGER`, which also
   holds off every other writer of the table until the commit switches it on again), which
   only the table's owner may do: run the command as the owner role, as `migrate` is run.
"""

import dataclasses
import datetime
import hashlib
import hmac
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from cases.audit import audit_record
from cases.models import AuditEvent

MINIMUM_RETENTION_YEARS = 6
FORMAT = "navigator-audit-archive"
VERSION = 1
KEY_SALT = "navigator.audit-archive"
ACTOR_LABEL = "audit archive (manage.py archive_audit)"
TRIGGER = "cases_auditevent_append_only"
# Events deleted per statement: well under SQLite's limit on one statement's parameters.
BATCH = 500


class ArchiveError(Exception):
    """An archive that cannot be written, verified or removed; the message says why and names
    files only, never an event's contents."""


@dataclasses.dataclass(frozen=True)
class ArchiveSummary:
    path: Path
    events: int
    first_event_at: datetime.datetime
    last_event_at: datetime.datetime
    before: datetime.datetime
    hmac_sha256: str

    def describe(self) -> str:
        return (
            f"{self.events:,} audit events from {_utc(self.first_event_at)} to "
            f"{_utc(self.last_event_at)} (UTC), all before {_utc(self.before)}; "
            f"HMAC-SHA256 {self.hmac_sha256}"
        )


@dataclasses.dataclass(frozen=True)
class ArchiveResult:
    archive: ArchiveSummary
    # Removed by this run: fewer than the archive holds when an earlier run removed some.
    removed: int


def audit_retention_years() -> int:
    years = settings.AUDIT_RETENTION_YEARS
    if not isinstance(years, int) or years < MINIMUM_RETENTION_YEARS:
        raise ArchiveError(
            f"AUDIT_RETENTION_YEARS is {years}: audit events are kept at least "
            f"{MINIMUM_RETENTION_YEARS} years. Set it to {MINIMUM_RETENTION_YEARS} or more."
        )
    return years


def audit_retention_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """Events created before this instant are past their retention."""
    years = audit_retention_years()
    local = timezone.localtime(now or timezone.now()).replace(tzinfo=None)
    try:
        earlier = local.replace(year=local.year - years)
    except ValueError:  # 29 February, in a year that has none
        earlier = local.replace(year=local.year - years, day=28)
    return timezone.make_aware(earlier)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _canonical(record: dict) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _event_record(event: AuditEvent) -> dict:
    return {
        "id": event.pk,
        "created_at": _utc(event.created_at),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_username": event.actor.get_username() if event.actor_id else "",
        "actor_label": event.actor_label,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "changes": event.changes,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
    }


def _events_before(cutoff: datetime.datetime) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(created_at__lt=cutoff)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def _signer():
    key = hashlib.sha256((KEY_SALT + settings.AUDIT_ARCHIVE_KEY).encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _writable_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ArchiveError(f"The folder {folder} does not exist: make it first, or name another.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ArchiveError(f"Cannot write in {folder}: permission denied.")


def audit_archive_write(
    *, folder: Path, now: datetime.datetime | None = None
) -> ArchiveSummary | None:
    """Write the events past their retention to a new signed file in `folder`; None when there
    are none. Deletes nothing."""
    now = now or timezone.now()
    cutoff = audit_retention_cutoff(now=now)
    events = _events_before(cutoff)
    span = events.aggregate(count=Count("id"), first=Min("created_at"), last=Max("created_at"))
    if not span["count"]:
        return None
    _writable_folder(folder)
    first, last = span["first"].astimezone(datetime.UTC), span["last"].astimezone(datetime.UTC)
    path = folder / f"audit-{first:%Y%m%d}-{last:%Y%m%d}.jsonl"
    header = {
        "format": FORMAT,
        "version": VERSION,
        "time_zone": "UTC",
        "team_time_zone": settings.TIME_ZONE,
        "retention_years": audit_retention_years(),
        "before": _utc(cutoff),
        "first_event_at": _utc(first),
        "last_event_at": _utc(last),
        "events": span["count"],
        "written_at": _utc(now),
    }
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise ArchiveError(
            f"{path} already exists: these events were archived to it before. Check it with "
            "`archive_audit verify`, and move it away before writing it again."
        ) from error
    except OSError as error:
        raise ArchiveError(f"Cannot write {path}: {error.strerror}.") from error
    signer, written = _signer(), 0
    try:
        with os.fdopen(descriptor, "wb") as archive:
            records = (_canonical(_event_record(e)) for e in events.iterator(chunk_size=2000))
            for line in itertools.chain([_canonical(header)], records):
                signer.update(line + b"\n")
                archive.write(line + b"\n")
                written += 1
            archive.write(_canonical({"hmac_sha256": signer.hexdigest()}) + b"\n")
            archive.flush()
            os.fsync(archive.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise ArchiveError(f"Cannot write {path}: {error.strerror}.") from error
    if written - 1 != span["count"]:
        path.unlink(missing_ok=True)
        raise ArchiveError("The events changed while they were archived: run it again.")
    return ArchiveSummary(
        path=path,
        events=span["count"],
        first_event_at=first,
        last_event_at=last,
        before=cutoff,
        hmac_sha256=signer.hexdigest(),
    )


def _lines(path: Path) -> Iterator[bytes]:
    """The file's lines, each without its newline; a last line without one is refused."""
    with path.open("rb") as archive:
        for line in archive:
            if not line.endswith(b"\n"):
                raise ArchiveError(f"{path} is cut short: its last line is incomplete.")
            yield line[:-1]


def _body(path: Path) -> Iterator[bytes]:
    """Every line but the last (the signature): the header, then the events."""
    previous = None
    for line in _lines(path):
        if previous is not None:
            yield previous
        previous = line


def _signature(path: Path) -> str:
    """The signature the last line holds, once it matches every byte before it."""
    signer, previous, count = _signer(), None, 0
    for line in _lines(path):
        if previous is not None:
            signer.update(previous + b"\n")
        previous, count = line, count + 1
    try:
        signature = json.loads(previous)["hmac_sha256"] if count >= 2 else None
    except (ValueError, TypeError, KeyError):
        signature = None
    if not isinstance(signature, str):
        raise ArchiveError(f"{path} is not a Navigator audit archive: it has no signature.")
    if not hmac.compare_digest(signer.hexdigest(), signature):
        raise ArchiveError(
            f"{path} fails verification: its HMAC-SHA256 does not match what it holds. It was "
            "changed after it was signed, or signed with another AUDIT_ARCHIVE_KEY."
        )
    return signature


def _moment(text, path: Path) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError) as error:
        raise ArchiveError(f"{path} holds a time that is not one.") from error
    if moment.utcoffset() != datetime.timedelta(0):
        raise ArchiveError(f"{path} holds a time not in UTC.")
    return moment


def _json(line: bytes, path: Path):
    try:
        return json.loads(line)
    except ValueError as error:
        raise ArchiveError(f"{path} holds a line that is not JSON.") from error


def _header(line: bytes, path: Path) -> dict:
    header = _json(line, path)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveError(f"{path} is not a Navigator audit archive: it has no archive header.")
    if header.get("version") != VERSION or header.get("time_zone") != "UTC":
        raise ArchiveError(f"{path} is an archive of another version than this code reads.")
    return header


def audit_archive_verify(*, path: Path) -> ArchiveSummary:
    """Check every line of the archive at `path`: its summary, or ArchiveError saying what
    failed. Reads the file as it streams, whatever its size."""
    if not path.is_file():
        raise ArchiveError(f"There is no archive file at {path}.")
    if not os.access(path, os.R_OK):
        raise ArchiveError(f"Cannot read {path}: permission denied.")
    signature = _signature(path)
    lines = _body(path)
    header = _header(next(lines), path)
    before = _moment(header.get("before"), path)
    first = _moment(header.get("first_event_at"), path)
    last = _moment(header.get("last_event_at"), path)
    previous, count = None, 0
    for line in lines:
        record = _json(line, path)
        if not isinstance(record, dict) or _canonical(record) != line:
            raise ArchiveError(f"{path} holds a line that is not in canonical form.")
        moment = _moment(record.get("created_at"), path)
        order = (moment, record.get("id"))
        if not isinstance(order[1], int) or (previous is not None and order <= previous):
            raise ArchiveError(f"{path} holds events out of order or twice.")
        if not first <= moment <= last or moment >= before:
            raise ArchiveError(f"{path} holds an event outside the range it states.")
        previous, count = order, count + 1
    if header.get("events") != count:
        raise ArchiveError(f"{path} says it holds {header.get('events')} events but holds {count}.")
    return ArchiveSummary(
        path=path,
        events=count,
        first_event_at=first,
        last_event_at=last,
        before=before,
        hmac_sha256=signature,
    )


def _delete(ids: list[int]) -> int:
    """Delete exactly these events, beside the ORM, which refuses (the trail is append-only)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign-key checks deferred to the commit (of rows this transaction wrote to the
            # table) would make PostgreSQL refuse the ALTER: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER}")
        # The table's name comes from the model; the ids travel as parameters.
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids)  # noqa: S608 # nosec B608
        deleted = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER}")
    return deleted


def _chunks(path: Path) -> Iterator[list[tuple[int, bytes]]]:
    """The archive's events as (id, line), BATCH at a time."""
    lines = _body(path)
    next(lines)
    chunk = []
    for line in lines:
        chunk.append((json.loads(line)["id"], line))
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _remove_chunk(chunk: list[tuple[int, bytes]], archive: ArchiveSummary) -> int:
    """In one transaction: the database's events with these ids (and before the archive's
    cutoff) must be exactly these lines, and are deleted; or none is left, and nothing is
    (an earlier run removed them). How many were deleted."""
    ids = [event_id for event_id, _ in chunk]
    with transaction.atomic():
        held = _events_before(archive.before).filter(pk__in=ids)
        lines = [_canonical(_event_record(event)) for event in held]
        if not lines:
            return 0
        if lines != [line for _, line in chunk]:
            raise ArchiveError(
                f"{archive.path} does not match the database's events: nothing more was removed."
            )
        if _delete(ids) != len(ids):
            raise ArchiveError("The events changed while they were removed: run it again.")
    return len(ids)


def _database_holds_only_archived(path: Path, archive: ArchiveSummary) -> None:
    """Every event the database holds before the archive's cutoff is in the archive (both in
    the same order: time, then id), so removing the archive's leaves none unarchived."""
    archived = (event_id for chunk in _chunks(path) for event_id, _ in chunk)
    held = _events_before(archive.before).values_list("id", flat=True)
    for event_id in held.iterator(chunk_size=2000):
        for other in archived:
            if other == event_id:
                break
        else:
            raise ArchiveError(
                f"The database holds events before {_utc(archive.before)} that {path} does "
                "not: nothing was removed. Write a new archive to archive them."
            )


def audit_archive_remove(*, path: Path, now: datetime.datetime | None = None) -> ArchiveResult:
    """Verify the archive at `path`, then delete from the database exactly the events it holds
    (they must equal the database's, line for line) and record that it did.

    In transactions of BATCH events, so the site, which writes an audit event with every page,
    waits a moment at most. A run that stops half-way leaves every event it removed in the
    verified archive; running it again on the same file finishes the removal and records it.
    """
    archive = audit_archive_verify(path=path)
    if archive.before > audit_retention_cutoff(now=now):
        raise ArchiveError(
            f"{path} holds events up to {_utc(archive.before)}, inside the retention of "
            f"{audit_retention_years()} years: nothing was removed."
        )
    _database_holds_only_archived(path, archive)
    removed = 0
    try:
        for chunk in _chunks(path):
            removed += _remove_chunk(chunk, archive)
        with transaction.atomic():
            recorded = AuditEvent.objects.filter(
                action=AuditEvent.Action.ARCHIVE, changes__hmac_sha256=archive.hmac_sha256
            )
            # A run that stopped after its last deletion, before this, left it to the next.
            if not recorded.exists():
                audit_record(
                    action=AuditEvent.Action.ARCHIVE,
                    actor_label=ACTOR_LABEL,
                    changes={
                        "events": archive.events,
                        "removed_now": removed,
                        "first_event_at": _utc(archive.first_event_at),
                        "last_event_at": _utc(archive.last_event_at),
                        "before": _utc(archive.before),
                        "file": path.name,
                        "hmac_sha256": archive.hmac_sha256,
                    },
                )
    except DatabaseError as error:
        raise ArchiveError(
            f"The database refused to remove archived events ({type(error).__name__}) after "
            f"{removed:,} of {archive.events:,}; those are in the verified archive. On "
            "PostgreSQL only the audit table's owner may remove events: run archive_audit "
            "with DATABASE_URL naming the owner role (as `migrate` is run)."
        ) from error
    return ArchiveResult(archive=archive, removed=removed)
