"""Reads of records requests that need care: a case's requests (one query), one request with
its items, and the team-wide requests list (a fixed number of queries whatever its length)."""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import F, QuerySet
from django.http import Http404
from django.urls import reverse

from cases.access import visible_cases
from cases.business_days import team_today
from cases.models import Case, Contact, RecordKind, RecordsRequest, RecordsRequestItem
from cases.models.staff import name_from_parts
from cases.records.clocks import Clock, request_clock


def item_label(item: RecordsRequestItem | dict) -> str:
    """What the item is, as a person reads it: its kind, or what was typed for "other"."""
    kind = item["kind"] if isinstance(item, dict) else item.kind
    description = item["description"] if isinstance(item, dict) else item.description
    if kind == RecordKind.OTHER and description:
        return description
    return RecordKind(kind).label if kind in RecordKind.values else kind


def case_requests(case: Case, *, today: datetime.date | None = None) -> list[RecordsRequest]:
    """The case's requests, newest first, each with `item_list` and `clock`: one query (every
    request has at least one item, so the items bring their requests and contacts)."""
    today = today or team_today()
    items = (
        RecordsRequestItem.objects.filter(request__case=case)
        .select_related("request__contact")
        .order_by("-request__created_at", "-request_id", "id")
    )
    requests: dict[int, RecordsRequest] = {}
    for item in items:
        records_request = requests.setdefault(item.request_id, item.request)
        if not hasattr(records_request, "item_list"):
            records_request.item_list = []
            records_request.clock = request_clock(records_request, today)
        item.request = records_request
        records_request.item_list.append(item)
    return list(requests.values())


def request_for_case(case: Case, request_id: int) -> RecordsRequest:
    """The case's request `request_id` with its contact and items (two queries), else 404."""
    try:
        records_request = (
            RecordsRequest.objects.select_related("contact", "created_by")
            .prefetch_related("items")
            .get(pk=request_id, case=case)
        )
    except RecordsRequest.DoesNotExist:
        raise Http404("No records request here.") from None
    records_request.case = case
    for item in records_request.items.all():
        item.request = records_request
    return records_request


def item_for_request(records_request: RecordsRequest, item_id: int) -> RecordsRequestItem:
    item = next((item for item in records_request.items.all() if item.pk == item_id), None)
    if item is None:
        raise Http404("No such record in this request.")
    return item


def contacts_for_requests() -> QuerySet[Contact]:
    """The directory a request may name: active contacts, by kind and name."""
    return Contact.objects.filter(active=True).order_by("kind", "name", "id")


# --- the team-wide list ------------------------------------------------------------------------

# What the list's "Show" filter offers: (value, label).
SHOWS = [
    ("open", "Not complete"),
    ("waiting", "Sent, waiting for records"),
    ("not_sent", "Not sent yet"),
    ("follow_up", "Follow-up due"),
    ("late", "Past the legal clock"),
    ("complete", "Complete"),
    ("all", "All"),
]
REQUESTS_PAGE_SIZE = 25


@dataclass(frozen=True)
class RequestFilters:
    show: str = "open"
    contact: int | None = None
    social_worker: int | None = None


def requests_list(
    *, user, filters: RequestFilters, today: datetime.date | None = None
) -> QuerySet[RecordsRequest]:
    """Requests on the cases `user` may see, filtered; the answer due soonest first, then the
    follow-up date (not-sent requests last). Count it as it is; fetch a page with
    `requests_values`."""
    today = today or team_today()
    cases = visible_cases(user)
    if filters.social_worker:
        cases = cases.filter(social_worker_id=filters.social_worker)
    show = filters.show
    if show in ("all", "complete"):
        requests = RecordsRequest.objects.filter(case__in=cases)
        if show == "complete":
            requests = requests.filter(completed_on__isnull=False)
    else:
        # Unfinished requests of open and on-hold cases: the cases are narrowed first, through
        # the index on (status, social worker), so the database walks only the open caseload.
        open_cases = cases.filter(status__in=[Case.Status.OPEN, Case.Status.ON_HOLD])
        requests = RecordsRequest.objects.filter(case__in=open_cases, completed_on__isnull=True)
        if show == "waiting":
            requests = requests.filter(sent_on__isnull=False)
        elif show == "not_sent":
            requests = requests.filter(sent_on__isnull=True)
        elif show == "follow_up":
            requests = requests.filter(follow_up_on__lte=today)
        elif show == "late":
            requests = requests.filter(answer_due_on__lt=today)
    if filters.contact:
        requests = requests.filter(contact_id=filters.contact)
    return requests.order_by(
        F("answer_due_on").asc(nulls_last=True),
        F("follow_up_on").asc(nulls_last=True),
        "-created_at",
        "-id",
    )


LIST_COLUMNS = (
    "pk",
    "case_id",
    "case__patient__full_name",
    "case__patient__mrn",
    "contact__name",
    "contact_other",
    "method",
    "sent_on",
    "answer_due_on",
    "extension_notice_on",
    "follow_up_on",
    "completed_on",
)
WORKER_COLUMNS = (
    "case__social_worker__first_name",
    "case__social_worker__last_name",
    "case__social_worker__username",
)


@dataclass
class RequestRow:
    """One line of the requests list, ready to show."""

    pk: int
    case_id: int
    case_url: str
    request_url: str
    patient: str
    mrn: str
    contact: str
    method: str
    sent_on: datetime.date | None
    clock: Clock
    social_worker: str
    items: list[str] = field(default_factory=list)
    received: int = 0


def requests_rows(
    page_of_requests: QuerySet[RecordsRequest], *, today: datetime.date, with_worker: bool
) -> list[RequestRow]:
    """A page of `requests_list` as rows: two queries (the rows as plain values, then their
    items), whatever the page holds."""
    values = list(page_of_requests.values(*LIST_COLUMNS, *(WORKER_COLUMNS if with_worker else ())))
    methods = dict(RecordsRequest.Method.choices)
    # Every URL differs only in its ids: reverse once, not once a row.
    case_url = reverse("case_detail", args=[987654321])
    request_url = reverse("records_request_detail", args=[987654321, 123456789])
    rows = {
        value["pk"]: RequestRow(
            pk=value["pk"],
            case_id=value["case_id"],
            case_url=case_url.replace("987654321", str(value["case_id"])),
            request_url=request_url.replace("987654321", str(value["case_id"])).replace(
                "123456789", str(value["pk"])
            ),
            patient=value["case__patient__full_name"],
            mrn=value["case__patient__mrn"],
            contact=value["contact__name"] or value["contact_other"],
            method=methods.get(value["method"], value["method"]),
            sent_on=value["sent_on"],
            clock=request_clock(SimpleNamespace(**value), today),
            social_worker=name_from_parts(*(value[column] for column in WORKER_COLUMNS))
            if with_worker
            else "",
        )
        for value in values
    }
    items = RecordsRequestItem.objects.filter(request_id__in=list(rows)).order_by("id")
    for item in items.values("request_id", "kind", "description", "received_on"):
        row = rows[item["request_id"]]
        row.items.append(item_label(item))
        row.received += item["received_on"] is not None
    return list(rows.values())


def contacts_with_requests() -> QuerySet[Contact]:
    """The contacts the list's filter offers: those some request names."""
    return Contact.objects.filter(
        pk__in=RecordsRequest.objects.filter(contact__isnull=False).values("contact_id")
    ).order_by("name", "id")
