"""Reads of the screening part, each a fixed number of queries: the case page's panel (the
screenings, the barriers with what was done about each) and the caseload's count of open
barriers (a subquery in the caseload's one query)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cases.models import Barrier, BarrierIntervention, Case, DistressScreening, SupportResource
from cases.screening import rules

# How many screenings the case page lists (newest first); barriers are listed whole (a case
# has a handful).
CASE_PAGE_SCREENINGS = 20


@dataclass
class CasePanel:
    screenings: list[DistressScreening]
    barriers: list[Barrier]
    # The day the case is due for rescreening (its last screening's day plus the interval),
    # None when never screened or closed.
    rescreening_due_on: datetime.date | None
    rescreening_due: bool
    threshold: int

    @property
    def open_barriers(self) -> list[Barrier]:
        return [barrier for barrier in self.barriers if barrier.status == Barrier.Status.OPEN]

    @property
    def closed_barriers(self) -> list[Barrier]:
        return [barrier for barrier in self.barriers if barrier.status != Barrier.Status.OPEN]


def case_panel(case: Case, *, today: datetime.date) -> CasePanel:
    """The case page's screening and barriers: three queries (the screenings with who screened;
    the barriers; their interventions with each resource)."""
    screenings = list(
        DistressScreening.objects.filter(case=case).select_related("screened_by")[
            :CASE_PAGE_SCREENINGS
        ]
    )
    barriers = list(
        Barrier.objects.filter(case=case).prefetch_related(
            Prefetch(
                "interventions",
                queryset=BarrierIntervention.objects.select_related("resource"),
            )
        )
    )
    for screening in screenings:
        screening.needs_plan = rules.needs_plan(screening.score) and not screening.plan
    due_on = None
    if screenings and case.status == Case.Status.OPEN:
        due_on = rules.rescreening_due_on(screenings[0].screened_on)
    return CasePanel(
        screenings=screenings,
        barriers=barriers,
        rescreening_due_on=due_on,
        rescreening_due=due_on is not None and due_on <= today,
        threshold=rules.threshold(),
    )


def open_barrier_count() -> Subquery:
    """The number of open barriers of the outer case row, as a subquery (the caseload's one
    query counts them per row)."""
    return Coalesce(
        Subquery(
            Barrier.objects.filter(case=OuterRef("pk"), status=Barrier.Status.OPEN)
            .order_by()
            .values("case")
            .annotate(open_count=Count("pk"))
            .values("open_count"),
            output_field=IntegerField(),
        ),
        0,
    )


def resources() -> QuerySet:
    """The active resources, by name (the intervention chooser)."""
    return SupportResource.objects.filter(active=True).order_by("name")
