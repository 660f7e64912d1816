"""A real worker with beat, after a supervisor reassigns a case whose reminder is already waiting
for the old owner: the new owner hears (that the case is theirs, and the reminder), the old one
never does (see test_reminder_worker.py for
how the worker runs)."""

import pytest
from django.urls import reverse

from cases.models import Delivery, Reminder
from cases.reminders import sweep as reminders
from tests import factories
from tests.browser_form import submit
from tests.reminders.test_worker import overdue_cases, sent_emails, start_worker, stop, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_reminder_waiting_for_the_old_owner_goes_to_the_new_one(tmp_path, client):
    alex, sam = overdue_cases(1)
    blair = factories.social_worker("blair", first_name="Blair", last_name="Nguyen")
    case = alex.cases.get()
    reminders.sweep()
    assert Delivery.objects.filter(recipient=alex, status="pending").exists()
    # This sweep queued its tasks on this process's broker, which the worker does not read:
    # as after a lost message, the worker's beat queues them again.
    Delivery.objects.update(queued_at=None)
    client.force_login(sam)
    moved = submit(
        client,
        reverse("case_detail", args=[case.pk]),
        reverse("case_reassign", args=[case.pk]),
        social_worker=blair.pk,
    )
    assert moved.status_code == 302

    def finished() -> bool:
        statuses = sorted(Delivery.objects.values_list("recipient__username", "status"))
        return statuses == [
            ("alex", "cancelled"),
            ("blair", "sent"),
            ("blair", "sent"),
            ("sam", "sent"),
        ]

    worker = start_worker(tmp_path, "solo", beat=True)
    try:
        wait_until(finished, timeout=90, logs=tmp_path)
    finally:
        stop(worker)
    assert sorted(to for to, _ in sent_emails(tmp_path)) == [blair.email, blair.email, sam.email]
    assert sorted(Reminder.objects.values_list("recipient__username", "rule")) == [
        ("alex", "overdue"),
        ("blair", "overdue"),
        ("blair", "reassigned"),
        ("sam", "escalation"),
    ]
