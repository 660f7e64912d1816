"""Sending a reminder delivery: the task `cases.reminders.tasks.deliver_reminder`.

`delivery_send()` claims its row with a conditional UPDATE (pending, failed once its retry is
due, or sending with a claim older than CLAIM_TIMEOUT_SECONDS → sending); only the caller that
changed exactly one row sends, so duplicated, retried or concurrent tasks send once. Before
sending it checks that each reminder still applies, to the same recipient (the step or follow-up
may have been done, the records request completed, the case put on hold or reassigned meanwhile:
then that reminder is not sent, and gives its key up so the sweep makes it afresh if its rule
applies again). A monthly summary carries no reminder: it applies while its recipient is an
active supervisor who asked for it (`summary_applies`). A failure is recorded and retried
with exponential backoff; after MAX_ATTEMPTS the delivery is `dead`, shown on the case page and
the outbox, and the admin can queue it again (`delivery_requeue`). The rules, windows and
settings are those of the sweep, in `cases.reminders.sweep`.

What holds when workers crash is at-least-once: a message counts as sent once the mail server
has accepted it (or the SMS backend has returned), and is recorded `sent` straight after. Two
windows can send a message twice, with the same Message-ID (`message_id`): a server that keeps
the message but answers the end of DATA later than EMAIL_TIMEOUT (the send is recorded failed
and retried), and a worker that stops between the acceptance and the record (at most
EMAIL_TIMEOUT waiting for the answer to QUIT, then one UPDATE), whose claim expires. Everywhere
else a crash or retry sends nothing twice.

The claim does not trust the worker's clock for a new delivery: the sweep stamps it due by its
own clock, which may run ahead of the worker's. A failed delivery's retry time is compared with
the worker's clock (CLOCK_TOLERANCE of slack); one skipped as not yet due is logged, and the
sweep queues it again.
"""

import datetime
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cases.business_days import team_today
from cases.models import PATIENT_RULES, Case, CaseEvent, Channel, Delivery, Reminder, Rule
from cases.reminders import channels, summary
from cases.reminders import messages as reminder_messages
from cases.reminders.sweep import (
    ACTIVE_STEP_STATUSES,
    CLOCK_TOLERANCE,
    appointment_window,
    config,
    daily_loop_recipient,
    deliveries_queue,
    due_date_key,
    due_date_window,
    escalation_recipients,
    in_quiet_hours,
    step_reminder_recipient,
)

logger = logging.getLogger(__name__)


def reminder_applies(reminder: Reminder, *, now: datetime.datetime) -> bool:
    """Whether the rule that made `reminder` still applies, to the same recipient, as the sweep
    would see it now (the sweep's rules are in `cases.reminders.sweep`)."""
    step, case = reminder.step, reminder.case
    today = team_today(now)
    if reminder.rule == Rule.REASSIGNED:
        # Told while the case is theirs and not closed (on hold included).
        return not case.is_closed and reminder.recipient_id == case.social_worker_id
    if case.status != Case.Status.OPEN:
        return False
    if reminder.step_id is None and reminder.rule not in PATIENT_RULES:
        # A follow-up or a records request: the sweep's own query, for this one row.
        return reminder.recipient_id == daily_loop_recipient(reminder, now)
    if reminder.rule in PATIENT_RULES:
        appointment, patient = case.appointment, case.patient
        after, until = appointment_window(reminder.rule, now)
        return (
            appointment.scheduled_at == reminder.due_at
            and after < appointment.scheduled_at <= until
            and patient.consent_to_reminders
            and bool(patient.phone or patient.email)
        )
    if step.status not in ACTIVE_STEP_STATUSES:
        return False
    if step.snoozed_until is not None and step.snoozed_until > today:
        return False
    earliest, latest = due_date_window(reminder.rule, today)
    if not (
        step.due_date is not None
        and due_date_key(step.due_date) == reminder.due_at
        and (earliest is None or earliest <= step.due_date)
        and step.due_date <= latest
    ):
        return False
    # Never to someone the case has left (a reassignment, a cover that ended).
    if reminder.rule == Rule.ESCALATION:
        return escalation_recipients().filter(pk=reminder.recipient_id).exists()
    return reminder.recipient_id == step_reminder_recipient(step.pk, today)


