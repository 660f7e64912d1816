"""The reminder engine: who must hear about which step, exactly once, and never lost.

Everything lives in the database; the broker only carries delivery ids. `sweep()` runs every
minute from Celery beat (`cases.reminders.tasks.sweep_reminders`):

1. For each rule, one indexed query finds the steps (follow-ups, records requests) it applies
   to now and inserts their reminder rows with INSERT ... SELECT ... ON CONFLICT DO NOTHING. A
   reminder is unique on (its step, follow-up or records request, rule, the due date or
   appointment time it was for, recipient) while it stands: a second sweep inserts nothing, a
   moved due date gets fresh reminders, and two sweeps at once insert each reminder once. One
   cancelled unsent because its rule stopped applying gives its key up (`Reminder.released`),
   so it is made afresh once the rule applies again (a hold or a snooze ended). Only open cases
   get reminders. Staff rules follow the step: they skip finished and snoozed steps. Follow-up
   rules follow the follow-up (open ones only) and its assignee; records rules follow the
   request (unfinished ones) and go to the case's social worker. Patient rules follow the
   booked appointment, whatever its step's status, and need consent and a phone number or
   email address.
2. Reminders whose recipient wants one message per event get a delivery each (a unique
   `source_reminder` again makes this safe to repeat), inserted already stamped `queued_at`
   (see 3) unless it is a patient's in quiet hours. The rest wait for the recipient's daily
   digest: at the digest hour one digest delivery per person per day collects all of them. On
   the month's first business day, from their digest hour (or at the first sweep after, that
   month), each supervisor who asked for it gets a monthly summary delivery
   (`cases.reminders.summary`): unique per supervisor and month.
3. Every delivery that should be in the broker and is not (new, a retry whose message was lost,
   or a claim abandoned by a worker that died mid-send) is stamped `queued_at`, so the next
   sweep does not queue it again for REQUEUE_AFTER_SECONDS, and queued after commit, one task
   per delivery. Patient deliveries are not queued in quiet hours: they wait.

Each row is written as few times as it can be: a sweep's cost is its row and index writes
(1,000,000 steps with 10,000 due: about 16,000 reminders and 13,500 deliveries a sweep).

Sending each delivery, exactly once, is `cases.reminders.sending`.

Catch-up is free: rules are windows over stored dates, so after beat or the workers were down
the next sweep finds every reminder that still applies, and none that stopped applying.

Why one module past ~400 lines: the numbered steps above are one transaction, and each rule's
query sits beside the window and recipient it uses, so a rule is read in one place.
"""

import dataclasses
import datetime
import functools
import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    Case as SqlCase,
)
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from cases.access import SUPERVISORS
from cases.business_days import (
    add_business_days,
    first_business_day_of_month,
    is_business_day,
    team_today,
)
from cases.models import (
    PATIENT_RULES,
    Case,
    Channel,
    ContactMethod,
    Coverage,
    Delivery,
    DeliveryMode,
    FollowUp,
    RecordsRequest,
    Reminder,
    Rule,
    StaffProfile,
    Stage,
    Step,
)
from cases.reminders import summary

# The delivery task's registered name. The sweep and sending queue it by name: the tasks module
# imports them, so importing it back would close an import circle.
DELIVER_TASK = "cases.reminders.tasks.deliver_reminder"


logger = logging.getLogger(__name__)


def deliveries_queue(delivery_ids: list[int]) -> None:
    """Queue one task per delivery (its id only) once the transaction commits.

    A broker that cannot take them must not undo or fail what was committed: Django runs
    `on_commit` callbacks after the COMMIT, and an exception there would reach the caller (a
    sweep, the admin's page) as an error over a saved write. So the first refusal stops the
    queueing, is logged with the error's class only, and the deliveries not queued get their
    `queued_at` cleared, so the next sweep after the broker is back queues them (kombu's
    connection timeouts in settings keep the wait short)."""
    if delivery_ids:
        transaction.on_commit(functools.partial(_publish, list(delivery_ids)))


