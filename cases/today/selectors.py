"""Every list on Today, each one query whatever its length.

A social worker's Today lists the cases they own or cover today (a covered colleague's rows
carry that colleague's name); a supervisor's lists the whole team's, or one social worker's
(`worker`), beside a table of counts per worker and per list.

The day is the team's calendar date (`team_today`). On a day that is not a business day (a
weekend, a public holiday) the rules are the same, said plainly on the page: *Due today* lists
what is due on that calendar date (usually nothing: due dates fall on business days unless
someone moved one there), *Overdue* lists every step due before that date, and its days
overdue are business days counted up to the last business day (a step due on Friday is, on
Saturday and Sunday, 0 business days overdue: "due on the last business day").

Which steps: *Due today* and *Overdue* are steps in progress on open cases (a blocked step is
listed under *Blocked* only, with its due date). Cases on hold are paused: only their review
date, their follow-ups, their records requests and their patient's questions are listed.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.urls import reverse
from django.utils import timezone

from cases.access import caseload_owner_ids, is_supervisor
from cases.business_days import add_business_days, is_business_day
from cases.models import (
    Appointment,
    Case,
    CaseVisit,
    ChecklistItem,
    DistressScreening,
    FollowUp,
    PatientQuestion,
    RecordsRequest,
    Stage,
    Step,
    Urgency,
)
from cases.models.staff import name_from_parts
from cases.today import statements
from cases.today.scope import Day, Scope

# Rows per list on the summary (each list then links to all of its rows), and per page when
# one list is shown whole.
LIST_CAP = 10
PAGE_SIZE = 25
# Case statuses whose follow-ups, records requests and patient questions Today lists.
ACTIVE = (Case.Status.OPEN, Case.Status.ON_HOLD)


def scope_for(user, *, worker=None) -> Scope:
    """A social worker: the cases they own or cover today, their follow-ups and those of the
    colleagues they cover (one query). A supervisor: the team, or `worker`'s cases and
    follow-ups."""
    if is_supervisor(user):
        if worker is None:
            return Scope(user.pk, None, supervisor=True)
        return Scope(user.pk, [worker.pk], supervisor=True, worker=worker)
    owners = sorted(row["pk"] for row in caseload_owner_ids(user))
    return Scope(user.pk, owners, supervisor=False)


def _mine(rows: QuerySet, scope: Scope, owner: str = "case__social_worker_id") -> QuerySet:
    """`rows` narrowed to the scope's people, through the field `owner` names."""
    if scope.owner_ids is None:
        return rows
    return rows.filter(**{f"{owner}__in": scope.owner_ids})


def day_for(now: datetime.datetime | None = None) -> Day:
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = today if is_business_day(today) else add_business_days(today, -1)
    return Day(now=now, today=today, last_business_day=last)


@dataclass(slots=True)
class Row:
    """One line of a Today list, ready to show."""

    case_id: int
    # The case page at the place where the action is done, leading back to Today.
    url: str
    patient: str
    mrn: str
    urgent: bool
    # Whose work it is, when not the viewer's own (a covered colleague; every row for a
    # supervisor): the case's social worker, or the follow-up's assignee.
    whose: str
    step: str
    # What the row is about, and when (typed text such as a block's reason included).
    what: str
    when: str
    late: bool
    action: str


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    empty: str
    # Whose the rows are, for the supervisor's counts per worker.
    owner_field: str
    queryset: Callable[[Scope, Day], QuerySet]
    order: tuple
    columns: tuple
    row: Callable[[dict, Day], dict]
    # The place on the case page where the action is done: an id, or a function of the row.
    anchor: Callable[[dict], str]
    # The same rows as hand-written SQL (`statements`), what the page runs; None: the page
    # runs `queryset`.
    statement: Callable[[Scope, Day], statements.Statement] | None = None


PATIENT_COLUMNS = (
    "case__patient__full_name",
    "case__patient__mrn",
    "case__urgency",
    "case__social_worker_id",
    "case__social_worker__first_name",
    "case__social_worker__last_name",
    "case__social_worker__username",
)


