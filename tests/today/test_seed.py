"""The demo team's Today is full after `seed_demo`, and the bulk data set fills Today too."""

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Appointment, Case, CaseVisit, PatientQuestion, Step
from cases.today import selectors
from tests.today.data import MONDAY, at

FILLED_BY_THE_DEMO = {"due-today", "overdue", "blocked", "questions", "appointments", "holds"}


def test_each_demo_social_workers_today_is_full(db):
    with time_machine.travel(at(MONDAY, 8), tick=False):
        call_command("seed_demo")
        day = selectors.day_for()
        for username in ("alex", "blair", "casey", "devon"):
            worker = get_user_model().objects.get(username=username)
            listed = selectors.today_lists(selectors.scope_for(worker), day, back_to="/today/")
            filled = {item.slug for item in listed if item.total}
            assert FILLED_BY_THE_DEMO <= filled, (username, filled)


def test_the_bulk_data_set_fills_today_at_scale(db):
    with time_machine.travel(at(MONDAY, 8), tick=False):
        call_command("seed_demo", "--cases", "300")
        assert Step.objects.filter(status="blocked", blocked_at__isnull=False).exists()
        assert Appointment.objects.filter(scheduled_at__isnull=False, case__status="open").exists()
        assert PatientQuestion.objects.exists() and CaseVisit.objects.exists()
        assert Case.objects.filter(status="on_hold", hold_review_on__isnull=False).exists()
        assert Case.objects.filter(status="open").count() == 60
        worker = get_user_model().objects.get(username="bulk-worker-0000")
        listed = selectors.today_lists(
            selectors.scope_for(worker), selectors.day_for(), back_to="/today/"
        )
        assert {"blocked", "questions", "appointments"} <= {i.slug for i in listed if i.total}


def test_the_benchmark_measures_today(db, settings):
    import json
    from io import StringIO

    from tests.query_budgets import TODAY_QUERIES, TODAY_TEAM_QUERIES

    settings.SECURE_SSL_REDIRECT = True  # as `make benchmark` runs: production settings
    out = StringIO()
    with time_machine.travel(at(MONDAY, 8)):
        call_command("benchmark", cases=700, repeat=1, only=["today"], stdout=out)
    result = json.loads(out.getvalue())
    assert result["today_queries"] == TODAY_QUERIES
    assert result["today_team_queries"] == TODAY_TEAM_QUERIES
    for key in ("today_ms", "today_cpu_ms", "today_floor_ratio", "today_team_ms"):
        assert result[key] > 0
