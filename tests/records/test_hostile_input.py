"""Hostile input to the records forms and the requests list (as tests/test_hostile_input.py
does for the case page): never a 500, never unescaped output, never a partial write; and any
value a form accepts works on every later page — the case page, the request's page, the
requests list and the letter."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.models import AuditEvent, CaseEvent, ChecklistItem, RecordsRequest, RecordsRequestItem
from cases.records import forms
from tests import factories
from tests.test_hostile_input import CURRENT, assert_escaped, value_strategy

TEAM = ZoneInfo("America/New_York")
WEDNESDAY = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=TEAM)
D = datetime.date

# (url name, form class, needs the request, needs the item, method)
ENDPOINTS = [
    ("records_request_new", forms.RecordsRequestForm, False, False, "POST"),
    ("records_request_detail", forms.RecordsRequestEditForm, True, False, "POST"),
    ("records_request_send", forms.SendForm, True, False, "POST"),
    ("records_item_receive", forms.ReceiveForm, True, True, "POST"),
    ("records_request_extend", forms.ExtensionForm, True, False, "POST"),
]
LIST_FIELDS = ("show", "contact", "worker", "page")


def snapshot() -> dict:
    return {
        "requests": list(RecordsRequest.objects.order_by("pk").values()),
        "items": list(RecordsRequestItem.objects.order_by("pk").values()),
        "checklist": list(ChecklistItem.objects.order_by("pk").values()),
        "timeline": CaseEvent.objects.count(),
        "writes": AuditEvent.objects.filter(action__in=["create", "update"]).count(),
    }


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.mark.parametrize(
    ("name", "form_class", "request_arg", "item_arg", "method"),
    ENDPOINTS,
    ids=[endpoint[0] for endpoint in ENDPOINTS],
)
@given(data=st.data())
def test_hostile_values_never_break_a_records_page(
    client, alex, case, name, form_class, request_arg, item_arg, method, data
):
    client.force_login(alex)
    request = RecordsRequest.objects.filter(case=case).first() or factories.records_request(
        case, alex, kinds=["pathology_report", "slides"]
    )
    contact = request.contact
    args = [case.pk] + ([request.pk] if request_arg else [])
    if item_arg:
        args.append(request.items.first().pk)
    ids = [str(contact.pk), "0", "-1", "99999999999999999999"]
    strategies = {
        field_name: value_strategy(form_field, ids)
        for field_name, form_field in form_class.base_fields.items()
    }
    if "version" in strategies:
        strategies["version"] = st.one_of(st.just(CURRENT), strategies["version"])
    values = data.draw(st.fixed_dictionaries(strategies))
    if values.get("version") is CURRENT:
        request.refresh_from_db()
        values["version"] = str(request.version)
    values = {key: value for key, value in values.items() if value is not None}

    before = snapshot()
    response = client.post(reverse(name, args=args), values)
    assert response.status_code < 500
    assert_escaped(response.content.decode(errors="replace"))
    if response.status_code >= 400:
        assert snapshot() == before
        return
    # Whatever was saved, every later page shows it, escaped.
    for later in (
        case.get_absolute_url(),
        reverse("records_requests"),
        reverse("records_requests") + "?show=all",
        *(
            reverse("records_request_detail", args=[case.pk, saved.pk])
            for saved in RecordsRequest.objects.filter(case=case)
        ),
    ):
        page = client.get(later)
        assert page.status_code == 200
        assert_escaped(page.content.decode())
    for saved in RecordsRequest.objects.filter(case=case):
        letter = client.get(reverse("records_request_letter", args=[case.pk, saved.pk]))
        assert letter.status_code == 200 and letter.content.startswith(b"%PDF")


@given(
    values=st.fixed_dictionaries(
        {
            name: st.one_of(
                st.sampled_from(["open", "late", "all", "", "-1", "0", "99999999999999999999"]),
                st.text(max_size=30),
            )
            for name in LIST_FIELDS
        }
    )
)
def test_hostile_filters_never_break_the_requests_list(client, sam, values):
    client.force_login(sam)
    values = {key: value.replace("\x00", "") for key, value in values.items()}
    response = client.get(reverse("records_requests"), values)
    assert response.status_code == 200
    assert_escaped(response.content.decode())
