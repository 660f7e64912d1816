"""The records request letter and its fax cover sheet: their words (the PDF is `pdf.py`).

Page 1 is the fax cover sheet: to whom (the contact's name, fax and phone), from the team
(the letterhead settings), the date, how many pages the fax has with the cover, and the
template's cover message. It names no patient: a cover sheet is read by whoever stands at
the fax machine. The letter follows: the letterhead, the provider, the patient's name, date of
birth and MRN, the template's text, the records asked for, where to send them and the release
reference, signed by the case's social worker.

The words come from the `LetterTemplate` in use (the admin edits it), with placeholders in
braces (`PLACEHOLDERS`); with none in use, or one whose placeholders do not check out, the
built-in `DEFAULT_LETTER` and `DEFAULT_COVER`.

Text is printed in the TrueType font of `LETTER_FONT` (Debian's DejaVu Sans by default), or
PDF's built-in Helvetica when that file is missing. A character the font cannot draw (Chinese
in DejaVu Sans, anything beyond Latin-1 in Helvetica) becomes its unaccented letter when it has
one, else "?": the letter never fails on a name, and nothing about it is logged.
"""

import datetime
import string
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from cases.business_days import team_today
from cases.models import LetterTemplate, RecordsRequest
from cases.models.staff import display_name
from cases.records.selectors import item_label

PLACEHOLDERS = {
    "patient_name": "the patient's full name",
    "date_of_birth": "the patient's date of birth",
    "mrn": "the patient's MRN",
    "records": "the records asked for, in a line",
    "provider": "who the request goes to",
    "release_reference": "the reference of the patient's signed release",
    "team_name": "the team's name (letterhead)",
    "team_address": "the team's address",
    "team_phone": "the team's phone number",
    "team_fax": "the team's fax number",
    "social_worker": "the case's social worker",
    "today": "today's date",
}

DEFAULT_LETTER = (
    "Our patient {patient_name} (born {date_of_birth}, MRN {mrn}) has asked for a second "
    "opinion and has authorized the release of the records listed below to our program "
    "(release reference: {release_reference}). Please send them to us at the address below.\n\n"
    "Under the HIPAA right of access, a request is answered within 30 days; if you need more "
    "time, please tell us in writing within those 30 days. Call {team_phone} with any "
    "question. Thank you for your help."
)
DEFAULT_COVER = (
    "Please find attached a request for medical records. Call {team_phone} with any question."
)
CONFIDENTIAL = (
    "Confidential: this fax may contain protected health information. If you received it in "
    "error, please tell the sender at once and destroy every copy."
)


# --- the template's placeholders -------------------------------------------------------------


def template_problems(text: str) -> list[str]:
    """What is wrong with the placeholders of `text`, in words an administrator can act on;
    [] when every one is known and plain (`{patient_name}`, never `{patient_name!r}` or
    `{patient_name.upper}`)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return ["A brace { or } has no partner. Write {{ or }} to print a brace itself."]
    problems = []
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name == "":
            problems.append(
                "Empty braces {}: write a placeholder's name inside, or {{ }} for braces."
            )
        elif name not in PLACEHOLDERS:
            problems.append(f"Unknown placeholder {{{name}}}. Use one of: {known}.")
        elif spec or conversion:
            problems.append(f"Write the placeholder plainly, as {{{name}}}.")
    return list(dict.fromkeys(problems))


def _fill(text: str, default: str, values: dict[str, str]) -> str:
    if template_problems(text):
        text = default
    return text.format_map(values)


# --- what the letter says ----------------------------------------------------------------------


@dataclass(frozen=True)
class LetterText:
    provider: str
    provider_address: str
    provider_fax: str
    provider_phone: str
    patient_name: str
    date_of_birth: str
    mrn: str
    records: list[str]
    release_reference: str
    body: str
    cover_message: str
    social_worker: str
    today: str


def letter_text(
    records_request: RecordsRequest, *, today: datetime.date | None = None
) -> LetterText:
    """Everything the PDF prints, the template's placeholders filled in."""
    today = today or team_today()
    case = records_request.case
    patient = case.patient
    contact = records_request.contact
    records = [item_label(item) for item in records_request.items.all()]
    values = {
        "patient_name": patient.full_name,
        "date_of_birth": f"{patient.date_of_birth:%B %-d, %Y}",
        "mrn": patient.mrn or "not recorded",
        "records": ", ".join(records),
        "provider": records_request.contact_name,
        "release_reference": records_request.release_reference or "enclosed",
        "team_name": settings.LETTERHEAD_NAME,
        "team_address": settings.LETTERHEAD_ADDRESS,
        "team_phone": settings.LETTERHEAD_PHONE,
        "team_fax": settings.LETTERHEAD_FAX,
        "social_worker": display_name(case.social_worker),
        "today": f"{today:%B %-d, %Y}",
    }
    template = LetterTemplate.objects.filter(in_use=True).first()
    return LetterText(
        provider=values["provider"],
        provider_address=contact.address if contact else "",
        provider_fax=contact.fax if contact else "",
        provider_phone=contact.phone if contact else "",
        patient_name=values["patient_name"],
        date_of_birth=values["date_of_birth"],
        mrn=values["mrn"],
        records=records,
        release_reference=values["release_reference"],
        body=_fill(template.letter_body if template else DEFAULT_LETTER, DEFAULT_LETTER, values),
        cover_message=_fill(
            template.cover_message if template else DEFAULT_COVER, DEFAULT_COVER, values
        ),
        social_worker=values["social_worker"],
        today=values["today"],
    )


# --- fonts and the characters they can draw ----------------------------------------------------

LATIN_1 = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))


def printable(text: str, characters: frozenset[int]) -> str:
    """`text` with every character the font cannot draw replaced: by its letter without the
    accent when the font has that letter (in Helvetica, Ą becomes A), else by "?" (李 in DejaVu
    Sans). Line breaks stay; other control characters go."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if char == "\n":
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue
        elif ord(char) in characters:
            kept.append(char)
        else:
            base = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(part) and ord(part) in characters
            )
            kept.append(base or "?")
    return "".join(kept)
