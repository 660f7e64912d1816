"""The load test's users: social workers who open their caseload and their cases, and patients
who look at their status page.

Four in five simulated users are social workers, each a different synthetic social worker (60
open cases each) already logged in; the fifth is a patient whose status link has already passed
the birth-date check (loadtest/prepare.py made both kinds of session). Everyone waits 0.5–1.5 s
between pages, as a person reading a page does. Requests carry what the TLS-ending reverse proxy
adds (X-Forwarded-Proto), as in production. To drive another staff page, add one line to
STAFF_PAGES. At the end one JSON line gives requests per second, p50/p95/p99 and the error
count, overall and per page.
"""

import itertools
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from locust import HttpUser, between, events, task

VAR = Path(__file__).resolve().parent.parent / "var"
SESSIONS_FILE = VAR / "loadtest-sessions.txt"
PATIENTS_FILE = VAR / "loadtest-patients.txt"
CASE_LINK = re.compile(r'href="(/cases/\d+/)"')
STATUS_PAGE = "status page"


class Page(NamedTuple):
    name: str
    weight: int
    url: Callable[["SocialWorker"], str]


STAFF_PAGES = [
    Page("caseload", 2, lambda user: "/caseload/"),
    Page("case page", 3, lambda user: random.choice(user.case_urls)),
]

_sessions = itertools.cycle(SESSIONS_FILE.read_text().split())
_patients = itertools.cycle(PATIENTS_FILE.read_text().splitlines())


class Visitor(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)

    def start_session(self, session_key: str) -> None:
        # What the reverse proxy in front of gunicorn adds after ending TLS (see loadtest/run.sh).
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.cookies.set("sessionid", session_key)


class SocialWorker(Visitor):
    weight = 4

    def on_start(self) -> None:
        self.start_session(next(_sessions))
        caseload = self.client.get("/caseload/", name="caseload")
        self.case_urls = CASE_LINK.findall(caseload.text)
        if not self.case_urls:
            raise RuntimeError("A simulated user sees no cases: is the bulk data set loaded?")

    @task
    def browse(self) -> None:
        page = random.choices(STAFF_PAGES, weights=[page.weight for page in STAFF_PAGES])[0]
        self.client.get(page.url(self), name=page.name)


class Patient(Visitor):
    weight = 1

    def on_start(self) -> None:
        self.status_path, session_key = next(_patients).split()
        self.start_session(session_key)

    @task
    def status(self) -> None:
        with self.client.get(self.status_path, name=STATUS_PAGE, catch_response=True) as page:
            # The status page itself, not the birth-date check a lost session falls back to.
            if page.ok and 'name="birth_day"' in page.text:
                page.failure("asked for the date of birth again")


def _figures(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "errors": entry.num_failures,
        "requests_per_s": round(entry.total_rps, 1),
        "p50_ms": entry.get_response_time_percentile(0.50),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
    }


@events.quitting.add_listener
def print_summary(environment, **kwargs) -> None:
    stats = environment.stats
    names = [page.name for page in STAFF_PAGES] + [STATUS_PAGE]
    pages = {name: _figures(stats.get(name, "GET")) for name in names}
    print(json.dumps({"total": _figures(stats.total), "pages": pages}, sort_keys=True))
