"""The caseload sorted by each column (issue 13, part 6), at the scale of `--cases`: the bulk
social worker's 60 open cases, and a supervisor's list of every open case (10,000 at 100,000
cases) and of every case whatever its status, each fetched through Django's test client in
every order the column headers offer. Each list gives `<list>_ms` and `<list>_cpu_ms` (median
wall and CPU time per order, CPU being this process's own cost whatever else runs), the
slowest order and its time, and the most queries any order took.

Target (at 100,000 cases, SQLite and PostgreSQL): every order of every list under 50 ms median
with the same number of queries as the default order.
"""

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, page_cost
from cases.demo.seed import BULK_WORKER
from cases.workflow.selectors import CASELOAD_SORTS

ORDERS = [prefix + name for name in CASELOAD_SORTS for prefix in ("", "-")]


def _orders(client: Client, repeat: int, **filters) -> tuple[dict, dict, set[int]]:
    """{order: median ms}, {order: median CPU ms} for the caseload with `filters`, and the
    query counts seen."""
    timings, cpu_timings, queries = {}, {}, set()
    for order in ORDERS:
        url = f"{reverse('caseload')}?{'&'.join(f'{k}={v}' for k, v in filters.items())}"
        ms, cpu_ms, count = page_cost(client, f"{url}&sort={order}", repeat)
        timings[order], cpu_timings[order], queries = ms, cpu_ms, queries | {count}
    return timings, cpu_timings, queries


def measure(options) -> dict:
    repeat = options["repeat"]
    users = get_user_model().objects
    lists = {
        "caseload_sorted": (users.get(username=BULK_WORKER.format(number=0)), {"status": "open"}),
        "supervisor_open_sorted": (users.get(username="supervisor"), {"status": "open"}),
        "supervisor_any_sorted": (users.get(username="supervisor"), {"status": "any"}),
    }
    result = {}
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"]):
        for key, (user, filters) in lists.items():
            client = Client()
            client.force_login(user)
            timings, cpu_timings, queries = _orders(client, repeat, **filters)
            slowest = max(timings, key=timings.get)
            result[f"{key}_ms"] = timings
            result[f"{key}_cpu_ms"] = cpu_timings
            result[f"{key}_max_ms"] = timings[slowest]
            result[f"{key}_slowest"] = slowest
            result[f"{key}_queries"] = max(queries)
    return result
