"""Ready-made periods and the comparison with the period before: the dates worked by hand, then
through the report pages and the CSV as a supervisor uses them."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from cases.reports.parts import Headline, Report
from cases.reports.periods import compare_headlines, preset_period, previous_period
from tests import factories

D = datetime.date


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        ("this_month", D(2026, 12, 1), (D(2026, 12, 1), D(2026, 12, 1))),
        ("last_month", D(2026, 12, 1), (D(2026, 11, 1), D(2026, 11, 30))),
        ("last_month", D(2027, 1, 15), (D(2026, 12, 1), D(2026, 12, 31))),
        ("last_month", D(2028, 3, 31), (D(2028, 2, 1), D(2028, 2, 29))),  # a leap year
        ("this_quarter", D(2026, 12, 1), (D(2026, 10, 1), D(2026, 12, 1))),
        ("this_quarter", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 1, 1))),
        ("last_quarter", D(2026, 12, 1), (D(2026, 7, 1), D(2026, 9, 30))),
        ("last_quarter", D(2026, 2, 10), (D(2025, 10, 1), D(2025, 12, 31))),
        ("year_to_date", D(2026, 12, 1), (D(2026, 1, 1), D(2026, 12, 1))),
        ("last_12_months", D(2026, 12, 1), (D(2026, 1, 1), D(2026, 12, 1))),
        ("last_12_months", D(2026, 3, 20), (D(2025, 4, 1), D(2026, 3, 20))),
        ("year_2025", D(2026, 12, 1), (D(2025, 1, 1), D(2025, 12, 31))),
        ("year_2026", D(2026, 12, 1), (D(2026, 1, 1), D(2026, 12, 1))),  # to today
    ],
)
def test_each_preset_by_hand(preset, today, expected):
    assert preset_period(preset, today) == expected


@pytest.mark.parametrize("preset", ["next_month", "year_2030", "year_1990", "year_x", ""])
def test_an_unknown_preset_is_refused(preset):
    with pytest.raises(ValueError):
        preset_period(preset, D(2026, 12, 1))


@pytest.mark.parametrize(
    ("period", "before"),
    [
        # Whole months: as many whole months before.
        ((D(2026, 11, 1), D(2026, 11, 30)), (D(2026, 10, 1), D(2026, 10, 31))),
        ((D(2026, 3, 1), D(2026, 5, 31)), (D(2025, 12, 1), D(2026, 2, 28))),
        ((D(2026, 1, 1), D(2026, 12, 31)), (D(2025, 1, 1), D(2025, 12, 31))),
        ((D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 2, 1), D(2026, 2, 28))),
        # Anything else: as many days before.
        ((D(2026, 12, 1), D(2026, 12, 10)), (D(2026, 11, 21), D(2026, 11, 30))),
        ((D(2026, 12, 1), D(2026, 12, 1)), (D(2026, 11, 30), D(2026, 11, 30))),
        ((D(2026, 1, 1), D(2026, 12, 1)), (D(2025, 1, 31), D(2025, 12, 31))),
    ],
)
def test_the_period_before_by_hand(period, before):
    assert previous_period(*period) == before


def test_headlines_beside_the_period_before():
    now = Report(
        "x",
        "X",
        [],
        [
            Headline("Opened", 12),
            Headline("Within the limit", 0.75, "percent"),
            Headline("Median", 4.0, "days"),
            Headline("Most common reason", "Another view", "text"),
            Headline("Closed", 3),
            Headline("New figure", 1),
        ],
    )
    before = Report(
        "x",
        "X",
        [],
        [
            Headline("Opened", 15),
            Headline("Within the limit", 0.7, "percent"),
            Headline("Median", 5.5, "days"),
            Headline("Most common reason", "Confirm diagnosis", "text"),
            Headline("Closed", None),
        ],
    )
    assert [(c.label, c.now, c.before, c.change) for c in compare_headlines(now, before)] == [
        ("Opened", "12", "15", "−3"),
        ("Within the limit", "75%", "70%", "+5 points"),
        ("Median", "4.0", "5.5", "−1.5 days"),
        ("Most common reason", "Another view", "Confirm diagnosis", "—"),
        ("Closed", "3", "—", "—"),
        ("New figure", "1", "—", "—"),
    ]


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, tzinfo=datetime.UTC)


@time_machine.travel(at(12, 1), tick=False)
def test_the_presets_are_links_that_keep_the_other_filters(client_for, sam, alex):
    response = client_for(sam).get(
        reverse("report", args=["volume"]),
        {"start": "2026-11-01", "end": "2026-11-30", "worker": alex.pk, "volume-page": 2},
    )
    page = response.content.decode()
    links = {link["label"]: link for link in response.context["period_links"]}
    assert list(links)[:6] == [
        "This month",
        "Last month",
        "This quarter",
        "Last quarter",
        "Year to date",
        "Last 12 months",
    ]
    assert "2025" in links and "2021" in links
    assert links["Last month"]["current"] and not links["This month"]["current"]
    assert links["Last month"]["query"] == f"worker={alex.pk}&start=2026-11-01&end=2026-11-30"
    assert 'aria-current="true" href="?' in page


@time_machine.travel(at(12, 1), tick=False)
def test_a_preset_link_shows_its_period(client_for, sam, alex):
    factories.open_case(alex, now=at(11, 3))
    factories.open_case(alex, now=at(11, 20))
    factories.open_case(alex, now=at(12, 1))
    client = client_for(sam)
    links = {
        link["label"]: link["query"]
        for link in client.get(reverse("report", args=["volume"])).context["period_links"]
    }
    response = client.get(reverse("report", args=["volume"]) + "?" + links["Last month"])
    assert response.context["summary"][0] == ("Period", "2026-11-01 to 2026-11-30")
    headlines = {h.label: h.text for h in response.context["report"].headlines}
    assert headlines["Cases opened"] == "2"


@time_machine.travel(at(12, 1), tick=False)
def test_comparing_with_the_month_before_on_the_page_and_in_the_csv(client_for, sam, alex):
    for day in (5, 6, 7):
        factories.open_case(alex, now=at(10, day))
    for day in (3, 4):
        factories.open_case(alex, now=at(11, day))
    client = client_for(sam)
    november = {"start": "2026-11-01", "end": "2026-11-30", "compare": "on"}
    response = client.get(reverse("report", args=["volume"]), november)
    compared = {c.label: c for c in response.context["compared"]}
    assert (compared["Cases opened"].now, compared["Cases opened"].before) == ("2", "3")
    assert compared["Cases opened"].change == "−1"
    page = response.content.decode()
    assert "Headline figures compared with the period before" in page
    assert response.context["summary"][0] == (
        "Period",
        "2026-11-01 to 2026-11-30, compared with 2026-10-01 to 2026-10-31",
    )
    assert 'name="compare"' in page and "checked" in page

    download = client.get(reverse("report_csv", args=["volume"]), november)
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    start = lines.index(["Headline figures compared with the period before"])
    assert lines[start + 1] == ["Figure", "This period", "Period before", "Change"]
    assert ["Cases opened", "2", "3", "−1"] in lines[start + 2 :]

    dashboard = client.get(reverse("reports"), november)
    cards = {card["report"].slug: card["compared"] for card in dashboard.context["cards"]}
    assert all(cards.values())
    assert 'id="compared-volume"' in dashboard.content.decode()


@time_machine.travel(at(12, 1), tick=False)
def test_no_period_before_the_calendar_gets_a_calm_message(client_for, sam):
    response = client_for(sam).get(
        reverse("report", args=["volume"]),
        {"start": "2000-01-01", "end": "2000-03-31", "compare": "on"},
    )
    assert response.status_code == 400
    assert "no period before it to compare with" in response.content.decode()


@time_machine.travel(at(12, 1), tick=False)
def test_a_report_as_of_today_has_no_presets_and_no_comparison(client_for, sam):
    response = client_for(sam).get(reverse("report", args=["overdue"]), {"compare": "on"})
    assert response.status_code == 200
    assert response.context["period_links"] == []
    assert response.context["compared"] is None
    assert 'name="compare"' not in response.content.decode()


@pytest.mark.parametrize(("name", "queries"), [("reports", 17 + 12), ("volume", 11 + 6)])
@time_machine.travel(at(12, 1), tick=False)
def test_comparing_costs_each_report_once_more_and_no_more(
    client_for, sam, alex, name, queries, django_assert_num_queries
):
    # The pages' own budgets (test_pages.PAGE_QUERIES) plus each report's own queries again,
    # for the period before (the dashboard's five summaries: 2 + 2 + 3 + 2 + 3, having asked
    # once whether the histograms are built; volume's: 6 with that), whatever the data.
    client = client_for(sam)
    url = reverse("reports") if name == "reports" else reverse("report", args=[name])
    for count in (2, 12):
        for index in range(count):
            factories.open_case(alex, now=at(11, 2 + index % 20))
        with django_assert_num_queries(queries):
            response = client.get(
                url, {"start": "2026-11-01", "end": "2026-11-30", "compare": "on"}
            )
        assert response.status_code == 200
