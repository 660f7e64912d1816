"""The records request letter and its fax cover sheet, as one printable PDF (fpdf2).

The words are `letter.py`'s. fpdf2 and the fontTools it brings take about two seconds to import
on this machine kind, so only the letter's view imports this module, when a letter is asked for:
every other process (the worker, `migrate`, the demo's start) starts without them.
"""

import datetime
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from cases.models import RecordsRequest
from cases.records.letter import CONFIDENTIAL, LATIN_1, letter_text, printable


class _LetterPDF(FPDF):
    def __init__(self):
        super().__init__(format="letter", unit="mm")
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()
        regular, bold = Path(settings.LETTER_FONT), Path(settings.LETTER_FONT_BOLD)
        if regular.is_file():
            self.add_font("Letter", "", str(regular))
            self.add_font("Letter", "B", str(bold if bold.is_file() else regular))
            self.family_name = "Letter"
            self.characters = frozenset(self.fonts["letter"].cmap)
        else:
            self.family_name = "Helvetica"
            self.characters = LATIN_1

    def write_line(self, text: str, *, size: float = 11, bold: bool = False, gap: float = 0):
        self.set_font(self.family_name, "B" if bold else "", size)
        self.multi_cell(
            0,
            size * 0.5,
            printable(text, self.characters),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if gap:
            self.ln(gap)

    def letterhead(self) -> None:
        self.write_line(settings.LETTERHEAD_NAME, size=14, bold=True)
        self.write_line(settings.LETTERHEAD_ADDRESS, size=10)
        self.write_line(
            f"Phone {settings.LETTERHEAD_PHONE} · Fax {settings.LETTERHEAD_FAX}", size=10, gap=2
        )
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(6)


def letter_pdf(records_request: RecordsRequest, *, today: datetime.date | None = None) -> bytes:
    """The fax cover sheet and the letter, as PDF bytes."""
    text = letter_text(records_request, today=today)
    pdf = _LetterPDF()
    # The document's own title names no patient.
    pdf.set_title(f"Records request {records_request.pk}")

    pdf.add_page()
    pdf.letterhead()
    pdf.write_line("FAX", size=22, bold=True, gap=4)
    rows = [
        ("To", text.provider),
        ("Fax", text.provider_fax or "not on file"),
        ("Phone", text.provider_phone or "not on file"),
        ("From", settings.LETTERHEAD_NAME),
        ("Phone", settings.LETTERHEAD_PHONE),
        ("Fax", settings.LETTERHEAD_FAX),
        ("Date", text.today),
        ("Pages", "{nb}, including this cover sheet"),
        ("Re", "Request for medical records"),
    ]
    for label, value in rows:
        pdf.write_line(f"{label}: {value}", size=12, gap=1)
    pdf.ln(4)
    pdf.write_line(text.cover_message, gap=8)
    pdf.write_line(CONFIDENTIAL, size=9)

    pdf.add_page()
    pdf.letterhead()
    pdf.write_line(text.today, gap=4)
    pdf.write_line(text.provider, bold=True)
    if text.provider_address:
        pdf.write_line(text.provider_address)
    pdf.ln(4)
    pdf.write_line(
        f"Re: Request for medical records for {text.patient_name}, born {text.date_of_birth}, "
        f"MRN {text.mrn}",
        bold=True,
        gap=4,
    )
    pdf.write_line(text.body, gap=4)
    pdf.write_line("Records requested:", bold=True)
    for record in text.records:
        pdf.write_line(f"-  {record}")
    pdf.ln(4)
    pdf.write_line("Please send the records to:", bold=True)
    pdf.write_line(settings.LETTERHEAD_NAME)
    pdf.write_line(settings.LETTERHEAD_ADDRESS)
    pdf.write_line(f"Fax {settings.LETTERHEAD_FAX} · Phone {settings.LETTERHEAD_PHONE}", gap=4)
    pdf.write_line(f"Release reference: {text.release_reference}", gap=8)
    pdf.write_line("Sincerely,", gap=6)
    pdf.write_line(text.social_worker)
    pdf.write_line(f"Social worker, {settings.LETTERHEAD_NAME}")
    return bytes(pdf.output())
