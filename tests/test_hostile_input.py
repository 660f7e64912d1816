"""Hostile input: hypothesis sends random and malicious values to every form field and query
parameter (huge strings, odd unicode, HTML and script, SQL metacharacters, impossible dates,
negative, huge and foreign ids). Whatever comes in:

- never a 500 (the test client raises any server error);
- never unescaped output: the script and HTML payloads never come back as markup, neither in
  the response nor, after a successful save, on the case page;
- never a partial write: a refused request (4xx) leaves every row of the case as it was.

The fields come from the form classes themselves, so a field added to a form is fuzzed too.
`HYPOTHESIS_PROFILE=thorough` runs ten times as many examples.
"""

import datetime
import os
from dataclasses import dataclass, field

import pytest
from django import forms as django_forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.business_days import team_today
from cases.caseload.forms import BulkReassignForm
from cases.contacts import forms as contact_forms
from cases.models import (
    Appointment,
    AuditEvent,
    Case,
    CaseEvent,
    CaseReason,
    ChecklistItem,
    FollowUp,
    Insurance,
    Note,
    Patient,
    Step,
)
from cases.views.account import TokenForm
from cases.views.audit import ExportForm
from cases.workflow import forms
from cases.workflow.selectors import CASELOAD_SORTS
from tests import factories

# Every order the caseload offers: each column, each way.
SORT_VALUES = [prefix + name for name in CASELOAD_SORTS for prefix in ("", "-")]

settings.register_profile(
    "default",
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("default"),
    max_examples=150,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
MARKUP_MARKERS = ("<script>alert(1)", "<img src=x onerror")
PAYLOADS = [
    SCRIPT,
    IMAGE,
    "javascript:alert(1)",
    "' OR '1'='1",
    "'; DROP TABLE cases_case; --",
    '" OR ""="',
    "%' OR 1=1 --",
    "\\",
    "\x00",
    "nul\x00byte",
    "\u202eevil\u202c",
    "\ufeff",
    "\U0001f9e0🧠" * 3,
    "ẞß ǅ İı Ω≈ç√ 한국어 عربى",
    "\ud7ff",
    "",
    " ",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "-99999999999999999999",
    "2023-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-03-10T25:61",
    "{{ 7*7 }}",
    "${7*7}",
    "../../../etc/passwd",
    "https://evil.example/",
    "//evil.example",
]
SURROGATE_FREE = st.characters(blacklist_categories=("Cs",))
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(alphabet=SURROGATE_FREE, max_size=40),
    st.builds(lambda text, times: text * times, st.sampled_from(PAYLOADS), st.integers(50, 4000)),
)
CURRENT = object()  # stands for the record's real version, so a save can get past the lock


def value_strategy(form_field, ids: list[str]) -> st.SearchStrategy:
    """Hostile text, mixed with values of the right shape so deeper checks are reached."""
    if isinstance(form_field, django_forms.ModelChoiceField):
        return st.one_of(hostile_text, st.sampled_from(ids))
    if isinstance(form_field, django_forms.MultipleChoiceField):
        valid = [str(value) for value, _ in form_field.choices]
        return st.lists(st.one_of(hostile_text, st.sampled_from(valid)), max_size=4)
    if isinstance(form_field, django_forms.ChoiceField):
        valid = [str(value) for value, _ in form_field.choices]
        return st.one_of(hostile_text, st.sampled_from(valid))
    if isinstance(form_field, django_forms.DateField | django_forms.DateTimeField):
        real = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str)
        return st.one_of(hostile_text, real)
    if isinstance(form_field, django_forms.BooleanField):
        return st.one_of(hostile_text, st.sampled_from(["on", "1", "true", ""]))
    if form_field.__class__.__name__ == "IntegerField":
        return st.one_of(hostile_text, st.integers(-(2**70), 2**70).map(str))
    return hostile_text


@dataclass
class Endpoint:
    name: str
    method: str
    fields: dict = field(default_factory=dict)  # name → form field
    who: str = "alex"
    case_arg: bool = True
    step_arg: bool = False
    item_arg: bool = False
    follow_up_arg: bool = False
    version_of: str = ""  # "case", "insurance", "appointment", "step", "follow_up"

    def __str__(self) -> str:
        return self.name


def fields_of(*form_classes, **extra) -> dict:
    found = {}
    for form_class in form_classes:
        found |= dict(form_class.base_fields)
    return found | extra


