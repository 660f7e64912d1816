"""`manage.py backup` and `restore` on PostgreSQL: pg_dump --format=custom, and pg_restore into
a fresh database — every row of every table comes back, counted and checksummed — and what
they say when they cannot run (make test-postgres)."""

import datetime

import pytest
import time_machine
from django.db import connection

from tests.backups.conftest import the_test_database
from tests.backups.data import every_kind_of_row, filled_tables, manage

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump and pg_restore: PostgreSQL only (make test-postgres); SQLite's "
        "backup: tests/backups/test_sqlite_backup.py",
    ),
    pytest.mark.django_db(transaction=True),
]

NOW = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)


def test_a_dump_restored_into_a_fresh_database_holds_every_row(tmp_path, fresh_database):
    with time_machine.travel(NOW, tick=True):
        made = every_kind_of_row()
    source = the_test_database()
    expected = source.checksums()
    assert filled_tables() <= {table for table, (count, _) in expected.items() if count}

    done = manage(
        "backup", str(tmp_path / "navigator.dump"), database_url=source.url, tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert f"Backed up to {tmp_path / 'navigator.dump'}: 2 cases" in done.stdout
    assert (tmp_path / "navigator.dump").stat().st_mode & 0o077 == 0
    assert made["token"].encode() not in (tmp_path / "navigator.dump").read_bytes()

    done = manage(
        "restore",
        str(tmp_path / "navigator.dump"),
        database_url=fresh_database.url,
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "2 cases" in done.stdout and "db_roles" in done.stdout
    assert fresh_database.checksums() == expected
    # The audit table's trigger came too: the restored trail is append-only.
    (trigger,) = fresh_database.rows(
        "SELECT count(*) FROM pg_trigger WHERE tgname = 'cases_auditevent_append_only'"
    )
    assert trigger == (1,)


def test_restore_never_writes_into_a_database_that_holds_tables(tmp_path, fresh_database):
    source = the_test_database()
    manage("backup", str(tmp_path / "navigator.dump"), database_url=source.url, tmp_path=tmp_path)
    for extra in ([], ["--force"]):
        done = manage(
            "restore",
            str(tmp_path / "navigator.dump"),
            *extra,
            database_url=source.url,
            tmp_path=tmp_path,
        )
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert f"The database {connection.settings_dict['NAME']} is not empty" in done.stderr
        assert "Restore into a new one: createdb NAME, point DATABASE_URL at it" in done.stderr
    assert "(--force does not apply on PostgreSQL)" in done.stderr


def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path, fresh_database):
    (tmp_path / "notes.txt").write_text("Not a dump.\n")
    done = manage(
        "restore", str(tmp_path / "notes.txt"), database_url=fresh_database.url, tmp_path=tmp_path
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is not a PostgreSQL backup made with pg_dump --format=custom" in done.stderr
    assert fresh_database.rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [
        (0,)
    ]


def test_without_the_client_tools_the_commands_say_exactly_what_to_run(tmp_path, fresh_database):
    source = the_test_database()
    name = connection.settings_dict["NAME"]
    done = manage(
        "backup",
        str(tmp_path / "navigator.dump"),
        database_url=source.url,
        tmp_path=tmp_path,
        env={"PATH": str(tmp_path / "nothing-here")},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "pg_dump is not on PATH" in done.stderr
    assert f"PGDATABASE={name} pg_dump --format=custom --file={tmp_path / 'navigator.dump'}" in (
        done.stderr
    )
    (tmp_path / "navigator.dump").write_bytes(b"PGDMP")
    done = manage(
        "restore",
        str(tmp_path / "navigator.dump"),
        database_url=fresh_database.url,
        tmp_path=tmp_path,
        env={"PATH": str(tmp_path / "nothing-here")},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "pg_restore is not on PATH" in done.stderr
    assert (
        "pg_restore --single-transaction --exit-on-error --no-owner --no-privileges" in done.stderr
    )


def test_a_database_that_does_not_answer_is_named_not_a_traceback(tmp_path):
    nowhere = "postgres://postgres@127.0.0.1:9/navigator_nowhere"  # the discard port: no server
    dump = tmp_path / "navigator.dump"
    made = manage("backup", str(dump), database_url=the_test_database().url, tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    for command, path in (("backup", tmp_path / "new.dump"), ("restore", dump)):
        done = manage(command, str(path), database_url=nowhere, tmp_path=tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "CommandError: The database navigator_nowhere did not answer: " in done.stderr
    assert not (tmp_path / "new.dump").exists()
