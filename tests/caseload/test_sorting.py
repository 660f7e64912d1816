"""The caseload sorted by clicking a column header: patient, current stage, next due, days
overdue, urgency; each way; the order kept across pages, filters and the search; a stable
tie-breaker; `aria-sort` on the header; a fixed number of queries in every order.

Monday 23 November 2026 (team time, New York).
"""

import datetime
import json
import re
from html import unescape
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases.models import Patient
from cases.workflow import services
from cases.workflow.selectors import CASELOAD_SORTS
from tests import factories
from tests.browser_form import form_data

URL = reverse("caseload")
NOW = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
EARLY = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)
ORDERS = [prefix + name for name in CASELOAD_SORTS for prefix in ("", "-")]


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(NOW, tick=False):
        yield


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


def _finish(case, alex, *stages):
    for stage in stages:
        step = case.steps.get(stage=stage)
        services.step_set_status(step=step, status="done", by=alex, now=EARLY)


def _due(case, alex, stage, day: int):
    step = case.steps.get(stage=stage)
    step.refresh_from_db()
    services.due_date_move(
        step=step, due_date=datetime.date(2026, 11, day), reason="Agreed", by=alex, now=EARLY
    )


@pytest.fixture
def four_cases(alex):
    """Avery: referral, 10 days overdue. rowan (typed in lower case): preauthorization, due
    next week. Élodie: records, 4 days overdue, urgent. Quinn: every step finished, no date."""
    avery = factories.open_case(alex, now=EARLY, patient={"full_name": "Avery Ashdown"})
    _due(avery, alex, "referral", 13)
    rowan = factories.open_case(alex, now=EARLY, patient={"full_name": "rowan Brightwater"})
    _finish(rowan, alex, "referral")
    _due(rowan, alex, "preauthorization", 30)
    elodie = factories.open_case(
        alex, now=EARLY, urgency="urgent", patient={"full_name": "Élodie Chen"}
    )
    _finish(elodie, alex, "referral", "preauthorization")
    _due(elodie, alex, "records", 19)
    quinn = factories.open_case(alex, now=EARLY, patient={"full_name": "Quinn Fallow"})
    _finish(quinn, alex, "referral", "preauthorization", "records", "appointment")
    return avery, rowan, elodie, quinn


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # By the name as it reads: case and accents aside.
        ("patient", ["Avery Ashdown", "Élodie Chen", "Quinn Fallow", "rowan Brightwater"]),
        ("-patient", ["rowan Brightwater", "Quinn Fallow", "Élodie Chen", "Avery Ashdown"]),
        # The workflow's order; all steps finished after the last stage.
        ("stage", ["Avery Ashdown", "rowan Brightwater", "Élodie Chen", "Quinn Fallow"]),
        ("-stage", ["Quinn Fallow", "Élodie Chen", "rowan Brightwater", "Avery Ashdown"]),
        # Soonest due first; the case with no date last either way.
        ("due", ["Avery Ashdown", "Élodie Chen", "rowan Brightwater", "Quinn Fallow"]),
        ("-due", ["rowan Brightwater", "Élodie Chen", "Avery Ashdown", "Quinn Fallow"]),
        # Most days overdue first (10, 4, then the cases not overdue in the default order)...
        ("-overdue", ["Avery Ashdown", "Élodie Chen", "rowan Brightwater", "Quinn Fallow"]),
        # ...and fewest first.
        ("overdue", ["rowan Brightwater", "Quinn Fallow", "Élodie Chen", "Avery Ashdown"]),
        # Urgent first, then the routine ones in the default order; and the other way.
        ("-urgency", ["Élodie Chen", "Avery Ashdown", "rowan Brightwater", "Quinn Fallow"]),
        ("urgency", ["Avery Ashdown", "rowan Brightwater", "Quinn Fallow", "Élodie Chen"]),
    ],
)
def test_each_column_sorts_both_ways(client_for, alex, four_cases, sort, expected):
    response = client_for(alex).get(URL, {"sort": sort})
    assert names(response) == expected


def _header(body: str, label: str) -> tuple[str, str]:
    """(aria-sort or "", the link's address) of the column header named `label`."""
    match = re.search(
        rf'<th scope="col"( aria-sort="(\w+)")?[^>]*><a href="([^"]+)"[^>]*>{label}</a>', body
    )
    assert match, f"no sortable header {label}"
    return match.group(2) or "", unescape(match.group(3))


