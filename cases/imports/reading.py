"""A spreadsheet file as rows of text.

Every cell becomes the text a person sees in it: a date cell its ISO date, a whole number
without ".0", a formula the value the spreadsheet saved with the file (openpyxl's
`data_only=True`; a formula never calculated by a spreadsheet reads as empty). Each row keeps
its number as the spreadsheet shows it (row 1 is the first line of the file), blank rows
included in the count, so a problem can be pointed at "row 7" and found there.
"""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError  # nosec B405 - only its exception type

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

# More rows than this is not a team's current cases; the limit keeps a preview quick and the
# session small.
MAX_ROWS = 20_000
CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


# What openpyxl raises for a file that is not a workbook, or a damaged one.
UNREADABLE_WORKBOOK = (
    InvalidFileException,
    zipfile.BadZipFile,
    ParseError,
    KeyError,
    IndexError,
    OSError,
    TypeError,
    ValueError,
)


class SheetError(ValueError):
    """The file cannot be read as a sheet. The message says why, without any of its content."""


@dataclass(frozen=True)
class Sheet:
    # (row number as the spreadsheet shows it, the row's cells as text); blank rows left out.
    rows: list[tuple[int, list[str]]]


def sheet_read(*, content: bytes, filename: str) -> Sheet:
    name = filename.lower()
    # A workbook is a zip, whatever its name; a CSV whose first cell starts with "PK" is not.
    if name.endswith(EXCEL_SUFFIXES) or content[:4] == b"PK\x03\x04":
        rows = _excel_rows(content)
    elif name.endswith(".xls"):
        raise SheetError(
            "This is the old Excel format (.xls). Save it as .xlsx or CSV and upload that."
        )
    elif name.endswith(CSV_SUFFIXES) or not name.rpartition(".")[1]:
        rows = _csv_rows(content)
    else:
        raise SheetError("Upload a CSV file or an Excel workbook (.xlsx).")
    if not rows:
        raise SheetError("The file has no rows to import.")
    return Sheet(rows=rows)


def _kept(rows) -> list[tuple[int, list[str]]]:
    """The rows that are not blank, read no further than one past the limit. Blank rows are
    never held: a sheet formatted down to its last row is a million of them."""
    kept = []
    for number, cells in rows:
        if not any(cells):
            continue
        kept.append((number, cells))
        if len(kept) > MAX_ROWS:
            raise SheetError(
                f"The file has more than {MAX_ROWS:,} rows; the import takes up to "
                f"{MAX_ROWS:,} at a time. Split it into smaller files."
            )
    return kept


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        if content[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            # Excel's "Unicode Text" (.txt).
            text = content.decode("utf-16")
        else:
            text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page.
        text = content.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)

    def numbered():
        number = 1
        for record in reader:
            yield number, [cell.strip() for cell in record]
            # A quoted cell may hold line breaks: the next row starts after them.
            number = reader.line_num + 1

    try:
        return _kept(numbered())
    except csv.Error:
        raise SheetError(f"The file cannot be read as CSV past line {reader.line_num}.") from None


def _excel_rows(content: bytes) -> list[tuple[int, list[str]]]:
    unreadable = SheetError("The file cannot be read as an Excel workbook (.xlsx).")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except UNREADABLE_WORKBOOK:
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise SheetError("The workbook has no sheet of rows to import.")
        sheet = workbook.worksheets[0]
        return _kept(
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        )
    except SheetError:
        raise
    except UNREADABLE_WORKBOOK:
        # A sheet's XML is read as its rows are: a damaged one fails here, not at opening.
        raise unreadable from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