def _publish(delivery_ids: list[int]) -> None:
    task = current_app.tasks[DELIVER_TASK]
    for position, delivery_id in enumerate(delivery_ids):
        try:
            task.delay(delivery_id)
        except Exception as error:  # noqa: BLE001 - kombu and its clients raise many kinds
            not_queued = delivery_ids[position:]
            logger.warning(
                "The broker is unavailable (%s): %d deliveries wait in the database; the "
                "next sweep queues them.",
                type(error).__name__,
                len(not_queued),
            )
            _unstamp(not_queued)
            return


def _unstamp(delivery_ids: list[int]) -> None:
    """Make deliveries the broker did not take due for the next sweep, not REQUEUE_AFTER later.
    If the database cannot be reached either, the stamp expires by itself."""
    try:
        for start in range(0, len(delivery_ids), 1000):
            batch = delivery_ids[start : start + 1000]
            Delivery.objects.filter(pk__in=batch).update(queued_at=None)
    except DatabaseError as error:
        logger.warning(
            "Deliveries not queued keep their stamp (%s): queued again after "
            "REQUEUE_AFTER_SECONDS.",
            type(error).__name__,
        )


DEFAULTS = {
    "DUE_SOON_BUSINESS_DAYS": 1,
    "ESCALATION_BUSINESS_DAYS": 3,
    "APPOINTMENT_FAR_DAYS": 3,
    "APPOINTMENT_NEAR_DAYS": 1,
    "QUIET_HOURS_START": 20,
    "QUIET_HOURS_END": 8,
    "MAX_ATTEMPTS": 5,
    "BACKOFF_SECONDS": 60,
    "CLAIM_TIMEOUT_SECONDS": 300,
    "REQUEUE_AFTER_SECONDS": 300,
}

# The staff preference field that decides each staff rule's delivery mode, and its default. A
# follow-up or records request coming due is heard like a step due soon; one late, like a step
# overdue.
MODE_FIELDS = {
    Rule.DUE_SOON: ("due_soon_delivery", DeliveryMode.DIGEST),
    Rule.OVERDUE: ("overdue_delivery", DeliveryMode.IMMEDIATE),
    Rule.ESCALATION: ("escalation_delivery", DeliveryMode.IMMEDIATE),
    Rule.FOLLOW_UP_DUE: ("due_soon_delivery", DeliveryMode.DIGEST),
    Rule.FOLLOW_UP_LATE: ("overdue_delivery", DeliveryMode.IMMEDIATE),
    Rule.RECORDS_FOLLOW_UP: ("due_soon_delivery", DeliveryMode.DIGEST),
    Rule.RECORDS_LATE: ("overdue_delivery", DeliveryMode.IMMEDIATE),
}
# The records request date each records rule watches.
RECORDS_DATES = {Rule.RECORDS_FOLLOW_UP: "follow_up_on", Rule.RECORDS_LATE: "answer_due_on"}
DEFAULT_DIGEST_HOUR = 8
ACTIVE_STEP_STATUSES = (Step.Status.IN_PROGRESS, Step.Status.BLOCKED)
# A worker's clock may run a moment behind the one that set next_attempt_at.
CLOCK_TOLERANCE = datetime.timedelta(seconds=5)


def config(name: str) -> int:
    """A reminder setting: settings.REMINDERS overrides DEFAULTS key by key."""
    return getattr(settings, "REMINDERS", {}).get(name, DEFAULTS[name])


# --- when rules apply ------------------------------------------------------------------------


def due_date_window(rule: str, today: datetime.date) -> tuple[datetime.date | None, datetime.date]:
    """The (earliest, latest) due dates a staff rule applies to today; None is unbounded."""
    if rule == Rule.DUE_SOON:
        return today, add_business_days(today, config("DUE_SOON_BUSINESS_DAYS"))
    if rule == Rule.OVERDUE:
        return None, today - datetime.timedelta(days=1)
    if rule == Rule.ESCALATION:
        # Overdue by N business days: N business days after the due date, up to today.
        nth = add_business_days(latest_business_day(today), 1 - config("ESCALATION_BUSINESS_DAYS"))
        return None, nth - datetime.timedelta(days=1)
    raise ValueError(f"{rule} is not a staff rule")


def latest_business_day(today: datetime.date) -> datetime.date:
    """Today when it is a business day, else the last one before it."""
    return today if is_business_day(today) else add_business_days(today, -1)


