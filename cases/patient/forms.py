"""Forms for the status page (the birth-date check, questions) and the staff's status links page."""

import datetime

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from cases.models import StatusLink


class BirthDateForm(forms.Form):
    """The date of birth as three separate fields, which screen readers and phones handle well."""

    birth_month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, choices=[("", _("Choose a month"))] + list(MONTHS.items())
    )
    birth_day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    birth_year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)

    error_messages = {"invalid_date": _("Please enter a real date, like 7 March 1970.")}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            raise forms.ValidationError(self.error_messages["invalid_date"])
        try:
            cleaned["date_of_birth"] = datetime.date(
                cleaned["birth_year"], cleaned["birth_month"], cleaned["birth_day"]
            )
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid_date"]) from None
        return cleaned


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Please write your question first."),
            "max_length": _("Please keep your question shorter than 500 letters."),
        },
    )


DELIVERY_CHOICES = [
    ("copy", "Show the link so I can copy it"),
    ("email", "Send it by email"),
    ("sms", "Send it by text message"),
]


class StatusLinkForm(forms.Form):
    audience = forms.ChoiceField(
        label="For", choices=StatusLink.Audience.choices, initial=StatusLink.Audience.PATIENT
    )
    carer_name = forms.CharField(label="Carer's name", max_length=200, required=False)
    carer_phone = forms.CharField(label="Carer's phone", max_length=40, required=False)
    carer_email = forms.EmailField(label="Carer's email", required=False)
    delivery = forms.ChoiceField(label="How", choices=DELIVERY_CHOICES, initial="copy")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == StatusLink.Audience.CARER and not cleaned.get("carer_name"):
            self.add_error("carer_name", "A carer's link needs the carer's name.")
        return cleaned


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(choices=DELIVERY_CHOICES)
