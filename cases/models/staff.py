"""What the team knows about its own members: how patients reach them."""

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    phone = models.CharField("Work phone", max_length=40, blank=True)
    hours = models.CharField(
        "Working hours", max_length=200, blank=True, help_text="For example: Mon–Fri 8:30–4:30"
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"


def display_name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()
