"""What a backup must hold to be restored by this code (Navigator's migration history, none of
it newer than the migrations this code has), and what a backup or a restore reports."""

from dataclasses import dataclass
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

# The rows that say a database is Navigator's.
NAVIGATOR_FIRST_MIGRATION = ("cases", "0001_initial")
# The tables named in a backup's summary, in this order: what a person checks first.
SUMMARY_TABLES = (
    ("cases_case", "cases"),
    ("cases_auditevent", "audit events"),
    ("cases_reminder", "reminders"),
    ("cases_delivery", "deliveries"),
    ("cases_statuslink", "status links"),
    ("auth_user", "users"),
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do, names
    files and tables only, and is safe to show and to log."""


@dataclass(frozen=True)
class MigrationCheck:
    applied: int
    # Migrations this code has that the backup predates: `migrate` brings it up to date.
    missing: int


def migration_check(applied: set[tuple[str, str]], *, source: str) -> MigrationCheck:
    """Refuse a migration history that is not Navigator's, or that holds a migration this code
    does not know (the backup was made by a newer version)."""
    if NAVIGATOR_FIRST_MIGRATION not in applied:
        raise BackupError(
            f"{source} is not a Navigator backup: it has no Navigator migration history."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = sorted(applied - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:3])
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        raise BackupError(
            f"{source} was made by a newer version of Navigator: this code does not have "
            f"migration {names}{more}. Restore it with the version that made it."
        )
    # A squash is not counted: `migrate` records it once all it replaces is applied, so a
    # backup made before the squash existed predates nothing, and one without the last
    # replaced migration predates that one.
    missing = known - applied - set(loader.replacements)
    return MigrationCheck(applied=len(applied), missing=len(missing))


def summary(counts: dict[str, int]) -> str:
    """'12 cases, 3,456 audit events, …' from a table → row count map."""
    return (
        ", ".join(f"{counts.get(table, 0):,} {label}" for table, label in SUMMARY_TABLES)
        + f" ({len(counts)} tables, {sum(counts.values()):,} rows)"
    )


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]

    def message(self) -> str:
        return f"Backed up to {self.path}: {summary(self.counts)}."


@dataclass(frozen=True)
class RestoreResult:
    database: str
    counts: dict[str, int]
    migrations: MigrationCheck
    set_aside: Path | None
    notes: tuple[str, ...] = ()

    def message(self) -> str:
        lines = [f"Restored {self.database}: {summary(self.counts)}."]
        if self.set_aside:
            lines.append(f"The database as it was before is kept at {self.set_aside}.")
        if self.migrations.missing:
            lines.append(
                f"The backup predates {self.migrations.missing} migration(s) of this code: "
                "run `python manage.py migrate` before starting the site."
            )
        return "\n".join([*lines, *self.notes])