# Dates and times as the staff pages write them ("Mon Nov 30", "2:30 p.m."), formatted directly:
# Django's date filter would cost more than the rest of a row. Many rows share a date, and
# strftime costs more than a lookup: each date is written once per process.
@functools.lru_cache(maxsize=1024)
def _date(value: datetime.date) -> str:
    return f"{value:%a %b %-d}"


def _time(value: datetime.time | datetime.datetime) -> str:
    return f"{value:%-I:%M} {'a.m.' if value.hour < 12 else 'p.m.'}"


def _moment(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{_date(local.date())}, {_time(local)}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- steps ------------------------------------------------------------------------------------

STEP_COLUMNS = ("pk", "case_id", "stage", "due_date", "status_reason", "blocked_at")
STAGES = dict(Stage.choices)


def _few_cases_first(steps: QuerySet, scope: Scope, **next_due) -> QuerySet:
    """A few people's steps, found from their cases: the case's next due date is the earliest
    of its steps', so asking for it too lets the database start from the caseload's index
    (status, social worker, next due date) and walk a few dozen cases. The whole team's are
    found from the steps' own due-date index instead."""
    if scope.owner_ids is None:
        return steps
    return _mine(
        steps.filter(**{f"case__next_due_date__{op}": day for op, day in next_due.items()}), scope
    )


def _due_today(scope: Scope, day: Day) -> QuerySet:
    steps = Step.objects.filter(
        case__status=Case.Status.OPEN, status=Step.Status.IN_PROGRESS, due_date=day.today
    )
    return _few_cases_first(steps, scope, lte=day.today)


def _overdue(scope: Scope, day: Day) -> QuerySet:
    steps = Step.objects.filter(
        case__status=Case.Status.OPEN, status=Step.Status.IN_PROGRESS, due_date__lt=day.today
    )
    return _few_cases_first(steps, scope, lt=day.today)


def _blocked(scope: Scope, day: Day) -> QuerySet:
    steps = Step.objects.filter(case__status=Case.Status.OPEN, status=Step.Status.BLOCKED)
    return _mine(steps, scope)


def _due_today_row(value: dict, day: Day) -> dict:
    stage = STAGES.get(value["stage"], "")
    return {
        "step": stage,
        "what": "Due today",
        "when": _date(value["due_date"]),
        "late": False,
        "action": f"Finish {stage.lower()} today, or move its due date.",
    }


def overdue_text(due_date: datetime.date, day: Day) -> str:
    """How late a step is, in business days up to the last business day (see the module)."""
    late = day.business_days_late(due_date)
    if late <= 0:
        return "due on the last business day"
    return f"{_plural(late, 'business day')} overdue"


def _overdue_row(value: dict, day: Day) -> dict:
    stage = STAGES.get(value["stage"], "")
    return {
        "step": stage,
        "what": overdue_text(value["due_date"], day).capitalize(),
        "when": f"Due {_date(value['due_date'])}",
        "late": True,
        "action": f"Finish {stage.lower()}, or move its due date with a reason.",
    }


def _blocked_row(value: dict, day: Day) -> dict:
    stage = STAGES.get(value["stage"], "")
    since = value["blocked_at"]
    due = value["due_date"]
    late = due is not None and due < day.today
    when = f"Blocked since {_moment(since)}" if since else "Blocked"
    if due is not None:
        when += f" · due {_date(due)}" + (f", {overdue_text(due, day)}" if late else "")
    return {
        "step": stage,
        "what": value["status_reason"],
        "when": when,
        "late": late,
        "action": "Chase what blocks it, then unblock the step.",
    }


# --- follow-ups -------------------------------------------------------------------------------

FOLLOW_UP_COLUMNS = (
    "pk",
    "case_id",
    "what",
    "due_on",
    "due_time",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)


def _follow_ups(scope: Scope, day: Day) -> QuerySet:
    follow_ups = FollowUp.objects.filter(
        done_at__isnull=True, due_on__lte=day.today, case__status__in=ACTIVE
    )
    follow_ups = _mine(follow_ups, scope, "assignee_id")
    # A social worker's: on cases they may see (not a case whose cover has ended).
    return follow_ups if scope.supervisor else _mine(follow_ups, scope)


def _follow_up_row(value: dict, day: Day) -> dict:
    due_on, due_time = value["due_on"], value["due_time"]
    late = due_on < day.today
    when = "Due today" if not late else f"Due {_date(due_on)}, late"
    if due_time is not None:
        when += f" at {_time(due_time)}"
    return {
        "step": "Follow-up",
        "what": value["what"],
        "when": when,
        "late": late,
        "action": "Do it, then mark the follow-up done.",
    }


# --- records requests -------------------------------------------------------------------------

RECORDS_COLUMNS = (
    "pk",
    "case_id",
    "contact__name",
    "contact_other",
    "sent_on",
    "answer_due_on",
    "follow_up_on",
)


def _records(scope: Scope, day: Day) -> QuerySet:
    requests = RecordsRequest.objects.filter(
        Q(follow_up_on__lte=day.today) | Q(answer_due_on__lt=day.today),
        completed_on__isnull=True,
        case__status__in=ACTIVE,
    )
    return _mine(requests, scope)


def _records_row(value: dict, day: Day) -> dict:
    source = value["contact__name"] or value["contact_other"] or "the source"
    sent = f", sent {_date(value['sent_on'])}" if value["sent_on"] else ""
    answer_due = value["answer_due_on"]
    if answer_due is not None and answer_due < day.today:
        days = (day.today - answer_due).days
        return {
            "step": STAGES[Stage.RECORDS],
            "what": f"Records request to {source}{sent}",
            "when": f"Answer was due {_date(answer_due)}: {_plural(days, 'day')} late",
            "late": True,
            "action": f"Chase {source}: the answer is past its legal clock.",
        }
    return {
        "step": STAGES[Stage.RECORDS],
        "what": f"Records request to {source}{sent}",
        "when": f"Follow up on {_date(value['follow_up_on'])}",
        "late": value["follow_up_on"] < day.today,
        "action": f"Follow up with {source}.",
    }


# --- the patient's new questions --------------------------------------------------------------

QUESTION_COLUMNS = ("case_id",)


def _questions(scope: Scope, day: Day) -> QuerySet:
    """Per case, the patient's questions added or changed since the case was last opened (by
    the viewer, or by its owner on a supervisor's team view); never opened: all of them."""
    visits = CaseVisit.objects.filter(
        case=OuterRef("case_id"),
        user=OuterRef("case__social_worker_id") if scope.supervisor else scope.viewer_id,
    ).values("last_opened_at")[:1]
    return (
        _mine(PatientQuestion.objects.filter(case__status__in=ACTIVE), scope)
        .annotate(last_opened_at=Subquery(visits))
        .filter(Q(last_opened_at__isnull=True) | Q(updated_at__gt=F("last_opened_at")))
    )


def _question_row(value: dict, day: Day) -> dict:
    count = value["new_questions"]
    return {
        "step": "",
        "what": f"{_plural(count, 'new question')} from the patient",
        "when": f"Latest {_moment(value['latest_question'])}",
        "late": False,
        "action": "Read them; the specialist will see them at the appointment.",
    }


# --- appointments this week -------------------------------------------------------------------

APPOINTMENT_COLUMNS = ("pk", "case_id", "scheduled_at", "appointment_step_id")


def _appointments(scope: Scope, day: Day) -> QuerySet:
    """Booked from now until the end of the seventh day after today (team time zone), whose
    case's "told what to bring" checklist item is not ticked."""
    told = ChecklistItem.objects.filter(
        step__case_id=OuterRef("case_id"), told_what_to_bring=True, done_at__isnull=False
    )
    step = Step.objects.filter(case_id=OuterRef("case_id"), stage=Stage.APPOINTMENT).values("pk")[
        :1
    ]
    return (
        _mine(Appointment.objects.filter(case__status=Case.Status.OPEN), scope)
        .filter(scheduled_at__gte=day.now, scheduled_at__lt=day.appointments_end)
        .annotate(told=Exists(told), appointment_step_id=Subquery(step))
        .filter(told=False)
    )


def _appointment_row(value: dict, day: Day) -> dict:
    return {
        "step": STAGES[Stage.APPOINTMENT],
        "what": "Not yet told what to bring",
        "when": _moment(value["scheduled_at"]),
        "late": False,
        "action": "Tell the patient what to bring, then tick it on the checklist.",
    }


# --- holds to review --------------------------------------------------------------------------

HOLD_COLUMNS = ("pk", "status_reason", "hold_review_on")


def _holds(scope: Scope, day: Day) -> QuerySet:
    """On hold with a review date today or before, or with none (a hold made before holds
    took a date)."""
    cases = Case.objects.filter(status=Case.Status.ON_HOLD).filter(
        Q(hold_review_on__lte=day.today) | Q(hold_review_on__isnull=True)
    )
    return _mine(cases, scope, "social_worker_id")


def _hold_row(value: dict, day: Day) -> dict:
    review = value["hold_review_on"]
    return {
        "step": "",
        "what": f"On hold: {value['status_reason']}",
        "when": f"Review date {_date(review)}" if review else "No review date",
        "late": review is not None and review < day.today,
        "action": "Resume the case, or set a new review date.",
    }


# --- rescreening due (issue #14) ----------------------------------------------------------------

RESCREENING_COLUMNS = ("pk", "last_screened_on")


def _rescreening(scope: Scope, day: Day) -> QuerySet:
    """Open cases whose last distress screening was `RESCREENING_DAYS` or more days ago (one
    subquery per case, on the screenings' (case, day) index). A case never screened is not
    listed: its first screening is the case page's to ask for."""
    last = (
        DistressScreening.objects.filter(case=OuterRef("pk"))
        .order_by("-screened_on")
        .values("screened_on")[:1]
    )
    due_by = day.today - datetime.timedelta(days=settings.RESCREENING_DAYS)
    cases = Case.objects.filter(status=Case.Status.OPEN).annotate(last_screened_on=Subquery(last))
    return _mine(cases.filter(last_screened_on__lte=due_by), scope, "social_worker_id")


def _rescreening_row(value: dict, day: Day) -> dict:
    due_on = value["last_screened_on"] + datetime.timedelta(days=settings.RESCREENING_DAYS)
    return {
        "step": "",
        "what": f"Last distress screening {_date(value['last_screened_on'])}",
        "when": f"Rescreening due {_date(due_on)}",
        "late": due_on < day.today,
        "action": "Rescreen for distress.",
    }


KINDS: tuple[Kind, ...] = (
    Kind(
        "due-today",
        "Due today",
        "Nothing is due today.",
        "case__social_worker",
        _due_today,
        ("-case__urgency", "case_id", "pk"),
        STEP_COLUMNS,
        _due_today_row,
        lambda value: f"step-{value['pk']}",
        statement=statements.due_today,
    ),
    Kind(
        "overdue",
        "Overdue",
        "Nothing is overdue.",
        "case__social_worker",
        _overdue,
        ("due_date", "case_id", "pk"),
        STEP_COLUMNS,
        _overdue_row,
        lambda value: f"step-{value['pk']}",
        statement=statements.overdue,
    ),
    Kind(
        "blocked",
        "Blocked",
        "No step is blocked.",
        "case__social_worker",
        _blocked,
        (F("blocked_at").asc(nulls_first=True), "case_id", "pk"),
        STEP_COLUMNS,
        _blocked_row,
        lambda value: f"step-{value['pk']}",
        statement=statements.blocked,
    ),
    Kind(
        "follow-ups",
        "Follow-ups due or late",
        "No follow-up is due.",
        "assignee",
        _follow_ups,
        ("due_on", F("due_time").asc(nulls_first=True), "pk"),
        FOLLOW_UP_COLUMNS,
        _follow_up_row,
        lambda value: "follow-ups",
        statement=statements.follow_ups,
    ),
    Kind(
        "records-requests",
        "Records requests to chase",
        "No records request needs chasing.",
        "case__social_worker",
        _records,
        (F("answer_due_on").asc(nulls_last=True), "follow_up_on", "pk"),
        RECORDS_COLUMNS,
        _records_row,
        lambda value: "records-requests",
        statement=statements.records_requests,
    ),
    Kind(
        "questions",
        "New questions from patients",
        "No new questions since you last opened each case.",
        "case__social_worker",
        _questions,
        ("-latest_question", "case_id"),
        QUESTION_COLUMNS,
        _question_row,
        lambda value: "questions",
        statement=statements.questions,
    ),
    Kind(
        "appointments",
        "Appointments this week: what to bring",
        "Every patient with an appointment this week has been told what to bring.",
        "case__social_worker",
        _appointments,
        ("scheduled_at", "pk"),
        APPOINTMENT_COLUMNS,
        _appointment_row,
        lambda value: (
            f"step-{value['appointment_step_id']}"
            if value["appointment_step_id"]
            else "appointment"
        ),
        statement=statements.appointments,
    ),
    Kind(
        "holds",
        "Holds to review",
        "No hold is due for review.",
        "social_worker",
        _holds,
        (F("hold_review_on").asc(nulls_first=True), "pk"),
        HOLD_COLUMNS,
        _hold_row,
        lambda value: "status",
        statement=statements.holds,
    ),
    Kind(
        "rescreening",
        "Rescreening due",
        "No case is due for distress rescreening.",
        "social_worker",
        _rescreening,
        ("last_screened_on", "pk"),
        RESCREENING_COLUMNS,
        _rescreening_row,
        lambda value: "screening",
        statement=statements.rescreening,
    ),
)
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}


