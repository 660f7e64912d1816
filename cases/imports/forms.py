"""The import's two forms: the file, and the column mapping."""

from django import forms
from django.conf import settings

from cases.imports.mapping import FIELDS

NOT_IMPORTED = "— not imported —"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or Excel .xlsx)",
        error_messages={
            "required": "Choose the file to import.",
            "empty": "The file is empty.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CASE_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; the import takes files up "
                f"to {limit} MB. Split it into smaller files, or leave out columns Navigator "
                "does not use."
            )
        return upload


class MappingForm(forms.Form):
    """One choice per column of the header row: the Navigator field it is read as."""

    def __init__(self, *args, headers: list[str], columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", NOT_IMPORTED), *((field.name, field.label) for field in FIELDS)]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or f"Column {index + 1} (no header)",
                choices=choices,
                required=False,
                initial=columns[index] if index < len(columns) else "",
            )

    def columns(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]
