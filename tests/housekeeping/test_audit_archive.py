"""`manage.py archive_audit`: audit events past their retention (six years at least) go to a
signed file, and leave the database only once that file is read back and verified; a tampered
or mismatched archive is refused and nothing is deleted; the removal is itself recorded.
Every test runs at fixed instants."""

import datetime
import json
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.crypto import salted_hmac

from cases.audit import audit_record
from cases.housekeeping import audit_archive
from cases.housekeeping.audit_archive import (
    ArchiveError,
    audit_archive_remove,
    audit_archive_verify,
    audit_archive_write,
    audit_retention_cutoff,
)
from cases.models import AuditEvent
from tests import factories
from tests.test_db_roles import APP, OWNER, role_split, roles  # noqa: F401 -- fixtures

# 10:00 in New York, before the clocks change; six years earlier is 4 March 2026, 10:00 EST.
NOW = datetime.datetime(2032, 3, 4, 15, 0, tzinfo=datetime.UTC)
CUTOFF = datetime.datetime(2026, 3, 4, 15, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def audit_at(moment: datetime.datetime, **fields) -> AuditEvent:
    with at(moment):
        return audit_record(action=AuditEvent.Action.VIEW, **fields)


@pytest.fixture
def events(alex):
    """Events either side of the cutoff: a case opened long ago (its creation events), a login
    through the login page, a view one second before the cutoff — and one exactly at it and
    one after, which stay."""
    with at(datetime.datetime(2019, 6, 1, 12, 0, tzinfo=datetime.UTC)):
        case = factories.open_case(alex)
    with at(datetime.datetime(2024, 1, 2, 9, 0, tzinfo=datetime.UTC)):
        Client().post(reverse("login"), {"username": "alex", "password": "correct-horse-battery"})
    old = list(AuditEvent.objects.values_list("pk", flat=True))
    just_outside = audit_at(CUTOFF - SECOND, actor=alex, obj=case, case=case)
    at_the_cutoff = audit_at(CUTOFF, actor=alex, obj=case, case=case)
    inside = audit_at(CUTOFF + SECOND, actor=alex, obj=case, case=case)
    return {
        "case": case,
        "archived": sorted([*old, just_outside.pk]),
        "kept": sorted([at_the_cutoff.pk, inside.pk]),
    }


def remaining() -> list[int]:
    return sorted(AuditEvent.objects.exclude(action="archive").values_list("pk", flat=True))


def test_the_cutoff_is_six_years_ago_in_the_teams_time_zone():
    assert audit_retention_cutoff(now=NOW) == CUTOFF
    # 29 February has no day six years before: the 28th.
    leap_day = datetime.datetime(2032, 2, 29, 17, 0, tzinfo=datetime.UTC)
    assert audit_retention_cutoff(now=leap_day) == datetime.datetime(
        2026, 2, 28, 17, 0, tzinfo=datetime.UTC
    )
    # The same time of day on the clock: EDT now, EST then.
    summer = datetime.datetime(2032, 7, 1, 14, 0, tzinfo=datetime.UTC)  # 10:00 EDT
    assert audit_retention_cutoff(now=summer) == datetime.datetime(
        2026, 7, 1, 14, 0, tzinfo=datetime.UTC
    )


def test_archiving_removes_exactly_the_events_past_their_retention(events, tmp_path, capsys):
    with at(NOW):
        call_command("archive_audit", "write", str(tmp_path))
    (archive,) = tmp_path.glob("*.jsonl")
    assert archive.name == "audit-20190601-20260304.jsonl"
    out = capsys.readouterr().out
    assert f"Archived {len(events['archived'])} audit events from 2019-06-01T12:00:00" in out
    assert f"to {archive}, verified it, and removed those {len(events['archived'])} events" in out
    assert remaining() == events["kept"]
    assert archive.stat().st_mode & 0o077 == 0

    lines = archive.read_bytes().splitlines()
    header = json.loads(lines[0])
    assert header == {
        "format": "navigator-audit-archive",
        "version": 1,
        "time_zone": "UTC",
        "team_time_zone": "America/New_York",
        "retention_years": 6,
        "before": "2026-03-04T15:00:00.000000+00:00",
        "first_event_at": "2019-06-01T12:00:00.000000+00:00",
        "last_event_at": "2026-03-04T14:59:59.000000+00:00",
        "events": len(events["archived"]),
        "written_at": "2032-03-04T15:00:00.000000+00:00",
    }
    archived = [json.loads(line) for line in lines[1:-1]]
    assert [record["id"] for record in archived] == events["archived"]
    assert {"create", "login", "view"} <= {record["action"] for record in archived}
    login = next(record for record in archived if record["action"] == "login")
    assert login["actor_username"] == "alex" and login["ip_address"] == "127.0.0.1"
    # The signature, as the README says: HMAC-SHA256 over every byte before the last line,
    # keyed as Django's salted_hmac keys it.
    body = archive.read_bytes().rsplit(b"\n", 2)[0] + b"\n"
    expected = salted_hmac(
        audit_archive.KEY_SALT, body, secret=settings.AUDIT_ARCHIVE_KEY, algorithm="sha256"
    ).hexdigest()
    assert json.loads(lines[-1]) == {"hmac_sha256": expected}


def test_the_removal_is_recorded_without_patient_data(events, tmp_path):
    with at(NOW):
        call_command("archive_audit", "write", str(tmp_path))
    (archive,) = tmp_path.glob("*.jsonl")
    record = AuditEvent.objects.get(action="archive")
    assert record.actor is None and record.actor_label.startswith("audit archive")
    assert record.created_at == NOW
    assert record.changes == {
        "events": len(events["archived"]),
        "removed_now": len(events["archived"]),
        "first_event_at": "2019-06-01T12:00:00.000000+00:00",
        "last_event_at": "2026-03-04T14:59:59.000000+00:00",
        "before": "2026-03-04T15:00:00.000000+00:00",
        "file": archive.name,
        "hmac_sha256": json.loads(archive.read_bytes().splitlines()[-1])["hmac_sha256"],
    }
    patient = events["case"].patient
    written = json.dumps(record.changes)
    assert patient.full_name not in written and patient.mrn not in written


def test_verify_checks_an_archive_and_changes_nothing(events, tmp_path, capsys):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        call_command("archive_audit", "verify", str(written.path))
    assert f"{written.path} is a verified Navigator audit archive: " in capsys.readouterr().out
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])


