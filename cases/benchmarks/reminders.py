"""The reminder sweep at scale, and delivery throughput through a real worker.

- `sweep_ms`, `sweep_queries`: one sweep over 1,000,000 steps (250,000 cases) of which 10,000 are
  due (due soon or overdue), with 100,000 reminders sent in the past, median of --repeat runs.
  Each run is rolled back, so every run inserts the same reminders; on PostgreSQL the deferred
  foreign-key checks COMMIT would run are forced first and counted. Queueing the delivery tasks
  happens after commit and is not counted (it is a broker publish per delivery).
- `delivery_per_s`: --deliveries deliveries queued on their own queue, then sent by a real
  `celery worker` process with the in-memory email backend: deliveries / (last sent − first
  claimed).

The data set is bulk-inserted once (patients' MRNs start with RBENCH) and reused; its dates are
shifted to today on every run, so the same 10,000 steps are due whatever the day.
"""

import datetime
import os
import statistics
import subprocess  # nosec B404 - starts a Celery worker of our own for the benchmark
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.access import SOCIAL_WORKERS
from cases.business_days import add_business_days
from cases.models import Case, Delivery, Patient, Reminder, Rule, Step
from cases.models.workflow import STAGE_ORDER
from cases.reminders import sweep as reminders

CASES = 250_000  # four steps each: 1,000,000 steps
OPEN_CASES = 25_000
DUE_STEPS = 10_000
WORKERS = 400
BATCH = 5_000
MARK = "RBENCH"
HISTORY = 100_000  # reminders sent in the past, so the planner sees realistic tables


def _bench_workers() -> list:
    User = get_user_model()
    group = Group.objects.get(name=SOCIAL_WORKERS)
    users = []
    for number in range(WORKERS):
        user, created = User.objects.get_or_create(
            username=f"rbench-worker-{number:04d}",
            defaults={"email": f"rbench-worker-{number:04d}@example.org"},
        )
        if created:
            user.groups.add(group)
        users.append(user)
    return users


def _due_date(index: int, today: datetime.date) -> datetime.date:
    """Open case `index`'s current due date: the first DUE_STEPS are due soon or overdue."""
    if index < DUE_STEPS:
        return today if index % 4 == 0 else today - datetime.timedelta(days=1 + index % 20)
    return add_business_days(today, 5 + index % 20)


