"""Audit events past their retention (AUDIT_RETENTION_YEARS, 6 at least) to a signed archive.

- `write FOLDER`: write the events before the cutoff to a new file in FOLDER, read it back and
  verify it, then remove exactly those events from the database and record that it did;
- `verify FILE`: check an archive (its signature and every line), changing nothing;
- `remove FILE`: verify an archive, then remove its events (finishing a run that stopped).

On PostgreSQL run it as the audit table's owner role (as `migrate` is run).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.housekeeping.audit_archive import (
    ArchiveError,
    audit_archive_remove,
    audit_archive_verify,
    audit_archive_write,
    audit_retention_cutoff,
    audit_retention_years,
)


class Command(BaseCommand):
    help = (
        "Archive audit events past their retention to a signed file and remove them once it "
        "is verified (write FOLDER); check an archive (verify FILE); remove a verified "
        "archive's events (remove FILE)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("mode", choices=["write", "verify", "remove"])
        parser.add_argument("path", type=Path, help="write: a folder; verify, remove: a file")

    def handle(self, *args, **options):
        try:
            self.stdout.write(getattr(self, options["mode"])(options["path"]))
        except ArchiveError as error:
            raise CommandError(str(error)) from error

    def write(self, folder: Path) -> str:
        now = timezone.now()
        written = audit_archive_write(folder=folder, now=now)
        if written is None:
            cutoff = timezone.localtime(audit_retention_cutoff(now=now))
            return (
                f"No audit event is older than the retention ({audit_retention_years()} years: "
                f"before {cutoff:%Y-%m-%d %H:%M %Z}): nothing to archive."
            )
        try:
            result = audit_archive_remove(path=written.path, now=now)
        except ArchiveError as error:
            raise ArchiveError(
                f"Wrote {written.path}, but did not remove its events: {error}"
            ) from error
        return (
            f"Archived {result.archive.describe()} to {written.path}, verified it, and "
            f"removed those {result.removed:,} events from the database."
        )

    def verify(self, path: Path) -> str:
        archive = audit_archive_verify(path=path)
        return f"{path} is a verified Navigator audit archive: {archive.describe()}."

    def remove(self, path: Path) -> str:
        result = audit_archive_remove(path=path)
        if not result.removed:
            return f"The events in {path} were removed already: nothing more to do."
        return (
            f"Verified {path} and removed {result.removed:,} of its {result.archive.events:,} "
            "events from the database."
        )
