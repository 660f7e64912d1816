"""Reminders and their deliveries: what the sweep decided someone must hear, and each send.

A `Reminder` is one event for one recipient: a rule that fired for a step, keyed on the due date
(or appointment time, or the moment a case was given to its new owner) it was for, so a second
sweep inserts nothing and a moved due date gets fresh reminders. A reminder cancelled unsent
gives its key up (`released`), so the rule can make it again once it applies again. A
`Delivery` is one message on one channel: a single reminder sent at once, or a staff member's
daily digest of several, or a supervisor's monthly summary (about no case and no reminder: a
link to a month's reports, one per supervisor per month). Deliveries carry the whole send
history: attempts, status, last error, when they were claimed and sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.staff import DeliveryMode
from cases.models.workflow import Case, Step


class Rule(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Escalation"
    APPOINTMENT_FAR = "appointment_far", "Appointment coming up"
    APPOINTMENT_NEAR = "appointment_near", "Appointment tomorrow"
    FOLLOW_UP_DUE = "follow_up_due", "Follow-up due"
    FOLLOW_UP_LATE = "follow_up_late", "Follow-up late"
    RECORDS_FOLLOW_UP = "records_follow_up", "Records request to follow up"
    RECORDS_LATE = "records_late", "Records request past its legal clock"
    # A supervisor gave the case to a new owner: they hear at once (`case_reassign` writes it).
    REASSIGNED = "reassigned", "Case assigned"
    DIGEST = "digest", "Daily digest"
    # A supervisor's monthly link to last month's reports: a delivery with no reminder.
    MONTHLY_SUMMARY = "monthly_summary", "Monthly summary"


PATIENT_RULES = (Rule.APPOINTMENT_FAR, Rule.APPOINTMENT_NEAR)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Reminder(models.Model):
    # Every index here is written for each reminder the sweep inserts and again when it is
    # linked to its delivery, so there are no more than the lookups need: a step's reminders use
    # `reminder_once_per_staff`, which leads with the step.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    # What the reminder is about: a step, a follow-up or a records request (exactly one).
    step = models.ForeignKey(
        Step,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    follow_up = models.ForeignKey(
        "cases.FollowUp",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    records_request = models.ForeignKey(
        "cases.RecordsRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    rule = models.CharField(max_length=20, choices=Rule.choices)
    # The due date (as midnight UTC) or the appointment time this reminder was for.
    due_at = models.DateTimeField()
    # A staff member; empty for a reminder to the case's patient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    mode = models.CharField(max_length=10, choices=DeliveryMode.choices)
    created_at = models.DateTimeField()
    # 0 while the reminder stands. Once it was cancelled unsent because its rule stopped
    # applying (the case went on hold, the step was snoozed, the case changed hands), its own
    # id: that takes it out of the unique key below, so when the rule applies again the sweep
    # makes the reminder afresh instead of finding this one and doing nothing.
    released = models.PositiveBigIntegerField(default=0)
    # Indexed where set (`reminder_by_delivery`); where empty, `reminder_undelivered` answers.
    delivery = models.ForeignKey(
        "Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(step__isnull=False, follow_up__isnull=True, records_request__isnull=True)
                    | Q(step__isnull=True, follow_up__isnull=False, records_request__isnull=True)
                    | Q(step__isnull=True, follow_up__isnull=True, records_request__isnull=False)
                ),
                name="reminder_one_subject",
            ),
            models.UniqueConstraint(
                fields=["follow_up", "rule", "due_at", "recipient", "released"],
                condition=Q(follow_up__isnull=False),
                name="reminder_once_per_follow_up",
            ),
            models.UniqueConstraint(
                fields=["records_request", "rule", "due_at", "recipient", "released"],
                condition=Q(records_request__isnull=False),
                name="reminder_once_per_records_request",
            ),
            # A patient reminder's empty recipient never collides here (NULLs are distinct);
            # reminder_once_per_patient covers those.
            models.UniqueConstraint(
                fields=["step", "rule", "due_at", "recipient", "released"],
                name="reminder_once_per_staff",
            ),
            models.UniqueConstraint(
                fields=["step", "rule", "due_at", "released"],
                condition=Q(recipient__isnull=True),
                name="reminder_once_per_patient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["mode", "recipient"],
                condition=Q(delivery__isnull=True),
                name="reminder_undelivered",
            ),
            models.Index(
                fields=["delivery"],
                condition=Q(delivery__isnull=False),
                name="reminder_by_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} reminder #{self.pk} for case #{self.case_id}"

    @property
    def for_patient(self) -> bool:
        return self.recipient_id is None


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        DEAD = "dead", "Undelivered"
        CANCELLED = "cancelled", "No longer needed"

    # Statuses a delivery task may claim (a stale `sending` claim may be taken too).
    CLAIMABLE = (Status.PENDING, Status.FAILED)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # The case of a single reminder; empty for a digest, which spans cases.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    # The reminder an immediate delivery was made for: unique, so the sweep inserts one only.
    source_reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The team-time-zone day a digest is for: one digest per person per day.
    digest_on = models.DateField(null=True, blank=True)
    # The first day of the month a monthly summary is about: one per supervisor per month.
    summary_month = models.DateField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    rule = models.CharField(max_length=20, choices=Rule.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_on"],
                condition=Q(rule="digest"),
                name="delivery_one_digest_a_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "summary_month"],
                condition=Q(rule="monthly_summary"),
                name="delivery_one_summary_a_month",
            ),
            # A monthly summary names its month and no case or reminder; nothing else has one.
            models.CheckConstraint(
                condition=(
                    Q(
                        rule="monthly_summary",
                        summary_month__isnull=False,
                        recipient__isnull=False,
                        case__isnull=True,
                        source_reminder__isnull=True,
                    )
                    | (~Q(rule="monthly_summary") & Q(summary_month__isnull=True))
                ),
                name="delivery_summary_has_its_month",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "failed", "sending"]),
                name="delivery_unfinished",
            ),
            models.Index(fields=["case"], condition=Q(status="dead"), name="delivery_dead_by_case"),
            models.Index(fields=["-created_at", "-id"], name="delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} delivery #{self.pk} ({self.get_status_display()})"

    @property
    def for_patient(self) -> bool:
        return self.recipient_id is None