ENDPOINTS = [
    Endpoint(
        "case_intake",
        "POST",
        fields_of(
            forms.PatientForm,
            forms.CaseForm,
            forms.DuplicateConfirmForm,
        ),
        case_arg=False,
    ),
    Endpoint("case_edit", "POST", fields_of(forms.PatientForm, forms.CaseForm), version_of="case"),
    Endpoint("case_status", "POST", fields_of(forms.CaseStatusForm), version_of="case"),
    Endpoint("case_reassign", "POST", fields_of(forms.ReassignForm), who="sam"),
    Endpoint(
        "caseload_reassign",
        "POST",
        fields_of(
            BulkReassignForm,
            case=django_forms.MultipleChoiceField(choices=[(str(n), "") for n in range(1, 5)]),
            back=django_forms.CharField(),
            **{"version-1": django_forms.IntegerField()},
        ),
        who="sam",
        case_arg=False,
    ),
    Endpoint("insurance_edit", "POST", fields_of(forms.InsuranceForm), version_of="insurance"),
    Endpoint(
        "appointment_edit", "POST", fields_of(forms.AppointmentForm), version_of="appointment"
    ),
    Endpoint("note_add", "POST", fields_of(forms.NoteForm)),
    Endpoint(
        "step_status",
        "POST",
        fields_of(forms.StepStatusForm),
        step_arg=True,
        version_of="step",
    ),
    Endpoint(
        "step_due_date",
        "POST",
        fields_of(forms.DueDateForm),
        step_arg=True,
        version_of="step",
    ),
    Endpoint(
        "checklist_item",
        "POST",
        {"done": django_forms.ChoiceField(choices=[("1", "1"), ("0", "0")])},
        item_arg=True,
    ),
    Endpoint(
        "caseload",
        "GET",
        {
            "stage": django_forms.ChoiceField(choices=Step._meta.get_field("stage").choices),
            "urgency": django_forms.ChoiceField(choices=[("urgent", ""), ("routine", "")]),
            "due": django_forms.ChoiceField(choices=[("overdue", ""), ("week", "")]),
            "status": django_forms.ChoiceField(choices=Case.Status.choices),
            "sort": django_forms.ChoiceField(choices=[(s, "") for s in SORT_VALUES]),
            "worker": django_forms.IntegerField(),
            "q": django_forms.CharField(),
            "page": django_forms.IntegerField(),
        },
        who="sam",
        case_arg=False,
    ),
    Endpoint(
        "caseload",
        "POST",
        {
            "q": django_forms.CharField(),
            "stage": django_forms.ChoiceField(choices=Step._meta.get_field("stage").choices),
            "worker": django_forms.IntegerField(),
            "sort": django_forms.ChoiceField(choices=[(s, "") for s in SORT_VALUES]),
        },
        who="alex",
        case_arg=False,
    ),
    Endpoint("case_access_history", "GET", {"page": django_forms.IntegerField()}, who="sam"),
    Endpoint(
        "contact_log_add",
        "POST",
        fields_of(contact_forms.ContactLogForm, contact=django_forms.IntegerField())
        | {
            f"follow_up-{name}": form_field
            for name, form_field in contact_forms.FollowUpForm.base_fields.items()
        },
    ),
    Endpoint("follow_up_add", "POST", fields_of(contact_forms.FollowUpForm)),
    Endpoint(
        "follow_up_change",
        "POST",
        fields_of(contact_forms.FollowUpChangeForm),
        follow_up_arg=True,
        version_of="follow_up",
    ),
    Endpoint(
        "follow_up_add",
        "GET",
        {
            "records_request": django_forms.IntegerField(),
            "contact_entry": django_forms.IntegerField(),
            "next": django_forms.CharField(),
        },
    ),
    Endpoint("audit_export", "GET", fields_of(ExportForm), who="sam", case_arg=False),
    Endpoint("two_factor_setup", "POST", fields_of(TokenForm), case_arg=False),
    Endpoint("keepalive", "POST", {"next": django_forms.CharField()}, case_arg=False),
    Endpoint(
        "password_change",
        "POST",
        {
            "old_password": django_forms.CharField(),
            "new_password1": django_forms.CharField(),
            "new_password2": django_forms.CharField(),
        },
        case_arg=False,
    ),
    Endpoint(
        "login",
        "POST",
        {"username": django_forms.CharField(), "password": django_forms.CharField()},
        who="",
        case_arg=False,
    ),
]


