"""The pages of the cases behind a count: reached from the report's own links, supervisors only,
the report's filters kept, paged at a fixed number of queries, recorded in the audit trail,
downloadable as CSV, and a calm page for an address that names no count."""

import csv
import datetime
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent
from cases.reports import drill
from tests import factories
from tests.query_budgets import REPORT_CASES_QUERIES
from tests.reports.test_drill import TODAY, month  # noqa: F401 - the month every report reads
from tests.screening.test_report import march  # noqa: F401 - needed by `month`

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def in_march(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, 15, tzinfo=datetime.UTC)


def cell(worker, column="opened") -> dict:
    return MARCH | {"table": "caseload", "row": str(worker.pk), "col": column}


URLS = ("report_cases", "report_cases_csv")


def links(page: str) -> list[str]:
    """The links to the cases behind counts on a report page."""
    base = reverse("report_cases", args=["caseload"]).replace("caseload", "[a-z_]+")
    return [unescape(link) for link in re.findall(rf'href="({base}\?[^"]+)"', page)]


@pytest.mark.parametrize("name", URLS)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name, args=["caseload"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", URLS)
def test_social_workers_and_outsiders_get_404(client_for, alex, name):
    stranger = factories.UserFactory(username="stranger")
    for user in (alex, stranger):
        response = client_for(user).get(reverse(name, args=["caseload"]), cell(alex))
        assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__in=["view", "export"]).exists()


@time_machine.travel(in_march(20), tick=False)
def test_each_count_on_a_report_links_to_the_list_of_its_cases(client_for, sam, alex, blair):
    for day in (2, 3, 4):
        factories.open_case(alex, now=in_march(day), urgency="urgent" if day == 3 else "routine")
    factories.open_case(blair, now=in_march(5))
    client = client_for(sam)
    page = client.get(reverse("report", args=["caseload"]), MARCH | {"urgency": "urgent"})
    found = links(page.content.decode())
    assert found, "the counts link to their cases"
    for link in found:
        query = parse_qs(urlsplit(link).query)
        # The report's filters, written out, and the cell: ids and keys only.
        assert query["start"] == ["2026-03-01"] and query["urgency"] == ["urgent"]
        assert set(query) <= {"start", "end", "worker", "urgency", "centre", "table", "row", "col"}
        listed = client.get(link)
        assert listed.status_code == 200
        assert "urgent" in listed.content.decode().lower()
    opened = client.get(reverse("report_cases", args=["caseload"]), cell(alex))
    assert opened.context["page"].paginator.count == 3
    assert opened.context["behind"].heading == "Cases of Alex Rivera opened in March 2026"
    text = opened.content.decode()
    for row in opened.context["rows"]:
        assert f'href="{reverse("case_detail", args=[row["case_id"]])}"' in text
    # Back to the report, with the same filters.
    assert f"{reverse('report', args=['caseload'])}?start=2026-03-01&amp;end=2026-03-31" in text


def test_a_count_of_0_has_no_link(client_for, sam, alex):
    factories.open_case(alex, now=in_march(2))
    page = client_for(sam).get(reverse("report", args=["caseload"]), MARCH).content.decode()
    columns = {parse_qs(urlsplit(link).query)["col"][0] for link in links(page)}
    assert "opened" in columns and "completed" not in columns and "on_hold" not in columns


@pytest.mark.parametrize(
    "params",
    [
        {"table": "caseload", "row": "x", "col": "opened"},
        {"table": "caseload", "row": "999999", "col": "opened"},
        # Digits that are not 0-9 (a superscript two, Arabic-Indic digits): not a worker's id.
        {"table": "caseload", "row": "\u00b2", "col": "opened"},
        {"table": "caseload", "row": "\u0661\u0662", "col": "opened"},
        {"table": "caseload", "row": "1", "col": "name"},
        {"table": "stages", "row": "referral", "col": "median"},
        {},
    ],
)
@pytest.mark.parametrize("name", URLS)
def test_an_address_that_names_no_count_gets_a_calm_404(client_for, sam, name, params):
    response = client_for(sam).get(reverse(name, args=["caseload"]), MARCH | params)
    assert response.status_code == 404
    assert "No such figure" in response.content.decode()
    assert reverse("report", args=["caseload"]) in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=["view", "export"]).exists()


