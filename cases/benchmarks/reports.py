"""Each supervisor report's time and query count at `--cases N` (default 100,000).

The data set comes from `cases.demo.seed.seed_bulk` (PostgreSQL's statistics are refreshed after
it); each report is built with the default filters
(the twelve months up to today, everyone) `--repeat` times, and the median time is kept.
Target: every report under 300 ms on SQLite and PostgreSQL at 100,000 cases (issue #15).
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.demo.seed import ensure_team, seed_bulk
from cases.reports.histograms import report_histograms_built, report_histograms_rebuild
from cases.reports.registry import REPORTS, ReportFilters


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
    report_ms, report_queries = {}, {}
    for slug, definition in REPORTS.items():
        timings = []
        for _ in range(max(1, options["repeat"])):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                definition.build(filters)
                timings.append((time.perf_counter() - started) * 1000)
        report_ms[slug] = round(statistics.median(timings), 1)
        report_queries[slug] = len(queries.captured_queries)
    return result | {"report_ms": report_ms, "report_queries": report_queries}
