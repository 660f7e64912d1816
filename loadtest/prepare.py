"""Get a PostgreSQL database ready for `make loadtest`: create it if missing, migrate, load (or
reuse) the bulk data set, and give the synthetic social workers a password to log in with.

Usage: python loadtest/prepare.py CASES   (the database comes from DATABASE_URL)
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

PASSWORD = "loadtest-only-synthetic"  # noqa: S105 - synthetic accounts in a load-test database


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


def main(cases: int) -> None:
    create_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from cases import demo

    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_team()
    made = demo.seed_bulk(cases)
    print(f"Data set: {cases} cases ({made} new).")
    # One hash for every synthetic worker: hashing each would take longer than the test.
    get_user_model().objects.filter(username__startswith="bulk-worker-").update(
        password=make_password(PASSWORD)
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
