"""Synthetic data: a demo team with realistic cases, and large data sets for benchmarks.

Every name, date of birth and number here is made up.

Why one module past ~400 lines: most of it is data (names, centres, the story of each demo
case), and the small demo and the bulk data sets share the team they are made for.
"""

import contextlib
import datetime
import functools
import operator
import queue
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from cases.access import SOCIAL_WORKERS, SUPERVISORS
from cases.business_days import add_business_days
from cases.demo import contacts as demo_contacts
from cases.demo import screening as demo_screening
from cases.models import (
    STAGE_ORDER,
    Appointment,
    Barrier,
    BarrierIntervention,
    Case,
    CaseEvent,
    CaseReason,
    CaseVisit,
    Centre,
    ChecklistItem,
    ChecklistTemplate,
    Contact,
    ContactLogEntry,
    DistressScreening,
    FollowUp,
    GliomaType,
    Grade,
    Insurance,
    Patient,
    PatientQuestion,
    Reason,
    RecordKind,
    RecordsRequest,
    RecordsRequestItem,
    Specialist,
    StaffProfile,
    Step,
    TumourType,
    Urgency,
)
from cases.models.workflow import normalise_mrn, patient_search_fields
from cases.patient import links as status_links
from cases.records import clocks as records_clocks
from cases.records import services as records_services
from cases.reports.histograms import report_histograms_rebuild
from cases.workflow import services

_T = TypeVar("_T")

DEMO_PASSWORD = "navigator-demo"  # noqa: S105 - printed for the demo; synthetic accounts only # nosec B105

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


def _user(username: str, first: str, last: str, group: str, password: Callable[[], str]):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "password": password,
        },
    )
    user.groups.add(Group.objects.get(name=group))
    StaffProfile.objects.get_or_create(
        user=user,
        defaults={
            "phone": "555-0150",
            "hours": "Monday to Friday, 8:30 am to 4:30 pm",
            "hours_es": "De lunes a viernes, de 8:30 a. m. a 4:30 p. m.",
        },
    )
    return user


