"""Spreadsheets as teams keep them, built in the tests (synthetic names only)."""

import datetime
import io
import re
import zipfile

import openpyxl

HEADERS = [
    "Patient name",
    "DOB",
    "MRN",
    "Social worker",
    "Urgency",
    "Diagnosis",
    "Grade",
    "Opened on",
    "Referral sent",
    "Records received",
    "Insurance approved",
    "Appointment",
    "Days open",
]


def messy_rows() -> list[list]:
    """Rows 4 onwards of the messy sheet (row 1 a merged title, 2 blank, 3 the header)."""
    return [
        # 4: a date cell, the three text formats, and a formula (its cached value) below.
        [
            "José Núñez",
            datetime.datetime(1970, 1, 5),
            "EX-1001",
            "alex",
            "Urgent",
            "Glioblastoma",
            "4",
            "2026-03-02",
            "03/04/2026",
            "4 Mar 2026",
            "",
            "",
            "=TODAY()-H4",
        ],
        # 5: blank
        [None] * 13,
        # 6: the worker by full name, urgency left empty, dates as words.
        [
            "Ana María Peña",
            "4 Mar 1980",
            "",
            "Alex Rivera",
            "",
            "Meningioma",
            "",
            "March 5, 2026",
            "2026-03-06",
            "",
            "03/12/2026",
            "=K6+14",
            "",
        ],
        # 7: no name
        ["", "1975-06-01", "", "alex", "", "", "", "", "", "", "", "", ""],
        # 8: a day-first date
        ["Kai Thornbury", "31/12/1970", "", "alex", "", "", "", "", "", "", "", "", ""],
        # 9: nobody called pat
        ["Lior Vantongeren", "1981-02-02", "", "pat", "", "", "", "", "", "", "", "", ""],
        # 10: an urgency and a diagnosis Navigator does not know
        ["Mina Okonkwo", "1990-09-09", "", "alex", "soonish", "banana", "", "", "", "", "", "", ""],
        # 11: the patient the team has already (see `already_there`)
        ["Wren Thistlewood", "1966-04-21", "", "alex", "", "", "", "", "", "", "", "", ""],
        # 12: row 4 again, written another way
        ["jose NUNEZ", "01/05/1970", "", "alex", "", "", "", "", "", "", "", "", ""],
    ]


# The formula cells and the values a spreadsheet saved with them.
FORMULA_VALUES = {"M4": 18, "L6": datetime.date(2026, 3, 26)}


def messy_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Social work team — current second-opinion cases (March 2026)"
    sheet.merge_cells("A1:M1")
    sheet.append([])
    sheet.append(HEADERS)
    for row in messy_rows():
        sheet.append(row)
    sheet["L6"].number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_cached_values(buffer.getvalue())


def _excel_serial(day: datetime.date) -> int:
    return (day - datetime.date(1899, 12, 30)).days


def _with_cached_values(content: bytes) -> bytes:
    """The workbook as a spreadsheet saves it: each formula with the value it calculated
    (openpyxl writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in FORMULA_VALUES.items():
                    number = _excel_serial(value) if isinstance(value, datetime.date) else value
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/>',
                        rf"\1<f>\2</f><v>{number}</v>",
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def csv_bytes(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def big_csv(count: int) -> bytes:
    """`count` valid rows, every one a new patient."""
    rows = []
    for number in range(count):
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=number)
        rows.append(
            [
                f"Bench Patient{number}",
                birth.isoformat(),
                f"BX{number:06d}",
                "alex",
                "routine",
                "glioma",
                "2",
                "2026-03-02",
                "03/04/2026",
                "",
                "",
                "",
                "",
            ]
        )
    return csv_bytes(rows)


def confirm(client):
    """Press *Import* on the preview, as the browser sends that form."""
    from django.urls import reverse

    from tests.browser_form import submit

    return submit(client, reverse("case_import_preview"), reverse("case_import_confirm"))
