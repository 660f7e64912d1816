"""One row of a sheet read as a case to open, a patient Navigator already has, or a refusal
with its reasons.

A refusal's reason names the column and what to write instead; it repeats a cell's text only
for the team's own words (a social worker, an urgency, a grade, a step's date), never the
patient's name, birth date, MRN, contact details or diagnosis.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from cases.access import SOCIAL_WORKERS, remember_group_names
from cases.business_days import team_today
from cases.models import Case, Centre, GliomaType, Grade, Language, Stage, TumourType, Urgency
from cases.models.workflow import name_key, normalise_for_search, normalise_mrn
from cases.workflow.form_rules import (
    APPOINTMENT_RANGE,
    BIRTH_DATE_RANGE,
    CLOCKS_GO_BACK,
    CLOCKS_GO_FORWARD,
    RECORD_DATE_RANGE,
)
from cases.workflow.selectors import social_workers

CREATE, MATCH, REFUSE = "create", "match", "refuse"

# The date formats a cell may hold (besides a spreadsheet's own date cells): ISO, the US
# month/day/year, and the day or month written as a word. Two-digit years are refused: "52"
# could be 1952 or 2052.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y",
)
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I %p", "%I:%M%p", "%I%p")
_TIME_AT_END = re.compile(
    r"^(?P<date>.+?)[ T]+(?P<time>\d{1,2}(:\d{2}){0,2}\s*([ap]\.?m\.?)?)$", re.IGNORECASE
)
# A date without a time (an appointment) is booked at noon, team time.
NOON = datetime.time(12, 0)

URGENCY_WORDS = {
    **dict.fromkeys(("", "routine", "normal", "standard", "no", "n", "low"), Urgency.ROUTINE),
    **dict.fromkeys(("urgent", "yes", "y", "high", "stat", "expedited"), Urgency.URGENT),
}
LANGUAGE_WORDS = {
    **dict.fromkeys(("", "en", "english", "eng"), Language.ENGLISH),
    **dict.fromkeys(("es", "spanish", "espanol", "spa"), Language.SPANISH),
}
# What a sheet calls a diagnosis → (tumour type, glioma type).
DIAGNOSIS_WORDS: dict[str, tuple[str, str]] = {
    "": (TumourType.OTHER, ""),
    **{
        normalise_for_search(word): (value, GliomaType.UNKNOWN if value == "glioma" else "")
        for value, label in TumourType.choices
        for word in (value, label)
    },
    **{
        normalise_for_search(word): (TumourType.GLIOMA, value)
        for value, label in GliomaType.choices
        if value not in (GliomaType.OTHER, GliomaType.UNKNOWN)
        for word in (value, label)
    },
    "glioblastoma": (TumourType.GLIOMA, GliomaType.GLIOBLASTOMA),
    "gbm": (TumourType.GLIOMA, GliomaType.GLIOBLASTOMA),
    "astrocytoma": (TumourType.GLIOMA, GliomaType.ASTROCYTOMA),
    "oligodendroglioma": (TumourType.GLIOMA, GliomaType.OLIGODENDROGLIOMA),
    "metastasis": (TumourType.BRAIN_METASTASIS, ""),
    "brain metastases": (TumourType.BRAIN_METASTASIS, ""),
    "lymphoma": (TumourType.CNS_LYMPHOMA, ""),
    "tumor": (TumourType.OTHER, ""),
}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
GRADE_UNKNOWN_WORDS = (
    *("", "unknown", "not known", "not yet known", "tbd", "pending"),
    # "N/A", as a sheet says it for a tumour it has no grade for yet.
    *("n a", "na", "none", "not applicable"),
)

# The steps a date finishes, in the workflow's order (an appointment's own is separate).
STEP_DATE_FIELDS = {
    "referral_sent": Stage.REFERRAL,
    "insurance_approved": Stage.PREAUTHORIZATION,
    "records_received": Stage.RECORDS,
}


@dataclass
class RowPlan:
    """What the import would do with one row."""

    number: int
    outcome: str = CREATE
    problems: list[str] = field(default_factory=list)
    full_name: str = ""
    date_of_birth: datetime.date | None = None
    social_worker: object = None
    matched_case_id: int | None = None
    match_reason: str = ""
    patient_fields: dict = field(default_factory=dict)
    case_fields: dict = field(default_factory=dict)
    opened_on: datetime.date | None = None
    # {stage: the day it was done}
    steps_done: dict[str, datetime.date] = field(default_factory=dict)
    appointment_at: datetime.datetime | None = None

    @property
    def steps_shown(self) -> list[tuple[str, datetime.date]]:
        """The steps done, as the page names them, in date order."""
        done = sorted(self.steps_done.items(), key=lambda item: item[1])
        return [(Stage(stage).label, day) for stage, day in done]

    def refuse(self, problem: str) -> None:
        self.outcome = REFUSE
        self.problems.append(problem)


@dataclass
class ImportContext:
    """What rows are checked against, loaded once per preview: a fixed number of queries
    however long the sheet."""

    workers: dict[str, object]
    centres: dict[str, object]
    by_name_and_birth: dict[tuple[str, datetime.date], int]
    by_mrn: dict[str, int]
    today: datetime.date
    # Earlier rows of this file: the same keys → their row number.
    seen_names: dict[tuple[str, datetime.date], int] = field(default_factory=dict)
    seen_mrns: dict[str, int] = field(default_factory=dict)


def context_load(now: datetime.datetime | None = None) -> ImportContext:
    workers: dict[str, object] = {}
    ambiguous: set[str] = set()
    team = list(social_workers())
    for worker in team:
        remember_group_names(worker, [SOCIAL_WORKERS])
        workers[worker.get_username().casefold()] = worker
        full = normalise_for_search(worker.get_full_name())
        if full:
            workers.setdefault(full, worker)
    for part in ("first_name", "last_name"):
        for worker in team:
            word = normalise_for_search(getattr(worker, part))
            if not word:
                continue
            if word in workers and workers[word] is not worker:
                ambiguous.add(word)
            workers.setdefault(word, worker)
    for word in ambiguous - {w.get_username().casefold() for w in team}:
        workers.pop(word, None)
    by_name_and_birth: dict[tuple[str, datetime.date], int] = {}
    by_mrn: dict[str, int] = {}
    rows = Case.objects.order_by("pk").values_list(
        "pk", "patient__search_name", "patient__date_of_birth", "patient__search_mrn"
    )
    for case_id, search_name, birth, search_mrn in rows:
        by_name_and_birth[(search_name, birth)] = case_id
        if search_mrn:
            by_mrn[search_mrn] = case_id
    return ImportContext(
        workers=workers,
        centres={normalise_for_search(c.name): c for c in Centre.objects.filter(active=True)},
        by_name_and_birth=by_name_and_birth,
        by_mrn=by_mrn,
        today=team_today(now),
    )


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> datetime.date | None:
    """The date a cell holds, or None when it holds no date in an accepted format. The two
    numeric forms most sheets use are read without `strptime` (a 10,000-row preview reads
    tens of thousands of dates); a sheet repeats its dates, so answers are cached."""
    numeric = _ISO.match(text) or _MONTH_FIRST.match(text)
    if numeric is not None:
        first, second, third = (int(part) for part in numeric.groups())
        year, month, day = (first, second, third) if numeric.re is _ISO else (third, first, second)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    cleaned = " ".join(text.replace(",", " ").replace(".", " ").split())
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, date_format).date()
        except ValueError:
            continue
    return None


def parse_date_time(text: str) -> datetime.datetime | None:
    """A date with an optional time of day, as an aware datetime in the team's time zone (a
    date alone is noon)."""
    day = parse_date(text)
    clock = NOON
    if day is None:
        found = _TIME_AT_END.match(text.strip())
        if found is None or (day := parse_date(found["date"])) is None:
            return None
        clock = _parse_time(found["time"])
        if clock is None:
            return None
    moment = datetime.datetime.combine(day, clock)
    try:
        return timezone.make_aware(moment)
    except (ValueError, OverflowError):
        return None


def parse_day(text: str) -> datetime.date | None:
    """The day a date-only field's cell holds: a date, or a date with a time of day (a
    spreadsheet's date cell may hold a time it does not show)."""
    day = parse_date(text)
    if day is None and (moment := parse_date_time(text)) is not None:
        day = timezone.localdate(moment)
    return day


