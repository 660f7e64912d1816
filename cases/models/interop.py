"""The hospital's systems: the API tokens they connect with (FHIR R4, `cases/fhir/`), and the
referrals they send, waiting for a supervisor to assign them.

A referral from an EHR names no social worker, and a case always has one (its caseload, Today,
reminders and the reports all hang on the owner). So a referral is kept as it arrived, checked
by the intake forms, until a supervisor assigns it: then `case_open` opens the case, as intake
does, and the referral points at it.
"""

from django.conf import settings
from django.db import models


class ApiSystem(models.Model):
    """A system allowed to use the FHIR API (an EHR), with its token. Only the token's SHA-256
    digest is stored: the token itself is shown once, when the system is added."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and send referrals"

    name = models.CharField(max_length=100, unique=True)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.READ)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters, so an administrator can tell two tokens apart.
    token_prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API system"

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        """Who acted, in the audit trail and the timeline."""
        return f"system: {self.name}"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


class IncomingReferral(models.Model):
    """A referral a system sent (`POST /fhir/r4/Bundle`), as the intake forms' data, until a
    supervisor assigns it and it becomes a case. Unique on the sender's identifier, so the
    same bundle sent twice is one referral."""

    system = models.ForeignKey(ApiSystem, on_delete=models.PROTECT, related_name="referrals")
    identifier_system = models.CharField(max_length=300, editable=False)
    identifier_value = models.CharField(max_length=200, editable=False)
    received_at = models.DateTimeField()
    # What the intake forms (PatientForm, CaseForm) accepted, as they would be posted.
    patient_data = models.JSONField(editable=False)
    case_data = models.JSONField(editable=False)
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "identifier_system", "identifier_value"],
                name="referral_identifier_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=models.Q(case__isnull=True),
                name="referral_unassigned",
            )
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"

    @property
    def fhir_id(self) -> str:
        """The ServiceRequest's id in the FHIR API, the same before and after assignment."""
        return f"referral-{self.pk}"