@pytest.mark.parametrize("name", URLS)
def test_bad_filters_get_the_reports_calm_400(client_for, sam, alex, name):
    response = client_for(sam).get(
        reverse(name, args=["caseload"]), cell(alex) | {"start": "not-a-date"}
    )
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_an_unknown_report_is_404(client_for, sam, alex):
    response = client_for(sam).get(reverse("report_cases", args=["nonsense"]), cell(alex))
    assert response.status_code == 404


def test_the_list_is_paged_and_each_page_is_recorded(client_for, sam, alex, monkeypatch):
    cases = [factories.open_case(alex, now=in_march(day)) for day in (2, 3, 4)]
    from cases.views import reports as report_views

    monkeypatch.setattr(report_views, "PAGE_SIZE", 2)
    client = client_for(sam)
    url = reverse("report_cases", args=["caseload"])
    first = client.get(url, cell(alex))
    second = client.get(url, cell(alex) | {"page": 2})
    assert len(first.context["rows"]) == 2 and len(second.context["rows"]) == 1
    assert "page=2" in first.content.decode()
    events = AuditEvent.objects.filter(action="view", actor=sam).order_by("pk")
    assert [event.changes["page"] for event in events] == [1, 2]
    listed = [pk for event in events for pk in event.changes["cases"]]
    assert sorted(listed) == sorted(case.pk for case in cases)
    assert events[0].changes["list"] == "report cases: caseload"
    assert events[0].changes["filters"] == {
        "start": "2026-03-01",
        "end": "2026-03-31",
        "social_worker": None,
        "urgency": "",
        "centre": None,
        "table": "caseload",
        "row": str(alex.pk),
        "column": "opened",
    }
    for case in cases:
        assert case.patient.full_name not in str(events[0].changes)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_holds_every_case_of_the_list(client_for, sam, alex):
    cases = [
        factories.open_case(alex, now=in_march(day), patient={"full_name": name})
        for day, name in ((2, "=Formula Patient"), (3, "Plain Patient"))
    ]
    client = client_for(sam)
    response = client.get(reverse("report_cases_csv", args=["caseload"]), cell(alex))
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="navigator-caseload-cases-2026-03-01-2026-03-31.csv"'
        in response["Content-Disposition"]
    )
    lines = csv_rows(response)
    assert lines[0] == ["Cases of Alex Rivera opened in March 2026"]
    assert lines[1] == ["Period", "2026-03-01 to 2026-03-31"]
    header = lines[6]
    assert header[:4] == ["Case", "Patient", "MRN", "Social worker"]
    body = lines[7:]
    assert sorted(row[0] for row in body) == sorted(f"#{case.pk}" for case in cases)
    patients = {row[1] for row in body}
    assert patients == {"'=Formula Patient", "Plain Patient"}  # never a formula
    event = AuditEvent.objects.get(action="export", actor=sam)
    assert event.changes["rows"] == 2 and event.changes["list"] == "cases behind a count"
    assert sorted(event.changes["cases"]) == sorted(case.pk for case in cases)
    assert "Formula" not in str(event.changes)


@time_machine.travel(in_march(20), tick=False)
def test_a_count_of_steps_lists_their_cases_with_the_steps_per_case(client_for, sam, alex):
    factories.open_case(alex, now=in_march(2))
    factories.open_case(alex, now=in_march(3))
    response = client_for(sam).get(
        reverse("report_cases", args=["caseload"]), cell(alex, "overdue_steps")
    )
    assert response.context["total_items"] == 2
    assert [row["items"] for row in response.context["rows"]] == [1, 1]
    page = response.content.decode()
    assert "Overdue steps" in page and "Earliest due date" in page


@time_machine.travel(in_march(20), tick=False)
def test_digests_are_counted_beside_the_list(client_for, sam, alex):
    from cases.models import Delivery

    case = factories.open_case(alex, now=in_march(2))
    for about in (case, None):
        Delivery.objects.create(
            recipient=alex,
            case=about,
            channel="email",
            rule="overdue",
            status="sent",
            created_at=in_march(6),
            next_attempt_at=in_march(6),
        )
    response = client_for(sam).get(
        reverse("report_cases", args=["reminders"]),
        MARCH | {"table": "channels", "row": "email", "col": "sent"},
    )
    assert response.context["unlisted"] == 1
    assert [row["case_id"] for row in response.context["rows"]] == [case.pk]
    assert "1 digest message about several cases at once was counted too" in (
        response.content.decode()
    )