def summary_applies(delivery: Delivery) -> bool:
    """Whether a monthly summary's recipient is still an active supervisor who wants it (they
    may have unticked the box, or left, since the sweep made it). One query."""
    return summary.recipients(escalation_recipients()).filter(pk=delivery.recipient_id).exists()


def _release(reminders: list[Reminder]) -> None:
    """Reminders cancelled unsent give their unique key up (see `Reminder.released`): when
    their rule applies again (a hold or a snooze ended) the sweep makes them afresh. Called
    only once this delivery's outcome is recorded, so no other worker can still send them."""
    Reminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).update(released=F("pk"))


class MissingAddressError(Exception):
    """The recipient has no address on this channel: recorded, retried, then dead and visible."""


def _send(delivery: Delivery, reminders: list[Reminder], now) -> None:
    if delivery.rule == Rule.MONTHLY_SUMMARY:
        message = reminder_messages.render_summary_message(delivery)
        address = delivery.recipient.email
    elif delivery.for_patient:
        message = reminder_messages.render_patient_message(delivery, reminders[0])
        patient = reminders[0].case.patient
        address = patient.phone if delivery.channel == Channel.SMS else patient.email
    else:
        message = reminder_messages.render_staff_message(delivery, reminders, now)
        address = delivery.recipient.email
    if not address:
        raise MissingAddressError("No address on file for this channel.")
    if delivery.channel == Channel.SMS:
        channels.send_sms(to=address, body=message.text)
    else:
        channels.send_email(
            to=address,
            subject=message.subject,
            text=message.text,
            html=message.html,
            message_id=message_id(delivery),
        )


def message_id(delivery: Delivery) -> str:
    """The same Message-ID on every copy of one delivery's email, so that a copy sent again
    (see the module's docstring) can be recognised. Made of the delivery's id and the site's
    domain only: it travels in the message's headers."""
    domain = urlsplit(settings.NAVIGATOR_BASE_URL).hostname or "localhost"
    return f"<reminder-delivery-{delivery.pk}@{domain}>"


ABANDONED = "Abandoned mid-send on every attempt (the worker stopped before finishing)."


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    """pending/failed (when due) or a stale sending claim → sending; True for exactly one caller.

    A stale claim that has used every attempt is given up as dead instead: a message that
    stops its worker each time (a hard time limit, a crash) must not be re-queued forever.
    """
    stale_claim = now - datetime.timedelta(seconds=config("CLAIM_TIMEOUT_SECONDS"))
    abandoned = Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_claim)
    last_attempt_used = Q(attempts__gte=config("MAX_ATTEMPTS"))
    Delivery.objects.filter(abandoned & last_attempt_used, pk=delivery_id).update(
        status=Delivery.Status.DEAD, last_error=ABANDONED
    )
    retry_due = Q(status=Delivery.Status.FAILED, next_attempt_at__lte=now + CLOCK_TOLERANCE)
    claimable = Q(status=Delivery.Status.PENDING) | retry_due | (abandoned & ~last_attempt_used)
    claimed = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        _log_early_retry(delivery_id, now)
    return claimed == 1


def _log_early_retry(delivery_id: int, now: datetime.datetime) -> None:
    """Say so when a retry is skipped as not yet due: if this repeats, this worker's clock lags
    the clock of the machine that scheduled the retry."""
    retry_at = (
        Delivery.objects.filter(
            pk=delivery_id,
            status=Delivery.Status.FAILED,
            next_attempt_at__gt=now + CLOCK_TOLERANCE,
        )
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if retry_at is not None:
        logger.warning(
            "Delivery %s skipped: its retry is due in %d s by this worker's clock; the sweep "
            "queues it again. If this repeats, check this machine's clock.",
            delivery_id,
            (retry_at - now).total_seconds(),
        )


def _finish(delivery: Delivery, now: datetime.datetime, **fields) -> bool:
    """Record the outcome, unless another worker took the claim over meanwhile."""
    return (
        Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.SENDING, claimed_at=now
        ).update(**fields)
        == 1
    )


def _timeline(reminders: list[Reminder], summary: str, now: datetime.datetime) -> None:
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, kind=CaseEvent.Kind.REMINDER, summary=summary, created_at=now)
        for case_id in sorted({reminder.case_id for reminder in reminders})
    )


