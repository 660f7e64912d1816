"""The load test's users: social workers who open their caseload and their cases.

Each simulated user is a different synthetic social worker (60 open cases each), already logged
in (loadtest/prepare.py made the sessions), who waits
0.5–1.5 s between pages, as a person reading a page does. To drive another page, add one line
to PAGES. At the end one JSON line gives requests per second, p50/p95/p99 and the error count,
overall and per page.
"""

import itertools
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from locust import HttpUser, between, events, task

SESSIONS_FILE = Path(__file__).resolve().parent.parent / "var" / "loadtest-sessions.txt"
CASE_LINK = re.compile(r'href="(/cases/\d+/)"')


class Page(NamedTuple):
    name: str
    weight: int
    url: Callable[["SocialWorker"], str]


PAGES = [
    Page("caseload", 2, lambda user: "/"),
    Page("case page", 3, lambda user: random.choice(user.case_urls)),
]

_sessions = itertools.cycle(SESSIONS_FILE.read_text().split())


class SocialWorker(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        # What the reverse proxy in front of gunicorn adds after ending TLS (see loadtest/run.sh).
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.cookies.set("sessionid", next(_sessions))
        caseload = self.client.get("/", name="caseload")
        self.case_urls = CASE_LINK.findall(caseload.text)
        if not self.case_urls:
            raise RuntimeError("A simulated user sees no cases: is the bulk data set loaded?")

    @task
    def browse(self) -> None:
        page = random.choices(PAGES, weights=[page.weight for page in PAGES])[0]
        self.client.get(page.url(self), name=page.name)


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
    pages = {page.name: _figures(stats.get(page.name, "GET")) for page in PAGES}
    print(json.dumps({"total": _figures(stats.total), "pages": pages}, sort_keys=True))
