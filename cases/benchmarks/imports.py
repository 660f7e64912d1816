"""The spreadsheet import's preview (issue #16) at 10,000 rows: a CSV of 10,000 new patients
uploaded through the page by the supervisor (reading, the mapping guess, the session), then its
preview page (every row checked against every case of the data set at `--cases`), fetched
through Django's test client. Gives `import_upload_10k_ms` (one upload), `import_preview_10k_ms`
and `import_preview_10k_cpu_ms` (median per page view) and the preview's queries.

Target: the 10,000-row preview under 10 s (10,000 ms), at 100,000 cases.
"""

import datetime
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, page_cost

ROWS = 10_000
HEADER = "Patient name,Date of birth,MRN,Social worker,Urgency,Diagnosis,Grade,Opened on,"
HEADER += "Referral sent,Records received,Insurance approved,Appointment"


def sheet(rows: int = ROWS) -> bytes:
    """`rows` synthetic new patients, each with a referral sent: nothing matches the data set."""
    lines = [HEADER]
    for number in range(rows):
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=number * 2)
        lines.append(
            f"Benchmark Sheetpatient{number},{birth:%m/%d/%Y},BENCH{number:06d},alex,routine,"
            "glioma,2,2026-03-02,4 Mar 2026,,,"
        )
    return ("\n".join(lines) + "\n").encode()


def measure(options) -> dict:
    supervisor = get_user_model().objects.get(username="supervisor")
    content = sheet()
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(supervisor)
        started = time.perf_counter()
        response = client.post(
            reverse("case_import"),
            {"file": SimpleUploadedFile("bench.csv", content)},
            secure=True,
        )
        upload_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 302:
            raise RuntimeError(f"the upload answered {response.status_code}")
        ms, cpu_ms, queries = page_cost(client, reverse("case_import_preview"), options["repeat"])
        client.post(reverse("case_import_cancel"), secure=True)
    return {
        "import_upload_10k_ms": round(upload_ms),
        "import_preview_10k_ms": ms,
        "import_preview_10k_cpu_ms": cpu_ms,
        "import_preview_10k_queries": queries,
    }
