"""An error summary for a long page: a form that fails re-renders the whole page, which opens at
its top, far from the form. The summary sits at the top and links each message to its field
(the GOV.UK pattern), and the first field in error gets `autofocus`, so the user lands there.
A second-look warning (`SecondLookForm.warnings`) is summed up the same way, linked to the
button that confirms it."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS


@dataclass(frozen=True)
class ErrorLink:
    message: str
    field_id: str


@dataclass(frozen=True)
class ErrorSummary:
    links: list[ErrorLink]

    @property
    def autofocus_id(self) -> str:
        return self.links[0].field_id if self.links else ""


# The key of `field_ids` naming the id of a second-look warning's button (named `confirm`).
CONFIRM = "confirm"


def error_summary(form: forms.Form | None, field_ids: dict[str, str] | None = None) -> ErrorSummary:
    """The errors of `form`, each linked to the element id its field has on the page:
    `field_ids[name]` where the template writes its own inputs, else the id Django gives it.
    An error of the whole form links to `field_ids[NON_FIELD_ERRORS]`, else the first field;
    its second-look warnings, after the errors, to `field_ids[CONFIRM]`."""
    warnings = getattr(form, "warnings", [])
    if form is None or not (form.errors or warnings):
        return ErrorSummary(links=[])
    field_ids = field_ids or {}

    def field_id(name: str) -> str:
        return field_ids.get(name) or form[name].id_for_label

    first_field = next(name for name in form.fields if not form[name].is_hidden)
    whole_form = field_ids.get(NON_FIELD_ERRORS) or field_id(first_field)
    links = [ErrorLink(str(message), whole_form) for message in form.non_field_errors()]
    for name in form.fields:
        for message in form.errors.get(name, []):
            links.append(ErrorLink(str(message), field_id(name)))
    links += [ErrorLink(str(warning), field_ids[CONFIRM]) for warning in warnings]
    if form.errors:
        # For forms drawn from their widgets (crispy): the attribute on the first field in error.
        focused = next((name for name in form.fields if name in form.errors), first_field)
        form.fields[focused].widget.attrs["autofocus"] = True
    return ErrorSummary(links=links)
