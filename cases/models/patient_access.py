"""What the patient (or a carer they chose) uses: a private status link and their own questions."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class StatusLink(models.Model):
    """A private link to the patient's status page.

    Only the SHA-256 hash of the link's random token is stored: the token itself is shown or sent
    once, when the link is issued, and can never be read back.
    """

    class Audience(models.TextChoices):
        PATIENT = "patient", "Patient"
        CARER = "carer", "Carer"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="status_links")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PATIENT)
    carer_name = models.CharField(max_length=200, blank=True)
    carer_phone = models.CharField(max_length=40, blank=True)
    carer_email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Lockouts since the last right answer: after MAX_LOCKOUTS the link is revoked.
    lockouts = models.PositiveSmallIntegerField(default=0)
    # The link this one was re-issued in place of: re-issuing that one again replaces this one.
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["case", "-created_at"],
                condition=Q(revoked_at__isnull=True),
                name="status_link_case_active",
            )
        ]

    def __str__(self) -> str:
        return f"Status link #{self.pk} for case #{self.case_id}"

    def is_locked(self, now) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now and not self.is_locked(now)

    @property
    def actor_label(self) -> str:
        return f"{self.audience} via status link"


class PatientQuestion(models.Model):
    """A question the patient (or carer) wants to ask the specialist at the appointment."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="patient_questions"
    )
    text = models.CharField(max_length=500)
    asked_by = models.CharField(max_length=10, choices=StatusLink.Audience.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Question #{self.pk} on case #{self.case_id}"
