"""Two supervisors confirming the same file at the same moment, on PostgreSQL, each posting
the pages as the browser does: the import takes the file's mapping row first, so they take
turns, and the second finds the first one's cases and creates nothing."""

import datetime
import threading
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Case, Patient
from tests import factories
from tests.browser_form import form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example.csv"
INSTANT = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)


def test_two_supervisors_confirming_the_same_file_at_once_open_each_case_once():
    factories.ensure_defaults()  # a transactional test starts from empty tables
    factories.social_worker("alex", first_name="Alex", last_name="Rivera")
    clients = {}
    with time_machine.travel(INSTANT):
        for name in ("sam", "robin"):
            client = Client()
            client.force_login(factories.supervisor(name))
            client.post(
                reverse("case_import"),
                {"file": SimpleUploadedFile("team.csv", EXAMPLE.read_bytes())},
            )
            preview = client.get(reverse("case_import_preview"))
            clients[name] = (client, form_data(preview, reverse("case_import_confirm")))
        start, errors = threading.Barrier(2), []

        def confirm(client: Client, pressed: dict) -> None:
            try:
                start.wait()
                client.post(reverse("case_import_confirm"), pressed)
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm, args=pair) for pair in clients.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        results = sorted(
            tuple(client.get(reverse("case_import_result")).context["counts"].values())
            for client, _ in clients.values()
        )
    assert results == [(0, 3, 0), (3, 0, 0)]
    assert Case.objects.count() == Patient.objects.count() == 3
