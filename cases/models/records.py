"""Records requests: what was asked of whom for a case's records step, and each one's clocks.

A provider must answer a patient-directed request within 30 calendar days, extendable once by
30 days with written notice (HIPAA right of access). `answer_due_on` holds that date, kept by the
request services, so lists and the sweep find late requests with an indexed query.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.contacts import Contact
from cases.models.workflow import Case, ChecklistItem


class RecordKind(models.TextChoices):
    PATHOLOGY_REPORT = "pathology_report", "Pathology report"
    SLIDES = "slides", "Glass slides or paraffin block"
    MRI_DICOM = "mri_dicom", "MRI as DICOM (disc or link)"
    MOLECULAR = "molecular", "Molecular report (IDH, 1p/19q, MGMT)"
    OPERATIVE_NOTE = "operative_note", "Operative note"
    TREATMENT_SUMMARY = "treatment_summary", "Treatment summary"
    REFERRAL_LETTER = "referral_letter", "Referral letter"
    OTHER = "other", "Other"


class RecordsRequest(models.Model):
    class Method(models.TextChoices):
        FAX = "fax", "Fax"
        PORTAL = "portal", "Portal"
        MAIL = "mail", "Mail"
        COURIER = "courier", "Courier"
        PATIENT_BRINGS = "patient_brings", "Patient brings them"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records_requests")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="records_requests"
    )
    contact_other = models.CharField("From (not in directory)", max_length=200, blank=True)
    method = models.CharField(max_length=15, choices=Method.choices, default=Method.FAX)
    sent_on = models.DateField("Sent on", null=True, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    release_reference = models.CharField("Release reference", max_length=80, blank=True)
    # The written notice that extends the provider's 30 days by 30 more (once).
    extension_notice_on = models.DateField("Extension notice received", null=True, blank=True)
    # sent_on + 30 days, + 30 more with an extension notice; empty until sent.
    answer_due_on = models.DateField("Answer due", null=True, blank=True)
    follow_up_on = models.DateField("Follow up on", null=True, blank=True)
    # Set when every item has arrived.
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["answer_due_on"],
                condition=Q(completed_on__isnull=True, answer_due_on__isnull=False),
                name="records_request_open_due",
            ),
            models.Index(
                fields=["follow_up_on"],
                condition=Q(completed_on__isnull=True, follow_up_on__isnull=False),
                name="records_request_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Records request #{self.pk} on case #{self.case_id}"

    @property
    def contact_name(self) -> str:
        return self.contact.name if self.contact_id else self.contact_other


class RecordsRequestItem(models.Model):
    """One thing asked for in a request; each may arrive on its own day."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    description = models.CharField(max_length=200, blank=True)
    received_on = models.DateField(null=True, blank=True)
    # The records checklist item this item ticks when it arrives.
    checklist_item = models.ForeignKey(
        ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whether this item's arrival ticked `checklist_item` (it was not ticked already): marking
    # the item not received after all unticks only a tick it made.
    ticked_checklist = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind"],
                condition=~Q(kind="other"),
                name="records_item_once_per_kind",
            )
        ]
        # The records report counts the records that arrived on the days its histograms do
        # not hold.
        indexes = [models.Index(fields=["received_on"], name="records_item_received")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (request #{self.request_id})"


class LetterTemplate(models.Model):
    """The words of the records request letter and its fax cover sheet, kept in the admin.

    The text may hold placeholders in braces (`{patient_name}`; `cases.records.letter`
    lists them); the admin form refuses an unknown one. The template marked `in_use` is the
    one letters are made from; with none, the built-in default.
    """

    name = models.CharField(max_length=100, unique=True)
    letter_body = models.TextField(
        "Letter text",
        help_text="The body of the letter, between the greeting and the list of records.",
    )
    cover_message = models.TextField(
        "Fax cover message", blank=True, help_text="A short message on the fax cover sheet."
    )
    in_use = models.BooleanField("Use for new letters", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_use"], condition=Q(in_use=True), name="letter_template_one_in_use"
            )
        ]

    def __str__(self) -> str:
        return self.name
