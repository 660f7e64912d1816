"""The patient's status page of one open case, in a database of `--cases` cases.

`status_page_ms` is the median time of `--repeat` page loads through Django's test client (a
patient who has passed the birth-date check); `status_page_queries` is the page's query count.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from cases.demo.seed import seed_bulk
from cases.models import Case
from cases.patient import links as status_links


def measure(options) -> dict:
    seed_bulk(options["cases"])
    case = (
        Case.objects.filter(status=Case.Status.OPEN)
        .select_related("patient", "social_worker")
        .order_by("id")
        .first()
    )
    issued = status_links.status_link_issue(case=case, by=case.social_worker)
    url = reverse("patient_status", kwargs={"token": issued.token})
    birth = case.patient.date_of_birth
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=["localhost"],
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
        | {"staticfiles": plain_static},
    ):
        client = Client(SERVER_NAME="localhost")
        # As production serves it: over HTTPS (plain HTTP is redirected there).
        client.post(
            url,
            {"birth_month": birth.month, "birth_day": birth.day, "birth_year": birth.year},
            secure=True,
        )
        if client.get(url, secure=True).status_code != 200:  # also warms templates and translations
            raise RuntimeError("The status page did not open for the benchmark's patient.")
        timings = []
        for _ in range(options["repeat"]):
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
    status_links.status_link_revoke(link=issued.link, by=case.social_worker)
    return {
        "status_page_ms": round(statistics.median(timings), 2),
        "status_page_queries": len(queries),
    }