def tamper(path, old: bytes, new: bytes) -> None:
    content = path.read_bytes()
    assert old in content
    path.write_bytes(content.replace(old, new, 1))


def test_a_tampered_archive_is_refused_and_nothing_is_deleted(events, tmp_path):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        tamper(written.path, b'"ip_address":"127.0.0.1"', b'"ip_address":"127.0.0.2"')
        with pytest.raises(CommandError, match="fails verification: its HMAC-SHA256 does not"):
            call_command("archive_audit", "verify", str(written.path))
        with pytest.raises(ArchiveError, match="fails verification"):
            audit_archive_remove(path=written.path)
        with pytest.raises(CommandError, match="fails verification"):
            call_command("archive_audit", "remove", str(written.path))
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])
    assert not AuditEvent.objects.filter(action="archive").exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda content: content[:-20], "is cut short"),
        (lambda content: content.rsplit(b"\n", 2)[0] + b"\n", "has no signature"),
        (lambda content: b"", "has no signature"),
        (lambda content: b"\xff\xfe not an archive\n", "has no signature"),
    ],
)
def test_a_damaged_archive_is_refused(events, tmp_path, damage, message):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
    written.path.write_bytes(damage(written.path.read_bytes()))
    with pytest.raises(ArchiveError, match=message):
        audit_archive_verify(path=written.path)


def sign_again(path) -> None:
    """Re-sign a file with the real key, as only someone holding it could."""
    lines = path.read_bytes().splitlines(keepends=True)[:-1]
    signer = audit_archive._signer()
    for line in lines:
        signer.update(line)
    path.write_bytes(b"".join(lines) + json.dumps({"hmac_sha256": signer.hexdigest()}).encode())
    path.write_bytes(path.read_bytes() + b"\n")


def test_a_signed_archive_that_differs_from_the_database_removes_nothing(events, tmp_path):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        tamper(written.path, b'"ip_address":"127.0.0.1"', b'"ip_address":"127.0.0.2"')
        sign_again(written.path)
        audit_archive_verify(path=written.path)  # the signature holds
        with pytest.raises(ArchiveError, match="does not match the database's events"):
            audit_archive_remove(path=written.path)
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])
    assert not AuditEvent.objects.filter(action="archive").exists()


def test_an_archive_that_leaves_out_an_event_removes_nothing(events, tmp_path):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        lines = written.path.read_bytes().splitlines(keepends=True)
        header = json.loads(lines[0])
        header["events"] -= 1
        written.path.write_bytes(
            json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
            + b"\n"
            + b"".join(lines[1:-2])
            + lines[-1]
        )
        sign_again(written.path)
        with pytest.raises(ArchiveError, match="holds events before 2026-03-04T15:00:00.000000"):
            audit_archive_remove(path=written.path)
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])


