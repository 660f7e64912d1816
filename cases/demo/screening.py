"""Synthetic distress screening and barriers to care for the demo and the bulk data sets (issue
#14). Every name is made up.

- `ensure_resources`: the resources the administrator keeps (a ride programme, a lodging
  charity, a copay foundation, an interpreter service…); idempotent.
- `seed_demo_screening`: most open demo cases screened through the services — about one in
  four scoring 4 or more, most of those referred or with a reason, a few with no plan yet;
  of the cases opened over a month ago, one in three rescreened and the others due for it —
  and about half given one or two barriers, some resolved, one in ten closed unresolved;
- `bulk_rows`: the same as plain rows for `cases.demo.seed.seed_bulk`, for every bulk case.
"""

import datetime
import random
from collections.abc import Iterator

from django.utils import timezone

from cases.models import (
    PROBLEM_LABELS,
    Barrier,
    BarrierIntervention,
    BarrierKind,
    Case,
    CaseEvent,
    DistressScreening,
    SupportResource,
)
from cases.screening import rules, services

# (name, usually for, phone)
RESOURCES = [
    ("Example Ride Programme", BarrierKind.TRANSPORT, "555-0171"),
    ("Sample Lodging Charity", BarrierKind.DISTANCE, "555-0172"),
    ("Placeholder Copay Foundation", BarrierKind.COST, "555-0173"),
    ("Demo Insurance Navigators", BarrierKind.INSURANCE, "555-0174"),
    ("Example Interpreter Service", BarrierKind.LANGUAGE, "555-0175"),
    ("Sample Tablet Lending Library", BarrierKind.TECHNOLOGY, "555-0176"),
    ("Placeholder Respite Care", BarrierKind.CAREGIVING, "555-0177"),
    ("Demo Legal Aid Clinic", BarrierKind.IMMIGRATION, "555-0178"),
]
# Kinds weighted as a second-opinion team meets them: travel and money first.
BARRIER_WEIGHTS = {
    BarrierKind.TRANSPORT: 6,
    BarrierKind.DISTANCE: 8,
    BarrierKind.COST: 7,
    BarrierKind.INSURANCE: 5,
    BarrierKind.LANGUAGE: 2,
    BarrierKind.LITERACY: 2,
    BarrierKind.TECHNOLOGY: 3,
    BarrierKind.CAREGIVING: 3,
    BarrierKind.WORK: 3,
    BarrierKind.HOUSING: 1,
    BarrierKind.IMMIGRATION: 1,
    BarrierKind.OTHER: 1,
}
DESCRIPTIONS = {
    BarrierKind.TRANSPORT: "No car; the bus does not reach the centre",
    BarrierKind.DISTANCE: "The centre is 300 miles away and the visit takes two days",
    BarrierKind.COST: "The deductible is not met this year",
    BarrierKind.INSURANCE: "Out-of-network centre; the plan has not said yet",
    BarrierKind.LANGUAGE: "Prefers Spanish for medical conversations",
    BarrierKind.LITERACY: "Finds the letters from the insurer hard to follow",
    BarrierKind.TECHNOLOGY: "No device with a camera for the video visit",
    BarrierKind.CAREGIVING: "Cares for a parent at home",
    BarrierKind.WORK: "Spouse cannot take a day off",
    BarrierKind.HOUSING: "Staying with relatives for now",
    BarrierKind.IMMIGRATION: "Worried about giving details to the hospital",
    BarrierKind.OTHER: "Needs someone to look after the dog during the visit",
}
# Scores as the thermometer gives them: most low, a long tail up to 10.
SCORE_WEIGHTS = [8, 10, 12, 12, 9, 7, 6, 4, 3, 2, 1]
NO_REFERRAL_REASONS = [
    "Already sees a counsellor at home",
    "Declined for now; will call if things change",
    "Distress is about the wait; the appointment is booked",
]
UNRESOLVED_REASONS = ["The family decided not to travel", "No programme covers this area"]


def ensure_resources() -> list[SupportResource]:
    for name, kind, phone in RESOURCES:
        SupportResource.objects.get_or_create(
            name=name, defaults={"barrier_kind": kind, "phone": phone}
        )
    return list(SupportResource.objects.filter(active=True))


def _score(rng: random.Random) -> int:
    return rng.choices(range(11), weights=SCORE_WEIGHTS)[0]