def appointment_window(
    rule: str, now: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The (after, up to and including) appointment times a patient rule applies to now."""
    near = now + datetime.timedelta(days=config("APPOINTMENT_NEAR_DAYS"))
    if rule == Rule.APPOINTMENT_NEAR:
        return now, near
    if rule == Rule.APPOINTMENT_FAR:
        return near, now + datetime.timedelta(days=config("APPOINTMENT_FAR_DAYS"))
    raise ValueError(f"{rule} is not a patient rule")


def in_quiet_hours(now: datetime.datetime) -> bool:
    """Patient messages never go out between QUIET_HOURS_START and QUIET_HOURS_END, team time."""
    hour = timezone.localtime(now).hour
    start, end = config("QUIET_HOURS_START"), config("QUIET_HOURS_END")
    return hour >= start or hour < end if start > end else start <= hour < end


def _held_from_broker(now: datetime.datetime) -> Q | None:
    """Deliveries that stay out of the broker at `now`: patients' in quiet hours (they wait)."""
    return Q(recipient_id__isnull=True) if in_quiet_hours(now) else None


def due_date_key(due_date: datetime.date) -> datetime.datetime:
    """A step reminder's `due_at`: its due date as midnight UTC (what the sweep's SQL writes)."""
    return datetime.datetime.combine(due_date, datetime.time(), tzinfo=datetime.UTC)


# --- 1. reminders ----------------------------------------------------------------------------


def _insert_select(
    model, columns: list[str], rows: QuerySet, returning: tuple[str, ...] = ("id",)
) -> list[tuple]:
    """INSERT INTO model (columns) SELECT ... ON CONFLICT DO NOTHING RETURNING ..., in one
    statement (PostgreSQL, and SQLite since 3.35). Returns the `returning` columns of the rows
    it inserted; rows that already existed are skipped and not returned.

    `rows` is a values() queryset whose aliases are `columns` prefixed with "new_".
    """
    select_sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    targets = ", ".join(quote(column) for column in columns)
    sources = ", ".join(quote(f"new_{column}") for column in columns)
    # Identifiers come from model metadata; values travel as parameters.
    sql = (
        f"INSERT INTO {table} ({targets}) SELECT {sources} FROM ({select_sql}) AS candidates "  # noqa: S608 # nosec B608
        "WHERE true ON CONFLICT DO NOTHING "
        f"RETURNING {', '.join(quote(column) for column in returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def reminder_columns(subject: str) -> list[str]:
    """The columns a reminder about a `subject` ("step", "follow_up", "records_request") is
    inserted with."""
    return [
        f"{subject}_id",
        "case_id",
        "rule",
        "due_at",
        "recipient_id",
        "mode",
        "created_at",
        "released",
    ]


REMINDER_COLUMNS = reminder_columns("step")


def _staff_mode(rule: str, recipient: str) -> Coalesce:
    field, default = MODE_FIELDS[rule]
    preference = StaffProfile.objects.filter(user_id=OuterRef(recipient)).values(field)[:1]
    return Coalesce(Subquery(preference), Value(str(default)), output_field=CharField())


def _reminder_rows(
    subjects: QuerySet,
    *,
    rule: str,
    due_at,
    recipient,
    mode,
    now,
    subject: str = "step",
    when: Q | None = None,
) -> QuerySet:
    """The values() rows to insert for `subjects` (steps, follow-ups or records requests, as
    `subject` says), less those this recipient already has; `when` filters the rows once
    their recipient and mode are known."""
    key = f"{subject}_id"
    already = Reminder.objects.filter(
        **{key: OuterRef(f"new_{key}")}, rule=rule, due_at=OuterRef("new_due_at"), released=0
    )
    if rule in PATIENT_RULES:
        already = already.filter(recipient_id__isnull=True)
    else:
        already = already.filter(recipient_id=OuterRef("new_recipient_id"))
    rows = subjects.annotate(
        **{f"new_{key}": F("pk")},
        new_case_id=F("case_id"),
        new_rule=Value(str(rule), output_field=CharField()),
        new_due_at=due_at,
        new_recipient_id=recipient,
    ).annotate(
        new_mode=mode,
        new_created_at=Value(now, output_field=DateTimeField()),
        new_released=Value(0, output_field=IntegerField()),
    )
    if when is not None:
        rows = rows.filter(when)
    return (
        rows.filter(~Exists(already))
        .order_by()
        .values(*(f"new_{column}" for column in reminder_columns(subject)))
    )


def _active_steps(today: datetime.date) -> QuerySet[Step]:
    """Unfinished, started steps of open cases that are not snoozed (the step_active_due index)."""
    return Step.objects.filter(
        status__in=ACTIVE_STEP_STATUSES, due_date__isnull=False, case__status=Case.Status.OPEN
    ).filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))


