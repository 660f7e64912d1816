"""The patient's status page of one open case, in a database of `--cases` cases.

`status_page_ms` is the median time of `--repeat` page loads through Django's test client (a
patient who has passed the birth-date check), fetched in turns with the staff page floor (a
logged-in social worker's *Password changed*, as `staff_page_floor_ms`), whose median is
`status_floor_ms`; `status_page_queries` is the page's query count.

Target (at 100,000 cases, SQLite and PostgreSQL, issue #15): `status_page_floor_ratio` at most 2
(`status_page_floor_cpu_ratio`: the same of this process's CPU times).
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, in_turns, ratio
from cases.demo.seed import BULK_WORKER, seed_bulk
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
    staff = Client()
    staff.force_login(get_user_model().objects.get(username=BULK_WORKER.format(number=0)))
    with override_settings(ALLOWED_HOSTS=["localhost", "testserver"], STORAGES=PLAIN_STATIC):
        patient = Client(SERVER_NAME="localhost")
        # As production serves it: over HTTPS (plain HTTP is redirected there).
        patient.post(
            url,
            {"birth_month": birth.month, "birth_day": birth.day, "birth_year": birth.year},
            secure=True,
        )
        if patient.get(url, secure=True).status_code != 200:  # also warms templates
            raise RuntimeError("The status page did not open for the benchmark's patient.")
        (status_ms, status_cpu_ms), (floor_ms, floor_cpu_ms) = in_turns(
            [(patient, url), (staff, reverse("password_change_done"))], options["repeat"]
        )
        with CaptureQueriesContext(connection) as queries:
            patient.get(url, secure=True)
    status_links.status_link_revoke(link=issued.link, by=case.social_worker)
    return {
        "status_page_ms": status_ms,
        "status_page_cpu_ms": status_cpu_ms,
        "status_page_queries": len(queries),
        "status_floor_ms": floor_ms,
        "status_page_floor_ratio": ratio(status_ms, floor_ms),
        "status_page_floor_cpu_ratio": ratio(status_cpu_ms, floor_cpu_ms),
    }
