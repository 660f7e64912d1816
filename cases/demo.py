"""Synthetic data: a demo team with realistic cases, and large data sets for benchmarks.

Every name, date of birth and number here is made up.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.access import SOCIAL_WORKERS, SUPERVISORS
from cases.business_days import add_business_days
from cases.models import (
    STAGE_ORDER,
    Appointment,
    Case,
    CaseEvent,
    CaseReason,
    Centre,
    ChecklistItem,
    ChecklistTemplate,
    GliomaType,
    Grade,
    Insurance,
    Patient,
    Reason,
    Specialist,
    StaffProfile,
    Step,
    Urgency,
)

DEMO_PASSWORD = "navigator-demo"  # noqa: S105 - printed for the demo; synthetic accounts only

FIRST_NAMES = [
    "Avery",
    "Jordan",
    "Rowan",
    "Quinn",
    "Emerson",
    "Harper",
    "Reese",
    "Sawyer",
    "Marlowe",
    "Lucía",
    "Mateo",
    "Camila",
    "Tomás",
    "Inés",
    "Noor",
    "Kenji",
    "Amara",
    "Dmitri",
    "Ife",
    "Soren",
    "Talia",
    "Wren",
    "Oakley",
    "Ellis",
]
LAST_NAMES = [
    "Ashdown",
    "Brightwater",
    "Calloway",
    "Dunmore",
    "Everly",
    "Fairhaven",
    "Glenrock",
    "Hollister",
    "Ivers",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Moorland",
    "Northcott",
    "Orchard",
    "Penhallow",
    "Quarry",
    "Rivington",
    "Stonebridge",
    "Thistlewood",
    "Underhill",
    "Vance",
    "Westbrook",
    "Yarrow",
]
PAYERS = ["Example Health Plan", "Sample Mutual", "Placeholder Care", "Demo Medicaid"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str


TEAM = [
    ("supervisor", "Sam", "Okafor", SUPERVISORS),
    ("alex", "Alex", "Rivera", SOCIAL_WORKERS),
    ("blair", "Blair", "Nguyen", SOCIAL_WORKERS),
    ("casey", "Casey", "Morgan", SOCIAL_WORKERS),
    ("devon", "Devon", "Patel", SOCIAL_WORKERS),
]

CENTRES = [
    (
        "Lakeside Brain Tumor Center",
        "100 Example Avenue, Springfield",
        "555-0100",
        ["Dr. Ada Merrow (neuro-oncology)", "Dr. Felix Arden (neuropathology)"],
    ),
    (
        "Riverbend Cancer Institute",
        "2 Placeholder Road, Riverton",
        "555-0110",
        ["Dr. Mina Sorell (neurosurgery)", "Dr. Paul Okonjo (radiation oncology)"],
    ),
    (
        "Hillcrest University Hospital",
        "77 Sample Street, Hillcrest",
        "555-0120",
        ["Dr. Greta Lindqvist (neuro-oncology)"],
    ),
]


def _user(username: str, first: str, last: str, group: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=group))
    StaffProfile.objects.get_or_create(
        user=user, defaults={"phone": "555-0150", "hours": "Monday to Friday, 8:30 am to 4:30 pm"}
    )
    return user


def ensure_team() -> list[DemoLogin]:
    """The demo team, the admin account and the centre directory (idempotent)."""
    User = get_user_model()
    for username, first, last, group in TEAM:
        _user(username, first, last, group)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD)
    for name, address, phone, specialists in CENTRES:
        centre, _ = Centre.objects.get_or_create(
            name=name, defaults={"address": address, "phone": phone}
        )
        for label in specialists:
            doctor, specialty = label.rstrip(")").split(" (")
            Specialist.objects.get_or_create(
                name=doctor, centre=centre, defaults={"specialty": specialty}
            )
    return [DemoLogin("admin", "administrator (Django admin)")] + [
        DemoLogin(username, "supervisor" if group == SUPERVISORS else "social worker")
        for username, _, _, group in TEAM
    ]


def _patient_fields(rng: random.Random, index: int) -> dict:
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
    language = "es" if rng.random() < 0.25 else "en"
    return {
        "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "date_of_birth": born,
        "mrn": f"DEMO{index:07d}",
        "preferred_language": language,
        "phone": f"555-01{rng.randrange(10, 99)}",
        "email": f"patient{index}@example.org",
        "preferred_contact": rng.choice(["phone", "sms", "email"]),
        "consent_to_reminders": rng.random() < 0.8,
    }


def _case_fields(rng: random.Random, centres: list, specialists: list) -> dict:
    specialist = rng.choice(specialists)
    return {
        "glioma_type": rng.choice(GliomaType.values),
        "grade": rng.choice(Grade.values),
        "diagnosis_notes": "",
        "reasons_other": "",
        "urgency": Urgency.URGENT if rng.random() < 0.2 else Urgency.ROUTINE,
        "centre": specialist.centre,
        "specialist": specialist,
        "centre_other": "",
        "specialist_other": "",
    }


@transaction.atomic
def seed_demo_cases(count: int = 120, *, now: datetime.datetime | None = None) -> int:
    """About `count` realistic cases spread across the team, made through the services so each
    carries a true history. Does nothing when demo cases already exist."""
    if Patient.objects.filter(mrn__startswith="DEMO").exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(2026)  # noqa: S311 - synthetic data, not security
    User = get_user_model()
    workers = list(User.objects.filter(groups__name=SOCIAL_WORKERS).order_by("username"))
    supervisor = User.objects.get(username="supervisor")
    centres = list(Centre.objects.all())
    specialists = list(Specialist.objects.select_related("centre"))
    for index in range(count):
        worker = workers[index % len(workers)]
        opened = now - datetime.timedelta(days=rng.randrange(0, 45), hours=rng.randrange(0, 9))
        case = services.case_open(
            opened_by=worker,
            social_worker=worker,
            patient_fields=_patient_fields(rng, index),
            case_fields=_case_fields(rng, centres, specialists),
            reasons=rng.sample(Reason.values[:-1], k=rng.randint(1, 3)),
            now=opened,
        )
        _advance(case, worker=worker, supervisor=supervisor, rng=rng, opened=opened, now=now)
    return count


def _advance(case: Case, *, worker, supervisor, rng, opened, now) -> None:
    """Move a fresh case along: some stages finished on time, some late, some still waiting."""
    target = rng.choices(range(6), weights=[3, 3, 3, 3, 2, 1])[0]  # 4 = completed, 5 = closed
    moment = opened
    insurance = case.insurance
    for stage in STAGE_ORDER[: min(target, 4)]:
        step = case.steps.get(stage=stage)
        moment = min(moment + datetime.timedelta(days=rng.randint(1, 9)), now)
        if stage == "preauthorization":
            fields = {
                "payer": rng.choice(PAYERS),
                "plan": "PPO",
                "member_id": f"M{rng.randrange(10**7, 10**8)}",
                "preauthorization_required": rng.choice(["yes", "no"]),
                "requested_on": (moment - datetime.timedelta(days=2)).date(),
                "decision": rng.choice(["approved", "approved", "denied", "overturned"]),
                "decided_on": moment.date(),
                "in_network": "yes",
            }
            services.insurance_update(insurance=insurance, by=worker, fields=fields, now=moment)
            if fields["preauthorization_required"] == "no":
                services.step_set_status(
                    step=step,
                    status=Step.Status.NOT_NEEDED,
                    by=worker,
                    reason="The plan needs no preauthorization for this visit.",
                    now=moment,
                )
                continue
        for item in step.checklist.all():
            services.checklist_item_set(item=item, done=True, by=worker, now=moment)
        step.refresh_from_db()
        if step.status == Step.Status.PENDING:
            services.step_set_status(
                step=step, status=Step.Status.IN_PROGRESS, by=worker, now=moment
            )
            step.refresh_from_db()
        services.step_set_status(step=step, status=Step.Status.DONE, by=worker, now=moment)
    if target >= 3:
        appointment = case.appointment
        services.appointment_update(
            appointment=appointment,
            by=worker,
            fields={
                "scheduled_at": now + datetime.timedelta(days=rng.randint(-20, 20), hours=2),
                "mode": rng.choice(["in_person", "video"]),
                "address": case.centre.address if case.centre else "",
                "video_link": "https://video.example.org/visit",
                "what_to_bring": "Photo ID, insurance card, the imaging disc, your questions.",
            },
            now=moment,
        )
    case.refresh_from_db()
    if target == 1 and rng.random() < 0.3:
        records = case.steps.get(stage="records")
        services.step_set_status(
            step=records, status=Step.Status.IN_PROGRESS, by=worker, now=moment
        )
    if target == 2 and rng.random() < 0.3:
        services.step_set_status(
            step=case.steps.get(stage="records"),
            status=Step.Status.BLOCKED,
            by=worker,
            reason="The lab sent recuts; the paraffin block is still needed.",
            now=moment,
        )
    if target >= 4:
        services.case_set_status(case=case, status=Case.Status.COMPLETED, by=worker, now=now)
    elif target == 0 and rng.random() < 0.25:
        services.case_set_status(
            case=case,
            status=Case.Status.ON_HOLD,
            by=worker,
            reason="Patient in hospital; resume when discharged.",
            now=now,
        )
    elif rng.random() < 0.05:
        services.case_set_status(
            case=case,
            status=Case.Status.WITHDRAWN,
            by=supervisor,
            reason="Patient chose to stay with the current team.",
            now=now,
        )
    if rng.random() < 0.5:
        services.note_add(
            case=case,
            author=worker,
            body="Called the records office; they will fax today.",
            now=min(moment + datetime.timedelta(hours=1), now),
        )


def seed_bulk(total: int, *, open_per_worker: int = 60, batch: int = 2000) -> int:
    """`total` cases by bulk insert (no history), for benchmarks: about 10% open, spread so
    each social worker has `open_per_worker` open cases, the rest completed."""
    rng = random.Random(total)  # noqa: S311 - synthetic data, not security
    # A second stream for completed cases' history, so the fields above stay as they were.
    history_rng = random.Random(total + 1)  # noqa: S311 - synthetic data, not security
    User = get_user_model()
    group = Group.objects.get(name=SOCIAL_WORKERS)
    existing = Patient.objects.filter(mrn__startswith="BULK").count()
    if existing >= total:
        return 0
    open_total = max(open_per_worker, total // 10)
    worker_count = max(1, open_total // open_per_worker)
    workers = []
    for number in range(worker_count):
        user, created = User.objects.get_or_create(
            username=f"bulk-worker-{number:04d}",
            defaults={"first_name": "Bulk", "last_name": f"Worker {number}"},
        )
        if created:
            user.groups.add(group)
        workers.append(user)
    specialists = list(Specialist.objects.select_related("centre")) or [None]
    templates = list(ChecklistTemplate.objects.filter(active=True))
    now = timezone.now()
    today = timezone.localdate(now)
    created_total = 0
    for start in range(existing, total, batch):
        stop = min(start + batch, total)
        with transaction.atomic():
            patients = Patient.objects.bulk_create(
                Patient(**(_patient_fields(rng, index) | {"mrn": f"BULK{index:08d}"}))
                for index in range(start, stop)
            )
            cases = []
            for offset, patient in enumerate(patients):
                index = start + offset
                is_open = index < open_total
                specialist = rng.choice(specialists)
                opened = now - datetime.timedelta(days=rng.randrange(1, 40 if is_open else 1500))
                stage_index = rng.randrange(4) if is_open else 4
                cases.append(
                    Case(
                        patient=patient,
                        social_worker=workers[index % worker_count],
                        glioma_type=rng.choice(GliomaType.values),
                        grade=rng.choice(Grade.values),
                        urgency=Urgency.URGENT if rng.random() < 0.2 else Urgency.ROUTINE,
                        centre=specialist.centre if specialist else None,
                        specialist=specialist,
                        status=Case.Status.OPEN if is_open else Case.Status.COMPLETED,
                        current_stage=STAGE_ORDER[stage_index] if is_open else "",
                        next_due_date=add_business_days(today, rng.randint(-8, 10))
                        if is_open
                        else None,
                        opened_at=opened,
                        closed_at=None if is_open else opened + datetime.timedelta(days=30),
                    )
                )
                cases[-1]._stage_index = stage_index
                if not is_open:
                    cases[-1]._history = _completed_history(history_rng, opened, now)
                    cases[-1].closed_at = cases[-1]._history[-1][1]
            Case.objects.bulk_create(cases)
            steps = []
            for case in cases:
                for position, stage in enumerate(STAGE_ORDER):
                    finished = position < case._stage_index
                    current = position == case._stage_index
                    steps.append(
                        Step(
                            case=case,
                            stage=stage,
                            position=position,
                            status=Step.Status.DONE
                            if finished
                            else (Step.Status.IN_PROGRESS if current else Step.Status.PENDING),
                            started_at=case.opened_at if finished or current else None,
                            finished_at=case.opened_at + datetime.timedelta(days=3 * position + 2)
                            if finished
                            else None,
                            due_date=case.next_due_date if current else None,
                        )
                    )
            for step in steps:
                history = getattr(step.case, "_history", None)
                if history:
                    step.started_at, step.finished_at, step.due_date = history[step.position]
            Step.objects.bulk_create(steps)
            steps_by_case_stage = {(s.case_id, s.stage): s for s in steps}
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    step=steps_by_case_stage[(case.pk, template.stage)],
                    label=template.label,
                    position=template.position,
                    done_at=_ticked_at(history_rng, steps_by_case_stage[(case.pk, template.stage)]),
                )
                for case in cases
                for template in templates
            )
            CaseReason.objects.bulk_create(
                CaseReason(case=case, reason=reason)
                for case in cases
                for reason in rng.sample(Reason.values[:-1], k=2)
            )
            Insurance.objects.bulk_create(
                Insurance(case=case, **_insurance_decision(history_rng, case)) for case in cases
            )
            Appointment.objects.bulk_create(
                Appointment(
                    case=case,
                    scheduled_at=case._history[-1][1] if hasattr(case, "_history") else None,
                )
                for case in cases
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case=case,
                    kind=CaseEvent.Kind.OPENED,
                    summary="Case opened.",
                    created_at=case.opened_at,
                )
                for case in cases
            )
        created_total += len(cases)
    return created_total


# Typical business days in each stage of a completed bulk case, and its time limit.
_BULK_STAGE_DAYS = {
    "referral": (1, 5, 3),
    "preauthorization": (1, 12, 7),
    "records": (3, 18, 10),
    "appointment": (3, 20, 15),
}


def _completed_history(
    rng: random.Random, opened: datetime.datetime, now: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime, datetime.date]]:
    """(started, finished, due date) of each stage of a completed bulk case, one after another;
    due dates are approximate (calendar days) to keep a large seed quick."""
    history = []
    moment = opened
    latest = now - datetime.timedelta(hours=1)
    for stage in STAGE_ORDER:
        shortest, longest, limit = _BULK_STAGE_DAYS[stage]
        started = min(moment, latest)
        finished = min(
            started + datetime.timedelta(days=rng.randint(shortest, longest) * 7 / 5), latest
        )
        due = (started + datetime.timedelta(days=limit * 7 // 5)).date()
        history.append((started, finished, due))
        moment = finished
    return history


def _ticked_at(rng: random.Random, step: Step) -> datetime.datetime | None:
    """When a finished records step's checklist item was ticked: during the step."""
    if step.stage != "records" or step.finished_at is None or step.started_at is None:
        return None
    return step.started_at + (step.finished_at - step.started_at) * rng.random()


def _insurance_decision(rng: random.Random, case: Case) -> dict:
    history = getattr(case, "_history", None)
    if not history:
        return {}
    requested = history[1][0].date()
    longest = 4 if case.urgency == Urgency.URGENT else 20
    decision = rng.choices(["approved", "denied", "appealed", "overturned"], [14, 3, 1, 2])[0]
    return {
        "payer": rng.choice(PAYERS),
        "preauthorization_required": "yes",
        "requested_on": requested,
        "decided_on": requested + datetime.timedelta(days=rng.randint(0, longest)),
        "decision": decision,
    }
