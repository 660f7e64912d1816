"""Celery tasks: thin, idempotent, ids only. The work is in `cases.reminders.sweep` (the sweep) and
`cases.reminders.sending` (one delivery)."""

from celery import shared_task
from django.db import DatabaseError

from cases.reminders import sending as reminder_sending
from cases.reminders import sweep as reminders


@shared_task(
    acks_late=True,
    soft_time_limit=50,
    time_limit=58,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def sweep_reminders() -> None:
    reminders.sweep()


@shared_task(
    name=reminders.DELIVER_TASK,
    bind=True,
    acks_late=True,
    # Longer than an email's every wait timing out (channels.SMTP_WAITS × EMAIL_TIMEOUT, 140 s
    # by default), shorter than the claim (CLAIM_TIMEOUT_SECONDS, 300 s) so no second worker
    # takes over a live send.
    soft_time_limit=150,
    time_limit=170,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_reminder(self, delivery_id: int) -> None:
    retry_in = reminder_sending.delivery_send(delivery_id=delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in, max_retries=None)