def test_a_removal_that_stopped_half_way_is_finished_by_running_it_again(
    events, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(audit_archive, "BATCH", 2)
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        # What a first run had done when the database went away: its first transaction.
        first_chunk = next(audit_archive._chunks(written.path))
        audit_archive._delete([event_id for event_id, _ in first_chunk])
        call_command("archive_audit", "remove", str(written.path))
        assert remaining() == events["kept"]
        record = AuditEvent.objects.get(action="archive")
        assert record.changes["removed_now"] == len(events["archived"]) - 2
        capsys.readouterr()
        call_command("archive_audit", "remove", str(written.path))
    assert "were removed already: nothing more to do" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="archive").count() == 1


def test_nothing_past_its_retention_writes_no_file(alex, tmp_path, capsys):
    audit_at(CUTOFF, actor=alex)
    with at(NOW):
        call_command("archive_audit", "write", str(tmp_path))
    assert capsys.readouterr().out == (
        "No audit event is older than the retention (6 years: before 2026-03-04 10:00 EST): "
        "nothing to archive.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_longer_retention_keeps_more(events, tmp_path, settings):
    settings.AUDIT_RETENTION_YEARS = 7
    with at(NOW):
        call_command("archive_audit", "write", str(tmp_path))
    (archive,) = tmp_path.glob("*.jsonl")
    assert archive.name == "audit-20190601-20240102.jsonl"
    # Six years and a second old: kept seven.
    assert remaining() == [events["archived"][-1], *events["kept"]]


def test_an_archive_cut_inside_todays_retention_is_not_removed(events, tmp_path, settings):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        settings.AUDIT_RETENTION_YEARS = 7
        with pytest.raises(ArchiveError, match="inside the retention of 7 years: nothing"):
            audit_archive_remove(path=written.path)
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])


def test_a_retention_under_six_years_is_refused(events, tmp_path, settings):
    settings.AUDIT_RETENTION_YEARS = 5
    with at(NOW), pytest.raises(CommandError) as refusal:
        call_command("archive_audit", "write", str(tmp_path))
    assert str(refusal.value) == (
        "AUDIT_RETENTION_YEARS is 5: audit events are kept at least 6 years. Set it to 6 or more."
    )
    assert list(tmp_path.iterdir()) == []
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "AUDIT_RETENTION_YEARS",
            "5",
            "AUDIT_RETENTION_YEARS is 5: audit events are kept at least 6 years. Set it to 6 or "
            "more.",
        ),
        ("LOGIN_RECORDS_RETENTION_DAYS", "0", "LOGIN_RECORDS_RETENTION_DAYS must be 1 or more."),
    ],
)
def test_the_site_does_not_start_with_a_retention_too_short(tmp_path, variable, value, message):
    done = subprocess.run(  # noqa: S603 -- a fixed command
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "x",
            "NAVIGATOR_VAR_DIR": str(tmp_path),
            variable: value,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert message in done.stderr


def test_an_archive_is_never_written_over(events, tmp_path):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        before = written.path.read_bytes()
        with pytest.raises(CommandError, match="already exists: these events were archived"):
            call_command("archive_audit", "write", str(tmp_path))
    assert written.path.read_bytes() == before
    assert len(remaining()) == len(events["archived"]) + len(events["kept"])


def test_folders_and_files_that_are_not_there_are_named(events, tmp_path):
    with at(NOW):
        with pytest.raises(CommandError, match=r"The folder .*/missing does not exist"):
            call_command("archive_audit", "write", str(tmp_path / "missing"))
        with pytest.raises(CommandError, match=r"There is no archive file at .*/none\.jsonl"):
            call_command("archive_audit", "verify", str(tmp_path / "none.jsonl"))


def as_role(role: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"' if role else "RESET ROLE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and triggers: PostgreSQL's")
@pytest.mark.usefixtures("role_split")
def test_on_postgresql_only_the_owner_removes_and_the_trail_stays_append_only(events, tmp_path):
    with at(NOW):
        written = audit_archive_write(folder=tmp_path)
        as_role(APP)
        try:
            with pytest.raises(ArchiveError, match="only the audit table's owner may remove"):
                audit_archive_remove(path=written.path)
        finally:
            as_role(None)
        assert len(remaining()) == len(events["archived"]) + len(events["kept"])
        as_role(OWNER)
        try:
            audit_archive_remove(path=written.path)
        finally:
            as_role(None)
    assert remaining() == events["kept"]
    # The trigger is on again: even the owner cannot delete an event by hand.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_auditevent")
