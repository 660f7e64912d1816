import time

from django.core.management.base import BaseCommand

from cases.reports.histograms import report_histograms_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the reports' histograms from the cases (after a bulk load, a restore, an edit "
        "outside the services, or `business_calendar`)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = report_histograms_rebuild()
        self.stdout.write(
            f"Report histograms: {rows} rows in {time.perf_counter() - started:.1f} s."
        )