def _clock_change(moment: datetime.datetime) -> str:
    """What the appointment form says of a time the clocks skip or repeat in the team's time
    zone, else ""."""
    there_and_back = timezone.localtime(moment.astimezone(datetime.UTC))
    if there_and_back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return CLOCKS_GO_FORWARD
    if moment.replace(fold=1).utcoffset() != moment.utcoffset():
        return CLOCKS_GO_BACK
    return ""


def _parse_time(text: str) -> datetime.time | None:
    cleaned = text.replace(".", "").upper().strip()
    for time_format in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, time_format).time()
        except ValueError:
            continue
    return None


DATE_HELP = "write it as 2026-03-04, 03/04/2026 (month first) or 4 Mar 2026"


_bounds: dict[tuple[int, datetime.date], tuple[datetime.date, datetime.date]] = {}


def _in_range(date_range, day: datetime.date, today: datetime.date) -> str:
    """The range's message when `day` is outside it, else "" (its bounds worked out once per
    day, and the message from the range itself only for a day outside it)."""
    key = (id(date_range), today)
    if key not in _bounds:
        _bounds[key] = (date_range.earliest(today), date_range.latest(today))
    earliest, latest = _bounds[key]
    if earliest <= day <= latest:
        return ""
    try:
        date_range(day)
    except forms.ValidationError as error:
        return error.messages[0]
    return ""


