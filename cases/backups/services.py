"""The two operations, on whichever database DATABASE_URL names: SQLite (the embedded
default) through its online backup API, PostgreSQL through pg_dump and pg_restore."""

from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone

from cases.backups import postgres, sqlite
from cases.backups.checks import BackupError, BackupResult, RestoreResult


def _engine() -> str:
    if connection.vendor in ("sqlite", "postgresql"):
        return connection.vendor
    raise BackupError(f"Backups cover SQLite and PostgreSQL, not {connection.vendor}.")


def _unreachable(error: DatabaseError) -> BackupError:
    said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return BackupError(f"The database {connection.settings_dict['NAME']} did not answer: {said}")


def database_backup(*, path: Path, force: bool = False) -> BackupResult:
    """Back the whole database up to the file `path`, or to a new file in the folder `path`."""
    try:
        return _backup(path=path, force=force)
    except DatabaseError as error:
        raise _unreachable(error) from error


def database_restore(*, path: Path, force: bool = False) -> RestoreResult:
    """Restore the backup at `path` into the database; see `sqlite` and `postgres` for when an
    existing database is refused."""
    try:
        return _restore(path=path, force=force)
    except DatabaseError as error:
        raise _unreachable(error) from error


def _backup(*, path: Path, force: bool) -> BackupResult:
    now = timezone.now()
    if _engine() == "sqlite":
        return sqlite.sqlite_backup(
            database=Path(connection.settings_dict["NAME"]), path=path, now=now, force=force
        )
    return postgres.postgres_backup(
        target=postgres.Target.from_settings(connection.settings_dict),
        path=path,
        stamp=sqlite.stamp(now),
        force=force,
    )


def _restore(*, path: Path, force: bool) -> RestoreResult:
    if _engine() == "sqlite":
        return sqlite.sqlite_restore(
            database=Path(connection.settings_dict["NAME"]),
            path=path,
            now=timezone.now(),
            force=force,
        )
    return postgres.postgres_restore(
        target=postgres.Target.from_settings(connection.settings_dict), path=path, force=force
    )