def _values(kind: Kind, scope: Scope, day: Day) -> QuerySet:
    """The kind's rows as plain values, ordered, with the patient and owner columns."""
    if kind.owner_field == "social_worker":  # rows that are cases: holds, rescreening
        columns = [
            *kind.columns,
            "patient__full_name",
            "patient__mrn",
            "urgency",
            "social_worker_id",
            "social_worker__first_name",
            "social_worker__last_name",
            "social_worker__username",
        ]
        return kind.queryset(scope, day).order_by(*kind.order).values(*columns)
    rows = kind.queryset(scope, day)
    if kind.slug == "questions":
        return (
            rows.values(*kind.columns, *PATIENT_COLUMNS)
            .annotate(new_questions=Count("pk"), latest_question=Max("updated_at"))
            .order_by(*kind.order)
        )
    return rows.order_by(*kind.order).values(*kind.columns, *PATIENT_COLUMNS)


def _case_column(value: dict, name: str):
    """A patient or owner column, whether the rows are cases or hang off one."""
    return value[f"case__{name}"] if f"case__{name}" in value else value[name]


def _whose(kind: Kind, value: dict, scope: Scope) -> str:
    prefix = "assignee" if kind.owner_field == "assignee" else None
    if prefix:
        owner_id = value["assignee_id"]
        parts = (value[f"{prefix}__{part}"] for part in ("first_name", "last_name", "username"))
    else:
        owner_id = _case_column(value, "social_worker_id")
        parts = (
            _case_column(value, f"social_worker__{part}")
            for part in ("first_name", "last_name", "username")
        )
    if owner_id == scope.viewer_id:
        return ""
    return name_from_parts(*parts)


