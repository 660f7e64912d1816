from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups.checks import BackupError
from cases.backups.services import database_restore


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `manage.py backup`. Stop the site and the "
        "worker first. Restores into an empty database; on SQLite, --force restores over one "
        "that holds data, which is kept aside under a new name, never deleted."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="SQLite: restore over a database that holds data (kept aside first)",
        )

    def handle(self, *args, **options):
        try:
            result = database_restore(path=options["path"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.message())
