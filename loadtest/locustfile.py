"""The load test's users: social workers who log in, open their caseload and their cases.

Each simulated user is a different synthetic social worker (60 open cases each) who waits
0.5–1.5 s between pages, as a person reading a page does. To drive another page, add one line
to PAGES. At the end one JSON line gives requests per second, p50/p95/p99 and the error count,
overall and per page.
"""

import itertools
import json
import random
import re
from collections.abc import Callable
from typing import NamedTuple

from locust import HttpUser, between, events, task

PASSWORD = "loadtest-only-synthetic"  # noqa: S105 - matches loadtest/prepare.py
USERNAME = "bulk-worker-{number:04d}"
CASE_LINK = re.compile(r'href="(/cases/\d+/)"')


class Page(NamedTuple):
    name: str
    weight: int
    url: Callable[["SocialWorker"], str]


PAGES = [
    Page("caseload", 2, lambda user: "/"),
    Page("case page", 3, lambda user: random.choice(user.case_urls)),
]

_worker_numbers = itertools.count()


class SocialWorker(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        username = USERNAME.format(number=next(_worker_numbers))
        self.client.get("/accounts/login/", name="login")
        self.client.post(
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
            name="login",
        )
        caseload = self.client.get("/", name="caseload")
        self.case_urls = CASE_LINK.findall(caseload.text)
        if not self.case_urls:
            raise RuntimeError(f"{username} sees no cases: is the bulk data set loaded?")

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
