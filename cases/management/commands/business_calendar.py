from django.core.management.base import BaseCommand, CommandError

from cases.reports.calendar import (
    DEFAULT_FIRST_YEAR,
    DEFAULT_LAST_YEAR,
    business_calendar_fill,
)
from cases.reports.histograms import report_histograms_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the business calendar the reports count business days with "
        "(run it after changing HOLIDAYS_COUNTRY or to cover other years)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--first-year", type=int, default=DEFAULT_FIRST_YEAR)
        parser.add_argument("--last-year", type=int, default=DEFAULT_LAST_YEAR)

    def handle(self, *args, **options):
        try:
            days = business_calendar_fill(
                first_year=options["first_year"], last_year=options["last_year"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Business calendar: {days} days, {options['first_year']}–{options['last_year']}."
        )
        # The histograms count days with the calendar's numbers.
        rows = report_histograms_rebuild()
        self.stdout.write(f"Report histograms rebuilt: {rows} rows.")