def _steps_in_window(rule: str, today: datetime.date) -> QuerySet[Step]:
    earliest, latest = due_date_window(rule, today)
    steps = _active_steps(today).filter(due_date__lte=latest)
    return steps if earliest is None else steps.filter(due_date__gte=earliest)


def _case_worker_or_cover(today: datetime.date) -> Coalesce:
    """The case's social worker, or the colleague covering them today."""
    cover = Coverage.objects.filter(
        covered_id=OuterRef("case__social_worker_id"), starts_on__lte=today, ends_on__gte=today
    ).order_by("pk")
    return Coalesce(
        Subquery(cover.values("covering_id")[:1]),
        F("case__social_worker_id"),
        output_field=IntegerField(),
    )


def step_reminder_recipient(step_id: int, today: datetime.date) -> int:
    """Who hears a step's due-soon and overdue reminders today, as the sweep decides it."""
    return (
        Step.objects.filter(pk=step_id)
        .annotate(recipient=_case_worker_or_cover(today))
        .values_list("recipient", flat=True)
        .get()
    )


def escalation_recipients() -> QuerySet:
    """Every active supervisor: each hears every escalation."""
    return get_user_model().objects.filter(groups__name=SUPERVISORS, is_active=True)


def _insert_staff_reminders(now: datetime.datetime, today: datetime.date) -> int:
    due_at = Cast("due_date", output_field=DateTimeField())
    created = 0
    for rule in (Rule.DUE_SOON, Rule.OVERDUE):
        rows = _reminder_rows(
            _steps_in_window(rule, today),
            rule=rule,
            due_at=due_at,
            recipient=_case_worker_or_cover(today),
            mode=_staff_mode(rule, "new_recipient_id"),
            now=now,
        )
        created += len(_insert_select(Reminder, REMINDER_COLUMNS, rows))
    # Escalation goes to every supervisor: one statement per supervisor (a handful of people).
    supervisors = list(escalation_recipients().values_list("pk", flat=True))
    for supervisor_id in supervisors:
        rows = _reminder_rows(
            _steps_in_window(Rule.ESCALATION, today),
            rule=Rule.ESCALATION,
            due_at=due_at,
            recipient=Value(supervisor_id, output_field=IntegerField()),
            mode=_staff_mode(Rule.ESCALATION, "new_recipient_id"),
            now=now,
        )
        created += len(_insert_select(Reminder, REMINDER_COLUMNS, rows))
    return created


# --- follow-ups and records requests ---------------------------------------------------------


def follow_up_moved(follow_up_id: int) -> None:
    """A follow-up moved to another time or day (`contacts.services.follow_up_change`): its
    "due" reminder already sent as it came (immediately) gives its key up, which is its day,
    so the sweep reminds at the new time too ("call at 9" moved to 4 pm is reminded at 4). One
    sent in a digest stays: that morning's digest said it is due that day. One not sent yet is
    the sender's: it asks the rule again before sending (`sending.reminder_applies`)."""
    Reminder.objects.filter(
        follow_up_id=follow_up_id,
        rule=Rule.FOLLOW_UP_DUE,
        mode=DeliveryMode.IMMEDIATE,
        released=0,
        delivery__status=Delivery.Status.SENT,
    ).update(released=F("pk"))


