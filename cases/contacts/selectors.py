"""Reads of the contact part, each a fixed number of queries: the case page's contact log and
follow-ups, the directory as the chooser shows it, and who a follow-up may be assigned to."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from cases.access import SUPERVISORS
from cases.business_days import team_today
from cases.contacts.services import correction_refusal
from cases.models import Case, Contact, ContactLogEntry, Coverage, FollowUp

# How many of each list the case page shows (newest entries; open follow-ups first).
CASE_PAGE_ENTRIES = 50
CASE_PAGE_FOLLOW_UPS = 50


def case_contact_log(
    case: Case, *, user, now: datetime.datetime, limit: int = CASE_PAGE_ENTRIES
) -> list[ContactLogEntry]:
    """The case's contact log, newest first, with who logged each and its directory contact:
    one query. Each entry says whether `user` may correct it now (`can_correct`)."""
    entries = list(
        ContactLogEntry.objects.filter(case=case).select_related("contact", "author")[:limit]
    )
    for entry in entries:
        entry.can_correct = not correction_refusal(entry, user, now)
    return entries


def case_follow_ups(
    case: Case, *, today: datetime.date, limit: int = CASE_PAGE_FOLLOW_UPS
) -> list[FollowUp]:
    """The case's follow-ups: open ones first, soonest due first, then done ones, most recently
    done first; with assignee and who marked each done. One query. Each open one says whether
    it is late (due before today, team time) or due today."""
    follow_ups = list(
        FollowUp.objects.filter(case=case)
        .select_related("assignee", "done_by")
        .order_by(
            F("done_at").desc(nulls_first=True), "due_on", F("due_time").asc(nulls_first=True), "id"
        )[:limit]
    )
    for follow_up in follow_ups:
        open_ = follow_up.done_at is None
        follow_up.is_late = open_ and follow_up.due_on < today
        follow_up.is_due_today = open_ and follow_up.due_on == today
    return follow_ups


@dataclass(frozen=True)
class DirectoryGroup:
    label: str
    contacts: list[Contact]


def directory(*, include: int | None = None) -> list[DirectoryGroup]:
    """The active contacts grouped by kind, in the kinds' order, each group by name: one query.
    `include` keeps one inactive contact in (the one an entry being corrected names)."""
    contacts = Contact.objects.filter(Q(active=True) | Q(pk=include or 0)).order_by("name", "id")
    by_kind: dict[str, list[Contact]] = {kind: [] for kind in Contact.Kind.values}
    for contact in contacts:
        by_kind[contact.kind].append(contact)
    return [
        DirectoryGroup(Contact.Kind(kind).label, members)
        for kind, members in by_kind.items()
        if members
    ]


def follow_up_assignees(case: Case, *, keeping=None) -> QuerySet:
    """Who may be given a follow-up on `case`: its social worker, the colleagues covering them
    today, and the supervisors — active accounts, by name. One query. `keeping`: the person a
    follow-up being changed is for now, listed whatever has changed since (a cover that ended),
    so the form never shows someone else in their place."""
    today = team_today()
    covering = Coverage.objects.filter(
        covered_id=case.social_worker_id, starts_on__lte=today, ends_on__gte=today
    ).values("covering_id")
    who = Q(is_active=True) & (
        Q(pk=case.social_worker_id) | Q(pk__in=covering) | Q(groups__name=SUPERVISORS)
    )
    if keeping is not None:
        who |= Q(pk=keeping.pk)
    return (
        get_user_model()
        .objects.filter(who)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
