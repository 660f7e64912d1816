from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.demo import seed as demo


class Command(BaseCommand):
    help = (
        "Create the synthetic demo team and about 120 cases (idempotent). "
        "With --cases N, bulk-insert N cases for benchmarks instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=0, help="bulk-insert this many cases")
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="migrate the database first, in this process (make run: one start of Django)",
        )

    def handle(self, *args, cases: int, migrate: bool, **options):
        if migrate:
            call_command("migrate", interactive=False, skip_checks=True, stdout=self.stdout)
        logins = demo.ensure_team()
        if cases:
            made = demo.seed_bulk(cases)
            self.stdout.write(f"Bulk data set: {made} new cases (target {cases}).")
            return
        made = demo.seed_demo_cases()
        demo.seed_demo_records()
        self.stdout.write(f"Demo cases created: {made}" if made else "Demo data already present.")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role}")
