"""The reports pages: supervisors only, calm answers to bad filters, CSV downloads that match the
page and are recorded in the audit trail, a fixed number of queries."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent, Insurance
from cases.reports import registry as reports
from cases.workflow import services
from tests import factories

SLUGS = list(reports.REPORTS)
URLS = [reverse("reports")] + [
    reverse(name, args=[slug]) for slug in SLUGS for name in ("report", "report_csv")
]
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def march(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", URLS)
def test_social_workers_get_404(client_for, alex, url):
    assert client_for(alex).get(url).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_user_outside_the_care_team_gets_404(client_for, db, url):
    stranger = factories.UserFactory(username="stranger")
    assert client_for(stranger).get(url).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_supervisor_sees_every_report(client_for, sam, alex, url):
    factories.open_case(alex)
    assert client_for(sam).get(url).status_code == 200


def test_an_unknown_report_is_404(client_for, sam):
    assert client_for(sam).get(reverse("report", args=["nonsense"])).status_code == 404


def test_the_nav_links_to_reports_for_supervisors_only(client_for, sam, alex):
    link = f'href="{reverse("reports")}"'
    assert link in client_for(sam).get(reverse("caseload")).content.decode()
    assert link not in client_for(alex).get(reverse("caseload")).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"start": "not-a-date"},
        {"start": "2026-05-01", "end": "2026-01-01"},
        {"start": "1850-01-01"},
        {"worker": "999999"},
        {"worker": "<script>"},
        {"centre": "x"},
        {"urgency": "extreme"},
    ],
)
@pytest.mark.parametrize("name", ["reports", "report", "report_csv"])
def test_bad_filters_get_a_calm_message(client_for, sam, params, name):
    url = reverse(name, args=["timeliness"] if name != "reports" else [])
    response = client_for(sam).get(url, params)
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_filters_are_kept_on_the_page_and_in_links(client_for, sam, alex):
    response = client_for(sam).get(
        reverse("report", args=["caseload"]), MARCH | {"worker": alex.pk, "urgency": "urgent"}
    )
    page = response.content.decode()
    assert response.context["filters"] == reports.ReportFilters(
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 31),
        social_worker=alex.pk,
        urgency="urgent",
    )
    assert f"worker={alex.pk}" in page and "urgency=urgent" in page
    assert "Alex Rivera" in page


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("slug", SLUGS)
@time_machine.travel(march(20), tick=False)
def test_the_csv_holds_exactly_what_the_page_shows(client_for, sam, alex, slug):
    for day in (2, 3, 4):
        factories.open_case(alex, now=march(day), urgency="urgent" if day == 3 else "routine")
    client = client_for(sam)
    page = client.get(reverse("report", args=[slug]), MARCH)
    download = client.get(reverse("report_csv", args=[slug]), MARCH)
    assert download["Content-Type"].startswith("text/csv")
    # A report as of today is named for the day it is as of, not for a period.
    dates = "2026-03-01-2026-03-31" if reports.REPORTS[slug].period else "2026-03-20"
    assert f"navigator-{slug}-{dates}.csv" in download["Content-Disposition"]
    lines = csv_rows(download)
    assert lines[0] == [page.context["report"].title]
    assert lines[1:5] == [list(item) for item in page.context["summary"]]
    for shown in page.context["shown"]:
        table = shown.table
        start = lines.index([table.caption])
        assert lines[start + 1] == [column.label for column in table.columns]
        expected = [[text for text, *_ in row["cells"]] for row in shown.rows]
        assert lines[start + 2 : start + 2 + len(expected)] == expected
        for cells in expected:
            assert all(text in page.content.decode() for text in cells if text != "—")


def test_each_download_is_recorded_as_an_export(client_for, sam, alex):
    factories.open_case(alex, now=march(2))
    client_for(sam).get(reverse("report_csv", args=["volume"]), MARCH | {"worker": alex.pk})
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == sam
    assert event.changes == {
        "report": "volume",
        "format": "csv",
        "rows": event.changes["rows"],
        "filters": {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "social_worker": alex.pk,
            "urgency": "",
            "centre": None,
        },
        "cases": [],  # the volume report counts cases, it names none
    }
    assert event.changes["rows"] > 0


def test_a_download_that_names_patients_records_their_cases(client_for, sam, alex):
    """The *Overdue now* file names patients: its export event lists the cases it holds by
    number, as the event of a page of the report does."""
    cases = [factories.open_case(alex, now=march(day)) for day in (2, 3)]
    client = client_for(sam)
    client.get(reverse("report", args=["overdue"]), MARCH)
    client.get(reverse("report_csv", args=["overdue"]), MARCH)
    viewed = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, changes__list="report: overdue")
    exported = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert sorted(exported.changes["cases"]) == sorted(case.pk for case in cases)
    assert sorted(exported.changes["cases"]) == sorted(viewed.changes["cases"])
    assert exported.changes["rows"] == 2


def test_typed_text_cannot_become_a_spreadsheet_formula(client_for, sam, alex):
    case = factories.open_case(alex, now=march(2))
    Insurance.objects.filter(case=case).update(
        payer="=HYPERLINK(1)",
        decision="approved",
        requested_on=datetime.date(2026, 3, 2),
        decided_on=datetime.date(2026, 3, 3),
    )
    lines = csv_rows(client_for(sam).get(reverse("report_csv", args=["insurance"]), MARCH))
    assert ["'=HYPERLINK(1)", "1", "0", "0%"] in lines


def test_viewing_a_report_is_not_an_export(client_for, sam):
    client_for(sam).get(reverse("report", args=["volume"]))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_long_tables_are_paged(client_for, sam, alex, settings):
    for _ in range(3):
        factories.open_case(alex, now=march(2))
    from cases.views import reports as report_views

    report_views.PAGE_SIZE, saved = 2, report_views.PAGE_SIZE
    try:
        client = client_for(sam)
        url = reverse("report", args=["overdue"])
        first = client.get(url, MARCH)
        second = client.get(url, MARCH | {"overdue-page": 2})
    finally:
        report_views.PAGE_SIZE = saved
    assert len(first.context["shown"][0].rows) == 2
    assert len(second.context["shown"][0].rows) == 1
    assert "overdue-page=2" in first.content.decode()


def test_overdue_rows_link_to_the_case(client_for, sam, alex):
    case = factories.open_case(alex, now=march(2))
    page = client_for(sam).get(reverse("report", args=["overdue"]), MARCH).content.decode()
    assert f'href="{reverse("case_detail", args=[case.pk])}"' in page


def test_charts_are_svg_described_by_their_table(client_for, sam, alex):
    factories.open_case(alex, now=march(2))
    page = client_for(sam).get(reverse("reports"), MARCH).content.decode()
    assert '<svg viewBox="0 0 720 260"' in page
    assert 'aria-describedby="volume-by_month"' in page and 'id="volume-by_month"' in page
    assert 'media="print"' in page and "reports-print.css" in page
    assert 'src="http' not in page and 'href="http' not in page  # nothing from elsewhere


def _chart(page: str, chart_id: str) -> str:
    start = page.index(f'id="{chart_id}-title"')
    return page[start : page.index("</svg>", start)]


@time_machine.travel(march(20), tick=False)
def test_a_chart_over_months_starts_at_the_first_month_with_data(client_for, sam, alex):
    # Twelve months asked for, cases only in February and March: the chart draws two months,
    # the table still lists all twelve.
    factories.open_case(alex, now=datetime.datetime(2026, 2, 10, 10, tzinfo=datetime.UTC))
    factories.open_case(alex, now=march(2))
    period = {"start": "2025-04-01", "end": "2026-03-31"}
    page = client_for(sam).get(reverse("report", args=["volume"]), period).content.decode()
    chart = _chart(page, "chart-volume-by_month-0")
    assert ">Feb 2026</text>" in chart and ">Mar 2026</text>" in chart
    assert "Jan 2026" not in chart and "Apr 2025" not in chart
    table = page[page.index('id="volume-by_month"') :]
    assert "Apr 2025" in table and "Jan 2026" in table


@time_machine.travel(march(20), tick=False)
def test_a_chart_of_counts_labels_its_axis_with_whole_numbers(client_for, sam, alex):
    factories.open_case(alex, now=march(2))
    page = client_for(sam).get(reverse("report", args=["volume"]), MARCH).content.decode()
    chart = _chart(page, "chart-volume-by_month-0")
    # One case: the axis runs 0, 1, 2 (it once read 0.0, 1.0, 2).
    for tick in ("0", "1", "2"):
        assert f'fill="#212529">{tick}</text>' in chart
    assert ".0</text>" not in chart


def test_chart_labels_are_cut_between_words_never_inside_one():
    from cases.reports.charts import short_label

    assert short_label("Alex Rivera") == "Alex Rivera"
    assert short_label("Maria-José Fernández Castillo") == "Maria-José…"
    assert short_label("Christopherson Bartholomew") == "Christopherso…"
    assert len(short_label("Dana Lee Montgomery Smith")) <= 14


@time_machine.travel(march(20), tick=False)
def test_a_long_name_on_a_chart_is_cut_between_words(client_for, sam):
    worker = factories.social_worker("pat", first_name="Patricia Anne", last_name="Worthington")
    factories.open_case(worker, now=march(2))
    page = client_for(sam).get(reverse("report", args=["caseload"]), MARCH).content.decode()
    chart = _chart(page, "chart-caseload-caseload-0")
    assert ">Patricia Anne…</text>" in chart
    assert "Patricia Anne Worthington: Open cases 1" in chart  # the bar's tooltip: whole


PAGE_QUERIES = {
    # 4: the session, the user with their groups (cases/backends.py), and the filter form's
    # social workers and centres; then each report's own queries (see its selector's
    # docstring); a report's own page ends with the audit event of its view (+ 1,
    # cases.audit.audit_list_view). The caseload, timeliness, records, volume and insurance ask
    # first whether the histograms are built (+ 1; they are not here: tests/reports/
    # test_dashboard.py counts the other way). The dashboard builds five reports' summaries
    # (registry.ReportDefinition.build_summary: volume without its diagnoses and centres,
    # insurance without its payers), asking that once.
    "reports": 4 + 1 + 2 + 2 + 3 + 2 + 3,
    "caseload": 4 + 1 + 2 + 1,
    "timeliness": 4 + 1 + 2 + 1,
    "overdue": 4 + 1 + 1,
    "insurance": 4 + 1 + 3 + 1,
    "records": 4 + 1 + 3 + 1,
    "volume": 4 + 1 + 5 + 1,
    "reminders": 4 + 2 + 1,
}


def _page_url(name: str) -> str:
    return reverse("reports") if name == "reports" else reverse("report", args=[name])


@pytest.mark.parametrize("name", list(PAGE_QUERIES))
def test_query_count_does_not_grow_with_the_data(
    client_for, sam, alex, blair, name, django_assert_num_queries
):
    client = client_for(sam)
    for count in (2, 12):
        for index in range(count):
            factories.open_case(alex if index % 2 else blair, now=march(2 + index % 20))
        with django_assert_num_queries(PAGE_QUERIES[name]):
            response = client.get(_page_url(name), MARCH)
        assert response.status_code == 200


def test_the_filter_summary_cannot_become_a_spreadsheet_formula(client_for, sam):
    centre = factories.CentreFactory(name="=HYPERLINK(1)")
    worker = factories.social_worker("formula", first_name="+SUM(1", last_name="2)")
    lines = csv_rows(
        client_for(sam).get(
            reverse("report_csv", args=["timeliness"]),
            MARCH | {"centre": centre.pk, "worker": worker.pk},
        )
    )
    assert ["Centre", "'=HYPERLINK(1)"] in lines
    assert ["Social worker", "'+SUM(1 2)"] in lines


def test_a_step_done_straight_from_pending_is_within_its_limit(client_for, sam, alex):
    # Both cases opened Monday 2 March; the referral limit is 3 business days (due Thursday 5).
    on_time, early = (factories.open_case(alex, now=march(2)) for _ in range(2))
    referral = on_time.steps.get(stage="referral")
    referral.case = on_time
    services.step_set_status(step=referral, status="done", by=alex, now=march(4))
    # The records arrived before anyone started the step: done straight from pending.
    records = early.steps.get(stage="records")
    records.case = early
    assert records.status == "pending"
    services.step_set_status(step=records, status="done", by=alex, now=march(4))
    lines = csv_rows(client_for(sam).get(reverse("report_csv", args=["timeliness"]), MARCH))
    # Referral: Monday 2 to Wednesday 4 March is 2 business days, done before its due date.
    assert ["Referral", "1", "2.0", "2.0", "100%"] in lines
    # Records: started and done the same moment, 0 days, and within its limit (was 0%).
    assert ["Records gathered", "1", "0.0", "0.0", "100%"] in lines
    page = client_for(sam).get(reverse("report", args=["timeliness"]), MARCH).content.decode()
    assert "Steps done within their limit" in page
    headline = page[page.index("Steps done within their limit") :][:300]
    assert "100%" in headline and "50%" not in headline


@time_machine.travel(march(20), tick=False)
def test_overdue_now_is_as_of_today_with_no_period_to_choose(client_for, sam, alex):
    # Fell due in January, long before the period asked for: still overdue today, so listed.
    january = datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)
    factories.open_case(alex, now=january, patient={"full_name": "Due In January"})
    client = client_for(sam)
    response = client.get(reverse("report", args=["overdue"]), MARCH)
    page = response.content.decode()
    assert "Due In January" in page
    assert 'name="start"' not in page and 'name="end"' not in page
    assert response.context["summary"][0] == ("As of", "2026-03-20")
    assert "Period" not in [label for label, _ in response.context["summary"]]
    # The other filters still apply.
    assert 'name="worker"' in page
    download = csv_rows(client.get(reverse("report_csv", args=["overdue"]), MARCH))
    assert download[1] == ["As of", "2026-03-20"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes["filters"]["as_of"] == "2026-03-20"
    assert "start" not in event.changes["filters"]


@time_machine.travel(march(20), tick=False)
def test_a_report_with_a_period_still_shows_and_uses_it(client_for, sam):
    page = client_for(sam).get(reverse("report", args=["volume"]), MARCH).content.decode()
    assert 'name="start"' in page and 'value="2026-03-01"' in page