def ensure_team() -> list[DemoLogin]:
    """The demo team, the admin account and the contacts directory, centres and their
    specialists included (idempotent)."""
    User = get_user_model()
    # Hashed once, when an account is made, for every demo account (a hash costs half a second
    # of CPU by design): synthetic accounts whose password is printed anyway.
    password = functools.cache(lambda: make_password(DEMO_PASSWORD))
    for username, first, last, group in TEAM:
        _user(username, first, last, group, password)
    User.objects.get_or_create(
        username="admin",
        defaults={
            "email": "admin@example.org",
            "password": password,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    demo_contacts.ensure_directory()
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


# The diagnosis mix of a brain-tumour second-opinion service, one entry per 5% of cases. Cases
# take their tumour type from their position, not from the random stream, so every other field
# stays what it was before tumour types existed.
TUMOUR_MIX = (
    [TumourType.GLIOMA] * 9
    + [TumourType.MENINGIOMA, TumourType.BRAIN_METASTASIS] * 3
    + [
        TumourType.CNS_LYMPHOMA,
        TumourType.EPENDYMOMA,
        TumourType.MEDULLOBLASTOMA,
        TumourType.SPINAL_CORD,
        TumourType.OTHER,
    ]
)


def diagnosis_fields(index: int, glioma_type: str, grade: str) -> dict:
    """The tumour type of the `index`-th synthetic case, with its drawn glioma type kept only
    for a glioma (every other tumour has none)."""
    tumour = TUMOUR_MIX[index * 7 % len(TUMOUR_MIX)]
    return {
        "tumour_type": tumour,
        "glioma_type": glioma_type if tumour == TumourType.GLIOMA else "",
        "grade": grade,
    }


def _case_fields(rng: random.Random, centres: list, specialists: list, index: int) -> dict:
    specialist = rng.choice(specialists)
    return {
        **diagnosis_fields(index, rng.choice(GliomaType.values), rng.choice(Grade.values)),
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
    rng = random.Random(2026)  # noqa: S311 - synthetic data, not security # nosec B311
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
            case_fields=_case_fields(rng, centres, specialists, index),
            reasons=rng.sample(Reason.values[:-1], k=rng.randint(1, 3)),
            now=opened,
        )
        _advance(case, worker=worker, supervisor=supervisor, rng=rng, opened=opened, now=now)
    seed_today(workers, now=now)
    demo_contacts.seed_demo_contact_log(now=now)
    demo_screening.seed_demo_screening(now=now)
    return count


def _current_step(case: Case, *, by, now: datetime.datetime) -> Step:
    """The case's current step, started if it was still pending."""
    step = case.steps.get(stage=case.current_stage)
    step.case = case
    if step.status == Step.Status.PENDING:
        services.step_set_status(step=step, status=Step.Status.IN_PROGRESS, by=by, now=now)
        step.refresh_from_db()
    return step


def seed_today(workers: list, *, now: datetime.datetime) -> None:
    """Give each demo social worker a full Today, through the services the pages use: two
    steps due today, one three business days overdue, one blocked, a hold whose review date
    has come, a patient's new questions, and an appointment this week whose "what to bring"
    is not ticked yet (follow-ups and records requests are seeded with their own parts)."""
    today = timezone.localdate(now)
    for worker in workers:
        cases = iter(
            Case.objects.filter(social_worker=worker, status=Case.Status.OPEN)
            .exclude(current_stage="")
            .order_by("pk")
        )
        for due in (today, today, add_business_days(today, -3)):
            step = _current_step(next(cases), by=worker, now=now)
            if step.status == Step.Status.IN_PROGRESS:
                services.due_date_move(
                    step=step,
                    due_date=due,
                    reason="Agreed with the records office on the phone.",
                    by=worker,
                    now=now,
                )
        blocked = _current_step(next(cases), by=worker, now=now)
        if blocked.status == Step.Status.IN_PROGRESS:
            services.step_set_status(
                step=blocked,
                status=Step.Status.BLOCKED,
                reason="Waiting for the patient to sign the records release.",
                by=worker,
                now=now - datetime.timedelta(days=2),
            )
        held_since = now - datetime.timedelta(days=10)
        services.case_set_status(
            case=next(cases),
            status=Case.Status.ON_HOLD,
            reason="Patient in hospital; the family will call when discharged.",
            review_on=timezone.localdate(held_since) + datetime.timedelta(days=10),
            by=worker,
            now=held_since,
        )
        asking = next(cases)
        issued = status_links.status_link_issue(
            case=asking, by=worker, now=now - datetime.timedelta(days=1)
        )
        for hours, text in ((20, "Will I need another MRI?"), (2, "Can my daughter come too?")):
            status_links.patient_question_add(
                link=issued.link, text=text, now=now - datetime.timedelta(hours=hours)
            )
        visiting = next(cases)
        services.appointment_update(
            appointment=visiting.appointment,
            by=worker,
            fields={
                "scheduled_at": now + datetime.timedelta(days=3, hours=2),
                "mode": Appointment.Mode.IN_PERSON,
                "address": visiting.centre.address if visiting.centre else "1 Example Way",
                "what_to_bring": "Photo ID, insurance card, the imaging disc, your questions.",
            },
            now=now,
        )


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
            review_on=add_business_days(timezone.localdate(now), 5),
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


BULK_WORKER = "bulk-worker-{number:04d}"


@functools.cache
def _name_search_fields(full_name: str) -> dict[str, str]:
    fields = patient_search_fields(full_name=full_name, mrn="")
    del fields["search_mrn"]
    return fields


def _search_fields(full_name: str, mrn: str) -> dict[str, str]:
    """`patient_search_fields`, its name columns worked out once per synthetic name."""
    return _name_search_fields(full_name) | {"search_mrn": normalise_mrn(mrn)}


def _bulk_workers(count: int) -> list:
    """The synthetic social workers `BULK_WORKER` 0 to `count` - 1, made in a few queries
    where missing (a new one joins the social workers' group)."""
    User = get_user_model()
    usernames = [BULK_WORKER.format(number=number) for number in range(count)]
    existing = User.objects.filter(username__startswith=BULK_WORKER.split("{")[0])
    found = {user.username: user for user in existing}
    made = User.objects.bulk_create(
        User(username=username, first_name="Bulk", last_name=f"Worker {number}")
        for number, username in enumerate(usernames)
        if username not in found
    )
    group = Group.objects.get(name=SOCIAL_WORKERS)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=group.pk) for user in made
    )
    found |= {user.username: user for user in made}
    return [found[username] for username in usernames]


def _as_is(value):
    return value


