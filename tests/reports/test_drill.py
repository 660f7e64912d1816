"""The cases behind each count (issue #15's drill-down) match the count they came from.

One small hand-built month, March 2026, touches every report (the team's caseload on the last
day of the month, appointments, steps done, preauthorizations, records, reasons, centres,
reminders and a digest, and the screening report's own data set from
tests/screening/test_report.py). For every linked cell of every table, `cases.reports.drill`
must give a list whose length is the count (a count of cases), or whose per-case numbers add
up to it (a count of steps, records, messages, screenings, barriers…), with the same filters;
runs on SQLite and PostgreSQL alike.
"""

import datetime

import pytest
import time_machine
from django.db.models import Q
from django.db.models.functions import Upper

from cases.models import Centre, Delivery
from cases.reports import drill
from cases.reports import registry as reports
from cases.reports.parts import ROW_KEY
from cases.workflow import services
from tests import factories
from tests.reports.test_figures import (
    _reminder,
    at,
    case_with_appointment,
    finish,
    insurance_request,
    records_done,
    requested,
)
from tests.screening.test_report import march  # noqa: F401 - the screening data set

MARCH = reports.ReportFilters(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
# The last day of the period, a Tuesday: the as-of-today counts of the caseload are taken then.
TODAY = at(31, 12)


@pytest.fixture
def month(march, alex, blair, sam):  # noqa: F811 - the fixture imported above
    """March 2026 for every report (the screening data set comes with `march`)."""
    lakeside = factories.CentreFactory(name="Lakeside")
    with time_machine.travel(TODAY, tick=False):
        # Caseload: overdue (opened 2 March), urgent, due this week (opened Friday 27 March, its
        # referral due Wednesday 1 April), on hold, completed.
        factories.open_case(alex, now=at(2), urgency="urgent", centre=lakeside)
        factories.open_case(alex, now=at(27), reasons=["relapse", "another_view"])
        held = factories.open_case(blair, now=at(9))
        services.case_set_status(
            case=held,
            status="on_hold",
            reason="In hospital",
            review_on=factories.review_date(),
            by=blair,
        )
        done = factories.open_case(
            blair, now=at(2), grade="4", glioma_type="glioblastoma_idh_wildtype"
        )
        for stage in ("referral", "preauthorization", "records", "appointment"):
            finish(done, stage, at(6), blair)
        services.case_set_status(case=done, status="completed", by=blair, now=at(6))
        # Timeliness: appointments in March and April; steps done in March.
        case_with_appointment(alex, opened=at(2), appointment=at(9, 14), urgency="urgent")
        case_with_appointment(blair, opened=at(2), appointment=at(16, 14))
        case_with_appointment(alex, opened=at(2), appointment=at(6, 14, month=4))
        referral = factories.open_case(alex, now=at(2))
        finish(referral, "referral", at(9), alex)
        # Insurance: decided, pending, denied, a payer not recorded.
        insurance_request(alex, urgency="urgent", decided=3, payer="Alpha")
        insurance_request(alex, decided=5, payer="Alpha", decision="denied")
        insurance_request(blair, decided=12, payer="", decision="appealed")
        insurance_request(blair, decision="pending", payer="Beta")
        # Records: two records steps done; requests to two sources, one record still waiting.
        records_done(alex, ticks={}, done=at(9, 15))
        requested(alex, source="Lakeside Lab", kinds={"slides": 6, "pathology_report": 9}, sent=2)
        requested(blair, source="Lakeside Lab", kinds={"slides": 20, "mri_dicom": None}, sent=10)
        requested(alex, source="Hillcrest Records", kinds={"slides": 2}, sent=26, month=1)
        # Reminders: sent, undelivered, a text, and a digest about no single case.
        first = factories.open_case(alex, now=at(2))
        second = factories.open_case(blair, now=at(2))
        due = datetime.date(2026, 3, 5)
        _reminder(first, rule="overdue", due_on=due, recipient=alex, status="sent")
        _reminder(first, rule="escalation", due_on=due, recipient=sam, status="dead")
        _reminder(
            second, rule="escalation", due_on=due, recipient=sam, status="sent", channel="sms"
        )
        Delivery.objects.create(
            recipient=alex,
            channel="email",
            rule="overdue",
            status="sent",
            created_at=at(6),
            next_attempt_at=at(6),
        )


def linked_cells(report: reports.Report):
    """(table, row key, column, the count) for every linked cell of the report."""
    for table in report.tables:
        for column in drill.linked_columns(report.slug, table.key):
            for row in table.rows:
                key = row.get(ROW_KEY)
                yield table.key, "" if key is None else str(key), column, row[column]


def assert_lists_match_counts(slug: str, filters: reports.ReportFilters) -> int:
    """Every linked cell's list against its count; returns how many counts were not 0."""
    with time_machine.travel(TODAY, tick=False):
        report = reports.REPORTS[slug].build(filters)
        not_zero = 0
        for table, row, column, count in linked_cells(report):
            behind = drill.behind(slug, table=table, row=row, column=column, filters=filters)
            per_case = list(behind.per_case())
            where = f"{slug} {table} row {row!r} {column}"
            if behind.item_label:
                assert sum(item["items"] for item in per_case) == behind.total_items(), where
                assert behind.total_items() + behind.unlisted() == count, where
            else:
                assert [item["items"] for item in per_case] == [1] * len(per_case), where
                assert len(per_case) == count, where
            assert len({item["case_number"] for item in per_case}) == len(per_case), where
            not_zero += count > 0
    return not_zero


@pytest.mark.parametrize("slug", sorted({slug for slug, _ in drill.DRILLS}))
def test_every_linked_count_lists_exactly_the_cases_it_counts(month, slug, alex):
    # Every table with links has a count that is not 0 in this data set.
    report = reports.REPORTS[slug].build(MARCH)
    for table in report.tables:
        columns = drill.linked_columns(slug, table.key)
        if columns:
            assert any(row[column] for row in table.rows for column in columns), table.key
    assert assert_lists_match_counts(slug, MARCH) > 0
    # The same with the other filters: one social worker, urgent cases only.
    one_worker = reports.ReportFilters(start=MARCH.start, end=MARCH.end, social_worker=alex.pk)
    assert_lists_match_counts(slug, one_worker)
    urgent = reports.ReportFilters(start=MARCH.start, end=MARCH.end, urgency="urgent")
    assert_lists_match_counts(slug, urgent)
    lakeside = Centre.objects.get(name="Lakeside")
    one_centre = reports.ReportFilters(start=MARCH.start, end=MARCH.end, centre=lakeside.pk)
    assert_lists_match_counts(slug, one_centre)


@pytest.mark.parametrize(
    ("slug", "table", "row", "column"),
    [
        ("caseload", "caseload", "x", "open_cases"),
        ("caseload", "caseload", "1", "name"),  # not a count
        ("caseload", "nonsense", "1", "open_cases"),
        ("timeliness", "stages", "referral", "median"),  # a median has no list
        ("timeliness", "stages", "nowhere", "count"),
        ("timeliness", "to_appointment", "1", "count"),  # one row: no key
        ("timeliness", "by_month", "202505", "count"),  # not in the period
        ("insurance", "payers", "not-a-digest", "decided"),
        ("insurance", "payers", "0123456789abcdef", "decided"),  # no such payer
        ("volume", "diagnoses", "glioma~~9", "cases"),
        ("volume", "centres", "999999", "cases"),
        ("screening", "scores", "11", "count"),  # scores run 0 to 10
        ("overdue", "overdue", "", "days_overdue"),  # steps listed already: no links
    ],
)
def test_an_address_that_names_no_count_is_not_a_cell(db, slug, table, row, column):
    with pytest.raises(drill.NotACell):
        drill.behind(slug, table=table, row=row, column=column, filters=MARCH)


def test_the_heading_says_in_words_what_the_list_is(month, blair):
    with time_machine.travel(TODAY, tick=False):
        completed = drill.behind(
            "caseload", table="caseload", row=str(blair.pk), column="completed", filters=MARCH
        )
        overdue = drill.behind(
            "caseload", table="caseload", row=str(blair.pk), column="overdue_steps", filters=MARCH
        )
    assert completed.heading == "Cases of Blair Nguyen completed in March 2026"
    assert overdue.heading == "Open cases of Blair Nguyen with steps overdue today"
    assert overdue.item_label == "Overdue steps"


def test_period_words():
    def words(start, end):
        return drill.period_words(reports.ReportFilters(start=start, end=end))

    assert words(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == "in March 2026"
    assert words(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)) == "in 2025"
    assert (
        words(datetime.date(2026, 3, 2), datetime.date(2026, 3, 20))
        == "from 2 March 2026 to 20 March 2026"
    )
    assert (
        words(datetime.date(2026, 3, 1), datetime.date(2026, 5, 31))
        == "from 1 March 2026 to 31 May 2026"
    )


@pytest.mark.parametrize("slug", ["timeliness", "records"])
def test_lists_match_the_counts_read_from_the_histograms(month, slug):
    from cases.reports.histograms import report_histograms_rebuild, uses_histograms

    with time_machine.travel(TODAY, tick=False):
        report_histograms_rebuild()
    assert uses_histograms(MARCH)
    assert assert_lists_match_counts(slug, MARCH) > 0
    # A period of whole months and a part month either side, read partly from the histograms.
    spread = reports.ReportFilters(start=datetime.date(2026, 2, 15), end=TODAY.date())
    assert_lists_match_counts(slug, spread)


@pytest.mark.parametrize(
    ("measure", "table", "row", "column"),
    [
        ("APPOINTMENTS", "to_appointment", "", "count"),
        ("APPOINTMENTS", "by_month", "202603", "count"),
        ("STAGES", "stages", "referral", "count"),
        ("RECORDS_COMPLETE", "complete", "", "count"),
        ("RECORDS_BY_KIND", "by_kind", "slides", "count"),
    ],
)
def test_the_lists_of_timeliness_and_records_read_the_measures_rows(
    month, measure, table, row, column
):
    """One place per rule: the rows a timeliness or records count measures are defined once
    (`cases.reports.measures`), and a change there reaches the list behind the count too."""
    from cases.reports import measures

    slug = "timeliness" if table in ("to_appointment", "by_month", "stages") else "records"
    kept = getattr(measures, measure)
    with time_machine.travel(TODAY, tick=False):
        assert drill.behind(slug, table=table, row=row, column=column, filters=MARCH).total_items()
        original = kept.rows
        # The definition narrowed to nothing: the list behind the count follows it.
        object.__setattr__(kept, "rows", lambda: original().filter(pk__in=[]))
        try:
            behind = drill.behind(slug, table=table, row=row, column=column, filters=MARCH)
            assert list(behind.per_case()) == []
        finally:
            object.__setattr__(kept, "rows", original)


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [("decisions", "requested", "count"), ("decision_time", "urgent", "count")],
)
def test_the_insurance_lists_read_the_reports_requests(month, monkeypatch, table, row, column):
    """One place per rule: which preauthorizations the insurance report counts (requested in
    the period; decided) is written once, and the lists behind its counts follow it."""
    from cases.reports import insurance

    def follow():
        return drill.behind("insurance", table=table, row=row, column=column, filters=MARCH)

    assert follow().total_items()
    original = insurance.requests_in_period
    monkeypatch.setattr(
        insurance, "requests_in_period", lambda filters: original(filters).filter(pk__in=[])
    )
    assert list(follow().per_case()) == []


