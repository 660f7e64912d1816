"""Navigator's fields a sheet's columns can be read as, the guess from a header row, and the
mappings remembered for the next file with the same headers.

A mapping is a list with one field name per column, in the header row's order ("" for a
column left out); each field is read from one column at most.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.utils import timezone

from cases.models import ImportMapping
from cases.models.workflow import normalise_for_search

# Rows above the header a sheet may have (a title, a merged banner, a note), looked through for
# the header row.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    # Header texts read as this field, as `normalise_for_search` leaves them.
    aliases: tuple[str, ...]
    help: str = ""


FIELDS: tuple[Field, ...] = (
    Field("full_name", "Patient name", ("name", "patient", "patient name", "full name", "client")),
    Field("first_name", "First name", ("first name", "given name", "first")),
    Field("last_name", "Last name", ("last name", "surname", "family name", "last")),
    Field("date_of_birth", "Date of birth", ("dob", "d o b", "date of birth", "birth date")),
    Field("mrn", "MRN", ("mrn", "medical record number", "record number", "mrn number")),
    Field("phone", "Phone", ("phone", "phone number", "telephone", "mobile", "cell")),
    Field("email", "Email", ("email", "e mail", "email address")),
    Field("preferred_language", "Language", ("language", "preferred language")),
    Field(
        "social_worker",
        "Social worker",
        ("social worker", "worker", "sw", "assigned to", "owner", "navigator", "case manager"),
        "a member of the social work team, by username, full name or first name",
    ),
    Field("urgency", "Urgency", ("urgency", "priority", "urgent"), "routine or urgent"),
    Field(
        "diagnosis",
        "Diagnosis",
        ("diagnosis", "tumour type", "tumor type", "tumour", "tumor", "dx"),
        "a tumour type, or a glioma's molecular type",
    ),
    Field("grade", "Grade", ("grade", "who grade", "cns who grade"), "1 to 4"),
    Field(
        "centre",
        "Centre",
        ("centre", "center", "second opinion centre", "second opinion center", "referred to"),
        "a centre in the directory, or any other name",
    ),
    Field(
        "opened_on",
        "Opened on",
        ("opened", "opened on", "date opened", "open date", "intake date", "referral date"),
        "the day the request came in",
    ),
    Field(
        "referral_sent",
        "Referral sent on",
        ("referral sent", "referral sent on", "referred on", "date referral sent"),
    ),
    Field(
        "insurance_approved",
        "Insurance approved on",
        (
            "insurance approved",
            "insurance approved on",
            "preauth approved",
            "preauthorization approved",
            "auth approved",
        ),
    ),
    Field(
        "records_received",
        "Records received on",
        ("records received", "records received on", "records complete", "records in"),
    ),
    Field(
        "appointment_date",
        "Appointment",
        ("appointment", "appointment date", "appt", "appt date", "visit date"),
        "a date, or a date and time",
    ),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
_ALIASES = {alias: field.name for field in FIELDS for alias in (*field.aliases, field.name)}
_ALIASES.update({normalise_for_search(field.label): field.name for field in FIELDS})


class MappingError(ValueError):
    """The mapping cannot import anything; the message says which field is missing or twice."""


def header_row_index(rows: list[tuple[int, list[str]]]) -> int:
    """Which of the first rows is the header: the first naming two known fields, else the
    first with two cells filled (a title row above it has one)."""
    head = rows[:HEADER_SEARCH_ROWS]
    for index, (_, cells) in enumerate(head):
        if sum(normalise_for_search(cell) in _ALIASES for cell in cells) >= 2:
            return index
    for index, (_, cells) in enumerate(head):
        if sum(bool(cell) for cell in cells) >= 2:
            return index
    return 0


def header_key(headers: list[str]) -> str:
    text = "\x1f".join(normalise_for_search(header) for header in headers)
    return hashlib.sha256(text.encode()).hexdigest()


def mapping_guess(headers: list[str]) -> list[str]:
    """The remembered mapping for these headers, else each header read by its name."""
    remembered = ImportMapping.objects.filter(header_key=header_key(headers)).first()
    if remembered is not None and len(remembered.columns) == len(headers):
        return [name if name in FIELDS_BY_NAME else "" for name in remembered.columns]
    taken: set[str] = set()
    columns = []
    for header in headers:
        name = _ALIASES.get(normalise_for_search(header), "")
        columns.append("" if name in taken else name)
        taken.add(name)
    return columns


def mapping_check(columns: list[str]) -> None:
    chosen = [name for name in columns if name]
    twice = sorted({name for name in chosen if chosen.count(name) > 1})
    if twice:
        labels = ", ".join(FIELDS_BY_NAME[name].label for name in twice)
        raise MappingError(f"Each field can be read from one column only: {labels}.")
    if "full_name" not in chosen and not {"first_name", "last_name"} <= set(chosen):
        raise MappingError("Choose the column with the patient's name (or first and last name).")
    for name in ("date_of_birth", "social_worker"):
        if name not in chosen:
            raise MappingError(f"Choose the column with the {FIELDS_BY_NAME[name].label.lower()}.")


def mapping_remember(
    *, headers: list[str], columns: list[str], by, now: datetime.datetime | None = None
) -> None:
    ImportMapping.objects.update_or_create(
        header_key=header_key(headers),
        defaults={
            "columns": columns,
            "updated_at": now or timezone.now(),
            "updated_by": by if by is not None and by.is_authenticated else None,
        },
    )
