"""Today's lists as hand-written SQL: the rows of each list, in its order, with only the
columns its rows show and the list's total beside them (`COUNT(*) OVER ()`).

Why by hand: building eight querysets, compiling them and turning their rows into dicts cost
Today several times its SQL (issue #13: `today_ms` must stay under twice the staff page
floor). Each statement here says exactly what its list's queryset in `selectors` says, the
same filters and the same order (NULLs placed as the ORM places them on each database);
`tests/today/test_statements.py` compares the two on random data on SQLite and PostgreSQL.
Each row comes back as the dict the queryset's `.values()` gives (the same keys, dates and
times as Python values), so one row function serves both.

A list without a statement here is run through its queryset instead: a new list can start
with its queryset alone.
"""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from cases.models import Case, Stage, Step
from cases.today.scope import Day, Scope

ACTIVE = (Case.Status.OPEN, Case.Status.ON_HOLD)


@dataclass(frozen=True)
class Statement:
    """A list's rows: SQL whose last column is `listed_total`, without LIMIT, and its
    parameters."""

    sql: str
    params: list


def _cursor():
    """A cursor for Today's statements. On PostgreSQL one that binds its parameters on the
    server and prepares each statement: parsed and analysed once per connection, then only
    bound, planned for its parameters and run. (PostgreSQL keeps planning each run for its
    parameters: a generic plan, `plan_cache_mode = force_generic_plan`, ran these lists about
    five times slower.) The connection's `prepare_threshold` (`DATABASE_PREPARE_THRESHOLD`)
    still rules: None prepares nothing, for a pooler that cannot keep prepared statements.
    Every other query keeps Django's client-side binding. Counted and logged like any other
    cursor's queries."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


@functools.cache
def _prepared_cursor_class():
    import psycopg  # PostgreSQL only: SQLite installations need no driver

    class PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, **options):
            return super().execute(query, params, prepare=True, **options)

    return PreparedCursor


def run(statement: Statement, *, limit: int, offset: int = 0) -> tuple[int, list[dict]]:
    """(the list's total, `limit` of its rows from `offset` as dicts), one query; the total is
    0 when no row is returned."""
    with _cursor() as cursor:
        cursor.execute(f"{statement.sql} LIMIT %s OFFSET %s", [*statement.params, limit, offset])
        names = [column[0] for column in cursor.description]
        found = cursor.fetchall()
    if not found:
        return 0, []
    total = found[0][-1]
    names.pop()  # listed_total
    converters = [
        (index, CONVERTERS[name]) for index, name in enumerate(names) if name in CONVERTERS
    ]
    rows = []
    for values in found:
        row = dict(zip(names, values, strict=False))
        for index, convert in converters:
            if values[index] is not None:
                row[names[index]] = convert(values[index])
        rows.append(row)
    return total, rows


def _day(value) -> datetime.date:
    return parse_date(value) if isinstance(value, str) else value


def _instant(value) -> datetime.datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value


def _time(value) -> datetime.time:
    return parse_time(value) if isinstance(value, str) else value


# The columns whose values SQLite returns as text (or a naive UTC time) and PostgreSQL as the
# Python values the ORM gives.
CONVERTERS = {
    **dict.fromkeys(
        (
            "due_date",
            "due_on",
            "sent_on",
            "answer_due_on",
            "follow_up_on",
            "hold_review_on",
            "last_screened_on",
        ),
        _day,
    ),
    **dict.fromkeys(("blocked_at", "scheduled_at", "latest_question"), _instant),
    "due_time": _time,
}


def _as_date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _as_instant(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _among(column: str, ids: list[int] | None) -> tuple[str, list]:
    """`AND column IN (ids)`, or nothing for everyone's (None)."""
    if ids is None:
        return "", []
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


# The patient and the case's social worker, for every row (as `selectors.PATIENT_COLUMNS`).
CASE_COLUMNS = (
    "p.full_name AS case__patient__full_name, p.mrn AS case__patient__mrn, "
    "c.urgency AS case__urgency, c.social_worker_id AS case__social_worker_id, "
    "w.first_name AS case__social_worker__first_name, "
    "w.last_name AS case__social_worker__last_name, "
    "w.username AS case__social_worker__username"
)
CASE_JOINS = (
    "INNER JOIN auth_user w ON w.id = c.social_worker_id "
    "INNER JOIN cases_patient p ON p.id = c.patient_id"
)
TOTAL = "COUNT(*) OVER () AS listed_total"
STEP_COLUMNS = (
    "s.id AS pk, s.case_id AS case_id, s.stage AS stage, s.due_date AS due_date, "
    "s.status_reason AS status_reason, s.blocked_at AS blocked_at"
)


def _steps(where: str, params: list, order: str) -> Statement:
    return Statement(
        f"SELECT {STEP_COLUMNS}, {CASE_COLUMNS}, {TOTAL} FROM cases_step s "  # noqa: S608 # nosec B608
        f"INNER JOIN cases_case c ON c.id = s.case_id {CASE_JOINS} "
        f"WHERE {where} ORDER BY {order}",
        params,
    )


def due_today(scope: Scope, day: Day) -> Statement:
    where = "c.status = %s AND s.status = %s AND s.due_date = %s"
    params = [Case.Status.OPEN, Step.Status.IN_PROGRESS, _as_date(day.today)]
    if scope.owner_ids is not None:
        # As the queryset: the case's next due date lets the database start from the
        # caseload's index.
        mine, ids = _among("c.social_worker_id", scope.owner_ids)
        where += f" AND c.next_due_date <= %s{mine}"
        params += [_as_date(day.today), *ids]
    return _steps(where, params, "c.urgency DESC, s.case_id ASC, s.id ASC")


def overdue(scope: Scope, day: Day) -> Statement:
    where = "c.status = %s AND s.status = %s AND s.due_date < %s"
    params = [Case.Status.OPEN, Step.Status.IN_PROGRESS, _as_date(day.today)]
    if scope.owner_ids is not None:
        mine, ids = _among("c.social_worker_id", scope.owner_ids)
        where += f" AND c.next_due_date < %s{mine}"
        params += [_as_date(day.today), *ids]
    return _steps(where, params, "s.due_date ASC, s.case_id ASC, s.id ASC")


def blocked(scope: Scope, day: Day) -> Statement:
    mine, ids = _among("c.social_worker_id", scope.owner_ids)
    return _steps(
        f"c.status = %s AND s.status = %s{mine}",
        [Case.Status.OPEN, Step.Status.BLOCKED, *ids],
        "s.blocked_at ASC NULLS FIRST, s.case_id ASC, s.id ASC",
    )


def follow_ups(scope: Scope, day: Day) -> Statement:
    theirs, assignees = _among("f.assignee_id", scope.owner_ids)
    # A social worker's: on cases they may see (not a case whose cover has ended).
    visible, owners = (
        ("", []) if scope.supervisor else _among("c.social_worker_id", scope.owner_ids)
    )
    return Statement(
        "SELECT f.id AS pk, f.case_id AS case_id, f.what AS what, f.due_on AS due_on, "  # noqa: S608 # nosec B608
        "f.due_time AS due_time, f.assignee_id AS assignee_id, "
        "a.first_name AS assignee__first_name, a.last_name AS assignee__last_name, "
        f"a.username AS assignee__username, {CASE_COLUMNS}, {TOTAL} "
        "FROM cases_followup f INNER JOIN cases_case c ON c.id = f.case_id "
        f"INNER JOIN auth_user a ON a.id = f.assignee_id {CASE_JOINS} "
        f"WHERE c.status IN (%s, %s) AND f.done_at IS NULL AND f.due_on <= %s{theirs}{visible} "
        "ORDER BY f.due_on ASC, f.due_time ASC NULLS FIRST, f.id ASC",
        [*ACTIVE, _as_date(day.today), *assignees, *owners],
    )


def records_requests(scope: Scope, day: Day) -> Statement:
    mine, ids = _among("c.social_worker_id", scope.owner_ids)
    return Statement(
        "SELECT r.id AS pk, r.case_id AS case_id, contact.name AS contact__name, "  # noqa: S608 # nosec B608
        "r.contact_other AS contact_other, r.sent_on AS sent_on, "
        f"r.answer_due_on AS answer_due_on, r.follow_up_on AS follow_up_on, {CASE_COLUMNS}, "
        f"{TOTAL} FROM cases_recordsrequest r INNER JOIN cases_case c ON c.id = r.case_id "
        f"LEFT OUTER JOIN cases_contact contact ON contact.id = r.contact_id {CASE_JOINS} "
        "WHERE (r.follow_up_on <= %s OR r.answer_due_on < %s) AND c.status IN (%s, %s) "
        f"AND r.completed_on IS NULL{mine} "
        # follow_up_on's NULLs where each database puts them, as the queryset's order does.
        "ORDER BY r.answer_due_on ASC NULLS LAST, r.follow_up_on ASC, r.id ASC",
        [_as_date(day.today), _as_date(day.today), *ACTIVE, *ids],
    )


def questions(scope: Scope, day: Day) -> Statement:
    """Per case, the questions added or changed since the case was last opened (one visit row
    per person and case: the join finds the one the queryset's subquery finds)."""
    mine, ids = _among("c.social_worker_id", scope.owner_ids)
    visitor, visitor_params = (
        ("c.social_worker_id", []) if scope.supervisor else ("%s", [scope.viewer_id])
    )
    return Statement(
        f"SELECT q.case_id AS case_id, {CASE_COLUMNS}, COUNT(q.id) AS new_questions, "  # noqa: S608 # nosec B608
        f"MAX(q.updated_at) AS latest_question, {TOTAL} "
        f"FROM cases_patientquestion q INNER JOIN cases_case c ON c.id = q.case_id {CASE_JOINS} "
        "LEFT OUTER JOIN cases_casevisit visit "
        f"ON visit.case_id = q.case_id AND visit.user_id = {visitor} "
        f"WHERE c.status IN (%s, %s){mine} "
        "AND (visit.last_opened_at IS NULL OR q.updated_at > visit.last_opened_at) "
        "GROUP BY q.case_id, p.full_name, p.mrn, c.urgency, c.social_worker_id, "
        "w.first_name, w.last_name, w.username "
        "ORDER BY latest_question DESC, q.case_id ASC",
        [*visitor_params, *ACTIVE, *ids],
    )


def appointments(scope: Scope, day: Day) -> Statement:
    mine, ids = _among("c.social_worker_id", scope.owner_ids)
    return Statement(
        "SELECT ap.id AS pk, ap.case_id AS case_id, ap.scheduled_at AS scheduled_at, "  # noqa: S608 # nosec B608
        "(SELECT step.id FROM cases_step step WHERE step.case_id = ap.case_id "
        "AND step.stage = %s ORDER BY step.position ASC LIMIT 1) AS appointment_step_id, "
        f"{CASE_COLUMNS}, {TOTAL} "
        f"FROM cases_appointment ap INNER JOIN cases_case c ON c.id = ap.case_id {CASE_JOINS} "
        f"WHERE c.status = %s{mine} AND ap.scheduled_at >= %s AND ap.scheduled_at < %s "
        "AND NOT EXISTS (SELECT 1 FROM cases_checklistitem item "
        "INNER JOIN cases_step step ON step.id = item.step_id "
        "WHERE item.done_at IS NOT NULL AND step.case_id = ap.case_id "
        "AND item.told_what_to_bring = %s) "
        "ORDER BY ap.scheduled_at ASC, ap.id ASC",
        [
            Stage.APPOINTMENT,
            Case.Status.OPEN,
            *ids,
            _as_instant(day.now),
            _as_instant(day.appointments_end),
            True,
        ],
    )


def holds(scope: Scope, day: Day) -> Statement:
    mine, ids = _among("c.social_worker_id", scope.owner_ids)
    return Statement(
        "SELECT c.id AS pk, c.status_reason AS status_reason, "  # noqa: S608 # nosec B608
        f"c.hold_review_on AS hold_review_on, {CASE_COLUMNS}, {TOTAL} "
        f"FROM cases_case c {CASE_JOINS} "
        f"WHERE c.status = %s AND (c.hold_review_on <= %s OR c.hold_review_on IS NULL){mine} "
        "ORDER BY c.hold_review_on ASC NULLS FIRST, c.id ASC",
        [Case.Status.ON_HOLD, _as_date(day.today), *ids],
    )


def rescreening(scope: Scope, day: Day) -> Statement:
    """Open cases last screened `RESCREENING_DAYS` or more days ago: the latest screening's
    day read from the screenings' (case, day) index, once for the filter and once for the
    column, as the queryset's subquery."""
    mine, ids = _among("c.social_worker_id", scope.owner_ids)
    last = "(SELECT MAX(d.screened_on) FROM cases_distressscreening d WHERE d.case_id = c.id)"
    due_by = day.today - datetime.timedelta(days=settings.RESCREENING_DAYS)
    return Statement(
        f"SELECT c.id AS pk, {last} AS last_screened_on, {CASE_COLUMNS}, {TOTAL} "  # noqa: S608 # nosec B608
        f"FROM cases_case c {CASE_JOINS} WHERE c.status = %s{mine} AND {last} <= %s "
        "ORDER BY last_screened_on ASC, c.id ASC",
        [Case.Status.OPEN, *ids, _as_date(due_by)],
    )