def follow_ups_in_window(rule: str, today: datetime.date) -> QuerySet[FollowUp]:
    """Open follow-ups of open cases whose due day puts them under `rule` today (the
    followup_open_due index). Late: due before the latest business day up to today, so from
    the business day after the due day (Monday for a Friday's, the day after the holiday for
    one due on its eve). Due: due today, or on a day since that is not late yet (Saturday and
    Sunday for a Friday's); `due_time_reached` adds the time of day."""
    follow_ups = FollowUp.objects.filter(done_at__isnull=True, case__status=Case.Status.OPEN)
    late_from = latest_business_day(today)
    if rule == Rule.FOLLOW_UP_LATE:
        return follow_ups.filter(due_on__lt=late_from)
    if rule == Rule.FOLLOW_UP_DUE:
        return follow_ups.filter(due_on__gte=late_from, due_on__lte=today)
    raise ValueError(f"{rule} is not a follow-up rule")


def due_time_reached(now: datetime.datetime, *, digest: Q | bool) -> Q:
    """A follow-up due today is due once its time has come (team time), or all day when it has
    none. For a recipient who reads a daily digest (`digest`: a condition on the row, or known)
    it is due from the start of its day, so the morning's digest lists it with its time."""
    if digest is True:
        return Q()
    today, time_now = team_today(now), timezone.localtime(now).time().replace(microsecond=0)
    reached = Q(due_on__lt=today) | Q(due_time__isnull=True) | Q(due_time__lte=time_now)
    return reached if digest is False else reached | digest


def _follow_up_recipient(today: datetime.date) -> SqlCase:
    """The assignee. When the assignee is the case's social worker, they or the colleague
    covering them today (as for a step); when the assignee no longer sees the case (a cover
    that ended, a closed account), the case's social worker or their cover instead."""
    supervises = (
        get_user_model()
        .groups.through.objects.filter(user_id=OuterRef("assignee_id"), group__name=SUPERVISORS)
        .order_by()
    )
    covers_the_worker = Coverage.objects.filter(
        covering_id=OuterRef("assignee_id"),
        covered_id=OuterRef("case__social_worker_id"),
        starts_on__lte=today,
        ends_on__gte=today,
    ).order_by()
    return SqlCase(
        When(
            Q(assignee__is_active=True)
            & ~Q(assignee_id=F("case__social_worker_id"))
            & (Q(Exists(supervises)) | Q(Exists(covers_the_worker))),
            then=F("assignee_id"),
        ),
        default=_case_worker_or_cover(today),
        output_field=IntegerField(),
    )


def records_requests_in_window(rule: str, today: datetime.date) -> QuerySet[RecordsRequest]:
    """Unfinished records requests of open cases whose date puts them under `rule` today (the
    records_request_follow_up and records_request_open_due indexes): their follow-up date has
    come, or the day the provider had to answer by has passed."""
    requests = RecordsRequest.objects.filter(
        completed_on__isnull=True, case__status=Case.Status.OPEN
    )
    if rule == Rule.RECORDS_FOLLOW_UP:
        return requests.filter(follow_up_on__lte=today)
    if rule == Rule.RECORDS_LATE:
        return requests.filter(answer_due_on__lt=today)
    raise ValueError(f"{rule} is not a records rule")


def _insert_daily_loop_reminders(now: datetime.datetime, today: datetime.date) -> int:
    """Follow-ups to their assignee, records requests to the case's social worker or cover:
    one statement per rule."""
    created = 0
    for rule in (Rule.FOLLOW_UP_DUE, Rule.FOLLOW_UP_LATE):
        rows = _reminder_rows(
            follow_ups_in_window(rule, today),
            subject="follow_up",
            rule=rule,
            due_at=Cast("due_on", output_field=DateTimeField()),
            recipient=_follow_up_recipient(today),
            mode=_staff_mode(rule, "new_recipient_id"),
            now=now,
            when=due_time_reached(now, digest=Q(new_mode=DeliveryMode.DIGEST))
            if rule == Rule.FOLLOW_UP_DUE
            else None,
        )
        created += len(_insert_select(Reminder, reminder_columns("follow_up"), rows))
    for rule, date_field in RECORDS_DATES.items():
        rows = _reminder_rows(
            records_requests_in_window(rule, today),
            subject="records_request",
            rule=rule,
            due_at=Cast(date_field, output_field=DateTimeField()),
            recipient=_case_worker_or_cover(today),
            mode=_staff_mode(rule, "new_recipient_id"),
            now=now,
        )
        created += len(_insert_select(Reminder, reminder_columns("records_request"), rows))
    return created


