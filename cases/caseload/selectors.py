"""What the caseload shows after a bulk reassignment: its summary, with the patients named."""

from dataclasses import dataclass, field

from django.urls import reverse

from cases.access import visible_cases

# The session key for the outcome of the last bulk reassignment (case ids only), read once by
# the caseload page it redirects to.
REASSIGN_SESSION_KEY = "caseload_reassign"


@dataclass(frozen=True)
class NamedCase:
    case_id: int
    name: str
    url: str


@dataclass(frozen=True)
class ReassignSummary:
    """The calm account of a bulk reassignment shown at the top of the caseload, or the form's
    mistakes (with the boxes that were ticked, ticked again)."""

    to: str = ""
    reassigned: list[NamedCase] = field(default_factory=list)
    already: list[NamedCase] = field(default_factory=list)
    changed: list[NamedCase] = field(default_factory=list)
    closed: list[NamedCase] = field(default_factory=list)
    unseen: int = 0
    # The form's mistakes: (message, the id of the element it is about).
    errors: list[tuple[str, str]] = field(default_factory=list)
    checked: frozenset[int] = frozenset()
    social_worker: str = ""

    @property
    def case_ids(self) -> list[int]:
        """Every case the summary names, for the list's audit event."""
        named = [*self.reassigned, *self.already, *self.changed, *self.closed]
        return sorted(case.case_id for case in named)

    @property
    def left_alone(self) -> bool:
        return bool(self.changed or self.closed or self.unseen)


def reassign_summary(*, user, state: dict | None) -> ReassignSummary | None:
    """The summary for the session's `state` (see `cases.views.caseload`), the patients named
    in one query among the cases `user` may see now; None when there is nothing to say."""
    if not state:
        return None
    if "errors" in state:
        return ReassignSummary(
            errors=[(message, target) for message, target in state["errors"]],
            checked=frozenset(state.get("checked", [])),
            social_worker=str(state.get("social_worker") or ""),
        )
    outcome = state["outcome"]
    kinds = ("reassigned", "already", "changed", "closed")
    ids = [case_id for kind in kinds for case_id in outcome[kind]]
    names = dict(visible_cases(user).filter(pk__in=ids).values_list("pk", "patient__full_name"))
    before, _, after = reverse("case_detail", args=[0]).rpartition("/0/")

    def named(key: str) -> list[NamedCase]:
        return [
            NamedCase(case_id, names[case_id], f"{before}/{case_id}/{after}")
            for case_id in outcome[key]
            if case_id in names
        ]

    return ReassignSummary(
        to=state["to"],
        reassigned=named("reassigned"),
        already=named("already"),
        changed=named("changed"),
        closed=named("closed"),
        unseen=outcome["unseen"],
    )
