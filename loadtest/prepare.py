"""Get a PostgreSQL database ready for `make loadtest`: create it if missing, migrate, load (or
reuse) the bulk data set, and log the synthetic social workers in.

Logging in is not what the test measures (a social worker logs in once a day, and each login
spends half a second of CPU on password hashing by design), so each simulated user starts with
a session made here by Django's own login (without the password check), signals included, as
the care-team backend logs people in. Their keys go to SESSIONS_FILE, one a line.

The simulated patients each get a fresh status link to one of those workers' open cases (the
links this script issued before are revoked) and pass its birth-date check here, through the
real view; PATIENTS_FILE holds "status-page-path session-key" a line. All of it is synthetic.

Usage: python loadtest/prepare.py CASES USERS   (the database comes from DATABASE_URL)
"""

import os
import sys
from pathlib import Path

import dj_database_url
import django
import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")

VAR = Path(__file__).resolve().parent.parent / "var"
SESSIONS_FILE = VAR / "loadtest-sessions.txt"
PATIENTS_FILE = VAR / "loadtest-patients.txt"


def create_database(url: str) -> None:
    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def main(cases: int, users: int) -> None:
    create_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from cases.demo import seed as demo

    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_team()
    made = demo.seed_bulk(cases)
    print(f"Data set: {cases} cases ({made} new).")
    workers = get_user_model().objects.filter(username__startswith="bulk-worker-")
    keys = []
    for worker in workers.order_by("username")[:users]:
        client = Client()
        client.force_login(worker, backend="cases.backends.CareTeamBackend")
        keys.append(client.session.session_key)
    VAR.mkdir(exist_ok=True)
    SESSIONS_FILE.write_text("\n".join(keys) + "\n")
    PATIENTS_FILE.write_text("\n".join(patient_sessions(workers, users)) + "\n")


def patient_sessions(workers, count: int) -> list[str]:
    """Status-page paths with a session that has passed the birth-date check, one per case."""
    from django.test import Client
    from django.urls import reverse

    from cases.models import Case, StatusLink
    from cases.patient import links as status_links

    cases = (
        Case.objects.filter(social_worker__in=workers, status=Case.Status.OPEN)
        .select_related("patient", "social_worker")
        .order_by("pk")[:count]
    )
    lines = []
    for case in cases:
        for old in StatusLink.objects.filter(case=case, revoked_at__isnull=True):
            status_links.status_link_revoke(link=old, by=case.social_worker)
        issued = status_links.status_link_issue(case=case, by=case.social_worker)
        path = reverse("patient_status", kwargs={"token": issued.token})
        born = case.patient.date_of_birth
        client = Client(SERVER_NAME="127.0.0.1")
        answer = {"birth_month": born.month, "birth_day": born.day, "birth_year": born.year}
        if client.post(path, answer, secure=True).status_code != 302:
            raise RuntimeError("A simulated patient did not pass the birth-date check.")
        lines.append(f"{path} {client.session.session_key}")
    return lines


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