@dataclass
class TodayList:
    kind: Kind
    total: int
    rows: list[Row] = field(default_factory=list)
    # Set when this list is shown whole, a page at a time.
    page: object = None

    @property
    def slug(self) -> str:
        return self.kind.slug

    @property
    def more(self) -> bool:
        return self.page is None and self.total > len(self.rows)


def case_url_parts() -> tuple[str, str]:
    """The case page's address before and after its id: every row's link differs only in the
    id, so the URL map is asked once a page, not once a row."""
    before, _, after = reverse("case_detail", args=[0]).rpartition("/0/")
    return before, after


def _rows(
    kind: Kind,
    values: list[dict],
    scope: Scope,
    day: Day,
    back_to: str,
    url_parts: tuple[str, str] | None = None,
) -> list[Row]:
    before, after = url_parts or case_url_parts()
    back = quote(f"{back_to}#{kind.slug}", safe="/")
    rows = []
    for value in values:
        case_id = value.get("case_id", value.get("pk"))
        shown = kind.row(value, day)
        rows.append(
            Row(
                case_id=case_id,
                url=f"{before}/{case_id}/{after}?next={back}#{kind.anchor(value)}",
                patient=_case_column(value, "patient__full_name"),
                mrn=_case_column(value, "patient__mrn"),
                urgent=_case_column(value, "urgency") == Urgency.URGENT,
                whose=_whose(kind, value, scope),
                **shown,
            )
        )
    return rows


