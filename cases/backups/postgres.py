"""PostgreSQL backups: `pg_dump -Fc` and `pg_restore`, run for you when they are on PATH, else
spelt out exactly so they can be run where they are.

1. A backup is `pg_dump --format=custom` of the whole database: one snapshot (pg_dump reads in
   one repeatable-read transaction, so the site and the workers write on meanwhile), every
   table, sequence, index, the audit table's trigger and its function. It is written to a new
   file readable by its owner only, and renamed to the name asked for once pg_dump succeeds.
2. A restore checks the file first: `pg_restore --list` must read it, and its
   `django_migrations` rows must be Navigator's, none newer than this code
   (`checks.migration_check`).
3. It restores only into an empty database (no table in any schema): a non-empty one is never
   overwritten, with or without --force. Create a new database and point DATABASE_URL at it:
   the old one stays as it is, aside.
4. `pg_restore --single-transaction --exit-on-error`: all of it or nothing. `--no-owner
   --no-privileges` make the role that restores (the owner role, in production) own every
   object; `manage.py db_roles` then gives the application role its rights again.

The password travels in PGPASSWORD, never on a command line, and is never printed.
"""

import os
import shlex
import shutil
import subprocess  # nosec B404 - runs pg_dump and pg_restore with fixed arguments, no shell
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from cases.backups.checks import (
    BackupError,
    BackupResult,
    MigrationCheck,
    RestoreResult,
    migration_check,
)


@dataclass(frozen=True)
class Target:
    """Where PostgreSQL's client tools connect: DATABASE_URL's parts, as libpq's variables."""

    host: str
    port: str
    user: str
    password: str
    name: str
    sslmode: str

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Target":
        return cls(
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            name=str(settings_dict["NAME"]),
            sslmode=str((settings_dict.get("OPTIONS") or {}).get("sslmode") or ""),
        )

    def environment(self) -> dict[str, str]:
        variables = {
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.name,
            "PGSSLMODE": self.sslmode,
        }
        return os.environ | {key: value for key, value in variables.items() if value}

    def shown(self, arguments: list[str]) -> str:
        """The command as a person would type it (the password left for them to set)."""
        variables = [
            f"{key}={shlex.quote(value)}"
            for key, value in (
                ("PGHOST", self.host),
                ("PGPORT", self.port),
                ("PGUSER", self.user),
                ("PGDATABASE", self.name),
            )
            if value
        ]
        if self.password:
            variables.append("PGPASSWORD=…")
        return " ".join([*variables, shlex.join(arguments)])


def _tool(name: str, target: Target, arguments: list[str], *, then: str = "") -> str:
    """The path of PostgreSQL's client tool `name`, or a BackupError with what to run."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH. Install PostgreSQL's client tools (the server's version or "
            f"newer), or run this where they are:\n  {target.shown([name, *arguments])}{then}"
        )
    return found


def _run(command: list[str], target: Target) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 # nosec B603 - fixed arguments, no shell
        command, env=target.environment(), capture_output=True, text=True, check=False
    )


def _said(process: subprocess.CompletedProcess) -> str:
    """The last lines a client tool wrote to stderr: what went wrong, in its words."""
    return " ".join(process.stderr.strip().splitlines()[-3:]) or f"exit code {process.returncode}"


def _backup_target(path: Path, stamp: str, *, force: bool) -> Path:
    target = path / f"navigator-{stamp}.dump" if path.is_dir() else path
    if not target.parent.is_dir():
        raise BackupError(
            f"The folder {target.parent} does not exist: make it first, or name another."
        )
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write in {target.parent}: permission denied.")
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists: name a new file, or add --force to replace it."
        )
    return target


def _counts() -> dict[str, int]:
    """Each table's row count in the database Django is connected to."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for table in names:
            # Table names come from the database's own catalogue and are quoted.
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


def postgres_backup(*, target: Target, path: Path, stamp: str, force: bool = False) -> BackupResult:
    """pg_dump of the whole database, reading the snapshot this connection exports, so the
    rows counted for the summary are exactly the ones dumped."""
    backup = _backup_target(path, stamp, force=force)
    pg_dump = _tool("pg_dump", target, ["--format=custom", f"--file={backup}"])
    partial = backup.with_name(f".{backup.name}.partial-{os.getpid()}")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            process = _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={partial}",
                ],
                target,
            )
            if process.returncode != 0:
                raise BackupError(f"pg_dump could not back up {target.name}: {_said(process)}")
            counts = _counts()
        os.replace(partial, backup)
    except OSError as error:
        raise BackupError(
            f"The backup could not be written: {error.strerror} ({backup})."
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=backup, counts=counts)


def _applied_migrations(pg_restore: str, path: Path, target: Target) -> set[tuple[str, str]]:
    """The (app, name) rows of the backup's django_migrations table, read without restoring."""
    process = _run(
        [pg_restore, "--data-only", "--table=django_migrations", "--file=-", str(path)], target
    )
    if process.returncode != 0:
        raise BackupError(f"{path} could not be read: {_said(process)}")
    applied, copying = set(), False
    for line in process.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying:
            columns = line.split("\t")
            applied.add((columns[1], columns[2]))
    return applied


def _database_tables() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0]


def postgres_restore(*, target: Target, path: Path, force: bool = False) -> RestoreResult:
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder: name the backup file inside it.")
    if not os.access(path, os.R_OK):
        raise BackupError(f"Cannot read {path}: permission denied.")
    restore_arguments = [
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        f"--dbname={target.name}",
        str(path),
    ]
    then = (
        "\nthen, connected as a superuser: python manage.py db_roles --owner OWNER --app APP "
        "--execute"
    )
    pg_restore = _tool("pg_restore", target, restore_arguments, then=then)
    listing = _run([pg_restore, "--list", str(path)], target)
    if listing.returncode != 0:
        raise BackupError(
            f"{path} is not a PostgreSQL backup made with pg_dump --format=custom: {_said(listing)}"
        )
    migrations: MigrationCheck = migration_check(
        _applied_migrations(pg_restore, path, target), source=str(path)
    )
    if _database_tables():
        forced = " (--force does not apply on PostgreSQL)" if force else ""
        raise BackupError(
            f"The database {target.name} is not empty{forced}. Restore into a new one: "
            f"createdb NAME, point DATABASE_URL at it and run restore again; {target.name} "
            "stays as it is."
        )
    process = _run([pg_restore, "--no-password", *restore_arguments], target)
    if process.returncode != 0:
        raise BackupError(
            f"pg_restore could not restore {path} (nothing was restored): {_said(process)}"
        )
    return RestoreResult(
        database=target.name,
        counts=_counts(),
        migrations=migrations,
        set_aside=None,
        notes=(
            "Every object belongs to the role that restored it: if the application connects "
            "as another role, run `python manage.py db_roles --owner OWNER --app APP "
            "--execute` as a superuser.",
        ),
    )