def test_the_rescreens_list_reads_the_reports_screening_before(month, monkeypatch):
    """One place per rule: which screening comes before a rescreen is written once."""
    from cases.reports import screening

    def follow():
        return drill.behind("screening", table="rescreens", row="", column="count", filters=MARCH)

    with time_machine.travel(TODAY, tick=False):
        assert follow().total_items()
        original = screening.with_previous_day
        monkeypatch.setattr(
            screening, "with_previous_day", lambda rows: original(rows).filter(pk__in=[])
        )
        assert list(follow().per_case()) == []


def counts_and_lists(slug: str) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(table, row, column): (the count, what its list holds) for every linked cell in March."""
    with time_machine.travel(TODAY, tick=False):
        report = reports.REPORTS[slug].build(MARCH)
        return {
            (table, row, column): (count, listed(slug, table, row, column))
            for table, row, column, count in linked_cells(report)
        }


def listed(slug: str, table: str, row: str, column: str) -> int:
    """How many cases (or things) the list behind a cell holds; 0 for a row no longer there."""
    with time_machine.travel(TODAY, tick=False):
        try:
            behind = drill.behind(slug, table=table, row=row, column=column, filters=MARCH)
        except drill.NotACell:  # a typed name (a source) the report no longer has
            return 0
        if behind.item_label:
            return behind.total_items() + behind.unlisted()
        return len(list(behind.per_case()))


def _without_blair(original):
    return lambda filters: original(filters).exclude(social_worker__username="blair")


# A report's own definition (module, function), and the same definition changed.
CHANGED_DEFINITIONS = [
    pytest.param("screening", "new_cases", _without_blair, id="screening-new-cases"),
    pytest.param(
        "screening",
        "first_screenings",
        lambda original: lambda cases: original(cases.exclude(social_worker__username="blair")),
        id="screening-first-screening",
    ),
    pytest.param(
        "volume",
        "opened_q",
        lambda original: (
            lambda filters, prefix="": (
                original(filters, prefix) & ~Q(**{f"{prefix}social_worker__username": "blair"})
            )
        ),
        id="volume-opened",
    ),
    pytest.param(
        "volume",
        "completed_q",
        lambda original: lambda filters: original(filters) & ~Q(social_worker__username="blair"),
        id="volume-completed",
    ),
    pytest.param(
        "volume",
        "reasons_given",
        lambda original: lambda filters: original(filters).exclude(reason="relapse"),
        id="volume-reasons",
    ),
    pytest.param(
        "reminder_delivery",
        "deliveries_in_period",
        lambda original: lambda filters: original(filters).exclude(channel="sms"),
        id="reminders-messages",
    ),
    pytest.param(
        "reminder_delivery",
        "escalations_in_period",
        lambda original: (
            lambda filters: original(filters).exclude(case__social_worker__username="blair")
        ),
        id="reminders-escalations",
    ),
    pytest.param(
        "records",
        "received_in_period",
        lambda original: lambda filters: original(filters).exclude(kind="slides"),
        id="records-received",
    ),
    pytest.param(
        "records",
        "source_name",
        lambda original: lambda: Upper(original()),
        id="records-source-name",
    ),
]


@pytest.mark.parametrize(("module", "name", "change"), CHANGED_DEFINITIONS)
def test_the_lists_follow_a_change_to_the_reports_own_definition(
    month, monkeypatch, module, name, change
):
    """One place per rule: what the screening, volume, reminder delivery and records reports
    count is written once, in the report's module. Changing it there changes the report's
    figures, and every list behind them follows (a list with a second copy of the condition
    would keep the old figure)."""
    import importlib

    reports_module = importlib.import_module(f"cases.reports.{module}")
    slug = "reminders" if module == "reminder_delivery" else module
    before = counts_and_lists(slug)
    assert all(count == held for count, held in before.values())
    monkeypatch.setattr(reports_module, name, change(getattr(reports_module, name)))
    after = counts_and_lists(slug)
    assert after != before, "the changed definition changes no figure of the report"
    assert {cell: count for cell, (count, _) in after.items()} == {
        cell: held for cell, (_, held) in after.items()
    }
    # A row the report no longer has (a worker with no escalation left) lists nothing.
    for cell in before.keys() - after.keys():
        assert listed(slug, *cell) == 0, cell


def test_the_messages_lists_read_the_reports_statuses(month, monkeypatch):
    """Which delivery statuses each outcome column counts is written once
    (`reminder_delivery.DELIVERY_STATUSES`): the report and its lists both read it."""
    from cases.reports import reminder_delivery

    before = counts_and_lists("reminders")
    monkeypatch.setitem(
        reminder_delivery.DELIVERY_STATUSES, "sent", (Delivery.Status.SENT, Delivery.Status.DEAD)
    )
    after = counts_and_lists("reminders")
    assert after != before
    assert all(count == held for count, held in after.values())


def test_screened_on_time_is_the_same_day_count_in_the_report_and_its_list(month, alex, settings):
    """The report counts "screened within N days" with the calendar's day numbers, the list
    with `screening.screened_within`: the same cases at every N, for first screenings 2 and 14
    days after the day a case was opened, one 2 days before it, and one 7 days after a case
    opened late in the evening (6 days after its day in UTC): days count from the team's day."""
    from tests.screening.test_report import screen

    evening = at(8, 21)  # 9 March in UTC
    with time_machine.travel(evening, tick=False):
        late = factories.open_case(alex, now=evening)
    screen(late, alex, 15, 3)
    with time_machine.travel(at(20), tick=False):
        early = factories.open_case(alex, now=at(20))
    screen(early, alex, 18, 3)
    for within_days in range(16):
        settings.SCREENING_WITHIN_DAYS = within_days
        count, held = counts_and_lists("screening")["new_cases", "", "on_time"]
        assert count == held, within_days
        assert count == sum(days <= within_days for days in (2, 14, 7, -2)), within_days
