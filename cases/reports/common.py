"""What several reports share: step states and the payers' clocks.

Definitions: `cases.reports.registry`."""

from django.db.models import Q

from cases.models import (
    Insurance,
    Step,
)

ACTIVE_STEP_STATUSES = (Step.Status.IN_PROGRESS, Step.Status.BLOCKED)
# A preauthorization decided: a decision day and a decision other than pending.
DECIDED = Q(decided_on__isnull=False) & ~Q(decision=Insurance.Decision.PENDING)
DENIED_AT_FIRST = (
    Insurance.Decision.DENIED,
    Insurance.Decision.APPEALED,
    Insurance.Decision.OVERTURNED,
)
# Payers' clocks for a preauthorization decision, in calendar days (72 hours = 3 days).
URGENT_CLOCK_DAYS = 3
STANDARD_CLOCK_DAYS = (7, 15)