def test_clicking_a_header_sorts_by_it_and_clicking_again_reverses(client_for, alex, four_cases):
    client = client_for(alex)
    body = client.get(URL).content.decode()
    # The default order is the next due date's, and its header says so.
    assert _header(body, "Next due")[0] == "ascending"
    assert body.count("aria-sort=") == 1
    assert "Cases, sorted by next due, most overdue first" in body
    _, link = _header(body, "Patient")
    assert link == "?sort=patient"
    first = client.get(URL + link)
    assert names(first)[0] == "Avery Ashdown"
    body = first.content.decode()
    aria, link = _header(body, "Patient")
    assert (aria, link) == ("ascending", "?sort=-patient")
    assert "Cases, sorted by patient, A to Z" in body
    second = client.get(URL + link)
    assert names(second)[0] == "rowan Brightwater"
    assert _header(second.content.decode(), "Patient")[0] == "descending"
    # Days overdue and urgency show the most first on a first click.
    assert _header(body, "Days overdue")[1] == "?sort=-overdue"
    assert _header(body, "Urgency")[1] == "?sort=-urgency"


@pytest.mark.parametrize("sort", ["<script>", "--patient", "patient;", "PATIENT", "-", "name"])
def test_an_unknown_order_is_the_default_never_an_error(client_for, alex, four_cases, sort):
    response = client_for(alex).get(URL, {"sort": sort})
    assert response.status_code == 200
    assert names(response) == ["Avery Ashdown", "Élodie Chen", "rowan Brightwater", "Quinn Fallow"]


def test_the_order_is_kept_across_pages_with_a_stable_tie_breaker(client_for, alex):
    # 30 cases with the same urgency and due date: the tie-breaker (the case's number) decides,
    # so the two pages hold every case once.
    cases = [factories.open_case(alex, now=EARLY) for _ in range(30)]
    client = client_for(alex)
    first = client.get(URL, {"sort": "-urgency", "status": "open"})
    body = first.content.decode()
    (next_link,) = re.findall(r'<a class="page-link" href="([^"]+)">Next</a>', body)
    assert "sort=-urgency" in unescape(next_link) and "status=open" in unescape(next_link)
    second = client.get(URL + unescape(next_link))
    shown = [row.case_id for row in first.context["rows"] + second.context["rows"]]
    assert shown == [case.pk for case in cases]
    # A header link starts again at page 1 and keeps the filters.
    _, link = _header(second.content.decode(), "Patient")
    assert "page=" not in link and "status=open" in link


def test_the_order_is_kept_when_filtering_searching_and_clearing(client_for, alex, four_cases):
    client = client_for(alex)
    page = client.get(URL, {"sort": "-urgency"})
    filtered = client.post(URL, form_data(page) | {"stage": ["records"]})
    assert filtered.url == f"{URL}?stage=records&status=open&sort=-urgency"
    searched = client.post(URL, form_data(client.get(filtered.url)) | {"q": ["chen"]})
    assert "sort=-urgency" in searched.url and "chen" not in searched.url.lower()
    assert names(client.get(searched.url)) == ["Élodie Chen"]
    body = client.get(searched.url).content.decode()
    (clear,) = re.findall(r'<a class="btn btn-link" href="([^"]+)">Clear</a>', body)
    cleared = client.get(unescape(clear))
    assert cleared.url == f"{URL}?sort=-urgency"
    assert names(client.get(cleared.url))[0] == "Élodie Chen"


@pytest.mark.parametrize("sort", ORDERS)
def test_every_order_costs_the_same_fixed_number_of_queries(
    client_for, alex, casey, sam, sort, django_assert_max_num_queries
):
    for _ in range(30):
        factories.open_case(alex)
    for user, budget in ((casey, 4), (sam, 5)):
        client = client_for(user)
        client.get(URL)
        # The session, the user and groups, the page's rows with the count of all of them, the
        # audit event (and for a supervisor, the social workers of the filter and the
        # reassignment chooser).
        with django_assert_max_num_queries(budget):
            response = client.get(URL, {"sort": sort})
        assert len(response.context["rows"]) == 25


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_sort_name_of_existing_patients():
    before = [("cases", "0019_caseload")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_patient = executor.loader.project_state(before).apps.get_model("cases", "Patient")
    old_patient.objects.create(full_name="  Élodie   de la CRUZ ", date_of_birth="1960-02-03")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Patient.objects.get().sort_name == "elodie de la cruz"


def test_the_benchmark_measures_every_order_of_every_list(db, settings):
    settings.SECURE_SSL_REDIRECT = True  # as `make benchmark` runs: production settings
    out = StringIO()
    call_command("benchmark", cases=700, repeat=1, only=["caseload"], stdout=out)
    result = json.loads(out.getvalue())
    for key in ("caseload_sorted", "supervisor_open_sorted", "supervisor_any_sorted"):
        assert sorted(result[f"{key}_ms"]) == sorted(ORDERS)
        assert sorted(result[f"{key}_cpu_ms"]) == sorted(ORDERS)
        assert result[f"{key}_max_ms"] == result[f"{key}_ms"][result[f"{key}_slowest"]] > 0
        assert 0 < result[f"{key}_queries"] <= 10
