"""Forms parse and check what people type; services do the writing."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Model
from django.utils import formats, timezone

from cases.business_days import is_business_day, team_today
from cases.models import (
    Appointment,
    Case,
    Insurance,
    Patient,
    Reason,
    Specialist,
    StaffProfile,
    Stage,
    Step,
)
from cases.selectors import social_workers


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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
    garbled version is a form error shown at the top, as its field is hidden.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("version") is None:
            self.add_error(None, MISSING_VERSION)
        return data


class SecondLookForm(forms.Form):
    """A save a person would want to look at twice: `second_look` holds it back with a warning
    until the form comes back with `confirm=1` (the page shows the warning and a button that
    sends what was typed again, confirmed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def full_clean(self) -> None:
        self.warnings = []
        super().full_clean()

    def second_look(self, warning: str) -> None:
        if self.data.get("confirm") != "1":
            self.warnings.append(warning)

    def is_valid(self) -> bool:
        return super().is_valid() and not self.warnings


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
        return str(value)
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


class PatientForm(PlausibleDatesMixin, forms.ModelForm):
    date_ranges = {"date_of_birth": BIRTH_DATE_RANGE}

    class Meta:
        model = Patient
        fields = [
            "full_name",
            "date_of_birth",
            "mrn",
            "preferred_language",
            "phone",
            "email",
            "preferred_contact",
            "consent_to_reminders",
        ]
        labels = {
            "full_name": "Patient's full name",
            "consent_to_reminders": ("The patient agrees to reminders by text or email"),
        }
        widgets = {"date_of_birth": DateInput()}

    def clean(self) -> dict:
        data = super().clean()
        method = data.get("preferred_contact")
        if method in ("phone", "sms") and not data.get("phone"):
            self.add_error("phone", "Add a phone number, or choose another way to contact them.")
        if method == "email" and not data.get("email"):
            self.add_error("email", "Add an email address, or choose another way to contact them.")
        return data


class CaseForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Why the patient wants a second opinion",
        help_text="Tick every reason that applies.",
    )
    social_worker = forms.ModelChoiceField(queryset=None, label="Assigned social worker")

    class Meta:
        model = Case
        fields = [
            "glioma_type",
            "grade",
            "diagnosis_notes",
            "reasons",
            "reasons_other",
            "urgency",
            "centre",
            "specialist",
            "centre_other",
            "specialist_other",
            "social_worker",
        ]
        labels = {"reasons_other": "Other reason", "diagnosis_notes": "Diagnosis notes"}
        widgets = {"diagnosis_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers()
        self.fields["specialist"].queryset = Specialist.objects.filter(active=True).select_related(
            "centre"
        )
        self.fields["centre"].queryset = self.fields["centre"].queryset.filter(active=True)

    def clean(self) -> dict:
        data = super().clean()
        if Reason.OTHER in data.get("reasons", []) and not data.get("reasons_other", "").strip():
            self.add_error("reasons_other", "Say what the other reason is.")
        centre, specialist = data.get("centre"), data.get("specialist")
        if centre and specialist and specialist.centre_id != centre.pk:
            self.add_error("specialist", f"This specialist works at {specialist.centre}, not here.")
        return data

    def case_fields(self) -> dict:
        excluded = {"reasons", "social_worker", "version"}
        return {k: v for k, v in self.cleaned_data.items() if k not in excluded}


class CaseEditForm(VersionedForm, CaseForm):
    """The details page. Only a supervisor reassigns a case, so only a supervisor's form offers
    the social worker (the page names the owner to anyone else)."""

    def __init__(self, *args, can_reassign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_reassign:
            del self.fields["social_worker"]


class DuplicateConfirmForm(forms.Form):
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="I have checked: this is a different request, open a new case anyway.",
    )


class InsuranceForm(PlausibleDatesMixin, VersionedForm, forms.ModelForm):
    class Meta:
        model = Insurance
        fields = [
            "payer",
            "plan",
            "member_id",
            "preauthorization_required",
            "reference_number",
            "requested_on",
            "decision",
            "decided_on",
            "in_network",
            "expected_out_of_pocket",
        ]
        labels = {
            "payer": "Payer (insurer)",
            "expected_out_of_pocket": "Expected out-of-pocket ($)",
        }
        widgets = {"requested_on": DateInput(), "decided_on": DateInput()}

    def clean(self) -> dict:
        data = super().clean()
        requested, decided = data.get("requested_on"), data.get("decided_on")
        if requested and decided and decided < requested:
            self.add_error("decided_on", "The decision cannot come before the request.")
        if data.get("decision") not in (None, "", Insurance.Decision.PENDING) and not decided:
            self.add_error("decided_on", "Add the date of the decision.")
        cost = data.get("expected_out_of_pocket")
        if cost is not None and cost < 0:
            self.add_error("expected_out_of_pocket", "A cost cannot be negative.")
        return data

    def record_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AppointmentForm(PlausibleDatesMixin, VersionedForm, forms.ModelForm):
    date_ranges = {"scheduled_at": APPOINTMENT_RANGE}
    video_link = forms.URLField(required=False, assume_scheme="https", label="Video link")

    class Meta:
        model = Appointment
        fields = [
            "centre",
            "specialist",
            "scheduled_at",
            "mode",
            "address",
            "video_link",
            "what_to_bring",
        ]
        widgets = {
            "scheduled_at": DateTimeInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "what_to_bring": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A specialist's label names the centre: fetch both in one query, not one per option.
        self.fields["specialist"].queryset = Specialist.objects.select_related("centre")

    def clean(self) -> dict:
        data = super().clean()
        centre, specialist = data.get("centre"), data.get("specialist")
        if centre and specialist and specialist.centre_id != centre.pk:
            self.add_error("specialist", f"This specialist works at {specialist.centre}, not here.")
        if data.get("mode") == Appointment.Mode.VIDEO and data.get("scheduled_at"):
            if not data.get("video_link"):
                self.add_error("video_link", "Add the link the patient will use to join.")
        elif data.get("scheduled_at") and not (data.get("address") or centre):
            self.add_error("address", "Add where the appointment is, or choose the centre.")
        return data

    def record_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class StepStatusForm(SecondLookForm, VersionedForm):
    status = forms.ChoiceField(choices=Step.Status.choices)
    reason = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, step: Step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") in (Step.Status.NOT_NEEDED, Step.Status.BLOCKED)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why (for example: the plan needs no preauthorization).")
        if data.get("status") == Step.Status.DONE and self.step.stage == Stage.PREAUTHORIZATION:
            decision = self.step.case.insurance.decision
        else:
            decision = None
        if decision in (Insurance.Decision.PENDING, Insurance.Decision.APPEALED):
            self.second_look(
                "The insurer has not decided yet: the insurance record says "
                f"“{Insurance.Decision(decision).label.lower()}”. Mark preauthorization done "
                "anyway? (If the plan needs none, mark the step not needed instead.)"
            )
        return data


class DueDateForm(PlausibleDatesMixin, SecondLookForm, VersionedForm):
    date_ranges = {"due_date": DUE_DATE_RANGE}
    due_date = forms.DateField(widget=DateInput(), label="New due date")
    reason = forms.CharField(max_length=300, label="Why it moves")

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_due_date(self) -> datetime.date:
        due = self.cleaned_data["due_date"]
        if due < self.today:
            raise forms.ValidationError(
                "A due date cannot be in the past. Choose today or a later day."
            )
        return due

    def clean(self) -> dict:
        data = super().clean()
        due = data.get("due_date")
        if due is not None and not is_business_day(due):
            closed = "a weekend day" if due.weekday() >= 5 else "a public holiday"
            self.second_look(
                f"{due:%A, %B %-d, %Y} is {closed}: nobody is in to act on it. "
                "Move the due date to that day anyway?"
            )
        return data


class CaseStatusForm(SecondLookForm, VersionedForm):
    status = forms.ChoiceField(choices=Case.Status.choices)
    reason = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, case: Case, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.today = case, today

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") in (Case.Status.ON_HOLD, Case.Status.WITHDRAWN)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why.")
        booked = self.case.appointment.scheduled_at
        if data.get("status") == Case.Status.COMPLETED and booked is not None:
            day = timezone.localdate(booked)
            if day > self.today:
                self.second_look(
                    f"The appointment is booked for {day:%A, %B %-d, %Y}, after today. "
                    "Complete the case before it has happened?"
                )
        return data


class ReassignForm(forms.Form):
    social_worker = forms.ModelChoiceField(queryset=None, label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers()


class NoteForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, label="Add a note"
    )


class SnoozeForm(PlausibleDatesMixin, forms.Form):
    date_ranges = {"until": SNOOZE_RANGE}
    until = forms.DateField(widget=DateInput(), label="No reminders until")
    reason = forms.CharField(max_length=300, label="Why")


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["due_soon_delivery", "overdue_delivery", "escalation_delivery", "digest_hour"]
        widgets = {
            "due_soon_delivery": forms.RadioSelect,
            "overdue_delivery": forms.RadioSelect,
            "escalation_delivery": forms.RadioSelect,
        }
