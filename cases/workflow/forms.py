"""Forms parse and check what people type; services do the writing."""

import datetime

from django import forms
from django.utils import timezone

from cases.business_days import is_business_day
from cases.models import (
    Appointment,
    Case,
    GliomaType,
    Insurance,
    Patient,
    Reason,
    Specialist,
    Stage,
    Step,
    TumourType,
)
from cases.workflow.form_rules import (
    APPOINTMENT_RANGE,
    BIRTH_DATE_RANGE,
    DUE_DATE_RANGE,
    HOLD_REVIEW_RANGE,
    DateInput,
    DateTimeInput,
    PlausibleDatesMixin,
    SecondLookForm,
    TeamDateTimeField,
    VersionedForm,
)
from cases.workflow.selectors import social_workers


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
        error_messages = {
            "full_name": {"required": "Add the patient's full name."},
            "date_of_birth": {"required": "Add the patient's date of birth."},
        }

    def clean(self) -> dict:
        data = super().clean()
        method = data.get("preferred_contact")
        if method in ("phone", "sms") and not data.get("phone"):
            self.add_error("phone", "Add a phone number, or choose another way to contact them.")
        if method == "email" and not data.get("email"):
            self.add_error("email", "Add an email address, or choose another way to contact them.")
        return data


NOT_A_GLIOMA = "Not a glioma"


class CaseForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Why the patient wants a second opinion",
        help_text="Tick every reason that applies.",
        error_messages={"required": "Tick at least one reason."},
    )
    social_worker = forms.ModelChoiceField(
        queryset=None,
        label="Assigned social worker",
        error_messages={"required": "Choose the social worker who will work the case."},
    )

    class Meta:
        model = Case
        fields = [
            "tumour_type",
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
        labels = {
            "reasons_other": "Other reason",
            "diagnosis_notes": "Diagnosis notes",
            "glioma_type": "Glioma type (gliomas only)",
        }
        help_texts = {
            "glioma_type": "The glioma's molecular type. Any other tumour has none.",
            "grade": "Any tumour type.",
        }
        widgets = {"diagnosis_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers()
        self.fields["specialist"].queryset = Specialist.objects.filter(active=True).select_related(
            "centre"
        )
        self.fields["centre"].queryset = self.fields["centre"].queryset.filter(active=True)
        self.fields["glioma_type"].choices = [("", NOT_A_GLIOMA), *GliomaType.choices]

    def clean(self) -> dict:
        data = super().clean()
        if Reason.OTHER in data.get("reasons", []) and not data.get("reasons_other", "").strip():
            self.add_error("reasons_other", "Say what the other reason is.")
        self._clean_glioma_type(data)
        centre, specialist = data.get("centre"), data.get("specialist")
        if centre and specialist and specialist.centre_id != centre.pk:
            self.add_error("specialist", f"This specialist works at {specialist.centre}, not here.")
        return data

    def _clean_glioma_type(self, data: dict) -> None:
        """A glioma always has a molecular type ("Not yet known" when none is chosen); any
        other tumour has none, and a molecular type chosen for one is refused."""
        tumour, glioma = data.get("tumour_type"), data.get("glioma_type", "")
        if tumour == TumourType.GLIOMA:
            data["glioma_type"] = glioma or GliomaType.UNKNOWN
        elif tumour:
            if glioma not in ("", GliomaType.UNKNOWN):
                self.add_error(
                    "glioma_type",
                    "A glioma type only applies to a glioma, and the tumour type is "
                    f"“{TumourType(tumour).label}”. Choose “{NOT_A_GLIOMA}” here, or “Glioma” "
                    "as the tumour type.",
                )
            else:
                data["glioma_type"] = ""

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
        field_classes = {"scheduled_at": TeamDateTimeField}
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


# Preauthorization marked done with any other decision on the insurance record asks first.
APPROVING_DECISIONS = {Insurance.Decision.APPROVED, Insurance.Decision.OVERTURNED}
PREAUTHORIZATION_NOT_APPROVED = {
    Insurance.Decision.PENDING: "The insurer has not decided yet",
    Insurance.Decision.APPEALED: "The insurer has not decided the appeal yet",
    Insurance.Decision.DENIED: "The insurer denied preauthorization",
}


STEP_REASON_MISSING = {
    Step.Status.NOT_NEEDED: "Say why the step is not needed (for example: the plan needs no "
    "preauthorization).",
    Step.Status.BLOCKED: "Say what blocks the step (for example: waiting for the patient to sign "
    "the records release).",
}


class StepStatusForm(SecondLookForm):
    status = forms.ChoiceField(choices=Step.Status.choices)
    reason = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, step: Step, **kwargs):
        super().__init__(*args, current_version=step.version, **kwargs)
        self.step = step

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") in (Step.Status.NOT_NEEDED, Step.Status.BLOCKED)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", STEP_REASON_MISSING[data["status"]])
        if data.get("status") == Step.Status.DONE and self.step.stage == Stage.PREAUTHORIZATION:
            decision = self.step.case.insurance.decision
        else:
            decision = None
        if decision is not None and decision not in APPROVING_DECISIONS:
            self.second_look(
                f"{PREAUTHORIZATION_NOT_APPROVED[decision]}: the insurance record says "
                f"“{Insurance.Decision(decision).label.lower()}”. Mark preauthorization done "
                "anyway? (If the plan needs none, mark the step not needed instead.)"
            )
        return data


