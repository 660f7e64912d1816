"""The housekeeping task Celery beat runs (navigator/settings.py, CELERY_BEAT_SCHEDULE): thin,
no arguments, idempotent — a second run finds nothing more to remove."""

import dataclasses

from celery import shared_task
from django.db import DatabaseError

from cases.housekeeping.cleanup import housekeeping_run


@shared_task(
    acks_late=True,
    soft_time_limit=240,
    time_limit=270,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def housekeeping() -> dict[str, int]:
    """What was removed, counts only."""
    return dataclasses.asdict(housekeeping_run())
