"""The work between the stages: calls and faxes (the contact log), follow-ups, and when each
staff member last opened a case (so Today can say what is new since)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.contacts import Contact
from cases.models.workflow import Case


class ContactLogEntry(models.Model):
    """One call, fax, email, letter, portal message or visit about a case, in or out."""

    class Channel(models.TextChoices):
        CALL = "call", "Phone call"
        FAX = "fax", "Fax"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        PORTAL = "portal", "Portal message"
        VISIT = "visit", "Visit"

    class Direction(models.TextChoices):
        OUT = "out", "Outgoing"
        IN = "in", "Incoming"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached"
        LEFT_MESSAGE = "left_message", "Left a message"
        NO_ANSWER = "no_answer", "No answer"
        BUSY = "busy", "Line busy"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        SENT = "sent", "Sent"
        RECEIVED = "received", "Received"
        FAILED = "failed", "Did not go through"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_log")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField("When")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.OUT)
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="log_entries"
    )
    # Who, when not in the directory (a family member, a nurse's direct line).
    contact_other = models.CharField("With (not in directory)", max_length=200, blank=True)
    number_used = models.CharField("Number or address used", max_length=200, blank=True)
    reference_number = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # Set when its author corrected it (allowed on the day it was written, team time zone).
    corrected_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "contact log entries"
        indexes = [models.Index(fields=["case", "-occurred_at"], name="contactlog_case_time")]

    def __str__(self) -> str:
        return f"Contact log entry #{self.pk} on case #{self.case_id}"

    @property
    def contact_name(self) -> str:
        return self.contact.name if self.contact_id else self.contact_other


class FollowUp(models.Model):
    """A small task on a case ("call the insurer back Thursday"), for one team member."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    what = models.CharField(max_length=300)
    due_on = models.DateField("Due")
    due_time = models.TimeField("Time (optional)", null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where it came from, when not made on its own.
    contact_entry = models.ForeignKey(
        ContactLogEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    records_request = models.ForeignKey(
        "cases.RecordsRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "due_time", "id"]
        indexes = [
            models.Index(
                fields=["assignee", "due_on"],
                condition=Q(done_at__isnull=True),
                name="followup_open_by_assignee",
            ),
            models.Index(
                fields=["due_on"], condition=Q(done_at__isnull=True), name="followup_open_due"
            ),
            models.Index(fields=["case", "due_on"], name="followup_case_due"),
        ]

    def __str__(self) -> str:
        return f"Follow-up #{self.pk} on case #{self.case_id}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class CaseVisit(models.Model):
    """When a staff member last opened a case's page: Today lists what is new since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    last_opened_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="casevisit_user_case_unique")
        ]

    def __str__(self) -> str:
        return f"Visit of case #{self.case_id}"