def daily_loop_recipient(reminder: Reminder, now: datetime.datetime) -> int | None:
    """Who the sweep would remind now, under `reminder`'s rule, of its follow-up or records
    request for the same date; None when the rule no longer applies to it (done or complete,
    the case not open, the date moved, the window passed). One query."""
    today = team_today(now)
    if reminder.follow_up_id is not None:
        rows = follow_ups_in_window(reminder.rule, today).filter(pk=reminder.follow_up_id)
        if reminder.rule == Rule.FOLLOW_UP_DUE:
            rows = rows.filter(due_time_reached(now, digest=reminder.mode == DeliveryMode.DIGEST))
        rows = rows.annotate(key=F("due_on"), recipient=_follow_up_recipient(today))
    else:
        rows = records_requests_in_window(reminder.rule, today).filter(
            pk=reminder.records_request_id
        )
        rows = rows.annotate(
            key=F(RECORDS_DATES[reminder.rule]), recipient=_case_worker_or_cover(today)
        )
    found = rows.values_list("key", "recipient").first()
    if found is None or due_date_key(found[0]) != reminder.due_at:
        return None
    return found[1]


def _appointment_steps(rule: str, now: datetime.datetime) -> QuerySet[Step]:
    """The appointment steps of open cases whose appointment falls in the rule's window, with
    the patient's consent and a way to reach them (the appointment_scheduled_at index). The
    step's own status does not matter: the patient's reminders follow the booked appointment,
    which is often booked while records are still coming, and stays when the step is done."""
    after, until = appointment_window(rule, now)
    return Step.objects.filter(
        stage=Stage.APPOINTMENT,
        case__status=Case.Status.OPEN,
        case__appointment__scheduled_at__gt=after,
        case__appointment__scheduled_at__lte=until,
        case__patient__consent_to_reminders=True,
    ).exclude(case__patient__phone="", case__patient__email="")


def _insert_patient_reminders(now: datetime.datetime, today: datetime.date) -> int:
    created = 0
    for rule in PATIENT_RULES:
        steps = _appointment_steps(rule, now)
        rows = _reminder_rows(
            steps,
            rule=rule,
            due_at=F("case__appointment__scheduled_at"),
            recipient=Cast(Value(None), output_field=IntegerField()),
            mode=Value(str(DeliveryMode.IMMEDIATE), output_field=CharField()),
            now=now,
        )
        created += len(_insert_select(Reminder, REMINDER_COLUMNS, rows))
    return created


# --- 2. deliveries ---------------------------------------------------------------------------

# What every new delivery starts with: pending, no attempts yet, due now.
NEW_DELIVERY_COLUMNS = ["status", "attempts", "last_error", "created_at", "next_attempt_at"]
DELIVERY_COLUMNS = [
    "recipient_id",
    "case_id",
    "source_reminder_id",
    "channel",
    "rule",
    "queued_at",
    *NEW_DELIVERY_COLUMNS,
]
DIGEST_COLUMNS = ["recipient_id", "digest_on", "channel", "rule", *NEW_DELIVERY_COLUMNS]
SUMMARY_COLUMNS = [
    "recipient_id",
    "summary_month",
    "channel",
    "rule",
    "queued_at",
    *NEW_DELIVERY_COLUMNS,
]


def _new_delivery(now: datetime.datetime) -> dict:
    """The values() annotations for NEW_DELIVERY_COLUMNS."""
    return {
        "new_status": Value(str(Delivery.Status.PENDING), output_field=CharField()),
        "new_attempts": Value(0, output_field=IntegerField()),
        "new_last_error": Value("", output_field=CharField()),
        "new_created_at": Value(now, output_field=DateTimeField()),
        "new_next_attempt_at": Value(now, output_field=DateTimeField()),
    }


