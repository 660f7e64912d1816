"""Today at scale: a social worker's Today (`bulk-worker-0000`, 60 open cases and the rows
`seed_bulk` gives them: blocked steps, appointments this week, patient questions, visits) and
the supervisor's Today of the whole team, each through Django's test client, beside the staff
page floor measured the same way.

Target at 100,000 cases: `today_ms` under 2 × `staff_page_floor_ms`, at a fixed number of
queries (`today_queries`; tests/query_budgets.py). The two pages are fetched in turns (Today,
the floor, Today, ...), so work elsewhere on the machine weighs on both alike; the ratio is
given of wall times and of this process's CPU times (the page's own cost, whatever else runs;
on PostgreSQL it leaves out the server's share).
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, page_cost
from cases.demo.seed import BULK_WORKER


def in_turns(client: Client, urls: list[str], repeat: int) -> list[tuple[float, float]]:
    """(median ms, median CPU ms) of GET each of `urls`, fetched in turns `repeat` times after
    one warm-up round."""
    walls: list[list[float]] = [[] for _ in urls]
    cpus: list[list[float]] = [[] for _ in urls]
    for round_number in range(repeat + 1):
        for index, url in enumerate(urls):
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


def measure(options) -> dict:
    repeat = options["repeat"]
    User = get_user_model()
    worker = User.objects.get(username=BULK_WORKER.format(number=0))
    supervisor = User.objects.get(username="supervisor")
    as_worker, as_supervisor = Client(), Client()
    as_worker.force_login(worker)
    as_supervisor.force_login(supervisor)
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"]):
        _, _, today_queries = page_cost(as_worker, reverse("today"), 1)
        (today_ms, today_cpu_ms), (floor_ms, floor_cpu_ms) = in_turns(
            as_worker, [reverse("today"), reverse("password_change_done")], repeat
        )
        team_ms, _, team_queries = page_cost(as_supervisor, reverse("today"), repeat)
    return {
        "today_ms": today_ms,
        "today_cpu_ms": today_cpu_ms,
        "today_queries": today_queries,
        "today_floor_ms": floor_ms,
        "today_floor_cpu_ms": floor_cpu_ms,
        "today_floor_ratio": round(today_ms / floor_ms, 2) if floor_ms else None,
        "today_floor_cpu_ratio": round(today_cpu_ms / floor_cpu_ms, 2) if floor_cpu_ms else None,
        "today_team_ms": team_ms,
        "today_team_queries": team_queries,
    }