def snapshot(case: Case) -> dict:
    """Every row a request about this case could write."""
    return {
        "patients": list(Patient.objects.order_by("pk").values()),
        "cases": list(Case.objects.order_by("pk").values()),
        "reasons": list(CaseReason.objects.order_by("pk").values()),
        "steps": list(Step.objects.order_by("pk").values()),
        "checklist": list(ChecklistItem.objects.order_by("pk").values()),
        "insurance": list(Insurance.objects.order_by("pk").values()),
        "appointments": list(Appointment.objects.order_by("pk").values()),
        "notes": Note.objects.count(),
        "timeline": CaseEvent.objects.count(),
        "audited_writes": AuditEvent.objects.filter(
            action__in=["create", "update", "delete"]
        ).count(),
    }


def _current_version(endpoint: Endpoint, case: Case, step: Step) -> str:
    record = {
        "case": lambda: Case.objects.get(pk=case.pk),
        "insurance": lambda: Insurance.objects.get(case=case),
        "appointment": lambda: Appointment.objects.get(case=case),
        "step": lambda: Step.objects.get(pk=step.pk),
        "follow_up": lambda: _follow_up(case),
    }[endpoint.version_of]()
    return str(record.version)


def _follow_up(case: Case) -> FollowUp:
    """The case's follow-up (made once, due tomorrow, through the service)."""
    return case.follow_ups.order_by("pk").first() or factories.follow_up(
        case, due_on=team_today() + datetime.timedelta(days=1)
    )


def assert_escaped(html: str) -> None:
    for marker in MARKUP_MARKERS:
        assert marker not in html


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@given(data=st.data())
def test_hostile_values_never_break_a_page(client, alex, blair, sam, case, endpoint, data):
    user = {"alex": alex, "sam": sam, "": None}[endpoint.who]
    if user is not None:
        client.force_login(user)
    step = case.steps.get(stage="referral")
    args = [case.pk] if endpoint.case_arg else []
    if endpoint.step_arg:
        args.append(step.pk)
    if endpoint.item_arg:
        args.append(step.checklist.first().pk)
    if endpoint.follow_up_arg:
        args.append(_follow_up(case).pk)
    ids = [str(alex.pk), str(blair.pk), str(sam.pk), "0", "-1", "99999999999999999999"]
    strategies = {
        name: value_strategy(form_field, ids) for name, form_field in endpoint.fields.items()
    }
    if endpoint.version_of:
        strategies["version"] = st.one_of(st.just(CURRENT), strategies.get("version", st.none()))
    values = data.draw(st.fixed_dictionaries(strategies))
    if values.get("version") is CURRENT:
        values["version"] = _current_version(endpoint, case, step)
    values = {name: value for name, value in values.items() if value is not None}

    before = snapshot(case)
    url = reverse(endpoint.name, args=args)
    response = client.post(url, values) if endpoint.method == "POST" else client.get(url, values)

    assert response.status_code < 500
    if not response.streaming:
        assert_escaped(response.content.decode(errors="replace"))
    if response.status_code >= 400:
        assert snapshot(case) == before
    if response.status_code == 302 and endpoint.case_arg:
        assert_escaped(client.get(reverse("case_detail", args=[case.pk])).content.decode())


@given(
    case_id=st.one_of(st.just(0), st.integers(10**6, 2**70)),
    step_id=st.one_of(st.just(0), st.integers(10**6, 2**70)),
)
def test_huge_and_foreign_ids_in_the_path_are_404(client, alex, blair, case, case_id, step_id):
    """Ids that name nothing, or something of another case, are 404 (negative ones match no
    URL pattern at all)."""
    foreign = factories.open_case(blair)
    client.force_login(alex)
    before = snapshot(case)
    for url in (
        f"/cases/{case_id}/",
        f"/cases/{case.pk}/steps/{step_id}/status/",
        f"/cases/{foreign.pk}/steps/{foreign.steps.first().pk}/status/",
        f"/cases/{case.pk}/checklist/{foreign.steps.first().checklist.first().pk}/",
        f"/cases/-{case_id}/",
    ):
        response = client.post(url, {"status": "done", "done": "1"})
        assert response.status_code in (404, 405)
    assert snapshot(case) == before


@pytest.mark.parametrize("value", ["\x00", "nul\x00byte", "x" * 300])
def test_regressions_found_by_hypothesis(client, alex, sam, case, value):
    """Values that once broke a page on PostgreSQL: NUL bytes in a search, an over-long
    username at login (django-axes stores it in a 255-character column)."""
    assert client.post(reverse("login"), {"username": value, "password": value}).status_code < 500
    client.force_login(sam)
    assert client.post(reverse("caseload"), {"q": value}, follow=True).status_code < 500
    export = client.get(reverse("audit_export"), {"starts_on": value, "ends_on": value})
    assert export.status_code == 400
