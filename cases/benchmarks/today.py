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

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, in_turns, page_cost, ratio
from cases.demo.seed import BULK_WORKER


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
            [(as_worker, reverse("today")), (as_worker, reverse("password_change_done"))], repeat
        )
        team_ms, _, team_queries = page_cost(as_supervisor, reverse("today"), repeat)
    return {
        "today_ms": today_ms,
        "today_cpu_ms": today_cpu_ms,
        "today_queries": today_queries,
        "today_floor_ms": floor_ms,
        "today_floor_cpu_ms": floor_cpu_ms,
        "today_floor_ratio": ratio(today_ms, floor_ms),
        "today_floor_cpu_ratio": ratio(today_cpu_ms, floor_cpu_ms),
        "today_team_ms": team_ms,
        "today_team_queries": team_queries,
    }
