"""The records request forms: a new request, its details, sending it, each record's arrival and
the provider's extension notice. They parse and check what was typed; the services decide."""

import datetime

from django import forms
from django.conf import settings

from cases.models import Contact, LetterTemplate, RecordKind, RecordsRequest
from cases.records.letter import PLACEHOLDERS, template_problems
from cases.records.selectors import contacts_for_requests
from cases.workflow.form_rules import (
    DateInput,
    DateRange,
    PlausibleDatesMixin,
    VersionedForm,
)


def _years(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(365.25 * count))


SENT_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today,
    too_early="Check the date: a request is sent within the last year.",
    too_late="A request cannot be sent after today.",
)
RECEIVED_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today,
    too_early="Check the date: a record arrives within the last year.",
    too_late="A record cannot arrive after today.",
)
NOTICE_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today,
    too_early="Check the date: the notice arrived within the last year.",
    too_late="The notice cannot arrive after today.",
)
FOLLOW_UP_RANGE = DateRange(
    earliest=lambda today: today - _years(1),
    latest=lambda today: today + _years(1),
    message="Check the date: a follow-up date is between {earliest} and {latest}.",
)


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class RequestDetailsForm(PlausibleDatesMixin, forms.Form):
    """Who the records come from, how and when the request went, and what to quote."""

    date_ranges = {"sent_on": SENT_RANGE, "follow_up_on": FOLLOW_UP_RANGE}

    contact = ContactChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="From (the contacts directory)",
        empty_label="Not in the directory: type it below",
    )
    contact_other = forms.CharField(
        required=False, max_length=200, label="Or who, when not in the directory"
    )
    method = forms.ChoiceField(choices=RecordsRequest.Method.choices, label="Sent by")
    sent_on = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Sent on",
        help_text="Leave empty until it is sent. The provider's 30 days count from this day.",
    )
    follow_up_on = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Follow up on",
    )
    tracking_number = forms.CharField(
        required=False,
        max_length=80,
        label="Tracking number",
        help_text="For slides and discs sent by courier.",
    )
    release_reference = forms.CharField(
        required=False,
        max_length=80,
        label="Release reference",
        help_text="The number or date of the patient's signed release, quoted in the letter.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts_for_requests()
        # The help text names the setting's value at the time the page is drawn.
        self.fields[
            "follow_up_on"
        ].help_text = (
            f"Empty: {settings.RECORDS_FOLLOW_UP_BUSINESS_DAYS} business days after it was sent."
        )

    def clean(self) -> dict:
        data = super().clean()
        contact, other = data.get("contact"), (data.get("contact_other") or "").strip()
        if contact is None and not other and "contact" not in self.errors:
            self.add_error("contact", "Choose who the records come from, or type a name below.")
        elif contact is not None and other:
            self.add_error("contact_other", "Choose from the directory or type a name, not both.")
        sent_on, follow_up_on = data.get("sent_on"), data.get("follow_up_on")
        if sent_on and follow_up_on and follow_up_on < sent_on:
            self.add_error(
                "follow_up_on", "The follow-up date cannot come before the request was sent."
            )
        return data

    def detail_fields(self) -> dict:
        names = ("contact", "contact_other", "method", "sent_on", "follow_up_on")
        fields = {name: self.cleaned_data[name] for name in names}
        return fields | {
            "tracking_number": self.cleaned_data["tracking_number"],
            "release_reference": self.cleaned_data["release_reference"],
        }


class RecordsRequestForm(RequestDetailsForm):
    """A new request: what is asked for, then who, how and when."""

    kinds = forms.MultipleChoiceField(
        choices=RecordKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Records asked for",
        error_messages={"required": "Tick at least one record to request."},
    )
    description = forms.CharField(required=False, max_length=200, label="Other record (say what)")
    field_order = ["kinds", "description"]

    def clean(self) -> dict:
        data = super().clean()
        if RecordKind.OTHER in data.get("kinds", []) and not data.get("description", "").strip():
            self.add_error("description", "Say what the other record is.")
        return data


class RecordsRequestEditForm(VersionedForm, RequestDetailsForm):
    """The request's details, from the page of a request that exists."""


class SendForm(PlausibleDatesMixin, VersionedForm):
    date_ranges = {"sent_on": SENT_RANGE, "follow_up_on": FOLLOW_UP_RANGE}
    sent_on = forms.DateField(
        widget=DateInput(),
        label="Sent on",
        error_messages={"required": "Say when the request was sent."},
    )
    follow_up_on = forms.DateField(required=False, widget=DateInput(), label="Follow up on")

    def clean(self) -> dict:
        data = super().clean()
        sent_on, follow_up_on = data.get("sent_on"), data.get("follow_up_on")
        if sent_on and follow_up_on and follow_up_on < sent_on:
            self.add_error(
                "follow_up_on", "The follow-up date cannot come before the request was sent."
            )
        return data


class ReceiveForm(PlausibleDatesMixin, VersionedForm):
    """A record arrived on a day; with `not_received`, it has not arrived after all."""

    date_ranges = {"received_on": RECEIVED_RANGE}
    received_on = forms.DateField(required=False, widget=DateInput(), label="Received on")
    not_received = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("not_received") and not data.get("received_on"):
            if "received_on" not in self.errors:
                self.add_error("received_on", "Say when it arrived.")
        return data

    @property
    def received(self) -> datetime.date | None:
        return None if self.cleaned_data.get("not_received") else self.cleaned_data["received_on"]


class ExtensionForm(PlausibleDatesMixin, VersionedForm):
    date_ranges = {"notice_on": NOTICE_RANGE}
    notice_on = forms.DateField(
        widget=DateInput(),
        label="Written notice received on",
        error_messages={"required": "Say when the written notice arrived."},
    )


class LetterTemplateForm(forms.ModelForm):
    """The admin's form for the letter's words: every placeholder must be one the letter
    knows, written plainly, and one template at most is in use, each said on its field."""

    class Meta:
        model = LetterTemplate
        fields = ["name", "letter_body", "cover_message", "in_use"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = ", ".join(f"{{{name}}} ({meaning})" for name, meaning in PLACEHOLDERS.items())
        self.fields["letter_body"].help_text = (
            "The body of the letter, between the heading and the list of records. "
            f"Placeholders: {known}. Write {{{{ or }}}} to print a brace."
        )
        self.fields["cover_message"].help_text = (
            "A short message on the fax cover sheet (it never names the patient): the same "
            "placeholders work, but leave the patient's out of it."
        )

    def _placeholders_checked(self, name: str) -> str:
        text = self.cleaned_data[name]
        problems = template_problems(text)
        if problems:
            raise forms.ValidationError(problems)
        return text

    def clean_letter_body(self) -> str:
        return self._placeholders_checked("letter_body")

    def clean_cover_message(self) -> str:
        return self._placeholders_checked("cover_message")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("in_use"):
            other = LetterTemplate.objects.filter(in_use=True).exclude(pk=self.instance.pk).first()
            if other is not None:
                self.add_error(
                    "in_use",
                    f"“{other.name}” is in use. Untick “Use for new letters” there first: "
                    "one template is used at a time.",
                )
        return data