def _problems(rng: random.Random, score: int) -> list[str]:
    return rng.sample(list(PROBLEM_LABELS), k=min(len(PROBLEM_LABELS), score // 2 + 1))


def _kind(rng: random.Random) -> str:
    return rng.choices(list(BARRIER_WEIGHTS), weights=list(BARRIER_WEIGHTS.values()))[0]


def _at(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """Mid-morning of `day` (team time), never later than now."""
    moment = datetime.datetime.combine(
        day, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    return min(moment, now)


def seed_demo_screening(*, now: datetime.datetime | None = None) -> int:
    """Screening and barriers on the open demo cases, through the services (a few unplanned
    high scores written directly, as ones made before the threshold was set). Does nothing
    when any screening exists. Returns the number of screenings."""
    if DistressScreening.objects.exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(14)  # noqa: S311 - synthetic data, not security # nosec B311
    resources = ensure_resources()
    by_kind = {resource.barrier_kind: resource for resource in resources}
    cases = Case.objects.filter(
        patient__mrn__startswith="DEMO", status__in=[Case.Status.OPEN, Case.Status.ON_HOLD]
    ).select_related("social_worker")
    made = 0
    for index, case in enumerate(cases.order_by("pk")):
        worker = case.social_worker
        opened = timezone.localdate(case.opened_at)
        if index % 8 != 7:  # seven cases in eight are screened
            day = min(opened + datetime.timedelta(days=rng.randint(0, 4)), today)
            _screen(case, worker, day, rng, now, unplanned=index % 23 == 5)
            made += 1
            rescreen = day + datetime.timedelta(days=rng.randint(26, 31))
            if index % 3 == 0 and rescreen <= today:  # the rest of the older ones are due
                _screen(case, worker, rescreen, rng, now, unplanned=False)
                made += 1
        if index % 2 == 0:
            for _ in range(rng.choice((1, 1, 2))):
                _barrier(case, worker, opened, rng, now, by_kind)
    return made


def _screen(case, worker, day, rng, now, *, unplanned: bool) -> None:
    score = max(_score(rng), rules.threshold()) if unplanned else _score(rng)
    fields = {
        "screened_on": day,
        "method": rng.choice(DistressScreening.Method.values),
        "score": score,
        "problems": _problems(rng, score),
    }
    if unplanned:
        screening = DistressScreening.objects.create(
            case=case, screened_by=worker, recorded_by=worker, created_at=_at(day, now), **fields
        )
        CaseEvent.objects.create(
            case=case,
            actor=worker,
            kind=CaseEvent.Kind.SCREENING,
            summary=services.screening_summary(screening),
            created_at=_at(day, now),
        )
        return
    plan = {}
    if rules.needs_plan(score):
        if rng.random() < 0.7:
            plan = {
                "plan": DistressScreening.Plan.REFERRAL,
                "referral_kind": rng.choice(DistressScreening.Referral.values[:-1]),
            }
        else:
            plan = {
                "plan": DistressScreening.Plan.NONE,
                "no_referral_reason": rng.choice(NO_REFERRAL_REASONS),
            }
    services.screening_record(case=case, by=worker, now=_at(day, now), **fields, **plan)


def _barrier(case, worker, opened, rng, now, by_kind) -> None:
    today = timezone.localdate(now)
    kind = _kind(rng)
    identified = min(opened + datetime.timedelta(days=rng.randint(0, 3)), today)
    resource = by_kind.get(kind)
    barrier = services.barrier_add(
        case=case,
        by=worker,
        kind=kind,
        description=DESCRIPTIONS[kind],
        identified_on=identified,
        resource=resource,
        intervention_note="" if resource else "Talked it through with the family",
        now=_at(identified, now),
    )
    closed = identified + datetime.timedelta(days=rng.randint(2, 20))
    if closed > today or rng.random() < 0.4:
        return
    unresolved = rng.random() < 0.15
    services.barrier_close(
        barrier=barrier,
        by=worker,
        status=Barrier.Status.UNRESOLVED if unresolved else Barrier.Status.RESOLVED,
        closed_on=closed,
        unresolved_reason=rng.choice(UNRESOLVED_REASONS) if unresolved else "",
        now=_at(closed, now),
    )


def bulk_rows(
    rng: random.Random,
    *,
    case_id: int,
    worker_id: int,
    opened: datetime.date,
    closed: datetime.date | None,
    today: datetime.date,
    resource_ids: dict[str, int],
    created_at: datetime.datetime,
) -> Iterator[tuple[type, dict]]:
    """One bulk case's screenings and barriers as (model, fields) rows, ids left to the caller
    (a barrier's interventions follow it and name it as `barrier_id=None`, filled in there).
    Four cases in five are screened at opening; one in three of those rescreened a month on;
    half have a barrier, resolved within three weeks unless the case is still open."""
    last_day = closed or today
    if rng.random() < 0.8:
        day = min(opened + datetime.timedelta(days=rng.randint(0, 9)), last_day)
        days = [day]
        rescreen = day + datetime.timedelta(days=rng.randint(25, 40))
        if rng.random() < 0.33 and rescreen <= last_day:
            days.append(rescreen)
        for screened_on in days:
            score = _score(rng)
            high = score >= rules.threshold()
            referral = high and rng.random() < 0.7
            plan = "" if not high else ("referral" if referral else "none")
            if high and rng.random() < 0.05:
                plan = ""
            yield (
                DistressScreening,
                {
                    "case_id": case_id,
                    "screened_on": screened_on,
                    "screened_by_id": worker_id,
                    "method": "phone",
                    "score": score,
                    "problems": [],
                    "plan": plan,
                    "referral_kind": "counselling" if plan == "referral" else "",
                    "no_referral_reason": NO_REFERRAL_REASONS[0] if plan == "none" else "",
                    "planned_on": min(
                        screened_on + datetime.timedelta(days=rng.randint(0, 3)), last_day
                    )
                    if plan
                    else None,
                    "recorded_by_id": worker_id,
                    "created_at": created_at,
                },
            )
    if rng.random() < 0.5:
        kind = _kind(rng)
        identified = min(opened + datetime.timedelta(days=rng.randint(0, 3)), last_day)
        closed_on = min(identified + datetime.timedelta(days=rng.randint(1, 21)), last_day)
        # A completed case's barrier was resolved by the end; an open case's, half the time.
        resolved = closed is not None or (closed_on < today and rng.random() < 0.5)
        yield (
            Barrier,
            {
                "case_id": case_id,
                "kind": kind,
                "identified_on": identified,
                "status": Barrier.Status.RESOLVED if resolved else Barrier.Status.OPEN,
                "closed_on": closed_on if resolved else None,
                "recorded_by_id": worker_id,
                "created_at": created_at,
            },
        )
        resource_id = resource_ids.get(kind)
        yield (
            BarrierIntervention,
            {
                "barrier_id": None,
                "resource_id": resource_id,
                "note": "" if resource_id else "Talked it through with the family",
                "done_on": identified,
                "recorded_by_id": worker_id,
                "created_at": created_at,
            },
        )
