"""Scale: the bulk data set, the pages' query counts with a full directory, and the benchmark
command. (Timings are measured by `manage.py benchmark`, never asserted in tests.)"""

import json
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from cases.demo import seed as demo
from cases.models import Case, ChecklistItem, ChecklistTemplate, Patient, Step
from cases.workflow import services
from tests import factories
from tests.query_budgets import CASE_PAGE_QUERIES


def test_bulk_data_gives_each_synthetic_worker_the_same_open_caseload(db):
    made = demo.seed_bulk(200, open_per_worker=5)
    assert made == 200
    open_counts = (
        Case.objects.filter(status=Case.Status.OPEN)
        .values("social_worker")
        .annotate(open_cases=Count("id"))
    )
    assert sorted(row["open_cases"] for row in open_counts) == [5] * 4
    # The rest are completed, but one in a hundred of them is on hold instead (Today's holds).
    assert (
        Case.objects.filter(status__in=[Case.Status.COMPLETED, Case.Status.ON_HOLD]).count() == 180
    )
    assert Case.objects.filter(status=Case.Status.ON_HOLD, hold_review_on__isnull=False).exists()


def test_bulk_cases_are_complete(db):
    demo.seed_bulk(50, open_per_worker=5)
    case = Case.objects.filter(status=Case.Status.OPEN).order_by("pk").first()
    assert [step.stage for step in case.steps.all()] == [
        "referral",
        "preauthorization",
        "records",
        "appointment",
    ]
    current = case.steps.get(stage=case.current_stage)
    assert current.status == Step.Status.IN_PROGRESS and current.due_date == case.next_due_date
    per_stage = ChecklistTemplate.objects.filter(active=True, stage="records").count()
    assert ChecklistItem.objects.filter(step__case=case, step__stage="records").count() == per_stage
    assert case.insurance.pk and case.appointment.pk
    assert case.reasons.count() == 2 and case.events.count() == 1


def test_bulk_data_is_topped_up_never_duplicated(db):
    assert demo.seed_bulk(30, open_per_worker=5) == 30
    assert demo.seed_bulk(30, open_per_worker=5) == 0
    assert demo.seed_bulk(45, open_per_worker=5) == 15
    assert Patient.objects.filter(mrn__startswith="BULK").count() == 45
    assert Patient.objects.values("mrn").distinct().count() == 45


def test_the_product_keeps_working_after_a_bulk_load(alex):
    """The bulk load assigns ids itself; new rows made by the services must not collide."""
    demo.seed_bulk(20, open_per_worker=5)
    case = factories.open_case(alex)
    services.note_add(case=case, author=alex, body="Called the records office.")
    assert case.pk > Case.objects.exclude(pk=case.pk).order_by("-pk").first().pk
    assert case.steps.count() == 4 and ChecklistItem.objects.filter(step__case=case).exists()


def test_the_case_page_costs_a_fixed_number_of_queries_with_a_full_directory(
    client_for, alex, django_assert_max_num_queries
):
    centres = [factories.CentreFactory() for _ in range(3)]
    specialists = [factories.SpecialistFactory(centre=centre) for centre in centres * 3]
    case = factories.open_case(
        alex,
        centre=specialists[0].centre,
        specialist=specialists[0],
        centre_other="",
        reasons=("relapse", "another_view"),
    )
    client = client_for(alex)
    client.post(reverse("note_add", args=[case.pk]), {"body": "Called the insurer."})
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert specialists[0].name in content
    # Reasons come with the case in the same query, in the intake form's order.
    assert "wants another view of diagnosis and treatment; relapse after treatment" in content


def test_the_caseload_of_a_covering_colleague_stays_within_its_queries(
    client_for, alex, casey, django_assert_max_num_queries
):
    demo.seed_bulk(60, open_per_worker=5)
    for _ in range(3):
        factories.open_case(alex)
    factories.open_case(casey)
    client = client_for(casey)
    # The session, the user with their groups, the count, the page of rows and the audit
    # event of the list's view.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("caseload"))
    assert response.context["page"].paginator.count == 4


def test_the_benchmark_prints_one_json_object(db, settings):
    settings.SECURE_SSL_REDIRECT = True  # as `make benchmark` runs: production settings
    out = StringIO()
    call_command("benchmark", cases=700, repeat=1, only=["pages"], stdout=out)
    result = json.loads(out.getvalue())
    assert result["caseload_open_cases"] == 60
    assert 0 < result["caseload_queries"] <= 10
    assert 0 < result["case_page_queries"] <= CASE_PAGE_QUERIES
    for key in (
        "caseload_ms",
        "caseload_raw_sql_ms",
        "caseload_ratio",
        "case_page_ms",
        "staff_page_floor_ms",
    ):
        assert result[key] > 0
    assert result["seed_s"] >= 0 and result["peak_rss_mb"] > 0
    assert get_user_model().objects.filter(username="bulk-worker-0000").exists()


def test_the_benchmark_measures_the_records_requests_list(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    out = StringIO()
    call_command("benchmark", cases=700, repeat=1, only=["records"], stdout=out)
    result = json.loads(out.getvalue())
    assert result["records_requests_ms"] > 0
    assert 0 < result["records_requests_queries"] <= 10


def test_postgresql_connections_compile_no_statement_with_jit(db):
    # JIT compiling cost reports 150-250 ms a statement at 100,000 cases (navigator/settings.py).
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
