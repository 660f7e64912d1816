"""What every staff form checks, in one place: the dates a field accepts (`DateRange`, given
to every date field by `PlausibleDatesMixin`), the version of the record the user opened
(`VersionedForm`), a second look before an unusual save (`SecondLookForm`), and the fields that
differ after a conflict (`differences`)."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Model
from django.utils import formats, timezone

from cases.business_days import team_today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


CLOCKS_GO_FORWARD = (
    "That time does not exist on that day because the clocks change; choose another time."
)
CLOCKS_GO_BACK = (
    "That time happens twice on that day because the clocks go back; choose another time."
)


class TeamDateTimeField(forms.DateTimeField):
    """A date and time in the team's time zone that says plainly why an hour the clocks skip
    or repeat cannot be saved (Django's message names the time zone and says "ambiguous")."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            typed = error.params["datetime"]
            zone = timezone.get_current_timezone()
            there_and_back = typed.replace(tzinfo=zone).astimezone(datetime.UTC).astimezone(zone)
            skipped = there_and_back.replace(tzinfo=None) != typed
            raise forms.ValidationError(
                CLOCKS_GO_FORWARD if skipped else CLOCKS_GO_BACK, code="clock_change"
            ) from error


def _years(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(365.25 * count))


@dataclass(frozen=True)
class DateRange:
    """The dates a field accepts, from `earliest(today)` to `latest(today)` (team time), and
    what it says otherwise. A date and time is judged by its day as typed, so even a value a
    time-zone conversion would overflow (`9999-12-31T23:59`) is refused, never stored: every
    later page, the sweep and the patient's page can handle whatever passes."""

    earliest: Callable[[datetime.date], datetime.date]
    latest: Callable[[datetime.date], datetime.date]
    message: str = "Check the date: it must be between {earliest} and {latest}."
    too_early: str = ""
    too_late: str = ""

    def __call__(self, value: datetime.date | datetime.datetime) -> None:
        day = value.date() if isinstance(value, datetime.datetime) else value
        today = team_today()
        earliest, latest = self.earliest(today), self.latest(today)
        if earliest <= day <= latest:
            return
        message = (self.too_early if day < earliest else self.too_late) or self.message
        raise forms.ValidationError(
            message.format(earliest=f"{earliest:%b %-d, %Y}", latest=f"{latest:%b %-d, %Y}"),
            code="date_out_of_range",
        )


# Ranges wide enough for real work, narrow enough that a slip of the keyboard (year 20266, or
# 9999) is caught at once.
BIRTH_DATE_RANGE = DateRange(
    earliest=lambda today: max(datetime.date(1900, 1, 1), today - _years(120)),
    latest=lambda today: today,
    too_early="Check the year: that is more than 120 years ago.",
    too_late="The date of birth cannot be in the future.",
)
APPOINTMENT_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today + _years(3),
    message="Check the date: an appointment must be between {earliest} and {latest}.",
)
DUE_DATE_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today + _years(3),
    message="Check the date: a due date must be between {earliest} and {latest}.",
)
SNOOZE_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today + _years(1),
    message="Check the date: reminders can be paused until a date between {earliest} and {latest}.",
)
# A hold is looked at again today or later, and within a year.
HOLD_REVIEW_RANGE = DateRange(
    earliest=lambda today: today,
    latest=lambda today: today + _years(1),
    message="Check the date: a hold is reviewed between {earliest} and {latest}.",
    too_early="A hold's review date cannot be in the past. Choose today or a later day.",
)
# Any other date: insurance dates, and any date field added later.
RECORD_DATE_RANGE = DateRange(
    earliest=lambda today: today - _years(10),
    latest=lambda today: today + _years(3),
)


class PlausibleDatesMixin:
    """Gives every date and date-time field of the form a `DateRange`: the one named for it in
    `date_ranges`, else `RECORD_DATE_RANGE`. A new date field cannot go unchecked."""

    date_ranges: dict[str, DateRange] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(self.date_ranges.get(name, RECORD_DATE_RANGE))


MISSING_VERSION = (
    "This form arrived without the version of the record you opened, so Navigator cannot tell "
    "whether a colleague has changed it since. Nothing was saved: reload the page and try again."
)


class VersionedForm(forms.Form):
    """Carries the version of the record the user loaded, so a stale save is refused.

    Every page's form must send it: without it a save would overwrite a colleague's change
    unseen. (Tasks and commands call the services with no version on purpose.) A missing or
    garbled version is a form error shown at the top, as its field is hidden. A form sent back
    to the user (a mistake, a warning) carries on the version they sent, never the current one:
    only `refuse_as_conflict`, once the user is shown what changed, moves it on.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("version") is None:
            self.add_error(None, MISSING_VERSION)
        return data

    def refuse_as_conflict(self, error: Exception, *, current_version: int) -> None:
        """The save was refused as a conflict: say so, and keep what was typed, now against
        the current version, so saving again after reading the current values goes through."""
        self.data = self.data.copy()
        self.data["version"] = str(current_version)
        self.conflict = str(error)
        self._errors = None
        self.add_error(None, self.conflict)


class SecondLookForm(VersionedForm):
    """A save a person would want to look at twice: `second_look` holds it back with a warning
    until the form comes back confirmed (the page shows the warning and a button that sends
    what was typed again with `confirm` set to `confirm_token`).

    The token names what was warned about (a digest of the warnings' text, which quotes the
    values), so a confirmation never covers a value changed after the warning: that one warns
    again. A form from a stale copy is not held back: the service refuses it as a conflict, and
    the user reads what a colleague changed before being asked anything.
    """

    def __init__(self, *args, current_version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_version = current_version
        self.warnings: list[str] = []

    def full_clean(self) -> None:
        self.warnings = []
        super().full_clean()
        if self.warnings and (
            self.conflict or self.data.get("confirm") == confirm_token(self.warnings)
        ):
            self.warnings = []

    def second_look(self, warning: str) -> None:
        if self.cleaned_data.get("version") == self.current_version:
            self.warnings.append(warning)

    @property
    def confirm_token(self) -> str:
        return confirm_token(self.warnings)

    def is_valid(self) -> bool:
        return super().is_valid() and not self.warnings


def confirm_token(warnings: list[str]) -> str:
    return hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Difference:
    """A field where what the user typed is not what is saved now."""

    label: str
    saved: str
    typed: str


def _shown(field: forms.Field, value) -> str:
    """A field's value as a person reads it."""
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Model):
        # A person is shown as the form's list shows them (a name, not a username).
        label = getattr(field, "label_from_instance", str)
        return str(label(value))
    labels = dict(getattr(field, "choices", []))
    if isinstance(value, list | tuple | set):
        return "; ".join(str(labels.get(item, item)) for item in sorted(value))
    return str(labels.get(value, value))


def differences(form: forms.BaseForm, saved: dict) -> list[Difference]:
    """The fields of a valid `form` whose typed value differs from `saved` (what the database
    holds now, by field name), in the form's order: shown beside each other after a conflict."""
    rows = []
    for name, field in form.fields.items():
        if field.widget.is_hidden or name not in saved or name not in form.cleaned_data:
            continue
        typed, now = form.cleaned_data[name], saved[name]
        if isinstance(typed, list):
            typed, now = set(typed), set(now)
        if typed != now:
            rows.append(Difference(str(field.label), _shown(field, now), _shown(field, typed)))
    return rows


def saved_values(record: Model, form: forms.BaseForm) -> dict:
    """What `record` holds for each of the form's fields that is one of its model fields."""
    names = {field.name for field in record._meta.concrete_fields}
    return {name: getattr(record, name) for name in form.fields if name in names}