@functools.lru_cache(maxsize=1024)
def _words(text: str) -> str:
    """`normalise_for_search` for the short values a column repeats (urgency, grade, …)."""
    return normalise_for_search(text)


def row_plan(*, number: int, values: dict[str, str], context: ImportContext) -> RowPlan:
    """The plan for one row; `values` holds the mapped cells' text by field name."""
    plan = RowPlan(number=number)
    _patient(plan, values, context)
    _case(plan, values, context)
    _dates(plan, values, context)
    if plan.outcome != REFUSE:
        _match(plan, context)
    return plan


def _patient(plan: RowPlan, values: dict[str, str], context: ImportContext) -> None:
    full_name = values.get("full_name", "").strip()
    if not full_name:
        full_name = " ".join(
            part for part in (values.get("first_name", ""), values.get("last_name", "")) if part
        ).strip()
    plan.full_name = " ".join(full_name.split())
    if not plan.full_name:
        plan.refuse("No patient name.")
    elif len(plan.full_name) > 200:
        plan.refuse("The patient's name is longer than 200 characters.")
    birth_text = values.get("date_of_birth", "").strip()
    if not birth_text:
        plan.refuse("No date of birth.")
    elif (birth := parse_day(birth_text)) is None:
        plan.refuse(f"The date of birth is not a date: {DATE_HELP}.")
    elif problem := _in_range(BIRTH_DATE_RANGE, birth, context.today):
        plan.refuse(f"Date of birth: {problem}")
    else:
        plan.date_of_birth = birth
    mrn = values.get("mrn", "").strip()
    if len(mrn) > 40:
        plan.refuse("The MRN is longer than 40 characters.")
    phone = values.get("phone", "").strip()
    if len(phone) > 40:
        plan.refuse("The phone number is longer than 40 characters.")
    email = values.get("email", "").strip()
    if len(email) > 254:
        plan.refuse("The email is longer than 254 characters.")
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            plan.refuse("The email is not an email address.")
    language_text = _words(values.get("preferred_language", ""))
    language = LANGUAGE_WORDS.get(language_text)
    if language is None:
        plan.refuse(
            f"Language “{values['preferred_language']}” is not one Navigator speaks: "
            "English or Spanish."
        )
    plan.patient_fields = {
        "full_name": plan.full_name,
        "date_of_birth": plan.date_of_birth,
        "mrn": mrn,
        "phone": phone,
        "email": email,
        "preferred_language": language or Language.ENGLISH,
    }


def _case(plan: RowPlan, values: dict[str, str], context: ImportContext) -> None:
    worker_text = values.get("social_worker", "").strip()
    if not worker_text:
        plan.refuse("No social worker: say whose case this is.")
    else:
        plan.social_worker = context.workers.get(worker_text.casefold()) or context.workers.get(
            _words(worker_text)
        )
        if plan.social_worker is None:
            plan.refuse(
                f"No social worker “{worker_text}” on the team: use a username, a full name "
                "or a first name only one colleague has."
            )
    urgency = URGENCY_WORDS.get(_words(values.get("urgency", "")))
    if urgency is None:
        plan.refuse(f"Urgency “{values['urgency']}” is neither routine nor urgent.")
    diagnosis = DIAGNOSIS_WORDS.get(_words(values.get("diagnosis", "")))
    if diagnosis is None:
        plan.refuse(
            "The diagnosis is not one Navigator knows: use a tumour type ("
            + ", ".join(TumourType.labels)
            + ") or a glioma's molecular type."
        )
    grade = _grade(values.get("grade", ""))
    if grade is None:
        plan.refuse(f"Grade “{values['grade']}” is not a CNS WHO grade: write 1, 2, 3 or 4.")
    centre_text = " ".join(values.get("centre", "").split())
    centre = context.centres.get(_words(centre_text))
    if len(centre_text) > 200:
        plan.refuse("The centre's name is longer than 200 characters.")
    tumour_type, glioma_type = diagnosis or (TumourType.OTHER, "")
    plan.case_fields = {
        "tumour_type": tumour_type,
        "glioma_type": glioma_type,
        "grade": grade or Grade.UNKNOWN,
        "urgency": urgency or Urgency.ROUTINE,
        "centre": centre,
        "centre_other": "" if centre else centre_text,
    }


