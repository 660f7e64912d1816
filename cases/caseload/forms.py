"""The caseload's bulk reassignment form: the social worker, and the ticked cases with the
version each row showed."""

from django import forms

from cases.workflow.selectors import social_workers

NOTHING_SELECTED = "Tick the box beside each case to reassign, then choose who takes them."


def _number(text: str) -> int | None:
    # isascii: "²".isdigit() is true too, and int() refuses it.
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class BulkReassignForm(forms.Form):
    social_worker = forms.ModelChoiceField(
        queryset=None,
        label="Reassign the selected cases to",
        empty_label="Choose a social worker…",
        error_messages={"required": "Choose the social worker who takes the selected cases."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers()

    def selected(self) -> dict[int, int | None]:
        """{case id: the version its row showed (None if the page did not say)} for each
        ticked box; anything a browser would not send is left out."""
        chosen = {}
        for raw in self.data.getlist("case"):
            case_id = _number(raw)
            if case_id is not None:
                chosen[case_id] = _number(self.data.get(f"version-{case_id}", ""))
        return chosen

    def clean(self) -> dict:
        data = super().clean()
        data["selected"] = self.selected()
        if not data["selected"]:
            self.add_error(None, NOTHING_SELECTED)
        return data
