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


def test_seed_demo_gives_the_team_records_requests_of_every_kind(db):
    import datetime

    import time_machine
    from django.utils import timezone

    from cases.demo import seed as demo
    from cases.models import RecordsRequest, RecordsRequestItem

    with time_machine.travel(datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)):
        call_command("seed_demo")
        today = timezone.localdate()
        requests = RecordsRequest.objects.all()
        unfinished = requests.filter(completed_on__isnull=True)
        assert unfinished.filter(answer_due_on__lt=today).exists()  # late
        assert unfinished.filter(follow_up_on__lte=today, answer_due_on__gte=today).exists()
        assert requests.filter(extension_notice_on__isnull=False).exists()
        assert requests.filter(sent_on__isnull=True).exists()
        assert requests.filter(completed_on__isnull=False).exists()
        partly = RecordsRequestItem.objects.filter(
            request__completed_on__isnull=True, received_on__isnull=False
        )
        assert partly.exists()
        count = requests.count()
        assert count >= 40
        call_command("seed_demo")
        assert demo.seed_demo_records() == 0
        assert RecordsRequest.objects.count() == count


def test_bulk_seed_includes_records_requests_at_scale(db):
    from cases.models import RecordsRequest, RecordsRequestItem

    call_command("seed_demo", "--cases", "300")
    requests = RecordsRequest.objects.all()
    # Every completed case (240) and the open cases at records or later have one.
    assert requests.count() > 240
    assert RecordsRequestItem.objects.count() >= requests.count()
    assert requests.filter(completed_on__isnull=True).exists()
    call_command("seed_demo", "--cases", "300")
    assert RecordsRequest.objects.count() == requests.count()


def test_seed_demo_gives_the_team_a_directory_calls_and_follow_ups_some_late(db):
    from cases.business_days import team_today
    from cases.models import Contact, ContactLogEntry, FollowUp

    call_command("seed_demo")
    kinds = set(Contact.objects.values_list("kind", flat=True))
    assert {"insurer", "records_office", "pathology_lab", "imaging_centre"} <= kinds
    assert {"referring_clinic", "centre"} <= kinds
    assert Contact.objects.filter(kind="insurer").exclude(phone="").count() >= 3
    entries = ContactLogEntry.objects.all()
    assert entries.count() >= 100
    assert set(entries.values_list("case__status", flat=True)) == {"open"}
    open_follow_ups = FollowUp.objects.filter(done_at__isnull=True)
    assert open_follow_ups.filter(due_on__lt=team_today()).exists()
    assert open_follow_ups.filter(due_on__gte=team_today()).exists()
    assert FollowUp.objects.filter(done_at__isnull=False).exists()
    # Every call is on its case's timeline, as the page would have put it.
    assert Case.objects.filter(events__kind="contact").distinct().count() > 20
    call_command("seed_demo")
    assert ContactLogEntry.objects.count() == entries.count()


def test_bulk_seed_gives_open_cases_calls_and_follow_ups(db):
    from cases.models import ContactLogEntry, FollowUp

    call_command("seed_demo", "--cases", "300")
    assert ContactLogEntry.objects.count() == 3 * 60
    assert FollowUp.objects.count() == 60
    assert set(FollowUp.objects.values_list("case__status", flat=True)) == {"open"}
    call_command("seed_demo", "--cases", "300")
    assert FollowUp.objects.count() == 60
