"""Forms parse and check what people type; services do the writing."""

import datetime

from django import forms
from django.utils import timezone

from cases.models import (
    Appointment,
    Case,
    Insurance,
    Patient,
    Reason,
    Specialist,
    StaffProfile,
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


class VersionedForm(forms.Form):
    """Carries the version of the record the user loaded, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class PatientForm(forms.ModelForm):
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

    def clean_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < today.year - 120:
            raise forms.ValidationError("Check the year: that is more than 120 years ago.")
        return born

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
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

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


class DuplicateConfirmForm(forms.Form):
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="I have checked: this is a different request, open a new case anyway.",
    )


class InsuranceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

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


class AppointmentForm(forms.ModelForm):
    video_link = forms.URLField(required=False, assume_scheme="https", label="Video link")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

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


class StepStatusForm(VersionedForm):
    status = forms.ChoiceField(choices=Step.Status.choices)
    reason = forms.CharField(required=False, max_length=300)

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") in (Step.Status.NOT_NEEDED, Step.Status.BLOCKED)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why (for example: the plan needs no preauthorization).")
        return data


class DueDateForm(VersionedForm):
    due_date = forms.DateField(widget=DateInput(), label="New due date")
    reason = forms.CharField(max_length=300, label="Why it moves")


class CaseStatusForm(VersionedForm):
    status = forms.ChoiceField(choices=Case.Status.choices)
    reason = forms.CharField(required=False, max_length=300)

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("status") in (Case.Status.ON_HOLD, Case.Status.WITHDRAWN)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Say why.")
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


class SnoozeForm(forms.Form):
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