@pytest.mark.parametrize("column", ["opened", "overdue_steps"])
@time_machine.travel(in_march(20), tick=False)
def test_the_list_costs_a_fixed_number_of_queries(
    client_for, sam, alex, column, django_assert_max_num_queries
):
    client = client_for(sam)
    url = reverse("report_cases", args=["caseload"])
    for count in (2, 12):
        for day in range(count):
            case = factories.open_case(alex, now=in_march(2 + day % 10))
        with django_assert_max_num_queries(REPORT_CASES_QUERIES):
            response = client.get(url, cell(alex, column) | {"worker": alex.pk})
        assert response.status_code == 200
    assert case.pk in [row["case_id"] for row in response.context["rows"]]


LINK = re.compile(r'<a href="(/reports/[a-z_]+/cases/\?[^"]+)">([^<]+)</a>')


@pytest.mark.parametrize("slug", ["dashboard", *sorted({slug for slug, _ in drill.DRILLS})])
def test_every_link_on_a_report_page_lists_as_many_as_it_says(
    client_for,
    sam,
    month,  # noqa: F811 - the fixture imported above
    slug,
):
    """The path a supervisor takes: the report page as the browser gets it, each count's link
    followed, and the list's number of cases (or of things, for a count of things) the number
    the link was written on."""
    client = client_for(sam)
    with time_machine.travel(TODAY, tick=False):
        url = reverse("reports") if slug == "dashboard" else reverse("report", args=[slug])
        page = client.get(url, MARCH).content.decode()
        found = LINK.findall(page)
        assert found
        for link, text in found:
            listed = client.get(unescape(link))
            assert listed.status_code == 200, link
            behind = listed.context["behind"]
            if behind.item_label:
                shown = listed.context["total_items"] + listed.context["unlisted"]
            else:
                shown = listed.context["page"].paginator.count
            assert shown == int(text), link


@pytest.mark.parametrize("slug", ["timeliness", "records"])
def test_links_on_a_page_read_from_the_histograms_list_as_many_as_it_says(
    client_for,
    sam,
    month,  # noqa: F811 - the fixture imported above
    slug,
):
    """Timeliness and records read whole months from the histograms with the default filters:
    the lists behind their counts (counted from the rows) hold as many as the page says, also
    with the period before compared and for a period with part months at either end."""
    from cases.reports.histograms import report_histograms_rebuild

    client = client_for(sam)
    with time_machine.travel(TODAY, tick=False):
        report_histograms_rebuild()
        for period in (MARCH | {"compare": "on"}, {"start": "2026-02-15", "end": "2026-03-31"}):
            response = client.get(reverse("report", args=[slug]), period)
            assert response.status_code == 200
            found = LINK.findall(response.content.decode())
            assert found
            for link, text in found:
                assert "compare" not in link
                listed = client.get(unescape(link))
                assert listed.status_code == 200, link
                behind = listed.context["behind"]
                if behind.item_label:
                    shown = listed.context["total_items"] + listed.context["unlisted"]
                else:
                    shown = listed.context["page"].paginator.count
                assert shown == int(text), link


@pytest.mark.parametrize(("column", "first_screened"), [("screened", 2), ("on_time", 1)])
def test_the_first_screenings_list_pages_and_downloads_at_a_fixed_cost(
    client_for,
    sam,
    month,  # noqa: F811 - the fixture imported above
    column,
    first_screened,
    django_assert_max_num_queries,
):
    """The new cases screened (on time) are read from the screening report's own rows, one per
    case grouped by the case: the page, its query budget and the CSV hold them with the day of
    each case's first screening."""
    client = client_for(sam)
    params = MARCH | {"table": "new_cases", "row": "", "col": column}
    with time_machine.travel(TODAY, tick=False):
        with django_assert_max_num_queries(REPORT_CASES_QUERIES):
            page = client.get(reverse("report_cases", args=["screening"]), params)
        download = client.get(reverse("report_cases_csv", args=["screening"]), params)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == first_screened
    assert "First screened" in page.content.decode()
    lines = csv_rows(download)
    header = next(line for line in lines if line and line[0] == "Case")
    body = lines[lines.index(header) + 1 :]
    assert len(body) == first_screened
    dates = {row[header.index("First screened")] for row in body}
    assert dates <= {"2026-03-04", "2026-03-16"} and "2026-03-04" in dates