class DueDateForm(PlausibleDatesMixin, SecondLookForm):
    date_ranges = {"due_date": DUE_DATE_RANGE}
    due_date = forms.DateField(
        widget=DateInput(),
        label="New due date",
        error_messages={"required": "Choose the new due date."},
    )
    reason = forms.CharField(
        max_length=300,
        label="Why it moves",
        error_messages={"required": "Say why the due date moves (for example: records are late)."},
    )

    def __init__(self, *args, step: Step, today: datetime.date, **kwargs):
        super().__init__(*args, current_version=step.version, **kwargs)
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


CASE_REASON_MISSING = {
    Case.Status.ON_HOLD: "Say why the case goes on hold (for example: the patient is in hospital).",
    Case.Status.WITHDRAWN: "Say why the case is withdrawn (for example: the patient moved away).",
}


HOLD_REVIEW_MISSING = (
    "Choose the day to look at the hold again (for example: when the patient expects to leave "
    "hospital)."
)


class CaseStatusForm(PlausibleDatesMixin, SecondLookForm):
    date_ranges = {"review_on": HOLD_REVIEW_RANGE}
    status = forms.ChoiceField(choices=Case.Status.choices)
    reason = forms.CharField(required=False, max_length=300)
    # Needed when the case goes on hold: Today brings it back on that day.
    review_on = forms.DateField(required=False, widget=DateInput(), label="Review the hold on")

    def __init__(self, *args, case: Case, today: datetime.date, **kwargs):
        super().__init__(*args, current_version=case.version, **kwargs)
        self.case, self.today = case, today

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") in (Case.Status.ON_HOLD, Case.Status.WITHDRAWN)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", CASE_REASON_MISSING[data["status"]])
        if data.get("status") != Case.Status.ON_HOLD:
            # Only a hold has a review date: whatever is in the box otherwise is not used.
            self.errors.pop("review_on", None)
            data["review_on"] = None
        elif data.get("review_on") is None and "review_on" not in self.errors:
            self.add_error("review_on", HOLD_REVIEW_MISSING)
        booked = self.case.appointment.scheduled_at
        if data.get("status") == Case.Status.COMPLETED and booked is not None:
            day = timezone.localdate(booked)
            if day > self.today:
                self.second_look(
                    f"The appointment is booked for {day:%A, %B %-d, %Y}, after today. "
                    "Complete the case before it has happened?"
                )
        return data


class HoldReviewForm(PlausibleDatesMixin, VersionedForm):
    """A case on hold: change the day it is looked at again."""

    date_ranges = {"review_on": HOLD_REVIEW_RANGE}
    review_on = forms.DateField(
        widget=DateInput(),
        label="Review the hold on",
        error_messages={"required": HOLD_REVIEW_MISSING},
    )


class ReassignForm(VersionedForm):
    social_worker = forms.ModelChoiceField(
        queryset=None,
        label="Assign to",
        error_messages={"required": "Choose who takes the case."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers()


class NoteForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        label="Add a note",
        error_messages={"required": "Write the note first."},
    )
