"""The team-wide records requests list at scale: the page a social worker with 60 open cases
sees (`records_requests_ms`, `records_requests_queries`), measured like the other staff pages
(`cases.benchmarks.pages`), on the bulk data set's requests (one per case at records or later).
"""

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, page_cost
from cases.demo.seed import BULK_WORKER


def measure(options) -> dict:
    worker = get_user_model().objects.get(username=BULK_WORKER.format(number=0))
    client = Client()
    client.force_login(worker)
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"]):
        ms, cpu_ms, queries = page_cost(client, reverse("records_requests"), options["repeat"])
    return {
        "records_requests_ms": ms,
        "records_requests_cpu_ms": cpu_ms,
        "records_requests_queries": queries,
    }
