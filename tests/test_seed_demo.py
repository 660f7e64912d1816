from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case, Patient, Step


def test_seed_demo_builds_a_realistic_team_once(db):
    call_command("seed_demo")
    User = get_user_model()
    assert User.objects.filter(groups__name="Supervisors").count() == 1
    assert User.objects.filter(groups__name="Social workers").count() == 4
    cases = Case.objects.all()
    assert 100 <= cases.count() <= 140
    statuses = set(cases.values_list("status", flat=True))
    assert {"open", "on_hold", "completed"} <= statuses
    assert cases.filter(urgency="urgent").exists()
    assert set(cases.filter(status="open").values_list("current_stage", flat=True)) >= {
        "referral",
        "preauthorization",
        "records",
        "appointment",
    }
    assert Step.objects.filter(status="blocked").exists()
    assert cases.filter(status="completed").first().events.count() > 5

    call_command("seed_demo")
    assert Case.objects.count() == cases.count()


def test_bulk_seed_inserts_the_requested_number(db):
    call_command("seed_demo", "--cases", "300")
    assert Patient.objects.filter(mrn__startswith="BULK").count() == 300
    open_cases = Case.objects.filter(status="open")
    assert open_cases.count() == 60
    assert Step.objects.count() == 4 * 300
    call_command("seed_demo", "--cases", "300")
    assert Case.objects.count() == 300