def rows_of(kind: Kind, scope: Scope, day: Day, *, limit: int, offset: int = 0):
    """(the list's total, `limit` of its rows from `offset` as values), one query: the kind's
    statement, or its queryset where it has none (the total a window count either way)."""
    if kind.statement is not None:
        return statements.run(kind.statement(scope, day), limit=limit, offset=offset)
    rows = _values(kind, scope, day).annotate(listed_total=Window(Count("*")))
    values = list(rows[offset : offset + limit])
    return (values[0]["listed_total"] if values else 0), values


class _Listed:
    """One list for the Paginator: its total known already, each page one query."""

    def __init__(self, kind: Kind, scope: Scope, day: Day, total: int):
        self.kind, self.scope, self.day, self.total = kind, scope, day, total

    def count(self) -> int:
        return self.total

    def __getitem__(self, rows: slice) -> list[dict]:
        limit = rows.stop - rows.start
        return rows_of(self.kind, self.scope, self.day, limit=limit, offset=rows.start)[1]


def today_lists(
    scope: Scope, day: Day, *, back_to: str, show: str = "", page_number=None
) -> list[TodayList]:
    """Every list with its total and its first `LIST_CAP` rows (one query each); the list
    named `show` whole instead, a page of `PAGE_SIZE` at a time (one query more). `back_to` is
    the Today address each row's link leads back to."""
    url_parts = case_url_parts()
    return [
        _listed(
            kind,
            scope,
            day,
            back_to,
            whole=kind.slug == show,
            page_number=page_number,
            url_parts=url_parts,
        )
        for kind in KINDS
    ]