class _BulkTable:
    """Rows for one model, written with explicit ids: PostgreSQL's COPY, executemany elsewhere.

    `bulk_create` spends most of its time compiling SQL for each object; at 100,000 cases
    (over three million rows) that alone is minutes. Here each row is a dict of the fields that
    differ from the model's defaults, dates are adapted for the database once per value, and the
    ids are assigned here so related rows can point at them without reading anything back.
    Rows wait in memory only until the batch is flushed (a few thousand cases' worth).
    """

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.adapters = {
            field.attname: self._adapter(field)
            for field in self.fields
            if isinstance(field, models.DateField | models.JSONField)
        }
        blank = model()
        # Adapted once here; a value given to `add` is adapted there.
        self.defaults = {
            field.attname: self.adapters.get(field.attname, _as_is)(getattr(blank, field.attname))
            for field in self.fields
            if not field.primary_key
        }
        # The row's values in column order, as one tuple (itemgetter builds it in C).
        self.columns_of = operator.itemgetter(*(field.attname for field in self.fields))
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[tuple] = []
        if connection.vendor == "postgresql":
            # Binary COPY sends each value in its column's own format, parsed by nobody.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [model._meta.db_table],
                )
                types = dict(cursor.fetchall())
            self.types = [types[field.column] for field in self.fields]

    @staticmethod
    def _adapter(field):
        if isinstance(field, models.JSONField):
            return functools.partial(field.get_db_prep_value, connection=connection)
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        return connection.ops.adapt_datefield_value

    def add(self, **values) -> int:
        row_id = self.next_id
        self.next_id += 1
        row = self.defaults | values
        row["id"] = row_id
        for name, adapt in self.adapters.items():
            if name in values:
                row[name] = adapt(values[name])
        self.rows.append(self.columns_of(row))
        return row_id

    def take(self) -> list[tuple]:
        """The rows added since the last `take`, no longer held here."""
        rows, self.rows = self.rows, []
        return rows

    def flush(self) -> None:
        self.write(self.take())

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(field.column) for field in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows in one statement, several times quicker than
                # executemany's INSERTs.
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(self.types)
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 # nosec B608
                    rows,
                )


def _copy_checklists(first_step_id: int, last_step_id: int) -> None:
    """Every step's checklist from the active templates, in one INSERT ... SELECT, in step and
    template order; a finished records step has every item ticked, at the step's finish."""
    quote = connection.ops.quote_name
    item, step, template = ChecklistItem._meta, Step._meta, ChecklistTemplate._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(item.db_table)} "  # noqa: S608 # nosec B608 - names from models
            f"({quote('step_id')}, {quote('label')}, {quote('position')}, "
            f"{quote('told_what_to_bring')}, {quote('done_at')}) "
            f"SELECT s.{quote('id')}, t.{quote('label')}, t.{quote('position')}, "
            f"t.{quote('told_what_to_bring')}, "
            f"CASE WHEN s.{quote('stage')} = %s THEN s.{quote('finished_at')} END "
            f"FROM {quote(step.db_table)} s "
            f"JOIN {quote(template.db_table)} t ON t.{quote('stage')} = s.{quote('stage')} "
            f"WHERE t.{quote('active')} AND s.{quote('id')} BETWEEN %s AND %s "
            f"ORDER BY s.{quote('id')}, t.{quote('position')}, t.{quote('id')}",
            ["records", first_step_id, last_step_id],
        )


def bulk_span_days(total: int) -> int:
    """How many days back a data set of `total` bulk cases opened its completed cases: 1,500
    (about four years) up to 100,000 cases, ten years from 1,000,000 on, in proportion between
    (a large network has more years of history, not only more cases a day)."""
    if total <= 100_000:
        return 1500
    share = min(1.0, (total - 100_000) / 900_000)
    return round(1500 + share * (3653 - 1500))


_BULK_MODELS = (
    Patient,
    Case,
    Step,
    ChecklistItem,
    CaseReason,
    Insurance,
    Appointment,
    CaseEvent,
    RecordsRequest,
    RecordsRequestItem,
    DistressScreening,
    Barrier,
    BarrierIntervention,
    ContactLogEntry,
    FollowUp,
    PatientQuestion,
    CaseVisit,
)


