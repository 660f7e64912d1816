"""The staff pages at scale: a social worker's caseload and a case page in a database of
`--cases` cases, each measured through Django's test client as a logged-in social worker with
60 open cases, fetched in turns with the staff page floor (`staff_page_floor_ms`: what a
logged-in page with no data of its own costs), so work elsewhere on the machine weighs on each
alike; the caseload's own SQL is run bare for information.

Targets (at 100,000 cases, SQLite and PostgreSQL, issue #15): both pages under 50 ms median
with at most 10 queries (the case page: its budget), the caseload at most 2 × the floor
(`caseload_floor_ratio`), the case page at most 3 × (`case_page_floor_ratio`). The `_cpu_ratio`
keys are the same of this process's CPU times: the pages' own cost whatever else runs on the
machine (on PostgreSQL without the server's share). The earlier
`caseload_ratio` (the page over its bare SQL) is retired: a bare query of 0.2 ms made it
meaningless.
"""

import statistics
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.business_days import team_today
from cases.demo.seed import BULK_WORKER
from cases.models import Case
from cases.workflow import selectors
from cases.workflow.selectors import CASELOAD_PAGE_SIZE

# Rendering needs no collectstatic here: the manifest lookup is not what is measured. The test
# client's requests come from "testserver", whatever ALLOWED_HOSTS says for real traffic.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def medians_ms(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process over `repeat` runs after one
    warm-up run, in milliseconds. CPU time shows the page's own cost when other work shares the
    cores (it leaves out the PostgreSQL server's share, which runs in its own process)."""
    run()
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu_started) * 1000)
    return round(statistics.median(walls), 2), round(statistics.median(cpus), 2)


def page_cost(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """(median ms, median CPU ms, queries) for GET `url`; a page that does not answer 200 stops
    the run."""

    def get():
        # As production serves it: over HTTPS (plain HTTP is redirected there).
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    queries = queries_of(get)
    return *medians_ms(get, repeat), queries


def queries_of(get: Callable[[], object]) -> int:
    """The SQL statements `get()` runs (a counter that survives the connection being closed
    at the end of a request)."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        get()
    return len(statements)


def bare_caseload_sql(worker) -> Callable[[], list]:
    """The caseload's first page as the ORM writes it, run through a bare cursor."""
    cases = selectors.caseload(user=worker, filters=selectors.CaseloadFilters(), today=team_today())
    rows = selectors.caseload_values(cases[:CASELOAD_PAGE_SIZE])
    sql, params = rows.query.sql_with_params()

    def run() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def in_turns(fetches: list[tuple[Client, str]], repeat: int) -> list[tuple[float, float]]:
    """(median ms, median CPU ms) of each (client, url) GET, the pages fetched in turns
    `repeat` times after one warm-up round, so a burst of work elsewhere on the machine lands
    on all of them alike."""
    walls: list[list[float]] = [[] for _ in fetches]
    cpus: list[list[float]] = [[] for _ in fetches]
    for round_number in range(repeat + 1):
        for index, (client, url) in enumerate(fetches):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            if round_number:
                walls[index].append((time.perf_counter() - started) * 1000)
                cpus[index].append((time.process_time() - cpu_started) * 1000)
    return [
        (round(statistics.median(wall), 2), round(statistics.median(cpu), 2))
        for wall, cpu in zip(walls, cpus, strict=True)
    ]


def ratio(page_ms: float, floor_ms: float) -> float | None:
    return round(page_ms / floor_ms, 2) if floor_ms else None


def measure(options) -> dict:
    repeat = options["repeat"]
    worker = get_user_model().objects.get(username=BULK_WORKER.format(number=0))
    open_cases = Case.objects.filter(social_worker=worker, status=Case.Status.OPEN)
    one_case = open_cases.order_by("pk").first()
    client = Client()
    client.force_login(worker)
    caseload, case_page = reverse("caseload"), one_case.get_absolute_url()
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"]):
        caseload_queries = queries_of(lambda: client.get(caseload, secure=True))
        case_page_queries = queries_of(lambda: client.get(case_page, secure=True))
        # The floor under every staff page: session, user, middleware and the page frame
        # around a sentence, with no data of its own.
        floor = reverse("password_change_done")
        measured = in_turns([(client, caseload), (client, case_page), (client, floor)], repeat)
    (caseload_ms, caseload_cpu_ms), (case_page_ms, case_page_cpu_ms), (floor_ms, floor_cpu) = (
        measured
    )
    raw_sql_ms, _ = medians_ms(bare_caseload_sql(worker), repeat)
    return {
        "caseload_ms": caseload_ms,
        "caseload_cpu_ms": caseload_cpu_ms,
        "caseload_queries": caseload_queries,
        "caseload_raw_sql_ms": raw_sql_ms,
        "caseload_floor_ratio": ratio(caseload_ms, floor_ms),
        "caseload_floor_cpu_ratio": ratio(caseload_cpu_ms, floor_cpu),
        "caseload_open_cases": open_cases.count(),
        "case_page_ms": case_page_ms,
        "case_page_cpu_ms": case_page_cpu_ms,
        "case_page_queries": case_page_queries,
        "case_page_floor_ratio": ratio(case_page_ms, floor_ms),
        "case_page_floor_cpu_ratio": ratio(case_page_cpu_ms, floor_cpu),
        "staff_page_floor_ms": floor_ms,
        "staff_page_floor_cpu_ms": floor_cpu,
    }
