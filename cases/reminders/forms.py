"""The reminder forms: a step's snooze and a user's notification preferences."""

from django import forms

from cases.models import StaffProfile
from cases.workflow.form_rules import SNOOZE_RANGE, DateInput, PlausibleDatesMixin, VersionedForm


class SnoozeForm(PlausibleDatesMixin, VersionedForm):
    date_ranges = {"until": SNOOZE_RANGE}
    until = forms.DateField(
        widget=DateInput(),
        label="No reminders until",
        error_messages={"required": "Choose the day reminders start again."},
    )
    reason = forms.CharField(
        max_length=300,
        label="Why",
        error_messages={"required": "Say why the reminders pause."},
    )


class NotificationPreferencesForm(forms.ModelForm):
    """One's reminder preferences; a supervisor also chooses the monthly summary email, which
    nobody else is offered (nor can set by posting it)."""

    class Meta:
        model = StaffProfile
        fields = [
            "due_soon_delivery",
            "overdue_delivery",
            "escalation_delivery",
            "digest_hour",
            "monthly_summary",
        ]
        widgets = {
            "due_soon_delivery": forms.RadioSelect,
            "overdue_delivery": forms.RadioSelect,
            "escalation_delivery": forms.RadioSelect,
        }

    def __init__(self, *args, supervisor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not supervisor:
            del self.fields["monthly_summary"]