@contextlib.contextmanager
def _bulk_load():
    """Where `seed_bulk` writes. On PostgreSQL: one transaction, in which the foreign keys of
    the tables it fills are dropped and, once every row is in, added back exactly as they were
    (same name and definition), which checks every row against them in one pass instead of a
    trigger per row; an error anywhere rolls it all back, keys included. Elsewhere (SQLite):
    nothing to do, each batch is its own transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.contype = 'f' AND c.relname = ANY(%s) ORDER BY c.relname, k.conname",
            [[model._meta.db_table for model in _BULK_MODELS]],
        )
        keys = cursor.fetchall()
        # A table with checks still pending in this transaction cannot be altered: run them
        # now (a caller's transaction may have written rows, as a test's does).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        yield
        # Each key is checked by one join over its table: room for it in memory, this
        # transaction only.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        # Back to each key's own timing (Django makes every one deferred to the commit).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _ahead(items: Iterator[_T]) -> Iterator[_T]:
    """`items`, each made in a thread while the caller uses the one before: the next batch's
    rows are computed while the database writes this one (waiting for the database releases
    the GIL, and the machine has more than one core). The thread only computes; every query
    stays on the caller's connection and transaction. At most one item waits in between."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def offer(entry) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer((item, None)):
                    return
            offer((end, None))
        except BaseException as error:  # handed to the caller, raised there
            offer((end, error))

    thread = threading.Thread(target=produce, name="seed-bulk-rows", daemon=True)
    thread.start()
    try:
        while True:
            item, error = handoff.get()
            if item is end:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


