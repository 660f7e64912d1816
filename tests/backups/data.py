"""A database with rows in (nearly) every table, made the way the product makes them, and the
`manage.py` commands run as an operator runs them: in a process of their own."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import SUPERVISORS
from cases.models import (
    Appointment,
    AuditEvent,
    BusinessDay,
    Case,
    CaseEvent,
    CaseReason,
    Centre,
    ChecklistItem,
    ChecklistTemplate,
    Coverage,
    Delivery,
    Insurance,
    Note,
    Patient,
    PatientQuestion,
    Reminder,
    Rule,
    Specialist,
    StaffProfile,
    StageSetting,
    StatusLink,
    Step,
)
from cases.patient import links as status_links
from cases.reports.calendar import business_calendar_fill
from cases.workflow import services
from tests import factories
from tests.patient.status_page_data import case_in_progress, issue, pass_check

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct-horse-battery"
# The tables `every_kind_of_row` fills, named through their models (whichever table a model
# lives in): what the issue lists — cases, the audit trail, reminders, status links, settings
# rows — and the accounts, sessions and login records around them.
FILLED_MODELS = (
    Case,
    Patient,
    Step,
    ChecklistItem,
    CaseReason,
    Insurance,
    Appointment,
    Note,
    CaseEvent,
    AuditEvent,
    Reminder,
    Delivery,
    StatusLink,
    PatientQuestion,
    StageSetting,
    ChecklistTemplate,
    BusinessDay,
    Centre,
    Specialist,
    Coverage,
    StaffProfile,
    Session,
    AccessAttempt,
    AccessLog,
    TOTPDevice,
    Group,
    Permission,
    ContentType,
)


def filled_tables() -> set[str]:
    user = get_user_model()
    return {model._meta.db_table for model in (*FILLED_MODELS, user)} | {
        user.groups.through._meta.db_table,
        user.user_permissions.through._meta.db_table,
        Group.permissions.through._meta.db_table,
        "django_migrations",
    }


def manage(*arguments: str, database_url: str, tmp_path: Path, env: dict | None = None):
    """`python manage.py …` in its own process against `database_url`."""
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "backup-test-only",
        "NAVIGATOR_VAR_DIR": str(tmp_path / "var"),
        **(env or {}),
    }
    return subprocess.run(  # noqa: S603 -- a fixed command, no outside input
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_file() -> Path:
    return Path(connection.settings_dict["NAME"])


def every_kind_of_row() -> dict:
    """Cases with their steps, checklists, insurance, appointment, notes and timeline; the
    audit trail; a status link (its hash) and a patient's question and session; reminders and
    deliveries; staff sessions, a two-factor device, login records; and the settings rows:
    time limits, checklist templates, groups, centres and specialists, coverage, the business
    calendar. What the test needs to find again: the link's token and a patient's client."""
    factories.ensure_defaults()
    business_calendar_fill(first_year=2030, last_year=2031)
    alex = factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    factories.supervisor("sam", first_name="Sam", last_name="Okafor")
    casey = factories.social_worker("casey", first_name="Casey", last_name="Morgan")
    factories.coverage(covering=casey, covered=alex)
    case = case_in_progress(alex)
    factories.SpecialistFactory(centre=case.appointment.centre)
    services.note_add(case=case, author=alex, body="Called the records office.")
    issued = issue(case, alex)
    status_links.patient_question_add(link=issued.link, text="How sure is the diagnosis?")
    patient = Client()
    pass_check(patient, issued.token)
    staff = Client()
    assert (
        staff.post(reverse("login"), {"username": "alex", "password": PASSWORD}).status_code == 302
    )
    Client().post(reverse("login"), {"username": "casey", "password": "wrong"})
    TOTPDevice.objects.create(user=casey, name="phone", confirmed=True)
    # An administrator's rights, given to a person and to a group.
    centres = Permission.objects.get(codename="change_centre")
    casey.user_permissions.add(centres)
    Group.objects.get(name=SUPERVISORS).permissions.add(centres)
    StaffProfile.objects.update_or_create(user=casey, defaults={"phone": "555-0142"})
    overdue = factories.open_case(alex, now=timezone.now() - datetime.timedelta(days=21))
    step = overdue.steps.get(stage="referral")
    now = timezone.now()
    reminder = Reminder.objects.create(
        case=overdue,
        step=step,
        rule=Rule.OVERDUE,
        due_at=now - datetime.timedelta(days=10),
        recipient=alex,
        mode="immediate",
        created_at=now,
    )
    reminder.delivery = Delivery.objects.create(
        recipient=alex,
        case=overdue,
        source_reminder=reminder,
        channel="email",
        rule=Rule.OVERDUE,
        status=Delivery.Status.SENT,
        attempts=1,
        created_at=now,
        next_attempt_at=now,
        sent_at=now,
    )
    reminder.save()
    assert Step.objects.filter(case=overdue).count() == 4
    return {"token": issued.token, "link": issued.link, "patient": patient, "staff": staff}