def build(today: datetime.date) -> None:
    """Bulk-insert the data set unless it is there; either way, dates end up relative to today
    and the tables' statistics are fresh (what autovacuum or SQLite's ANALYZE keep up)."""
    _build_cases(today)
    _build_history()
    _shift_to(today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _build_history() -> None:
    """HISTORY reminders, sent long ago, on the steps of completed cases."""
    done = Delivery.objects.filter(case__patient__mrn__startswith=MARK, status="sent")
    existing = done.count()
    if existing >= HISTORY:
        return
    long_ago = timezone.now() - datetime.timedelta(days=400)
    steps = (
        Step.objects.filter(case__patient__mrn__startswith=MARK, case__status=Case.Status.COMPLETED)
        .order_by("pk")
        .values_list("pk", "case_id", "case__social_worker_id")[existing:HISTORY]
    )
    rows = list(steps)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        with transaction.atomic():
            deliveries = Delivery.objects.bulk_create(
                Delivery(
                    recipient_id=worker_id,
                    case_id=case_id,
                    channel="email",
                    rule=Rule.OVERDUE,
                    status="sent",
                    attempts=1,
                    created_at=long_ago,
                    next_attempt_at=long_ago,
                    queued_at=long_ago,
                    claimed_at=long_ago,
                    sent_at=long_ago,
                )
                for _, case_id, worker_id in batch
            )
            Reminder.objects.bulk_create(
                Reminder(
                    step_id=step_id,
                    case_id=case_id,
                    rule=Rule.OVERDUE,
                    due_at=long_ago,
                    recipient_id=worker_id,
                    mode="immediate",
                    created_at=long_ago,
                    delivery=delivery,
                )
                for (step_id, case_id, worker_id), delivery in zip(batch, deliveries, strict=True)
            )


def _build_cases(today: datetime.date) -> None:
    existing = Patient.objects.filter(mrn__startswith=MARK).count()
    if existing == CASES:
        return
    workers = _bench_workers()
    now = timezone.now()
    for start in range(existing, CASES, BATCH):
        stop = min(start + BATCH, CASES)
        with transaction.atomic():
            patients = Patient.objects.bulk_create(
                Patient(
                    full_name=f"Synthetic Patient {index}",
                    date_of_birth=datetime.date(1950, 1, 1)
                    + datetime.timedelta(days=index % 20000),
                    mrn=f"{MARK}{index:08d}",
                )
                for index in range(start, stop)
            )
            cases = Case.objects.bulk_create(
                Case(
                    patient=patient,
                    social_worker=workers[index % WORKERS],
                    status=Case.Status.OPEN if index < OPEN_CASES else Case.Status.COMPLETED,
                    opened_at=now,
                )
                for index, patient in zip(range(start, stop), patients, strict=True)
            )
            steps = []
            for index, case in zip(range(start, stop), cases, strict=True):
                for position, stage in enumerate(STAGE_ORDER):
                    is_open = index < OPEN_CASES
                    current = is_open and position == 1
                    done = not is_open or position == 0
                    steps.append(
                        Step(
                            case=case,
                            stage=stage,
                            position=position,
                            status=Step.Status.DONE
                            if done
                            else (Step.Status.IN_PROGRESS if current else Step.Status.PENDING),
                            started_at=now if done or current else None,
                            finished_at=now if done else None,
                            due_date=_due_date(index, today) if current else None,
                        )
                    )
            Step.objects.bulk_create(steps)


def _shift_to(today: datetime.date) -> None:
    """Move the data set's dates by the days since they were last set."""
    cases = Case.objects.filter(patient__mrn__startswith=MARK)
    built_on = timezone.localdate(cases.aggregate(first=Min("opened_at"))["first"])
    shift = (today - built_on).days
    if shift:
        Step.objects.filter(case__in=cases, due_date__isnull=False).update(
            due_date=F("due_date") + datetime.timedelta(days=shift)
        )
        cases.update(opened_at=F("opened_at") + datetime.timedelta(days=shift))


def _vacuum() -> None:
    """PostgreSQL: clear the dead rows earlier rolled-back sweeps left, as autovacuum does in
    production (it may be off on a development machine), so runs do not slow one another."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Reminder, Delivery):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"VACUUM ANALYZE {table}")


def _one_sweep(now: datetime.datetime) -> tuple[float, int, int]:
    with transaction.atomic():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = reminders.sweep(now=now)
        if connection.vendor == "postgresql":
            # What COMMIT would do before the rollback skips it: check the deferred foreign
            # keys of every row written. (SQLite checks them as it writes.)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed * 1000, len(queries), result.reminders


def _worker_command(queue: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "navigator",
        "worker",
        f"--queues={queue}",
        "--concurrency=2",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=warning",
    ]


def _delivery_throughput(count: int, now: datetime.datetime) -> float:
    """Queue `count` overdue reminders' deliveries on a queue of their own and let a real worker
    send them. Run it on a database of its own: a real sweep there would already have made
    these reminders."""
    from cases.reminders.tasks import deliver_reminder

    queue = f"benchmark-{os.getpid()}"
    recipient = get_user_model().objects.get(username="rbench-worker-0000")
    steps = list(
        Step.objects.filter(
            case__patient__mrn__startswith=MARK,
            status=Step.Status.IN_PROGRESS,
            due_date__lt=timezone.localdate(now),
        )
        .order_by("pk")
        .values_list("pk", "case_id", "due_date")[:count]
    )
    with transaction.atomic():
        made = Reminder.objects.bulk_create(
            Reminder(
                step_id=step_id,
                case_id=case_id,
                rule=Rule.OVERDUE,
                due_at=reminders.due_date_key(due_date),
                recipient=recipient,
                mode="immediate",
                created_at=now,
            )
            for step_id, case_id, due_date in steps
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                recipient=recipient,
                case_id=reminder.case_id,
                source_reminder=reminder,
                channel="email",
                rule=Rule.OVERDUE,
                created_at=now,
                next_attempt_at=now,
                queued_at=now,
            )
            for reminder in made
        )
    ids = [delivery.pk for delivery in deliveries]
    for reminder, delivery in zip(made, deliveries, strict=True):
        reminder.delivery_id = delivery.pk
    Reminder.objects.bulk_update(made, ["delivery_id"], batch_size=500)
    for delivery_id in ids:
        deliver_reminder.apply_async(args=[delivery_id], queue=queue)
    env = os.environ | {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    with tempfile.TemporaryDirectory() as log_dir:
        log_path = Path(log_dir) / "worker.log"
        with open(log_path, "w") as log:
            worker = subprocess.Popen(  # noqa: S603 # nosec B603 - a fixed command, no outside input
                _worker_command(queue),
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            sent = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENT)
            deadline = time.monotonic() + 600
            while sent.count() < len(ids) and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        span = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENT).aggregate(
            first=Min("claimed_at"), last=Max("sent_at")
        )
        done = sent.count()
    Delivery.objects.filter(pk__in=ids).delete()
    Reminder.objects.filter(pk__in=[r.pk for r in made]).delete()
    if done < len(ids) or span["first"] is None:
        raise RuntimeError(f"The worker sent {done} of {len(ids)} deliveries; see its log.")
    seconds = max((span["last"] - span["first"]).total_seconds(), 0.001)
    return done / seconds


def measure(options: dict) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    build(today)
    _vacuum()
    runs = [_one_sweep(now) for _ in range(options.get("repeat", 7))]
    return {
        "sweep_ms": round(statistics.median(run[0] for run in runs), 1),
        "sweep_queries": max(run[1] for run in runs),
        "sweep_reminders": runs[0][2],
        "sweep_due_steps": DUE_STEPS,
        "sweep_steps": Step.objects.count(),
        "delivery_per_s": round(_delivery_throughput(options.get("deliveries", 500), now), 1),
    }
