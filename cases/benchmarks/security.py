"""The audit trail's costs: writing one event, a page of a case's access history, the CSV
export. Runs inside a transaction that is rolled back, so the trail is left as it was."""

import csv
import statistics
import time

from django.core.paginator import Paginator
from django.db import transaction

from cases.audit import HISTORY_PAGE_SIZE, Echo, audit_export_rows, audit_record
from cases.models import AuditEvent, Case

EXPORT_EVENTS = 50_000
HISTORY_EVENTS = 10_000


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def measure(options) -> dict:
    repeat = options["repeat"]
    with transaction.atomic():
        case = Case.objects.order_by("pk").first()
        if case is None:
            return {"security_skipped": "no cases: run seed_demo first"}

        writes = []
        for _ in range(repeat * 50):
            started = time.perf_counter()
            audit_record(action=AuditEvent.Action.VIEW, case=case, obj=case)
            writes.append(time.perf_counter() - started)

        AuditEvent.objects.bulk_create(
            AuditEvent(action=AuditEvent.Action.VIEW, case=case, object_type="case")
            for _ in range(max(EXPORT_EVENTS, HISTORY_EVENTS))
        )
        history = []
        for _ in range(repeat):
            started = time.perf_counter()
            events = AuditEvent.objects.filter(case=case).select_related("actor")
            page = Paginator(events, HISTORY_PAGE_SIZE).get_page(1)
            list(page.object_list)
            history.append(time.perf_counter() - started)

        writer = csv.writer(Echo())
        started = time.perf_counter()
        rows = sum(
            1
            for row in audit_export_rows(AuditEvent.objects.order_by("created_at", "id"))
            if writer.writerow(row)
        )
        export_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "security_audit_write_median_ms": _median_ms(writes),
        "security_access_history_page_median_ms": _median_ms(history),
        "security_access_history_events": HISTORY_EVENTS,
        "security_export_rows": rows - 1,
        "security_export_rows_per_second": round((rows - 1) / export_seconds),
    }
