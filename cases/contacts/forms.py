"""The contact-log and follow-up forms, and the directory's chooser.

The chooser is a plain `<select>` of the directory grouped by kind (one `<optgroup>` each),
which works without JavaScript (a browser's select jumps to what is typed); the page's script
(`cases/static/contact-chooser.js`) adds a text filter and fills in the number used from the
chosen contact. Dates are held to plausible ranges (`cases.workflow.form_rules.DateRange`).
"""

import datetime

from django import forms
from django.utils import timezone

from cases.business_days import team_today
from cases.contacts import services
from cases.contacts.selectors import DirectoryGroup
from cases.models import Contact, ContactLogEntry
from cases.models.staff import display_name
from cases.workflow.form_rules import (
    DateInput,
    DateRange,
    DateTimeInput,
    PlausibleDatesMixin,
    TeamDateTimeField,
    VersionedForm,
)

CONTACT_TIME_RANGE = DateRange(
    earliest=lambda today: today - datetime.timedelta(days=365),
    latest=lambda today: today,
    message="Check the date: a contact logged now must have happened between {earliest} and "
    "{latest}.",
    too_late=services.IN_THE_FUTURE,
)
FOLLOW_UP_RANGE = DateRange(
    earliest=lambda today: today,
    latest=lambda today: today + datetime.timedelta(days=365),
    message="Check the date: a follow-up must be due between {earliest} and {latest}.",
    too_early="A follow-up cannot be due in the past. Choose today or a later day.",
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _option_label(contact: Contact) -> str:
    return f"{contact.name} · {contact.phone}" if contact.phone else contact.name


class DirectorySelect(forms.Select):
    """A select whose options carry each contact's numbers (`data-phone`, `data-fax`,
    `data-email`, `data-portal`), for the script that fills in the number used."""

    def __init__(self, *, numbers: dict[str, dict[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.numbers = numbers

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.numbers.get(str(value), {}))
        return option


class DirectoryField(forms.ChoiceField):
    """A contact from the directory (grouped by kind), or none; cleans to the Contact itself,
    from the groups already loaded (no query)."""

    def __init__(self, *, groups: list[DirectoryGroup], **kwargs):
        contacts = [contact for group in groups for contact in group.contacts]
        self.contacts = {str(contact.pk): contact for contact in contacts}
        numbers = {
            str(contact.pk): {
                f"data-{name}": value
                for name, value in (
                    ("phone", contact.phone),
                    ("fax", contact.fax),
                    ("email", contact.email),
                    ("portal", contact.portal_url),
                )
                if value
            }
            for contact in contacts
        }
        choices = [("", "Not in the directory")] + [
            (group.label, [(str(c.pk), _option_label(c)) for c in group.contacts])
            for group in groups
        ]
        super().__init__(
            choices=choices,
            required=False,
            widget=DirectorySelect(numbers=numbers, attrs={"data-contact-chooser": ""}),
            error_messages={"invalid_choice": "Choose a contact from the list."},
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        return self.contacts.get(value) if value else None


class ContactLogForm(PlausibleDatesMixin, forms.Form):
    date_ranges = {"occurred_at": CONTACT_TIME_RANGE}

    occurred_at = TeamDateTimeField(
        label="When",
        widget=DateTimeInput(),
        error_messages={"required": "Say when it happened."},
    )
    channel = forms.ChoiceField(
        label="How",
        choices=ContactLogEntry.Channel.choices,
        error_messages={"required": "Choose how: a call, a fax, an email…"},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=[
            (ContactLogEntry.Direction.OUT, "Outgoing: we contacted them"),
            (ContactLogEntry.Direction.IN, "Incoming: they contacted us"),
        ],
        widget=forms.RadioSelect,
        initial=ContactLogEntry.Direction.OUT,
        error_messages={"required": "Say who contacted whom."},
    )
    contact_other = forms.CharField(
        label="Or, not in the directory: who it was",
        max_length=200,
        required=False,
        help_text="For example: the patient's daughter, or a nurse's direct line.",
    )
    number_used = forms.CharField(label="Number or address used", max_length=200, required=False)
    reference_number = forms.CharField(
        label="Reference number",
        max_length=80,
        required=False,
        help_text="Insurers give one for every call.",
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ContactLogEntry.Outcome.choices,
        error_messages={"required": "Choose the outcome."},
    )
    note = forms.CharField(
        label="Short note",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = [
        "occurred_at",
        "channel",
        "direction",
        "contact",
        "contact_other",
        "number_used",
        "reference_number",
        "outcome",
        "note",
    ]

    def __init__(self, *args, groups: list[DirectoryGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"] = DirectoryField(label="With (from the directory)", groups=groups)
        self.order_fields(self.field_order)

    def clean_occurred_at(self) -> datetime.datetime:
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + services.CLOCK_TOLERANCE:
            raise forms.ValidationError(services.IN_THE_FUTURE)
        return occurred_at

    def clean(self) -> dict:
        data = super().clean()
        if "contact" in data and "contact_other" in data:
            if data["contact"] is None and not data["contact_other"].strip():
                self.add_error("contact", services.NO_CONTACT)
            elif data["contact"] is not None and data["contact_other"].strip():
                self.add_error("contact_other", services.BOTH_CONTACTS)
        return data

    def entry_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.ENTRY_FIELDS}


class ContactLogCorrectionForm(VersionedForm, ContactLogForm):
    """The same fields, carrying the version of the entry the author opened."""


class FollowUpForm(PlausibleDatesMixin, forms.Form):
    """What, when (a day, and a time if it matters) and for whom. `optional`: the contact-log
    form's follow-up, which may be left empty (`wanted` is then false)."""

    date_ranges = {"due_on": FOLLOW_UP_RANGE}

    what = forms.CharField(
        label="What needs doing",
        max_length=300,
        required=False,
        help_text="For example: call the insurer back for the decision.",
    )
    due_on = forms.DateField(label="Due", widget=DateInput(), required=False)
    due_time = forms.TimeField(
        label="Time (optional)",
        widget=TimeInput(),
        required=False,
        help_text="Team time. Leave empty for any time that day.",
    )
    # Not sent at all (a page without it): the case's social worker, as the service decides.
    assignee = forms.ModelChoiceField(
        label="For",
        queryset=None,
        empty_label=None,
        required=False,
        error_messages={
            "invalid_choice": "Choose someone who can see this case: its social worker, a "
            "colleague covering them, or a supervisor.",
        },
    )

    def __init__(self, *args, assignees, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.optional = optional
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = display_name

    @property
    def wanted(self) -> bool:
        """Whether a follow-up was asked for (always, on its own page)."""
        data = self.cleaned_data
        return not self.optional or bool(
            data.get("what", "").strip() or data.get("due_on") or data.get("due_time")
        )

    def clean(self) -> dict:
        data = super().clean()
        if self.wanted or self.has_error("due_on") or self.has_error("due_time"):
            if "what" in data and not data["what"].strip():
                self.add_error("what", "Say what needs doing (for example: call back).")
            if "due_on" in data and data["due_on"] is None:
                self.add_error("due_on", "Choose the day it is due.")
        return data

    def new_follow_up(self) -> services.NewFollowUp | None:
        if not self.wanted:
            return None
        data = self.cleaned_data
        return services.NewFollowUp(
            what=data["what"],
            due_on=data["due_on"],
            due_time=data["due_time"],
            assignee=data["assignee"],
        )


FOLLOW_UP_MOVE_RANGE = DateRange(
    earliest=FOLLOW_UP_RANGE.earliest,
    latest=FOLLOW_UP_RANGE.latest,
    message=FOLLOW_UP_RANGE.message,
    too_early=services.MOVED_INTO_THE_PAST,
)


class FollowUpChangeForm(VersionedForm, FollowUpForm):
    """The follow-up form for changing one, carrying the version of the follow-up opened. The
    day it has stays acceptable even once past (a late follow-up reworded or handed on); a new
    day is held to a new follow-up's range. A copy older than `saved_version` may hold the day
    it had when opened, past and moved since: that is left to the service, which refuses the
    stale copy as a conflict (showing what is saved now) before judging the day."""

    def __init__(self, *args, saved_day: datetime.date, saved_version: int, **kwargs):
        super().__init__(*args, **kwargs)

        def kept_or_in_range(day: datetime.date) -> None:
            stale = self.data.get("version") != str(saved_version)
            if day != saved_day and not (stale and day < team_today()):
                FOLLOW_UP_MOVE_RANGE(day)

        self.fields["due_on"].validators = [kept_or_in_range]