def _channel() -> SqlCase:
    """Staff hear by email. A patient hears by text when they prefer texts and have a phone,
    or have nothing but a phone; otherwise by email. So a patient who prefers phone calls
    (nobody calls them automatically) gets an email when they gave an address: the number of
    someone who wants calls may be a landline, where a text never arrives. The patient is
    looked up only for patient reminders (CASE stops at the first match), not joined to every
    row."""
    patient_channel = (
        Case.objects.filter(pk=OuterRef("case_id"))
        .annotate(
            channel=SqlCase(
                When(
                    Q(patient__preferred_contact=ContactMethod.SMS) & ~Q(patient__phone=""),
                    then=Value(str(Channel.SMS)),
                ),
                When(~Q(patient__email=""), then=Value(str(Channel.EMAIL))),
                default=Value(str(Channel.SMS)),
                output_field=CharField(),
            )
        )
        .order_by()
        .values("channel")[:1]
    )
    return SqlCase(
        When(recipient_id__isnull=False, then=Value(str(Channel.EMAIL))),
        default=Subquery(patient_channel),
        output_field=CharField(),
    )


def _attach_immediate(now: datetime.datetime) -> tuple[int, list[int]]:
    """A delivery for each waiting immediate reminder, stamped `queued_at` as it is inserted
    unless it must stay out of the broker now (`_held_from_broker`): a row written once, not
    inserted and then stamped by `_queue`. Returns how many it made and the ids it stamped."""
    waiting = Reminder.objects.filter(mode=DeliveryMode.IMMEDIATE, delivery__isnull=True)
    stamp = Value(now, output_field=DateTimeField())
    held = _held_from_broker(now)
    if held is not None:
        stamp = SqlCase(When(held, then=Value(None)), default=stamp, output_field=DateTimeField())
    rows = (
        waiting.annotate(
            new_recipient_id=F("recipient_id"),
            new_case_id=F("case_id"),
            new_source_reminder_id=F("pk"),
            new_channel=_channel(),
            new_rule=F("rule"),
            new_queued_at=stamp,
            **_new_delivery(now),
        )
        .order_by()
        .values(*(f"new_{column}" for column in DELIVERY_COLUMNS))
    )
    inserted = _insert_select(Delivery, DELIVERY_COLUMNS, rows, returning=("id", "queued_at"))
    # One index probe per reminder on the one-to-one `source_reminder` (no ORDER BY: at most
    # one row matches). It finds deliveries a concurrent sweep inserted first, too.
    waiting.update(
        delivery_id=Subquery(
            Delivery.objects.filter(source_reminder_id=OuterRef("pk")).order_by().values("pk")[:1]
        )
    )
    return len(inserted), [delivery_id for delivery_id, queued_at in inserted if queued_at]


def _attach_digests(now: datetime.datetime, today: datetime.date) -> int:
    """At each person's digest hour, one digest delivery collects their waiting reminders."""
    waiting = Reminder.objects.filter(mode=DeliveryMode.DIGEST, delivery__isnull=True)
    recipients = set(waiting.order_by().values_list("recipient_id", flat=True).distinct())
    if not recipients:
        return 0
    hours = dict(
        StaffProfile.objects.filter(user_id__in=recipients).values_list("user_id", "digest_hour")
    )
    hour_now = timezone.localtime(now).hour
    ready = sorted(r for r in recipients if hour_now >= hours.get(r, DEFAULT_DIGEST_HOUR))
    if not ready:
        return 0
    rows = (
        get_user_model()
        .objects.filter(pk__in=ready)
        .annotate(
            new_recipient_id=F("pk"),
            new_digest_on=Value(today, output_field=DateField()),
            new_channel=Value(str(Channel.EMAIL), output_field=CharField()),
            new_rule=Value(str(Rule.DIGEST), output_field=CharField()),
            **_new_delivery(now),
        )
        .order_by()
        .values(*(f"new_{column}" for column in DIGEST_COLUMNS))
    )
    made = _insert_select(Delivery, DIGEST_COLUMNS, rows, returning=("recipient_id",))
    # Only the digests this sweep made take reminders: one already sent today is not added to,
    # so what arrives later waits for tomorrow's. Each reminder finds its digest on the
    # (recipient, digest_on) unique index.
    todays = Delivery.objects.filter(rule=Rule.DIGEST, digest_on=today).order_by()
    waiting.filter(recipient_id__in=[recipient_id for (recipient_id,) in made]).update(
        delivery_id=Subquery(todays.filter(recipient_id=OuterRef("recipient_id")).values("pk")[:1])
    )
    return len(ready)


