"""Reads that need care: the caseload and the case page, each at a fixed number of queries."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from cases.access import (
    SOCIAL_WORKERS,
    visible_cases,
)
from cases.business_days import team_today
from cases.models import (
    STAGE_ORDER,
    Case,
    CaseEvent,
    CaseReason,
    ChecklistItem,
    PatientQuestion,
    Reason,
    Stage,
    StatusLink,
    Step,
    Urgency,
)
from cases.models.staff import name_from_parts
from cases.models.workflow import name_key, normalise_for_search, normalise_mrn


@dataclass(frozen=True)
class CaseloadFilters:
    stage: str = ""
    urgency: str = ""
    due: str = ""  # "", "overdue" or "week"
    status: str = Case.Status.OPEN
    social_worker: int | None = None
    search: str = ""
    sort: str = "due"  # a column of CASELOAD_SORTS, "-" before it for the reverse order


@dataclass(frozen=True)
class SortColumn:
    """A caseload column that sorts when its header is clicked: its ORDER BY from least to most
    (`ascending`) and from most to least (`descending`), each given today's date, and the
    direction a first click picks."""

    label: str
    ascending: Callable[[datetime.date], list]
    descending: Callable[[datetime.date], list]
    # How each order reads: (ascending, descending).
    words: tuple[str, str]
    first: str = "ascending"


def _stage_position() -> SqlCase:
    """A stage's place in the workflow; all steps finished ("") after the last stage."""
    return SqlCase(
        *(When(current_stage=stage, then=Value(index)) for index, stage in enumerate(STAGE_ORDER)),
        default=Value(len(STAGE_ORDER)),
        output_field=IntegerField(),
    )


def _overdue_since(today: datetime.date) -> SqlCase:
    """The next due date of an overdue case, else NULL: the earlier, the more days overdue."""
    return SqlCase(
        When(next_due_date__lt=today, then=F("next_due_date")),
        default=None,
        output_field=DateField(),
    )


CASELOAD_SORTS: dict[str, SortColumn] = {
    # By the name as it reads, case and accents aside (`Patient.sort_name`, indexed).
    "patient": SortColumn(
        "Patient",
        lambda today: [F("patient__sort_name").asc()],
        lambda today: [F("patient__sort_name").desc()],
        ("A to Z", "Z to A"),
    ),
    # The workflow's order of stages; all steps finished after the last.
    "stage": SortColumn(
        "Current stage",
        lambda today: [_stage_position().asc()],
        lambda today: [_stage_position().desc()],
        ("referral first", "appointment first"),
    ),
    # Soonest due (so the most overdue) first; undated cases (nothing started, every step
    # finished) last either way.
    "due": SortColumn(
        "Next due",
        lambda today: [F("next_due_date").asc(nulls_last=True)],
        lambda today: [F("next_due_date").desc(nulls_last=True)],
        ("most overdue first", "latest due first"),
    ),
    # Fewest days overdue first: cases not overdue (0 days), then the latest due dates; a
    # first click shows the most overdue first.
    "overdue": SortColumn(
        "Days overdue",
        lambda today: [_overdue_since(today).desc(nulls_first=True)],
        lambda today: [_overdue_since(today).asc(nulls_last=True)],
        ("fewest days overdue first", "most days overdue first"),
        first="descending",
    ),
    # Routine before urgent ("routine" sorts before "urgent" as text, as in its index); a first
    # click shows urgent cases first.
    "urgency": SortColumn(
        "Urgency",
        lambda today: [F("urgency").asc()],
        lambda today: [F("urgency").desc()],
        ("routine first", "urgent first"),
        first="descending",
    ),
}
DEFAULT_SORT = "due"


def sort_parse(value: str) -> str:
    """A `?sort=` value from the URL if it names a column (with "-" for the reverse), else the
    default: most overdue first."""
    return value if value.removeprefix("-") in CASELOAD_SORTS else DEFAULT_SORT


def sort_words(sort: str) -> str:
    """How a valid `sort` value reads: "patient, Z to A"."""
    column = CASELOAD_SORTS[sort.removeprefix("-")]
    return f"{column.label.lower()}, {column.words[sort.startswith('-')]}"


def caseload_order(sort: str, today: datetime.date) -> list:
    """ORDER BY for a valid `sort` value, with a stable tie-breaker: cases equal in the chosen
    column keep the default order (next due date, undated last), then their number, so paging
    never shows a case twice or skips one."""
    column = CASELOAD_SORTS[sort.removeprefix("-")]
    order = (column.descending if sort.startswith("-") else column.ascending)(today)
    return [*order, F("next_due_date").asc(nulls_last=True), "pk"]


# What a caseload row shows, fetched as plain values: no model instances for a page of rows.
CASELOAD_COLUMNS = (
    "pk",
    "patient__full_name",
    "patient__mrn",
    "current_stage",
    "next_due_date",
    "urgency",
    "status",
    "hold_review_on",
)
WORKER_COLUMNS = (
    "social_worker__first_name",
    "social_worker__last_name",
    "social_worker__username",
)
# A supervisor's rows also carry the case's version: a reassignment from the list is refused
# for a case changed since the page was loaded.
SUPERVISOR_COLUMNS = (*WORKER_COLUMNS, "version")


