"""The spreadsheet import's one table: the column mapping a supervisor chose for a header row,
remembered so the next file with the same headers previews with it at once.

Headers are a sheet's column titles, never patient data; the uploaded rows themselves are never
stored in a table (they wait in the uploader's session between preview and confirm, see
`cases.imports.upload`).
"""

from django.conf import settings
from django.db import models


class ImportMapping(models.Model):
    # A digest of the header row as a person reads it (case, accents and spacing ignored).
    header_key = models.CharField(max_length=64, unique=True)
    # The Navigator field each column is read as, in the header row's order ("" for a column
    # left out).
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Import mapping #{self.pk}"
