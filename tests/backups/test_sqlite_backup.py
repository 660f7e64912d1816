"""`manage.py backup` and `manage.py restore` on the embedded default (SQLite), as an operator
runs them — in processes of their own, against the test database file while this process
writes to it: every row of every table comes back, counted and checksummed."""

import datetime
import hashlib
import queue
import sqlite3
import stat
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse

from cases.models import Case, Centre, Patient
from tests import factories
from tests.backups.checksums import (
    model_tables,
    sqlite_checksums,
    sqlite_highest_keys,
)
from tests.backups.data import (
    database_file,
    every_kind_of_row,
    filled_tables,
    manage,
    sqlite_url,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="SQLite's online backup; pg_dump: tests/backups/test_postgres_backup.py",
    ),
    pytest.mark.django_db(transaction=True),
]

NOW = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def at_a_fixed_instant():
    with time_machine.travel(NOW, tick=True):
        yield


def backup(path, tmp_path, *extra):
    done = manage(
        "backup", str(path), *extra, database_url=sqlite_url(database_file()), tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return done


def restore(path, database, tmp_path, *extra):
    return manage(
        "restore", str(path), *extra, database_url=sqlite_url(database), tmp_path=tmp_path
    )


def test_a_backup_holds_every_row_and_restores_into_an_empty_database(at_a_fixed_instant, tmp_path):
    made = every_kind_of_row()
    source = sqlite_checksums(database_file())
    assert filled_tables() <= {table for table, (count, _) in source.items() if count}

    done = backup(tmp_path / "navigator.backup", tmp_path)
    assert "Backed up to" in done.stdout and "2 cases" in done.stdout
    assert "Traceback" not in done.stderr
    backup_file = tmp_path / "navigator.backup"
    # It holds patient data: its owner alone may read it.
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert sqlite_checksums(backup_file) == source

    restored = tmp_path / "restored" / "navigator.sqlite3"
    restored.parent.mkdir()
    done = restore(backup_file, restored, tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Restored {restored}: 2 cases" in done.stdout
    assert sqlite_checksums(restored) == source

    # A status link is in it as the hash of its token, never the token.
    content = backup_file.read_bytes()
    assert made["token"].encode() not in content
    assert hashlib.sha256(made["token"].encode()).hexdigest().encode() in content


def test_the_restored_database_serves_the_site_again(at_a_fixed_instant, tmp_path):
    """Restored over the test database itself (--force): the staff member's and the patient's
    sessions, the case and the link work as before."""
    made = every_kind_of_row()
    backup(tmp_path / "navigator.backup", tmp_path)
    case = Case.objects.get(patient__date_of_birth__year=1968)
    factories.open_case(case.social_worker)  # written after the backup: gone after the restore
    connection.close()
    done = restore(tmp_path / "navigator.backup", database_file(), tmp_path, "--force")
    assert done.returncode == 0, done.stderr
    assert Case.objects.count() == 2
    page = made["staff"].get(reverse("case_detail", args=[case.pk]))
    assert page.status_code == 200 and b"Called the records office." in page.content
    status_page = made["patient"].get(reverse("patient_status", args=[made["token"]]))
    assert b"Where your request is" in status_page.content
    kept = list(database_file().parent.glob(f"{database_file().name}.before-restore-*"))
    assert len(kept) == 1
    assert sqlite_checksums(kept[0])["cases_case"][0] == 3
    kept[0].unlink()


class CaseWriter(threading.Thread):
    """A thread opening cases through the service, one after another, until stopped. Each
    case's id, or what the thread raised, goes into `written` as it happens; `wait_for(n)`
    blocks until n more cases are there (no timed wait: CI runs the suite with the clock
    stopped under faketime)."""

    def __init__(self):
        super().__init__()
        self.stopping = threading.Event()
        self.written = queue.Queue()
        self.cases: list[int] = []

    def run(self) -> None:
        try:
            alex = factories.social_worker("writer")
            while not self.stopping.is_set():
                self.written.put(factories.open_case(alex).pk)
        except Exception as error:
            self.written.put(error)
        finally:
            connection.close()

    def wait_for(self, count: int) -> None:
        for _ in range(count):
            case = self.written.get()
            if isinstance(case, Exception):
                raise case
            self.cases.append(case)

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        while not self.written.empty():
            self.wait_for(1)


def assert_one_consistent_state(backup_file, source):
    """Each table of the backup equals the source's rows up to the backup's highest key (the
    writer only adds rows), and every case in it is whole: four steps, its patient, its
    opening on the timeline and in the audit trail."""
    highest = sqlite_highest_keys(backup_file)
    assert sqlite_checksums(backup_file) == sqlite_checksums(source, up_to=highest)
    with sqlite3.connect(backup_file) as copy:
        (broken,) = copy.execute(
            "SELECT count(*) FROM cases_case c WHERE "
            "(SELECT count(*) FROM cases_step s WHERE s.case_id = c.id) != 4 "
            "OR NOT EXISTS (SELECT 1 FROM cases_patient p WHERE p.id = c.patient_id) "
            "OR NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id) "
            "OR NOT EXISTS (SELECT 1 FROM cases_auditevent a WHERE a.case_id = c.id "
            "AND a.action = 'create')"
        ).fetchone()
    assert broken == 0


def test_a_backup_while_cases_are_written_is_one_consistent_state(at_a_fixed_instant, tmp_path):
    factories.ensure_defaults()
    writer = CaseWriter()
    writer.start()
    try:
        writer.wait_for(3)
        backup(tmp_path / "during.backup", tmp_path)
        # Whatever it wrote until now, then three more: written after the backup ended.
        writer.wait_for(writer.written.qsize() + 3)
    finally:
        writer.stop()
    backed_up = sqlite_checksums(tmp_path / "during.backup")["cases_case"][0]
    assert 3 <= backed_up < len(writer.cases)
    assert_one_consistent_state(tmp_path / "during.backup", database_file())

    # Quiet now: a second backup, restored into an empty database, holds every row.
    backup(tmp_path / "after.backup", tmp_path)
    restored = tmp_path / "restored.sqlite3"
    assert restore(tmp_path / "after.backup", restored, tmp_path).returncode == 0
    assert sqlite_checksums(restored) == sqlite_checksums(database_file())
    assert sqlite_checksums(restored)["cases_case"][0] == len(writer.cases)


def test_a_backup_during_an_unfinished_write_neither_waits_nor_holds_any_of_it(
    at_a_fixed_instant, tmp_path
):
    """A transaction holds SQLite's write lock, half-way through opening a case, while the
    backup runs in another process: the backup finishes, and holds none of that case."""
    factories.ensure_defaults()
    alex = factories.social_worker("alex")
    factories.open_case(alex)
    half_written, backed_up, errors = threading.Event(), threading.Event(), []

    def open_a_case_slowly() -> None:
        try:
            with transaction.atomic():
                factories.open_case(alex, patient={"mrn": "HALF-1"})
                half_written.set()
                backed_up.wait()
        except Exception as error:
            errors.append(error)
        finally:
            half_written.set()
            connection.close()

    writer = threading.Thread(target=open_a_case_slowly)
    writer.start()
    try:
        half_written.wait()
        assert errors == []
        backup(tmp_path / "navigator.backup", tmp_path)
    finally:
        backed_up.set()
        writer.join()
    assert errors == []
    assert Patient.objects.filter(mrn="HALF-1").exists()
    with sqlite3.connect(tmp_path / "navigator.backup") as copy:
        assert copy.execute("SELECT mrn FROM cases_patient").fetchall() != []
        assert copy.execute("SELECT 1 FROM cases_patient WHERE mrn = 'HALF-1'").fetchall() == []
    assert_one_consistent_state(tmp_path / "navigator.backup", database_file())


def test_the_checksums_cover_every_table_of_every_installed_app():
    tables = set(model_tables())
    for expected in (
        "cases_case",
        "cases_auditevent",
        "cases_statuslink",
        "cases_stagesetting",
        "cases_businessday",
        "cases_checklisttemplate",
        Centre._meta.db_table,
        "auth_user",
        "auth_user_groups",
        "axes_accessattempt",
        "axes_accesslog",
        "otp_totp_totpdevice",
        "django_session",
        "django_migrations",
    ):
        assert expected in tables