def seed_bulk(total: int, *, open_per_worker: int = 60, batch: int = 5000) -> int:
    """`total` cases by bulk insert (no history), for benchmarks: about 10% open, spread so
    each synthetic social worker (`BULK_WORKER`) has exactly `open_per_worker` open cases, the
    rest completed, opened over `bulk_span_days(total)`. Running it again tops the data set up
    to `total` and adds nothing more.

    Ids are assigned here (see `_BulkTable`): run it while nothing else writes to the database
    (on PostgreSQL the tables it fills are locked until it is done, see `_bulk_load`). What is
    derived from its rows (summaries kept for the reports) is rebuilt at its very end, once,
    after the ANALYZE that gives those queries their statistics.
    """
    rng = random.Random(total)  # noqa: S311 - synthetic data, not security # nosec B311
    # A second stream for completed cases' history, so the fields above stay as they were.
    history_rng = random.Random(total + 1)  # noqa: S311 - synthetic data # nosec B311
    existing = Patient.objects.filter(mrn__startswith="BULK").count()
    if existing >= total:
        return 0
    worker_count = max(1, total // 10 // open_per_worker)
    open_total = min(total, worker_count * open_per_worker)
    workers = _bulk_workers(worker_count)
    specialists = list(Specialist.objects.select_related("centre")) or [None]
    now = timezone.now()
    today = timezone.localdate(now)
    span = bulk_span_days(total)
    reason_choices = Reason.values[:-1]
    glioma_types, grades = GliomaType.values, Grade.values
    # The same answers as the functions they wrap, computed once per distinct argument (the
    # data set reuses a few thousand days and 576 names).
    business_days_from = functools.cache(add_business_days)
    follow_up_on = functools.cache(records_clocks.follow_up_default)
    local_day = functools.partial(timezone.localdate, timezone=timezone.get_current_timezone())
    tables = {
        model: _BulkTable(model)
        for model in (
            Patient,
            Case,
            Step,
            CaseReason,
            Insurance,
            Appointment,
            CaseEvent,
            RecordsRequest,
            RecordsRequestItem,
            DistressScreening,
            Barrier,
            BarrierIntervention,
        )
    }
    records_sources = _records_sources()
    # A third stream for screening and barriers (issue #14), so the fields above stay as they
    # were.
    screening_rng = random.Random(total + 2)  # noqa: S311 - synthetic data # nosec B311
    resource_ids = {
        resource.barrier_kind: resource.pk for resource in demo_screening.ensure_resources()
    }
    patients, cases, steps = tables[Patient], tables[Case], tables[Step]
    first_case_id = cases.next_id

    def batches() -> Iterator[tuple[dict, int]]:
        """Each batch's rows, table by table, with the id of its first step."""
        for start in range(existing, total, batch):
            stop = min(start + batch, total)
            first_step_id = steps.next_id
            for index in range(start, stop):
                is_open = index < open_total
                specialist = rng.choice(specialists)
                opened = now - datetime.timedelta(days=rng.randrange(1, 40 if is_open else span))
                stage_index = rng.randrange(4) if is_open else 4
                next_due = business_days_from(today, rng.randint(-8, 10)) if is_open else None
                urgency = Urgency.URGENT if rng.random() < 0.2 else Urgency.ROUTINE
                history = None if is_open else _completed_history(history_rng, opened, now)
                fields = _patient_fields(rng, index) | {"mrn": f"BULK{index:08d}"}
                # Bulk rows skip Patient.save(): fill the search columns it would.
                search = _search_fields(fields["full_name"], fields["mrn"])
                patient_id = patients.add(**fields, **search)
                case_id = cases.add(
                    patient_id=patient_id,
                    social_worker_id=workers[index % worker_count].pk,
                    **diagnosis_fields(index, rng.choice(glioma_types), rng.choice(grades)),
                    urgency=urgency,
                    centre_id=specialist.centre_id if specialist else None,
                    specialist_id=specialist.pk if specialist else None,
                    status=Case.Status.OPEN if is_open else Case.Status.COMPLETED,
                    current_stage=STAGE_ORDER[stage_index] if is_open else "",
                    next_due_date=next_due,
                    opened_at=opened,
                    closed_at=history[-1][1] if history else None,
                    updated_at=now,
                )
                for position, stage in enumerate(STAGE_ORDER):
                    finished, current = position < stage_index, position == stage_index
                    if history:
                        started_at, finished_at, due_date = history[position]
                    else:
                        started_at = opened if finished or current else None
                        finished_at = (
                            opened + datetime.timedelta(days=3 * position + 2) if finished else None
                        )
                        due_date = next_due if current else None
                    steps.add(
                        case_id=case_id,
                        stage=stage,
                        position=position,
                        status=Step.Status.DONE
                        if finished
                        else (Step.Status.IN_PROGRESS if current else Step.Status.PENDING),
                        started_at=started_at,
                        finished_at=finished_at,
                        due_date=due_date,
                    )
                for reason in rng.sample(reason_choices, k=2):
                    tables[CaseReason].add(case_id=case_id, reason=reason)
                tables[Insurance].add(
                    case_id=case_id, **_insurance_decision(history_rng, urgency, history)
                )
                tables[Appointment].add(
                    case_id=case_id, scheduled_at=history[-1][1] if history else None
                )
                tables[CaseEvent].add(
                    case_id=case_id,
                    kind=CaseEvent.Kind.OPENED,
                    summary="Case opened.",
                    created_at=opened,
                )
                if history or stage_index >= 2:
                    _bulk_records_request(
                        tables,
                        history_rng,
                        case_id=case_id,
                        worker_id=workers[index % worker_count].pk,
                        source_ids=records_sources,
                        records_stage=history[2] if history else None,
                        opened=opened,
                        today=today,
                        follow_up_on=follow_up_on,
                    )
                barrier_id = None
                for model, row in demo_screening.bulk_rows(
                    screening_rng,
                    case_id=case_id,
                    worker_id=workers[index % worker_count].pk,
                    opened=local_day(opened),
                    closed=local_day(history[-1][1]) if history else None,
                    today=today,
                    resource_ids=resource_ids,
                    created_at=now,
                ):
                    if model is BarrierIntervention:
                        row["barrier_id"] = barrier_id
                    row_id = tables[model].add(**row)
                    if model is Barrier:
                        barrier_id = row_id
            yield {model: table.take() for model, table in tables.items()}, first_step_id

    with _bulk_load():
        for rows, first_step_id in _ahead(batches()):
            with transaction.atomic():
                for model, table in tables.items():
                    table.write(rows[model])
                _copy_checklists(first_step_id, first_step_id + len(rows[Step]) - 1)
        _reset_id_sequences([*tables, ChecklistItem])
        _bulk_today(first_case_id, cases.next_id - 1, now=now)
        _bulk_contact_log(first_case_id=first_case_id, rng=rng, now=now)
    with connection.cursor() as cursor:
        # Fresh statistics, so the planner sees how selective "open" and a caseload are (SQLite
        # keeps none until asked; PostgreSQL's autovacuum would get there later). On PostgreSQL
        # also the visibility map, as autovacuum keeps it on a live database: without it every
        # index-only scan visits the table, and the reports' covering indexes go unused (at
        # 1,000,000 cases insurance took 920 ms without it, 409 ms with it). VACUUM cannot run
        # in a transaction (a test's): there, statistics only.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
    report_histograms_rebuild(now=now)
    return total - existing


def _bulk_today(first_case_id: int, last_case_id: int, *, now: datetime.datetime) -> None:
    """What fills Today at scale, among the cases just inserted: one open case in ten has its
    current step blocked, one in seven an appointment this week (nobody told what to bring yet),
    one in five two questions from the patient, half of them a visit by their social worker
    five days ago; one completed case in a hundred is on hold instead, with a review date up to
    ten days either side of today. Bulk updates and inserts, a few queries per thousand cases."""
    today = timezone.localdate(now)
    batch = 2000
    open_cases = list(
        Case.objects.filter(pk__range=(first_case_id, last_case_id), status=Case.Status.OPEN)
        .order_by("pk")
        .values_list("pk", "social_worker_id")
    )
    for start in range(0, len(open_cases), batch):
        chunk = open_cases[start : start + batch]
        Step.objects.filter(
            case_id__in=[pk for pk, _ in chunk if pk % 10 == 0], status=Step.Status.IN_PROGRESS
        ).update(
            status=Step.Status.BLOCKED,
            status_reason="The lab sent recuts; the paraffin block is still needed.",
            blocked_at=now - datetime.timedelta(days=3),
        )
        for days in range(7):
            Appointment.objects.filter(
                case_id__in=[pk for pk, _ in chunk if pk % 7 == 0 and pk // 7 % 7 == days]
            ).update(scheduled_at=now + datetime.timedelta(days=days, hours=2))
        asked = [pk for pk, _ in chunk if pk % 5 == 0]
        PatientQuestion.objects.bulk_create(
            PatientQuestion(
                case_id=pk,
                text=text,
                asked_by="patient",
                created_at=now - datetime.timedelta(days=pk % 10),
                updated_at=now - datetime.timedelta(days=pk % 10),
            )
            for pk in asked
            for text in ("Will I need another MRI?", "Can my daughter come too?")
        )
        CaseVisit.objects.bulk_create(
            CaseVisit(
                user_id=worker_id, case_id=pk, last_opened_at=now - datetime.timedelta(days=5)
            )
            for pk, worker_id in chunk
            if pk % 2 == 0
        )
    completed = Case.objects.filter(
        pk__range=(first_case_id, last_case_id), status=Case.Status.COMPLETED
    )
    held = [pk for pk in completed.values_list("pk", flat=True).iterator() if pk % 100 == 0]
    for start in range(0, len(held), batch):
        for offset in range(-10, 11):
            Case.objects.filter(
                pk__in=[pk for pk in held[start : start + batch] if pk // 100 % 21 - 10 == offset]
            ).update(
                status=Case.Status.ON_HOLD,
                status_reason="Waiting for the family to decide.",
                hold_review_on=today + datetime.timedelta(days=offset),
                closed_at=None,
            )


def _bulk_contact_log(*, first_case_id: int, rng: random.Random, now: datetime.datetime) -> None:
    """The open bulk cases from `first_case_id` on get a contact log like the demo's (issue
    #13): three calls each and an open follow-up, due from five business days ago to five
    ahead, so Today has late ones. Completed bulk cases get none."""
    contacts = list(Contact.objects.exclude(kind=Contact.Kind.CENTRE).values_list("pk", "phone"))
    if not contacts:
        return
    entries, follow_ups = _BulkTable(ContactLogEntry), _BulkTable(FollowUp)
    today = timezone.localdate(now)
    rows = Case.objects.filter(
        pk__gte=first_case_id, patient__mrn__startswith="BULK", status=Case.Status.OPEN
    ).values_list("pk", "social_worker_id", "opened_at")
    for case_id, worker_id, opened_at in rows.order_by("pk"):
        for _ in range(3):
            contact_id, phone = rng.choice(contacts)
            _kind, channel, outcome, note, _to_do = rng.choice(demo_contacts.CALLS)
            moment = min(
                opened_at + datetime.timedelta(hours=rng.randint(2, 24 * 5)),
                now - datetime.timedelta(minutes=5),
            )
            entries.add(
                case_id=case_id,
                author_id=worker_id,
                occurred_at=moment,
                channel=channel,
                direction="in" if outcome == "received" else "out",
                contact_id=contact_id,
                number_used=phone,
                outcome=outcome,
                note=note,
                created_at=moment,
            )
        follow_ups.add(
            case_id=case_id,
            what="Call back for the preauthorization decision",
            due_on=add_business_days(today, rng.randint(-5, 5)),
            assignee_id=worker_id,
            created_by_id=worker_id,
            created_at=now - datetime.timedelta(days=rng.randint(1, 7)),
        )
    with transaction.atomic():
        entries.flush()
        follow_ups.flush()
    _reset_id_sequences([ContactLogEntry, FollowUp])


def _reset_id_sequences(model_list: list) -> None:
    """After explicit ids, point PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


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


def _insurance_decision(rng: random.Random, urgency: str, history) -> dict:
    if not history:
        return {}
    requested = history[1][0].date()
    longest = 4 if urgency == Urgency.URGENT else 20
    decision = rng.choices(["approved", "denied", "appealed", "overturned"], [14, 3, 1, 2])[0]
    return {
        "payer": rng.choice(PAYERS),
        "preauthorization_required": "yes",
        "requested_on": requested,
        "decided_on": requested + datetime.timedelta(days=rng.randint(0, longest)),
        "decision": decision,
    }


# --- records requests (issue #13) ------------------------------------------------------------

RECORDS_SOURCES = [
    (
        Contact.Kind.RECORDS_OFFICE,
        "Springfield General Hospital, Release of Information",
        "555-0161",
    ),
    (Contact.Kind.RECORDS_OFFICE, "Riverton Medical Center, Health Information", "555-0162"),
    (Contact.Kind.PATHOLOGY_LAB, "Northcott Pathology Associates", "555-0163"),
    (Contact.Kind.PATHOLOGY_LAB, "Hillcrest University Neuropathology", "555-0164"),
    (Contact.Kind.IMAGING_CENTRE, "Brightwater Imaging", "555-0165"),
    (Contact.Kind.REFERRING_CLINIC, "Fairhaven Neurology Clinic", "555-0166"),
]
# What each kind of source is asked for.
RECORDS_ASKED = {
    Contact.Kind.RECORDS_OFFICE: [
        RecordKind.OPERATIVE_NOTE,
        RecordKind.TREATMENT_SUMMARY,
        RecordKind.PATHOLOGY_REPORT,
    ],
    Contact.Kind.PATHOLOGY_LAB: [RecordKind.SLIDES, RecordKind.MOLECULAR],
    Contact.Kind.IMAGING_CENTRE: [RecordKind.MRI_DICOM],
    Contact.Kind.REFERRING_CLINIC: [RecordKind.REFERRAL_LETTER, RecordKind.TREATMENT_SUMMARY],
}


def _records_sources() -> list[tuple[int, str]]:
    """The directory's records sources (idempotent): (id, kind) of each."""
    sources = []
    for kind, name, phone in RECORDS_SOURCES:
        contact, _ = Contact.objects.get_or_create(
            kind=kind,
            name=name,
            defaults={
                "phone": phone,
                "fax": phone[:-1] + "9",
                "address": "1 Example Way, Springfield",
                "hours": "Mon–Fri 8–4:30",
            },
        )
        sources.append((contact.pk, kind))
    return sources


def seed_demo_records(*, now: datetime.datetime | None = None) -> int:
    """Records requests for the demo's open cases past referral, through the services so each
    has its timeline: some sent days ago and waiting, some past their follow-up date, some
    late, some extended, some partly or wholly received, a few not sent yet. Does nothing when
    the demo cases have requests already."""
    demo_cases = Case.objects.filter(patient__mrn__startswith="DEMO")
    if RecordsRequest.objects.filter(case__in=demo_cases).exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(2613)  # noqa: S311 - synthetic data, not security # nosec B311
    sources = _records_sources()
    contacts = {
        contact.pk: contact for contact in Contact.objects.filter(pk__in=[pk for pk, _ in sources])
    }
    cases = (
        demo_cases.filter(status__in=[Case.Status.OPEN, Case.Status.ON_HOLD])
        .exclude(current_stage="referral")
        .select_related("social_worker")
        .order_by("pk")
    )
    made = 0
    # (days since sent or None, received: "none" / "some" / "all", extended)
    stories = [
        (2, "none", False),
        (7, "none", False),  # past its follow-up date
        (12, "some", False),
        (20, "all", False),
        (34, "none", False),  # past the legal clock
        (37, "some", False),  # late, partly received
        (40, "none", True),  # extended
        (None, "none", False),  # not sent yet
    ]
    for number, case in enumerate(cases):
        worker = case.social_worker
        for source_id, kind in rng.sample(sources, k=rng.choice([1, 1, 2])):
            # Never sent before the case was opened: the cases old enough for a late or
            # extended request get one, the others the rest in turn.
            age = (today - timezone.localdate(case.opened_at)).days
            told = [story for story in stories if (story[0] or 0) > 30 and story[0] <= age] or [
                story for story in stories if story[0] is None or story[0] <= 30
            ]
            days_ago, received, extended = told[(number + made) % len(told)]
            sent_on = today - datetime.timedelta(days=days_ago) if days_ago is not None else None
            asked = RECORDS_ASKED[kind]
            request = records_services.records_request_create(
                case=case,
                by=worker,
                kinds=rng.sample(asked, k=rng.randint(1, len(asked))),
                contact=contacts[source_id],
                method=RecordsRequest.Method.COURIER
                if kind == Contact.Kind.PATHOLOGY_LAB
                else RecordsRequest.Method.FAX,
                sent_on=sent_on,
                tracking_number=f"DEMO-TRK-{rng.randrange(10**5, 10**6)}"
                if kind == Contact.Kind.PATHOLOGY_LAB
                else "",
                release_reference=f"ROI-{today.year}-{rng.randrange(100, 999)}",
                now=now - datetime.timedelta(days=days_ago or 0),
            )
            made += 1
            if extended and sent_on is not None:
                records_services.records_request_extend(
                    records_request=request,
                    by=worker,
                    notice_on=sent_on + datetime.timedelta(days=25),
                    now=now - datetime.timedelta(days=days_ago - 25),
                )
            items = list(request.items.order_by("id"))
            arriving = items if received == "all" else items[:1] if received == "some" else []
            if received == "some" and len(items) == 1:
                arriving = []
            for item in arriving:
                records_services.records_item_receive(
                    item=item,
                    by=worker,
                    received_on=sent_on + datetime.timedelta(days=rng.randint(0, days_ago)),
                    now=now,
                )
    return made


def _bulk_records_request(
    tables: dict,
    rng: random.Random,
    *,
    case_id: int,
    worker_id: int,
    source_ids: list[tuple[int, str]],
    records_stage,
    opened: datetime.datetime,
    today: datetime.date,
    follow_up_on: Callable[[datetime.date], datetime.date],
) -> None:
    """One records request for a bulk case: a completed case's, sent when its records step
    started and wholly received by its end; an open case's, sent up to 45 days ago, some of it
    received, so the requests list has late, extended and waiting requests at scale."""
    source_id, kind = rng.choice(source_ids)
    asked = rng.sample(RECORDS_ASKED[kind], k=rng.randint(1, len(RECORDS_ASKED[kind])))
    if records_stage is not None:
        started, finished, _due = records_stage
        sent_on = started.date()
        last = max(finished.date(), sent_on)
        arrivals = [
            sent_on + datetime.timedelta(days=rng.randint(0, (last - sent_on).days)) for _ in asked
        ]
        created_at, extension = started, None
    else:
        sent_on = max(today - datetime.timedelta(days=rng.randint(0, 45)), opened.date())
        waited = (today - sent_on).days
        arrivals = [
            sent_on + datetime.timedelta(days=rng.randint(0, waited))
            if rng.random() < 0.4
            else None
            for _ in asked
        ]
        created_at = opened
        extension = (
            sent_on + datetime.timedelta(days=20) if waited > 30 and rng.random() < 0.3 else None
        )
    complete = all(arrivals)
    request_id = tables[RecordsRequest].add(
        case_id=case_id,
        contact_id=source_id,
        method=RecordsRequest.Method.FAX,
        sent_on=sent_on,
        extension_notice_on=extension,
        answer_due_on=records_clocks.answer_due_on(sent_on=sent_on, extension_notice_on=extension),
        follow_up_on=follow_up_on(sent_on),
        completed_on=max(arrivals) if complete else None,
        created_by_id=worker_id,
        created_at=created_at,
    )
    for record_kind, received_on in zip(asked, arrivals, strict=True):
        tables[RecordsRequestItem].add(
            request_id=request_id, kind=record_kind, received_on=received_on
        )
