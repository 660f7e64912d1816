"""Each supervisor report's time, query count and rows read at `--cases N` (default 100,000),
and the reports dashboard page's time and query count.

The data set comes from `cases.demo.seed.seed_bulk` (PostgreSQL's statistics are refreshed after
it); each report is built with the default filters
(the twelve months up to today, everyone) `--repeat` times, and the median time is kept.
Target: every report under 300 ms on SQLite and PostgreSQL at 100,000 cases (issue #15).

- `report_ms`, `report_queries`: per report, the median time of a build and its statements.
- `report_rows`: per report, the rows its statements read, counted once after the timed runs
  (`report_rows_counted` says how): on PostgreSQL, each statement is run again under
  `EXPLAIN (ANALYZE, FORMAT JSON)` and the rows its plan's table and index scans read are
  added up (what each scan returned plus what its filters removed, over all its loops); SQLite
  tells no such figure, so there it is the rows the statements returned.
- `dashboard_ms`, `dashboard_cpu_ms`, `dashboard_queries`: the reports dashboard as a
  supervisor gets it with the default filters, through the test client like the other pages.
"""

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from cases.benchmarks.pages import PLAIN_STATIC, page_cost
from cases.demo.seed import ensure_team, seed_bulk
from cases.reports.histograms import report_histograms_built, report_histograms_rebuild
from cases.reports.registry import REPORTS, ReportFilters

# Plan nodes that read a table or an index (a bitmap index scan's rows are read again by the
# bitmap heap scan above it, which is the one counted).
_SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan"}


def measure(options) -> dict:
    ensure_team()
    seed_bulk(options["cases"])
    if connection.vendor == "postgresql":
        # Fresh statistics after the bulk load, as autovacuum would gather them on a live
        # database; without them the planner guesses a few rows and compiles with JIT.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result: dict = {}
    if not report_histograms_built():
        # A data set seeded before the histograms existed: build them once, as the seed does.
        started = time.perf_counter()
        report_histograms_rebuild()
        result["histograms_build_s"] = round(time.perf_counter() - started, 1)
    filters = ReportFilters.default()
    report_ms, report_queries, report_rows = {}, {}, {}
    for slug, definition in REPORTS.items():
        timings = []
        for _ in range(max(1, options["repeat"])):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                definition.build(filters)
                timings.append((time.perf_counter() - started) * 1000)
        report_ms[slug] = round(statistics.median(timings), 1)
        report_queries[slug] = len(queries.captured_queries)
        report_rows[slug] = sum(
            rows_read(sql, params) for sql, params in statements(definition, filters)
        )
    return result | {
        "report_ms": report_ms,
        "report_queries": report_queries,
        "report_rows": report_rows,
        "report_rows_counted": "scanned (EXPLAIN ANALYZE)"
        if connection.vendor == "postgresql"
        else "returned",
        **dashboard(options["repeat"]),
    }


def statements(definition, filters: ReportFilters) -> list[tuple[str, object]]:
    """The SQL and parameters of each statement one build of the report runs."""
    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        definition.build(filters)
    return seen


def rows_read(sql: str, params) -> int:
    """The rows one statement reads (see the module's docstring); 0 for one that reads none."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return len(cursor.fetchall())
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):  # Django's connection may leave JSON undecoded
        plan = json.loads(plan)
    return round(sum(_scanned(entry["Plan"]) for entry in plan))


def _scanned(node: dict) -> float:
    own = 0.0
    if node.get("Node Type") in _SCANS:
        per_loop = (
            node.get("Actual Rows", 0)
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0)
        )
        own = per_loop * node.get("Actual Loops", 1)
    return own + sum(_scanned(child) for child in node.get("Plans", []))


def dashboard(repeat: int) -> dict:
    """The reports dashboard page (default filters) as the demo supervisor gets it."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor"))
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["testserver"]):
        ms, cpu_ms, queries = page_cost(client, reverse("reports"), repeat)
    return {"dashboard_ms": ms, "dashboard_cpu_ms": cpu_ms, "dashboard_queries": queries}
