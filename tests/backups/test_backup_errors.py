"""What `backup` and `restore` say when they cannot do what was asked: one clear sentence and
what to do, never a traceback, and nothing overwritten or lost."""

import datetime
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.backups.checks import BackupError
from cases.backups.sqlite import sqlite_backup, sqlite_restore
from tests.backups.checksums import sqlite_checksums
from tests.backups.data import database_file, manage, sqlite_url

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the embedded default's files; PostgreSQL: tests/backups/test_postgres_backup.py",
    ),
    pytest.mark.django_db,
]

NOW = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def a_backup(tmp_path) -> Path:
    """A backup of the test database (its schema, migration history and seeded settings)."""
    return sqlite_backup(database=database_file(), path=tmp_path / "good.backup", now=NOW).path


@pytest.fixture
def unwritable_folder(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    if os.access(folder, os.W_OK):
        # Root may write in any folder it owns whatever its mode: /proc/self takes no new
        # file from anyone (Linux, where CI runs).
        folder = Path("/proc/self")
    yield folder
    (tmp_path / "read-only").chmod(0o700)


def refused(function, **arguments) -> str:
    with pytest.raises(BackupError) as refusal:
        function(now=NOW, **arguments)
    return str(refusal.value)


# --- backup --------------------------------------------------------------------------------


def test_a_backup_into_a_folder_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(CommandError, match=r"The folder .*/missing does not exist: make it"):
        call_command("backup", str(tmp_path / "missing" / "navigator.backup"))


def test_a_backup_into_a_folder_it_cannot_write_in_says_so(unwritable_folder):
    with pytest.raises(CommandError, match=r"Cannot write in .*: permission denied\."):
        call_command("backup", str(unwritable_folder / "navigator.backup"))


def test_a_backup_never_overwrites_a_file_unless_told(tmp_path, a_backup):
    before = a_backup.read_bytes()
    with pytest.raises(CommandError, match="already exists: name a new file, or add --force"):
        call_command("backup", str(a_backup))
    assert a_backup.read_bytes() == before
    call_command("backup", str(a_backup), force=True)
    assert sqlite_checksums(a_backup) == sqlite_checksums(database_file())


def test_a_backup_into_a_folder_is_a_new_dated_file_there(tmp_path, capsys):
    call_command("backup", str(tmp_path))
    (made,) = tmp_path.glob("navigator-*.sqlite3")
    assert f"Backed up to {made}" in capsys.readouterr().out
    assert not list(tmp_path.glob(".*partial*"))


def test_backup_without_a_database_says_so(tmp_path):
    message = refused(sqlite_backup, database=tmp_path / "none.sqlite3", path=tmp_path / "b")
    assert message == f"There is no database at {tmp_path / 'none.sqlite3'}: nothing to back up."


# --- restore: the file -----------------------------------------------------------------------


def test_restore_names_a_missing_file(tmp_path):
    message = refused(sqlite_restore, database=tmp_path / "db", path=tmp_path / "nothing.backup")
    assert message == f"There is no backup at {tmp_path / 'nothing.backup'}."


def test_restore_names_a_folder(tmp_path):
    message = refused(sqlite_restore, database=tmp_path / "db", path=tmp_path)
    assert message == f"{tmp_path} is a folder: name the backup file inside it."


def test_restore_refuses_a_file_that_is_not_sqlite(tmp_path):
    (tmp_path / "notes.txt").write_text("Not a database at all.\n" * 100)
    message = refused(sqlite_restore, database=tmp_path / "db", path=tmp_path / "notes.txt")
    assert message == (
        f"{tmp_path / 'notes.txt'} is not a Navigator backup: SQLite cannot read it "
        "(file is not a database)."
    )
    assert not (tmp_path / "db").exists()


def test_restore_refuses_a_damaged_backup(tmp_path, a_backup):
    damaged = tmp_path / "damaged.backup"
    content = bytearray(a_backup.read_bytes())
    # Scribble over the middle of the file, as a failing disk would.
    middle = len(content) // 2
    content[middle : middle + 8192] = b"\xff" * 8192
    damaged.write_bytes(bytes(content))
    message = refused(sqlite_restore, database=tmp_path / "db", path=damaged)
    assert message in (
        f"{damaged} is damaged: it fails SQLite's integrity check.",
        f"{damaged} is damaged: SQLite cannot read it (database disk image is malformed).",
    )
    assert not (tmp_path / "db").exists()


def test_restore_refuses_a_sqlite_database_that_is_not_navigators(tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as database:
        database.execute("CREATE TABLE recipes (name TEXT)")
    message = refused(sqlite_restore, database=tmp_path / "db", path=other)
    assert message == (
        f"{other} is a SQLite database but not a Navigator backup: it has no migration history."
    )


def test_restore_refuses_a_backup_from_newer_code(tmp_path, a_backup):
    with sqlite3.connect(a_backup) as backup:
        backup.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('cases', '9999_from_the_future', '2031-01-01')"
        )
    message = refused(sqlite_restore, database=tmp_path / "db", path=a_backup)
    assert message == (
        f"{a_backup} was made by a newer version of Navigator: this code does not have "
        "migration cases.9999_from_the_future. Restore it with the version that made it."
    )
    assert not (tmp_path / "db").exists()


def test_a_backup_from_older_code_restores_and_says_to_migrate(tmp_path, a_backup):
    with sqlite3.connect(a_backup) as backup:
        backup.execute("DELETE FROM django_migrations WHERE app = 'cases' AND name LIKE '0013%'")
    result = sqlite_restore(database=tmp_path / "db", path=a_backup, now=NOW)
    assert "The backup predates 1 migration(s) of this code: run `python manage.py migrate`" in (
        result.message()
    )


# --- restore: the database it would replace ------------------------------------------------


def test_restore_never_replaces_a_database_that_holds_data_unless_told(tmp_path, a_backup):
    live = tmp_path / "live.sqlite3"
    shutil.copy(a_backup, live)
    with sqlite3.connect(live) as database:
        database.execute("INSERT INTO auth_group (name) VALUES ('Example team kept')")
    before = sqlite_checksums(live)
    message = refused(sqlite_restore, database=live, path=a_backup)
    assert message.startswith(f"The database {live} holds 0 cases, ")
    assert message.endswith(
        "Restoring would replace it: run again with --force to keep it aside (renamed, never "
        "deleted) and restore."
    )
    assert sqlite_checksums(live) == before

    result = sqlite_restore(database=live, path=a_backup, now=NOW, force=True)
    assert result.set_aside == tmp_path / "live.sqlite3.before-restore-20300304T150000Z"
    assert sqlite_checksums(result.set_aside) == before
    assert sqlite_checksums(live) == sqlite_checksums(a_backup)
    assert f"The database as it was before is kept at {result.set_aside}." in result.message()


def test_restore_keeps_aside_a_file_that_is_not_a_database(tmp_path, a_backup):
    live = tmp_path / "live.sqlite3"
    live.write_text("Whatever was here.")
    assert "is not a SQLite database" in refused(sqlite_restore, database=live, path=a_backup)
    result = sqlite_restore(database=live, path=a_backup, now=NOW, force=True)
    assert result.set_aside.read_text() == "Whatever was here."
    assert sqlite_checksums(live) == sqlite_checksums(a_backup)


def test_the_commands_print_their_refusal_not_a_traceback(tmp_path):
    (tmp_path / "notes.txt").write_text("Not a database.")
    done = manage(
        "restore",
        str(tmp_path / "notes.txt"),
        database_url=sqlite_url(tmp_path / "db.sqlite3"),
        tmp_path=tmp_path,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"CommandError: {tmp_path / 'notes.txt'} is not a Navigator backup" in done.stderr
    done = manage(
        "backup",
        str(tmp_path / "missing" / "b"),
        database_url=sqlite_url(database_file()),
        tmp_path=tmp_path,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "does not exist: make it first, or name another." in done.stderr
