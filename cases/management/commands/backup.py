from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups.checks import BackupError
from cases.backups.services import database_backup


class Command(BaseCommand):
    help = (
        "Back the whole database up to PATH (a file, or a folder to put a new dated file in). "
        "Safe while the site and the worker run. SQLite: its online backup; PostgreSQL: "
        "pg_dump --format=custom."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file, or a folder")
        parser.add_argument("--force", action="store_true", help="replace an existing file")

    def handle(self, *args, **options):
        try:
            result = database_backup(path=options["path"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.message())
