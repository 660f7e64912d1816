"""Reassigning several cases in one step."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.access import is_supervisor, visible_cases
from cases.models import Channel, Delivery, Reminder, Rule
from cases.reminders.sweep import deliveries_queue
from cases.workflow import services as workflow


@dataclass
class Reassignment:
    """What became of each selected case (ids; the page names the patients)."""

    reassigned: list[int] = field(default_factory=list)
    # Already with the chosen social worker (a colleague made the same choice, a double click).
    already: list[int] = field(default_factory=list)
    # Changed since the page was loaded (details, status or owner): left for a second look.
    changed: list[int] = field(default_factory=list)
    # Completed or withdrawn: a closed case keeps its owner.
    closed: list[int] = field(default_factory=list)
    # Not found among the cases this supervisor may see (how many: there is nothing to name).
    unseen: int = 0


@transaction.atomic
def cases_reassign(
    *,
    by,
    social_worker,
    selected: dict[int, int | None],
    now: datetime.datetime | None = None,
) -> Reassignment:
    """Give each selected case (id → the version the page showed, None when it did not say)
    to `social_worker` through `case_reassign`, and tell them once about all of them.

    1. The selected cases `by` may see are locked in id order, so two supervisors reassigning
       overlapping selections at once take turns case by case and never deadlock.
    2. Each is then judged on what the database holds: already with `social_worker`; closed;
       changed since the page was loaded (another version: the supervisor chose on what they
       saw, so it waits for a second look); else reassigned, in a savepoint of its own.
    3. The new owner's "case assigned" reminders (one per case, written by `case_reassign`)
       go out together in one delivery, queued once the transaction commits.
    """
    now = now or timezone.now()
    if not is_supervisor(by):
        raise workflow.TransitionError("Only a supervisor can reassign a case.")
    # No joins in the locking read: PostgreSQL re-checks a joined row against the case as a
    # colleague's transaction left it, and would drop a case whose owner just changed.
    cases = list(
        visible_cases(by).filter(pk__in=selected).select_for_update(no_key=True).order_by("pk")
    )
    outcome = Reassignment(unseen=len(selected) - len(cases))
    for case in cases:
        if case.social_worker_id == social_worker.pk:
            outcome.already.append(case.pk)
        elif case.is_closed:
            outcome.closed.append(case.pk)
        elif selected[case.pk] != case.version:
            outcome.changed.append(case.pk)
        else:
            workflow.case_reassign(
                case=case,
                social_worker=social_worker,
                by=by,
                expected_version=selected[case.pk],
                now=now,
            )
            outcome.reassigned.append(case.pk)
    if outcome.reassigned:
        _tell_together(social_worker, outcome.reassigned, now)
    return outcome


def _tell_together(social_worker, case_ids: list[int], now: datetime.datetime) -> None:
    """One message for every case given at once: their waiting reminders share one delivery
    (as a digest does), so the sweep does not send one email per case."""
    delivery = Delivery.objects.create(
        recipient=social_worker,
        case_id=case_ids[0] if len(case_ids) == 1 else None,
        channel=Channel.EMAIL,
        rule=Rule.REASSIGNED,
        created_at=now,
        next_attempt_at=now,
        queued_at=now,
    )
    Reminder.objects.filter(
        rule=Rule.REASSIGNED,
        recipient=social_worker,
        case_id__in=case_ids,
        due_at=now,
        delivery__isnull=True,
        released=0,
    ).update(delivery=delivery)
    deliveries_queue([delivery.pk])
