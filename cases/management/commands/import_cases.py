"""`manage.py import_cases FILE --by USERNAME [--column "Header=field"] [--confirm]`

The same import as the supervisor's pages (`cases.imports.services`):
1. Reads FILE (CSV or .xlsx), finds its header row and maps the columns (the mapping
   remembered for these headers, else each header read by its name; `--column` sets one).
2. Prints the preview: the counts, then one line per row to create, already in Navigator, or
   refused with its reasons, by the sheet's row number. No patient's name, birth date or MRN
   is printed, so the output can go to a log.
3. Writes only with `--confirm`, in one transaction, as USERNAME (a supervisor, or an
   administrator), then prints what was created, skipped and refused.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.access import is_supervisor
from cases.imports.mapping import FIELDS_BY_NAME, MappingError, mapping_guess
from cases.imports.reading import SheetError, sheet_read
from cases.imports.services import import_preview, import_run, sheet_headers
from cases.imports.validation import CREATE, MATCH, REFUSE
from cases.models.workflow import normalise_for_search


class Command(BaseCommand):
    help = "Preview (and with --confirm, import) a spreadsheet of current cases."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--by", required=True, help="the supervisor the import is by")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            help='read a column as a field: "Header text=field" (field "" leaves it out)',
        )
        parser.add_argument("--confirm", action="store_true", help="write the cases")

    def handle(self, *args, **options):
        by = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if by is None or not (is_supervisor(by) or by.is_superuser):
            raise CommandError("--by must name an active supervisor or administrator.")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read the file: {error.strerror}.") from None
        try:
            sheet = sheet_read(content=content, filename=path.name)
        except SheetError as error:
            raise CommandError(str(error)) from None
        headers = sheet_headers(sheet)
        columns = self._columns(headers, mapping_guess(headers), options["column"])
        preview = import_preview(sheet=sheet, columns=columns)
        self._print_mapping(preview)
        if preview.mapping_problem:
            raise CommandError(preview.mapping_problem)
        self._print_preview(preview)
        if not options["confirm"]:
            self.stdout.write("Nothing written. Run again with --confirm to import.")
            return
        try:
            result = import_run(sheet=sheet, columns=columns, by=by)
        except MappingError as error:
            raise CommandError(str(error)) from None
        for row, case_id in result.created:
            self.stdout.write(f"row {row}: created case #{case_id}")
        for row, case_id, reason in result.skipped:
            self.stdout.write(f"row {row}: skipped, already case #{case_id} ({reason})")
        for row, reasons in result.refused:
            self.stdout.write(f"row {row}: refused: {' '.join(reasons)}")
        self.stdout.write(
            f"Created {len(result.created)}, skipped {len(result.skipped)}, "
            f"refused {len(result.refused)}."
        )

    def _columns(self, headers: list[str], columns: list[str], settings: list[str]) -> list[str]:
        columns = list(columns)
        by_header = {normalise_for_search(header): index for index, header in enumerate(headers)}
        for setting in settings:
            header, _, name = setting.rpartition("=")
            index = by_header.get(normalise_for_search(header))
            if index is None:
                raise CommandError(f"No column headed “{header}”.")
            if name and name not in FIELDS_BY_NAME:
                raise CommandError(f"No field “{name}”: use one of {', '.join(FIELDS_BY_NAME)}.")
            columns[index] = name
        return columns

    def _print_mapping(self, preview) -> None:
        self.stdout.write(f"Header row: {preview.header_row}")
        for header, name in zip(preview.headers, preview.columns, strict=True):
            label = FIELDS_BY_NAME[name].label if name else "not imported"
            self.stdout.write(f"  {header or '(no header)'} → {label}")

    def _print_preview(self, preview) -> None:
        for plan in preview.rows:
            if plan.outcome == CREATE:
                line = f"would create (opened {plan.opened_on:%Y-%m-%d})"
            elif plan.outcome == MATCH:
                line = f"already case #{plan.matched_case_id} ({plan.match_reason})"
            else:
                line = "refused: " + " ".join(plan.problems)
            self.stdout.write(f"row {plan.number}: {line}")
        self.stdout.write(
            f"To create {preview.count(CREATE)}, already in Navigator {preview.count(MATCH)}, "
            f"refused {preview.count(REFUSE)}."
        )
