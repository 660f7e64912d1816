"""`seed_demo` screens most open demo cases and gives them barriers (issue #14), so the report
and Today have something to show; `seed_demo --cases N` includes them at scale. At a fixed
instant: Tuesday 1 December 2026, 10:00 in New York."""

import datetime

import time_machine
from django.core.management import call_command

from cases.models import Barrier, BarrierIntervention, Case, DistressScreening, SupportResource
from cases.reports.registry import REPORTS, ReportFilters
from cases.today import selectors as today

INSTANT = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)


def test_the_demo_has_screening_and_barriers_to_show(db):
    with time_machine.travel(INSTANT, tick=False):
        call_command("seed_demo")
        open_cases = Case.objects.filter(patient__mrn__startswith="DEMO", status="open")
        screened = open_cases.filter(screenings__isnull=False).distinct().count()
        assert screened >= open_cases.count() * 3 // 4
        assert DistressScreening.objects.filter(score__gte=4, plan="").count() >= 2
        assert DistressScreening.objects.filter(plan="referral").exists()
        assert DistressScreening.objects.filter(plan="none").exists()
        kinds = set(Barrier.objects.values_list("kind", flat=True))
        assert {"transport", "distance", "cost"} <= kinds
        statuses = set(Barrier.objects.values_list("status", flat=True))
        assert statuses == {"open", "resolved", "unresolved"}
        assert SupportResource.objects.count() == 8
        due = today._rescreening(today.scope_for_team(), today.day_for()).count()
        assert due >= 3
        report = REPORTS["screening"].build(ReportFilters.default())
        assert report.table("rescreens").rows[0]["count"] > 0


def test_the_bulk_data_set_includes_screening_and_barriers(db):
    with time_machine.travel(INSTANT, tick=False):
        call_command("seed_demo", "--cases", "300")
    screened = Case.objects.filter(screenings__isnull=False).distinct().count()
    assert 200 <= screened <= 280
    assert 100 <= Barrier.objects.count() <= 200
    assert BarrierIntervention.objects.count() == Barrier.objects.count()
    assert not Barrier.objects.filter(case__status="completed", status="open").exists()
