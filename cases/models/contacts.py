"""The contacts directory: everyone a social worker calls, faxes or writes to for a case.

Insurers, records offices, pathology labs, imaging centres, referring clinics and the
second-opinion centres are one directory, so a contact-log entry or a records request names any
of them the same way. `Centre` is the directory's second-opinion centres (a proxy: one table),
so a case's centre and its specialists keep working as before.
"""

from django.db import models


class Contact(models.Model):
    class Kind(models.TextChoices):
        INSURER = "insurer", "Insurer"
        RECORDS_OFFICE = "records_office", "Records office (release of information)"
        PATHOLOGY_LAB = "pathology_lab", "Pathology lab"
        IMAGING_CENTRE = "imaging_centre", "Imaging centre"
        REFERRING_CLINIC = "referring_clinic", "Referring clinic"
        CENTRE = "centre", "Second-opinion centre"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    # For an insurer, the prior-authorization line; for a records office, its release desk.
    phone = models.CharField(max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    portal_url = models.URLField("Portal address", blank=True)
    address = models.TextField(blank=True)
    hours = models.CharField(max_length=200, blank=True, help_text="For example: Mon–Fri 8–5")
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="contact_kind_name_unique")
        ]
        indexes = [models.Index(fields=["kind", "name"], name="contact_kind_name")]

    def __str__(self) -> str:
        return self.name


class CentreManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=Contact.Kind.CENTRE)


class Centre(Contact):
    """A second-opinion centre: the directory's contacts of that kind."""

    objects = CentreManager()

    class Meta:
        proxy = True
        ordering = ["name", "id"]

    def save(self, *args, **kwargs) -> None:
        self.kind = Contact.Kind.CENTRE
        super().save(*args, **kwargs)