def _grade(text: str) -> str | None:
    words = _words(text)
    if words in GRADE_UNKNOWN_WORDS:
        return Grade.UNKNOWN
    last = words.split()[-1].removeprefix("g")
    last = _ROMAN.get(last, last)
    return last if last in ("1", "2", "3", "4") else None


def _dates(plan: RowPlan, values: dict[str, str], context: ImportContext) -> None:
    labels = {
        "opened_on": "Opened on",
        "referral_sent": "Referral sent on",
        "insurance_approved": "Insurance approved on",
        "records_received": "Records received on",
    }
    days: dict[str, datetime.date] = {}
    for name, label in labels.items():
        text = values.get(name, "").strip()
        if not text:
            continue
        day = parse_day(text)
        if day is None:
            plan.refuse(f"{label}: “{text}” is not a date: {DATE_HELP}.")
        elif problem := _in_range(RECORD_DATE_RANGE, day, context.today):
            plan.refuse(f"{label}: {problem}")
        elif day > context.today:
            plan.refuse(f"{label}: {day:%b %-d, %Y} is in the future.")
        else:
            days[name] = day
    appointment_text = values.get("appointment_date", "").strip()
    if appointment_text:
        plan.appointment_at = parse_date_time(appointment_text)
        if plan.appointment_at is None:
            plan.refuse(
                f"Appointment: “{appointment_text}” is not a date (or a date and time such as "
                "2026-03-18 14:30)."
            )
        elif problem := _clock_change(plan.appointment_at) or _in_range(
            APPOINTMENT_RANGE, timezone.localtime(plan.appointment_at).date(), context.today
        ):
            plan.refuse(f"Appointment: {problem}")
            plan.appointment_at = None
    step_days = [day for name, day in days.items() if name != "opened_on"]
    plan.opened_on = days.get("opened_on") or min(step_days, default=context.today)
    for name, stage in STEP_DATE_FIELDS.items():
        if name not in days:
            continue
        if days[name] < plan.opened_on:
            plan.refuse(
                f"{labels[name]}: {days[name]:%b %-d, %Y} is before the case was opened "
                f"({plan.opened_on:%b %-d, %Y})."
            )
        plan.steps_done[stage] = days[name]
    if plan.date_of_birth and plan.opened_on < plan.date_of_birth:
        plan.refuse("The case would be opened before the patient was born.")
    if plan.appointment_at is not None:
        # Booked by now: the step is done on the visit's day if that has passed, else today.
        plan.steps_done[Stage.APPOINTMENT] = max(
            plan.opened_on, min(timezone.localdate(plan.appointment_at), context.today)
        )


def _match(plan: RowPlan, context: ImportContext) -> None:
    """The same patient as a case Navigator has (same name and birth date, or same MRN) is
    matched and left as it is; the same patient twice in the file is refused the second
    time."""
    name_birth = (name_key(plan.full_name), plan.date_of_birth)
    mrn = normalise_mrn(plan.patient_fields["mrn"])
    if name_birth in context.by_name_and_birth:
        plan.outcome = MATCH
        plan.matched_case_id = context.by_name_and_birth[name_birth]
        plan.match_reason = "same name and date of birth"
    elif mrn and mrn in context.by_mrn:
        plan.outcome = MATCH
        plan.matched_case_id = context.by_mrn[mrn]
        plan.match_reason = "same MRN"
    elif name_birth in context.seen_names:
        plan.refuse(f"The same patient as row {context.seen_names[name_birth]} of this file.")
    elif mrn and mrn in context.seen_mrns:
        plan.refuse(f"The same MRN as row {context.seen_mrns[mrn]} of this file.")
    context.seen_names.setdefault(name_birth, plan.number)
    if mrn:
        context.seen_mrns.setdefault(mrn, plan.number)
