"""The one door to patient data.

A social worker sees the cases they own or cover (a Coverage row whose dates include today);
a supervisor sees every case; nobody else sees any. Every view that shows patient data fetches
its case through `get_case_for_user`, which answers 404 for a case the user may not see (the same
answer as for a case that does not exist), and renders its page through `render_case_page`,
which records the view in the audit trail. The view is recorded where the page is rendered, not
in the door, so that every response showing the case counts once whatever its method (a form
sent back with its errors shows the case again) and a write that redirects counts as its write.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cases.audit import audit_record
from cases.business_days import team_today
from cases.models import AuditEvent, Case, Coverage

SOCIAL_WORKERS = "Social workers"
SUPERVISORS = "Supervisors"
CARE_TEAM_GROUPS = (SOCIAL_WORKERS, SUPERVISORS)


def _group_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_navigator_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._navigator_groups = cached
    return cached


def remember_group_names(user, names) -> None:
    """Record the user's group names when they were loaded with the user (no further query)."""
    user._navigator_groups = frozenset(names)


def is_supervisor(user) -> bool:
    return SUPERVISORS in _group_names(user)


def is_social_worker(user) -> bool:
    return SOCIAL_WORKERS in _group_names(user)


def is_staff_member(user) -> bool:
    """A member of the care team: the only people who may use the staff pages."""
    return is_supervisor(user) or is_social_worker(user)


def covered_worker_ids(user) -> QuerySet:
    """Ids of the colleagues whose caseloads `user` covers today."""
    today = team_today()
    return Coverage.objects.filter(covering=user, starts_on__lte=today, ends_on__gte=today).values(
        "covered_id"
    )


def caseload_owner_ids(user) -> QuerySet:
    """Ids of `user` and of the colleagues they cover today: whose cases a social worker sees
    (and whose follow-ups Today lists for them)."""
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values("pk")
        .union(covered_worker_ids(user).order_by())
    )


def visible_cases(user) -> QuerySet[Case]:
    if is_supervisor(user):
        return Case.objects.all()
    if is_social_worker(user):
        # One IN over a UNION of the few people whose cases these are, so the database walks
        # the open-cases-by-worker index once per person; an OR across "mine" and "covered"
        # hides how few they are from the planner, which then scans every open case.
        return Case.objects.filter(social_worker__in=caseload_owner_ids(user))
    return Case.objects.none()


def get_case_for_user(
    request: HttpRequest,
    case_id: int,
    *,
    shape: Callable[[QuerySet[Case]], QuerySet[Case]] | None = None,
) -> Case:
    """The case if `request.user` may see it, else 404. Showing it is recorded by
    `render_case_page`.

    `shape` adds what a page needs (related records, annotations) to the same single query.
    """
    cases = visible_cases(request.user).select_related("patient", "social_worker")
    if shape is not None:
        cases = shape(cases)
    try:
        case = cases.get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("No case here.") from None
    return case


def render_case_page(
    request: HttpRequest, template_name: str, context: dict, *, case: Case, status: int = 200
) -> HttpResponse:
    """Render a page that shows `case`'s patient data, and record that `request.user` saw it."""
    case_view_record(request, case)
    return render(request, template_name, context, status=status)


def case_view_record(request: HttpRequest, case: Case) -> None:
    """Record that `request.user` is shown `case`: for a page that must list its own view
    (the access history), called before the page is read; otherwise `render_case_page`."""
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user, case=case, obj=case)


@dataclass(frozen=True)
class Duplicates:
    """What intake's duplicate check tells the user about a patient's open cases."""

    # The cases the user may see: shown with number, owner, opening date and a link.
    visible: list[Case] = field(default_factory=list)
    # Whether there are others: of these the user learns only that one exists.
    unseen: bool = False

    def __bool__(self) -> bool:
        return bool(self.visible) or self.unseen


def duplicates_disclose(*, user, cases: list[Case]) -> Duplicates:
    """Tell `user` about the open `cases` of the patient they are entering: those they may see
    in full, the others only as a fact, so a colleague's caseload is not read through intake.
    What each case's disclosure was is recorded on that case."""
    if not cases:
        return Duplicates()
    visible_ids = set(
        visible_cases(user).filter(pk__in=[case.pk for case in cases]).values_list("pk", flat=True)
    )
    for case in cases:
        audit_record(
            action=AuditEvent.Action.VIEW,
            actor=user,
            case=case,
            obj=case,
            changes={
                "intake_duplicate_check": "case shown"
                if case.pk in visible_ids
                else "only that an open case exists"
            },
        )
    return Duplicates(
        visible=[case for case in cases if case.pk in visible_ids],
        unseen=any(case.pk not in visible_ids for case in cases),
    )
