"""The one write Today needs: when a staff member last opened a case's page."""

import datetime

from django.utils import timezone

from cases.models import Case, CaseVisit


def case_visit_record(*, user, case: Case, now: datetime.datetime | None = None) -> None:
    """Remember that `user` opened `case`'s page now: one upsert (INSERT … ON CONFLICT DO
    UPDATE), whether or not they had opened it before. Not a change to the case, so neither a
    timeline line nor an audit event: the page view itself is in the audit trail."""
    CaseVisit.objects.bulk_create(
        [CaseVisit(user=user, case=case, last_opened_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "case"],
        update_fields=["last_opened_at"],
    )
