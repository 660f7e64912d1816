"""The embedded default's database (one SQLite file) backed up and restored with SQLite's
online backup API, `sqlite3.Connection.backup`, while the web server and the worker write.

1. A backup copies the live database in one step of the backup API: one read transaction, so
   it holds one consistent state — every write committed before it began, nothing of a write
   still in progress. The database runs in WAL mode (navigator/settings.py), where a reader
   never blocks a writer: the site and the worker go on writing meanwhile. (In several steps
   the copy would start again after each write from another connection.)
2. It is written to a new file beside the one asked for, readable by its owner only (it holds
   patient data), checked (`PRAGMA integrity_check`), made one self-contained file
   (`journal_mode=DELETE`, no `-wal` beside it), flushed to disk, and only then renamed to
   the name asked for: a failed backup leaves no half-written file under that name.
3. A restore first checks the file is a Navigator backup this code can restore: a SQLite
   database, intact, whose migration history is Navigator's and holds no migration this code
   does not have (`checks.migration_check`).
4. It restores only into an empty database (no file, or a file with no tables) unless
   `force`; then the database as it stands is first copied aside, again through the backup
   API (so what sits in its write-ahead log comes too), checked, and named in the result.
   Nothing is deleted.
5. The backup is copied into the database through the backup API as well, under SQLite's own
   locking and journal, then checked, and each table's row count compared with the backup's.
"""

import datetime
import os
import sqlite3
from pathlib import Path

from cases.backups.checks import (
    BackupError,
    BackupResult,
    MigrationCheck,
    RestoreResult,
    migration_check,
    summary,
)

# How long to wait for a writer's lock (as the settings' own SQLite timeout).
LOCK_TIMEOUT_SECONDS = 20


def stamp(now: datetime.datetime) -> str:
    return now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _read_write(path: Path) -> sqlite3.Connection:
    """An existing database, never a new empty one made by mistake."""
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=LOCK_TIMEOUT_SECONDS
    )


def tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {
        # Table names come from sqlite_master and are quoted.
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 # nosec B608
        for table in tables(connection)
    }


def _intact(connection: sqlite3.Connection) -> bool:
    return connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _sync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _new_private_file(path: Path) -> None:
    """An empty file only its owner may read (an empty file is an empty SQLite database)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _copy(source: sqlite3.Connection, target: Path) -> dict[str, int]:
    """Copy `source` into the new file `target` in one step of the backup API, check it and
    make it self-contained; the copy's row counts."""
    _new_private_file(target)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        if not _intact(copy):
            raise BackupError(f"The copy written to {target} failed SQLite's integrity check.")
        counts = row_counts(copy)
    finally:
        copy.close()
    _sync(target)
    return counts


def _backup_target(path: Path, now: datetime.datetime, *, force: bool) -> Path:
    target = path / f"navigator-{stamp(now)}.sqlite3" if path.is_dir() else path
    folder = target.parent
    if not folder.is_dir():
        raise BackupError(f"The folder {folder} does not exist: make it first, or name another.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write in {folder}: permission denied.")
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists: name a new file, or add --force to replace it."
        )
    return target


def sqlite_backup(
    *, database: Path, path: Path, now: datetime.datetime, force: bool = False
) -> BackupResult:
    """Back the live database `database` up to the file `path` (or a new file in the folder
    `path`); safe while the site and the worker write."""
    if not database.is_file():
        raise BackupError(f"There is no database at {database}: nothing to back up.")
    target = _backup_target(path, now, force=force)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        source = _read_write(database)
        try:
            counts = _copy(source, partial)
        finally:
            source.close()
        os.replace(partial, target)
        _sync(target.parent)
    except sqlite3.Error as error:
        raise BackupError(f"The database at {database} could not be read: {error}.") from error
    except OSError as error:
        raise BackupError(
            f"The backup could not be written: {error.strerror} ({target})."
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=target, counts=counts)


def _checked_backup(path: Path) -> tuple[sqlite3.Connection, MigrationCheck, dict[str, int]]:
    """An open, read-only connection to the backup at `path` once it has passed every check."""
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder: name the backup file inside it.")
    if not os.access(path, os.R_OK):
        raise BackupError(f"Cannot read {path}: permission denied.")
    backup = _read_only(path)
    try:
        if not _intact(backup):
            raise BackupError(f"{path} is damaged: it fails SQLite's integrity check.")
        if "django_migrations" not in tables(backup):
            raise BackupError(
                f"{path} is a SQLite database but not a Navigator backup: it has no "
                "migration history."
            )
        applied = set(backup.execute("SELECT app, name FROM django_migrations"))
        migrations = migration_check(applied, source=str(path))
        counts = row_counts(backup)
    except sqlite3.DatabaseError as error:
        backup.close()
        what = "is damaged" if "malformed" in str(error) else "is not a Navigator backup"
        raise BackupError(f"{path} {what}: SQLite cannot read it ({error}).") from error
    except BackupError:
        backup.close()
        raise
    return backup, migrations, counts


def _existing_rows(database: Path) -> dict[str, int] | None:
    """Each table's row count in the database at `database` ({} when there is none, or it has
    no tables), or None when the file there is not a database SQLite can read."""
    if not database.exists() or database.stat().st_size == 0:
        return {}
    live = _read_write(database)
    try:
        return row_counts(live)
    except sqlite3.DatabaseError:
        return None
    finally:
        live.close()


def _set_aside(database: Path, now: datetime.datetime, *, readable: bool) -> Path:
    aside = database.with_name(f"{database.name}.before-restore-{stamp(now)}")
    if not readable:
        os.replace(database, aside)
        return aside
    live = _read_write(database)
    try:
        _copy(live, aside)
    finally:
        live.close()
    return aside


def sqlite_restore(
    *, database: Path, path: Path, now: datetime.datetime, force: bool = False
) -> RestoreResult:
    """Restore the backup at `path` into the database file `database`: into an empty one, or,
    with `force`, over one that holds data, which is first kept aside."""
    backup, migrations, counts = _checked_backup(path)
    try:
        existing = _existing_rows(database)
        set_aside = None
        if existing != {}:
            if not force:
                held = f"holds {summary(existing)}" if existing else "is not a SQLite database"
                raise BackupError(
                    f"The database {database} {held}. Restoring would replace it: run again "
                    "with --force to keep it aside (renamed, never deleted) and restore."
                )
            set_aside = _set_aside(database, now, readable=existing is not None)
        if not database.parent.is_dir():
            raise BackupError(f"The folder {database.parent} does not exist.")
        restored = sqlite3.connect(database, timeout=LOCK_TIMEOUT_SECONDS)
        try:
            backup.backup(restored)
            if not _intact(restored) or row_counts(restored) != counts:
                raise BackupError(
                    f"The restored database {database} does not match the backup: restore again."
                )
        finally:
            restored.close()
    except sqlite3.Error as error:
        raise BackupError(f"The restore into {database} failed: {error}.") from error
    except OSError as error:
        raise BackupError(f"The restore failed: {error.strerror} ({database}).") from error
    finally:
        backup.close()
    return RestoreResult(
        database=str(database), counts=counts, migrations=migrations, set_aside=set_aside
    )
