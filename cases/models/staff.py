"""What the team knows about its own members: how patients reach them, how reminders reach them."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models


class DeliveryMode(models.TextChoices):
    IMMEDIATE = "immediate", "One message per event"
    DIGEST = "digest", "Daily digest"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    phone = models.CharField("Work phone", max_length=40, blank=True)
    hours = models.CharField(
        "Working hours", max_length=200, blank=True, help_text="For example: Mon–Fri 8:30–4:30"
    )
    # Typed text cannot go through the translation catalogue: Spanish status pages show this.
    hours_es = models.CharField(
        "Working hours, in Spanish",
        max_length=200,
        blank=True,
        help_text="For Spanish-speaking patients. For example: lunes a viernes, 8:30 a 16:30",
    )

    # How reminders reach this person: one message per event, or a daily digest at digest_hour.
    due_soon_delivery = models.CharField(
        "Due-soon reminders",
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.DIGEST,
    )
    overdue_delivery = models.CharField(
        "Overdue reminders",
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.IMMEDIATE,
    )
    escalation_delivery = models.CharField(
        "Escalations",
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.IMMEDIATE,
    )
    digest_hour = models.PositiveSmallIntegerField(
        "Daily digest hour",
        default=8,
        validators=[MaxValueValidator(23)],
        help_text="Hour of the day (team time zone, 0–23) the digest is sent.",
    )
    # Supervisors only (the preferences page offers it to them, the sweep sends to them):
    # cases/reminders/summary.py.
    monthly_summary = models.BooleanField(
        "Monthly summary email",
        default=False,
        help_text=(
            "On the first business day of each month, at your digest hour, an email with a link "
            "to last month's reports. It holds no patient data: the figures stay behind your "
            "login."
        ),
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"


def display_name(user) -> str:
    if user is None:
        return "someone"
    return name_from_parts(user.first_name, user.last_name, user.get_username())


def name_from_parts(first_name: str, last_name: str, username: str) -> str:
    """A colleague's full name, or their username when no name is on file."""
    return f"{first_name} {last_name}".strip() or username