def _recipient_words(delivery: Delivery) -> str:
    if delivery.for_patient:
        return "the patient"
    return reminder_messages.staff_name(delivery.recipient)


def delivery_send(*, delivery_id: int, now: datetime.datetime | None = None) -> int | None:
    """Send one delivery if this caller wins its claim. Returns seconds until a retry, or None."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("recipient").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    if delivery.for_patient and in_quiet_hours(now):
        # Quiet hours: leave it pending; the first sweep after them queues it again.
        Delivery.objects.filter(pk=delivery_id, status__in=Delivery.CLAIMABLE).update(
            queued_at=None
        )
        return None
    if not _claim(delivery_id, now):
        return None
    delivery.refresh_from_db(fields=["attempts", "status", "claimed_at"])
    if delivery.rule == Rule.MONTHLY_SUMMARY:
        # About a month, not a step: no reminders; it still applies while its recipient is a
        # supervisor who wants it.
        reminders, applicable = [], []
        applies = summary_applies(delivery)
    else:
        reminders = list(
            delivery.reminders.select_related(
                "step",
                "follow_up",
                "records_request",
                "case__patient",
                "case__appointment__centre",
                "case__social_worker",
            ).order_by("due_at", "case_id", "pk")
        )
        applicable = [reminder for reminder in reminders if reminder_applies(reminder, now=now)]
        applies = bool(applicable)
    if not applies:
        if _finish(delivery, now, status=Delivery.Status.CANCELLED):
            _release(reminders)
        return None
    try:
        _send(delivery, applicable, now)
    except Exception as error:  # every failure is recorded and retried, whatever it is
        return _record_failure(delivery, applicable, error, now)
    if _finish(delivery, now, status=Delivery.Status.SENT, sent_at=now, last_error=""):
        _release([reminder for reminder in reminders if reminder not in applicable])
        rule = Rule(delivery.rule).label.lower()
        _timeline(
            applicable,
            f"{rule.capitalize()} reminder sent to {_recipient_words(delivery)} "
            f"by {Channel(delivery.channel).label.lower()}.",
            now,
        )
    return None


# An email address, or a run of 7 or more digits with the usual phone separators.
_ADDRESS = re.compile(r"[^\s<>()\[\]'\",;:]+@[^\s<>()\[\]'\",;:]+|\+?\d[\d ().-]{5,}\d")


def _without_addresses(text: str) -> str:
    """A mail server's or SMS provider's error without the address or number it names: staff
    see `last_error` in the outbox and on the case page."""
    return _ADDRESS.sub("[address]", text)


def _record_failure(
    delivery: Delivery, reminders: list[Reminder], error: Exception, now
) -> int | None:
    # The error's class only in the log: messages from mail servers may carry addresses.
    logger.warning(
        "Delivery %s failed on attempt %s: %s", delivery.pk, delivery.attempts, type(error).__name__
    )
    last_error = f"{type(error).__name__}: {_without_addresses(str(error))}"[:300]
    if delivery.attempts >= config("MAX_ATTEMPTS"):
        if _finish(delivery, now, status=Delivery.Status.DEAD, last_error=last_error):
            _timeline(
                reminders,
                f"{Rule(delivery.rule).label} reminder to {_recipient_words(delivery)} could not "
                f"be delivered after {delivery.attempts} attempts.",
                now,
            )
        return None
    backoff = config("BACKOFF_SECONDS") * 2 ** (delivery.attempts - 1)
    retry_at = now + datetime.timedelta(seconds=backoff)
    # queued_at = the retry's time: the sweep re-queues it only if that message is lost.
    _finish(
        delivery,
        now,
        status=Delivery.Status.FAILED,
        last_error=last_error,
        next_attempt_at=retry_at,
        queued_at=retry_at,
    )
    return backoff


@transaction.atomic
def delivery_requeue(
    *, deliveries: QuerySet[Delivery], now: datetime.datetime | None = None
) -> int:
    """Give dead deliveries a fresh set of attempts and queue them now."""
    now = now or timezone.now()
    ids = list(deliveries.filter(status=Delivery.Status.DEAD).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, queued_at=now
    )
    deliveries_queue(ids)
    return len(ids)
