"""The audit trail: who looked at or changed which patient's record, and when.

Append-only: a saved event cannot be changed or deleted through the ORM (the model and its
queryset refuse), the admin only shows it, and on PostgreSQL a trigger refuses UPDATE and
DELETE on the table itself (migration `0005_security`); in production the application connects
as a role that does not own it (`manage.py db_roles`), so it cannot TRUNCATE it either.
"""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Someone tried to change or delete an audit event."""

    def __init__(self):
        super().__init__("The audit trail is append-only: events cannot be changed or deleted.")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError

    def delete(self):
        raise AppendOnlyError


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logged out"
        # Events past their retention removed once archived (cases/housekeeping/audit_archive).
        ARCHIVE = "archive", "Archived"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who acted when there is no user: "patient via status link", "carer via status link".
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="audit_case_time"),
            models.Index(fields=["created_at"], name="audit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} #{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError

    @property
    def actor_display(self) -> str:
        """The person, or who acted without an account (a patient through a status link)."""
        if self.actor_id is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_label or "unknown"