def caseload(*, user, filters: CaseloadFilters, today: datetime.date | None = None) -> QuerySet:
    """Cases `user` may see, filtered and sorted. Count them as they are (no joins the filters
    do not need); fetch a page of them through `caseload_values`.

    Cases with no due date (nothing started) sort after every dated one.
    """
    today = today or team_today()
    cases = visible_cases(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.stage:
        cases = cases.filter(current_stage=filters.stage)
    if filters.urgency:
        cases = cases.filter(urgency=filters.urgency)
    if filters.due == "overdue":
        cases = cases.filter(next_due_date__lt=today)
    elif filters.due == "week":
        monday = today - datetime.timedelta(days=today.weekday())
        cases = cases.filter(
            next_due_date__gte=monday, next_due_date__lte=monday + datetime.timedelta(days=6)
        )
    if filters.social_worker:
        cases = cases.filter(social_worker_id=filters.social_worker)
    if filters.search:
        cases = cases.filter(search_q(filters.search))
    return cases.order_by(*caseload_order(sort_parse(filters.sort), today))


def search_q(term: str) -> Q:
    """Cases whose patient's name holds every word of `term`, in any order, or whose MRN holds
    `term`; case, accents and spacing ignored on both sides (`normalise_for_search`)."""
    words = normalise_for_search(term).split()
    if not words:
        return Q()
    by_name = Q(*(Q(patient__search_name__contains=word) for word in words))
    mrn = normalise_mrn(term)
    return by_name | Q(patient__search_mrn__contains=mrn) if mrn else by_name


def caseload_values(cases: QuerySet[Case], *, with_worker: bool = False) -> QuerySet:
    """A page of `caseload` (a slice of it) as plain values (CASELOAD_COLUMNS, and the social
    worker's name and the version for a supervisor): one query, and no model instances.

    The page's cases are chosen by id in a subquery that joins nothing the order does not
    need, and only those rows are joined to their patient and social worker: a supervisor's
    list of every case joined first and sorted after took seconds at 100,000 cases."""
    page = Case.objects.filter(pk__in=cases.values("pk")).order_by(*cases.query.order_by)
    return page.values(*CASELOAD_COLUMNS, *(SUPERVISOR_COLUMNS if with_worker else ()))


# A page number past this is past the end of any caseload: the page is not fetched by an OFFSET
# the database cannot hold, but answered as any page past the end (`caseload_page`).
CASELOAD_MAX_PAGE = 10**9


def caseload_page(
    cases: QuerySet[Case], number, *, with_worker: bool = False, **annotations
) -> tuple[Page, list[dict]]:
    """Page `number` of `caseload` (read as `Paginator.get_page` reads it: not a whole number,
    the first page; before the first or past the last, the last) and its rows as
    `caseload_values` with `annotations`: one query. The count of all of `cases` comes back in
    each row (`listed_total`, a subquery the database runs once), not as a statement of its own;
    only a page that finds no rows (past the end) costs the count and the last page's rows."""
    paginator = Paginator(cases, CASELOAD_PAGE_SIZE)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    if 1 <= wanted <= CASELOAD_MAX_PAGE:
        first = (wanted - 1) * CASELOAD_PAGE_SIZE
        rows = list(
            caseload_values(cases[first : first + CASELOAD_PAGE_SIZE], with_worker=with_worker)
            .annotate(**annotations)
            .annotate(listed_total=_count_of(cases))
        )
        if rows or wanted == 1:
            paginator.count = rows[0]["listed_total"] if rows else 0
            return paginator.page(wanted), rows
    page = paginator.get_page(wanted)
    rows = list(caseload_values(page.object_list, with_worker=with_worker).annotate(**annotations))
    return page, rows


def _count_of(cases: QuerySet[Case]) -> Subquery:
    """COUNT(*) of `cases` as a subquery: not correlated with the outer row, so computed once."""
    return Subquery(
        cases.order_by()
        .annotate(total=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("total"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class CaseloadRow:
    """One caseload line, ready to show."""

    case_id: int
    url: str
    name: str
    mrn: str
    stage: str
    next_due_date: datetime.date | None
    days_overdue: int
    urgent: bool
    status: str
    social_worker: str
    # An on-hold case's review date (Today lists it that day).
    hold_review_on: datetime.date | None
    version: int | None
    # Barriers to care still open (cases.screening), when the page counted them.
    open_barriers: int = 0


def caseload_rows(values: list[dict], today: datetime.date) -> list[CaseloadRow]:
    """Turn a page of `caseload` values into rows to show."""
    with_worker = bool(values) and WORKER_COLUMNS[0] in values[0]
    stages, statuses = dict(Stage.choices), dict(Case.Status.choices)
    # Every case URL differs only in its id: reverse once, not once a row.
    before, _, after = reverse("case_detail", args=[0]).rpartition("/0/")
    return [
        CaseloadRow(
            case_id=value["pk"],
            url=f"{before}/{value['pk']}/{after}",
            name=value["patient__full_name"],
            mrn=value["patient__mrn"],
            stage=stages.get(value["current_stage"], ""),
            next_due_date=value["next_due_date"],
            days_overdue=days_overdue(value["next_due_date"], today),
            urgent=value["urgency"] == Urgency.URGENT,
            status=statuses.get(value["status"], value["status"]),
            hold_review_on=value["hold_review_on"],
            social_worker=name_from_parts(*(value[column] for column in WORKER_COLUMNS))
            if with_worker
            else "",
            version=value.get("version"),
            open_barriers=value.get("open_barriers", 0),
        )
        for value in values
    ]


def days_overdue(due_date: datetime.date | None, today: datetime.date) -> int:
    """Calendar days past the due date; 0 when not yet due or undated."""
    if due_date is None or due_date >= today:
        return 0
    return (today - due_date).days


def _case_figures_sql() -> dict[str, str]:
    """The case page's per-case figures as SQL subqueries over the outer case row.

    Plain SQL, because Django takes about 5 ms of CPU to build the same three as ORM subqueries,
    on every case page view: more than the database takes to answer the whole query. Table and
    column names come from model metadata; the one value, the time now, travels as a parameter.
    """
    quote = connection.ops.quote_name

    def column(model, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    case_id = f"{quote(Case._meta.db_table)}.{column(Case, 'id')}"
    reasons, links = quote(CaseReason._meta.db_table), quote(StatusLink._meta.db_table)
    join = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    active = (
        f"SELECT COUNT(*) FROM {links} WHERE {column(StatusLink, 'case')} = {case_id} "  # noqa: S608 # nosec B608
        f"AND {column(StatusLink, 'revoked_at')} IS NULL "
        f"AND {column(StatusLink, 'expires_at')} > %s"
    )
    reason = column(CaseReason, "reason")
    return {
        "reason_codes": f"SELECT {join}({reason}, ',') FROM {reasons} "  # noqa: S608 # nosec B608
        f"WHERE {column(CaseReason, 'case')} = {case_id}",
        "active_links": active,
        "locked_links": f"{active} AND {column(StatusLink, 'locked_until')} > %s",
    }


def case_page_case(
    cases: QuerySet[Case], *, now: datetime.datetime | None = None
) -> QuerySet[Case]:
    """The case page's case in one query: its one-to-one records, its centre and specialist, the
    appointment's, its reasons as `reason_codes` (see `case_reasons`), and how many status links
    are active (`active_links`) and locked after wrong birth dates (`locked_links`) at `now`."""
    sql = _case_figures_sql()
    now = DateTimeField().get_db_prep_value(now or timezone.now(), connection)
    return cases.select_related(
        "insurance",
        "appointment__centre",
        "appointment__specialist",
        "centre",
        "specialist",
    ).annotate(
        reason_codes=RawSQL(sql["reason_codes"], (), output_field=CharField()),  # noqa: S611 # nosec B611
        active_links=RawSQL(sql["active_links"], (now,), output_field=IntegerField()),  # noqa: S611 # nosec B611
        locked_links=RawSQL(sql["locked_links"], (now, now), output_field=IntegerField()),  # noqa: S611 # nosec B611
    )


def case_reasons(case: Case) -> list[CaseReason]:
    """The reasons of a case fetched through `case_page_case`, in the intake form's order."""
    codes = set((case.reason_codes or "").split(","))
    return [CaseReason(case=case, reason=code) for code in Reason.values if code in codes]


def case_page_steps(case: Case) -> list[Step]:
    """The four steps with their checklists and who ticked each item: two queries."""
    items = ChecklistItem.objects.select_related("done_by").order_by("position", "id")
    return list(case.steps.prefetch_related(Prefetch("checklist", queryset=items)))


def status_links_active(case: Case, *, now: datetime.datetime | None = None) -> list[StatusLink]:
    """The case's links that still open the status page, newest first, with who issued them."""
    now = now or timezone.now()
    links = list(
        StatusLink.objects.filter(case=case, revoked_at__isnull=True, expires_at__gt=now)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    for link in links:
        link.locked_now = link.is_locked(now)
    return links


def patient_questions(case: Case) -> list[PatientQuestion]:
    return list(PatientQuestion.objects.filter(case=case))


def case_timeline(case: Case, *, limit: int = 200) -> list[CaseEvent]:
    return list(case.events.select_related("actor")[:limit])


def social_workers() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups__name=SOCIAL_WORKERS, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def open_cases_for_patient(*, full_name: str, date_of_birth: datetime.date) -> QuerySet[Case]:
    """Open (or on hold) cases for the same name and birth date: the duplicate check at intake.
    Names match as a person reads them: case, accents, spacing, punctuation, invisible
    characters and the order of the words ignored (`name_key`)."""
    return Case.objects.filter(
        patient__search_name=name_key(full_name),
        patient__date_of_birth=date_of_birth,
        status__in=[Case.Status.OPEN, Case.Status.ON_HOLD],
    ).select_related("social_worker")


CASELOAD_PAGE_SIZE = 25