def _listed(
    kind: Kind, scope: Scope, day: Day, back_to: str, *, whole: bool, page_number, url_parts
) -> TodayList:
    """One list with its total and its first `LIST_CAP` rows (one query), or shown `whole`, a
    page of `PAGE_SIZE` at a time (one query more)."""
    total, values = rows_of(kind, scope, day, limit=LIST_CAP)
    listed = TodayList(kind, total)
    if whole:
        listed.page = Paginator(_Listed(kind, scope, day, total), PAGE_SIZE).get_page(page_number)
        values = listed.page.object_list
    listed.rows = _rows(kind, values, scope, day, back_to, url_parts)
    return listed


def supervisor_follow_ups(
    user, day: Day, *, back_to: str, whole: bool = False, page_number=None
) -> TodayList:
    """A supervisor's own follow-ups, due today or late, on any case: given to them, they are
    theirs to do, and the team's view lists no other rows. One query (one more shown whole)."""
    return _listed(
        KINDS_BY_SLUG["follow-ups"],
        Scope(user.pk, [user.pk], supervisor=True),
        day,
        back_to,
        whole=whole,
        page_number=page_number,
        url_parts=case_url_parts(),
    )


@dataclass(frozen=True)
class WorkerCounts:
    worker_id: int
    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def team_counts(workers: list, day: Day) -> list[WorkerCounts]:
    """For a supervisor: each social worker's count in every list (their own cases; their
    own follow-ups), one grouped query per list."""
    team = scope_for_team()
    by_kind = []
    for kind in KINDS:
        rows = kind.queryset(team, day).order_by()
        if kind.slug == "questions":
            grouped = rows.values(kind.owner_field).annotate(count=Count("case", distinct=True))
        else:
            grouped = rows.values(kind.owner_field).annotate(count=Count("pk"))
        by_kind.append({row[kind.owner_field]: row["count"] for row in grouped})
    return [
        WorkerCounts(
            worker.pk,
            name_from_parts(worker.first_name, worker.last_name, worker.get_username()),
            [counts.get(worker.pk, 0) for counts in by_kind],
        )
        for worker in workers
    ]


def team_totals(team: list[WorkerCounts]) -> list[TodayList]:
    """The lists of the whole team as totals only (no rows: a supervisor picks a worker to see
    rows; the team's overdue steps are in the *Overdue now* report)."""
    return [
        TodayList(kind, sum(person.counts[index] for person in team))
        for index, kind in enumerate(KINDS)
    ]


def scope_for_team() -> Scope:
    """Every case and follow-up, questions counted from each case owner's last visit."""
    return Scope(0, None, supervisor=True)