def _attach_monthly_summaries(now: datetime.datetime, today: datetime.date) -> list[int]:
    """Each supervisor who asked for it, once their summary is due (`summary.month_due`; on
    the first business day from their digest hour), gets one monthly summary delivery, stamped
    `queued_at` as it is inserted. Outside the window this costs no query; inside it, one
    statement that skips those who have this month's already (and the unique key, a sweep
    running beside this one). Returns the ids it inserted."""
    month = summary.month_due(today)
    if month is None:
        return []
    rows = summary.recipients(escalation_recipients()).filter(
        ~Exists(
            Delivery.objects.filter(
                rule=Rule.MONTHLY_SUMMARY, summary_month=month, recipient_id=OuterRef("pk")
            ).exclude(status=Delivery.Status.CANCELLED)
        )
    )
    if today == first_business_day_of_month(today):
        rows = rows.filter(staff_profile__digest_hour__lte=timezone.localtime(now).hour)
    rows = (
        rows.annotate(
            new_recipient_id=F("pk"),
            new_summary_month=Value(month, output_field=DateField()),
            new_channel=Value(str(Channel.EMAIL), output_field=CharField()),
            new_rule=Value(str(Rule.MONTHLY_SUMMARY), output_field=CharField()),
            new_queued_at=Value(now, output_field=DateTimeField()),
            **_new_delivery(now),
        )
        .order_by()
        .values(*(f"new_{column}" for column in SUMMARY_COLUMNS))
    )
    return [delivery_id for (delivery_id,) in _insert_select(Delivery, SUMMARY_COLUMNS, rows)]


# --- 3. queueing -----------------------------------------------------------------------------


def deliveries_to_queue(now: datetime.datetime) -> QuerySet[Delivery]:
    """Deliveries that should be in the broker and may not be."""
    requeue_before = now - datetime.timedelta(seconds=config("REQUEUE_AFTER_SECONDS"))
    stale_claim = now - datetime.timedelta(seconds=config("CLAIM_TIMEOUT_SECONDS"))
    not_recently_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=requeue_before)
    due = Delivery.objects.filter(
        Q(status__in=Delivery.CLAIMABLE, next_attempt_at__lte=now) & not_recently_queued
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_claim) & not_recently_queued
    )
    held = _held_from_broker(now)
    return due if held is None else due.exclude(held)


def _queue(now: datetime.datetime, stamped: list[int]) -> list[int]:
    """Stamp what else needs queueing with `queued_at`, in one UPDATE ... WHERE ... RETURNING
    (PostgreSQL, and SQLite since 3.35), and queue exactly the rows stamped: those and the new
    deliveries `stamped` as they were inserted."""
    query = deliveries_to_queue(now).query
    where_sql, where_params = query.get_compiler(connection=connection).compile(query.where)
    quote = connection.ops.quote_name
    stamp = DateTimeField().get_db_prep_value(now, connection)
    # Identifiers come from model metadata; values travel as parameters.
    sql = (
        f"UPDATE {quote(Delivery._meta.db_table)} SET {quote('queued_at')} = %s "  # noqa: S608 # nosec B608
        f"WHERE {where_sql} RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (stamp, *where_params))
        ids = sorted([*stamped, *(row[0] for row in cursor.fetchall())])

    deliveries_queue(ids)
    return ids


@dataclasses.dataclass(frozen=True)
class SweepResult:
    reminders: int
    deliveries: int
    digests: int
    queued: int
    summaries: int


@transaction.atomic
def sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    today = team_today(now)
    reminders = (
        _insert_staff_reminders(now, today)
        + _insert_daily_loop_reminders(now, today)
        + _insert_patient_reminders(now, today)
    )
    deliveries, stamped = _attach_immediate(now)
    digests = _attach_digests(now, today)
    summaries = _attach_monthly_summaries(now, today)
    queued = _queue(now, stamped + summaries)
    result = SweepResult(
        reminders=reminders,
        deliveries=deliveries,
        digests=digests,
        queued=len(queued),
        summaries=len(summaries),
    )
    logger.info("Reminder sweep: %s", result)
    return result
