import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases.models import Patient
from cases.workflow import services
from tests import factories

URL = reverse("caseload")


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_outside_the_care_team_gets_404(client_for, db):
    stranger = factories.UserFactory(username="stranger")
    assert client_for(stranger).get(URL).status_code == 404


def test_a_social_worker_sees_own_cases_only(client_for, alex, blair):
    factories.open_case(alex, patient={"full_name": "Avery Ashdown"})
    factories.open_case(blair, patient={"full_name": "Rowan Brightwater"})
    assert names(client_for(alex).get(URL)) == ["Avery Ashdown"]


def test_a_covering_colleague_sees_the_covered_caseload(client_for, alex, casey):
    factories.open_case(alex, patient={"full_name": "Avery Ashdown"})
    assert names(client_for(casey).get(URL)) == ["Avery Ashdown"]


def test_coverage_ends_with_its_date_range(client_for, alex, casey):
    factories.open_case(alex, patient={"full_name": "Avery Ashdown"})
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=30)):
        assert names(client_for(casey).get(URL)) == []


def test_a_supervisor_sees_everyone_and_can_filter_by_worker(client_for, alex, blair, sam):
    factories.open_case(alex, patient={"full_name": "Avery Ashdown"})
    factories.open_case(blair, patient={"full_name": "Rowan Brightwater"})
    client = client_for(sam)
    everyone = client.get(URL)
    assert sorted(names(everyone)) == ["Avery Ashdown", "Rowan Brightwater"]
    assert {row.name: row.social_worker for row in everyone.context["rows"]} == {
        "Avery Ashdown": "Alex Rivera",
        "Rowan Brightwater": "Blair Nguyen",
    }
    assert "<td>Blair Nguyen</td>" in everyone.content.decode()
    assert names(client.get(URL, {"worker": blair.pk})) == ["Rowan Brightwater"]


def test_each_row_links_to_its_case_and_shows_its_stage_and_urgency(client_for, alex):
    case = factories.open_case(
        alex, patient={"full_name": "Avery Ashdown", "mrn": "MRN-0042"}, urgency="urgent"
    )
    body = client_for(alex).get(URL).content.decode()
    assert f'<a href="{case.get_absolute_url()}">Avery Ashdown</a>' in body
    assert "MRN MRN-0042" in body and "Referral" in body and ">Urgent</span>" in body


@time_machine.travel(datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC), tick=False)
def test_most_overdue_first_with_days_overdue(client_for, alex):
    now = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
    old = factories.open_case(
        alex, now=now - datetime.timedelta(days=14), patient={"full_name": "Quinn Old"}
    )
    factories.open_case(alex, now=now, patient={"full_name": "Harper New"})
    recent = factories.open_case(
        alex, now=now - datetime.timedelta(days=7), patient={"full_name": "Reese Recent"}
    )
    response = client_for(alex).get(URL)
    assert names(response) == ["Quinn Old", "Reese Recent", "Harper New"]
    by_name = {row.name: row.days_overdue for row in response.context["rows"]}
    # Opened Mon 9 Nov: 3 business days skipping Veterans Day (11 Nov) → due Fri 13 Nov,
    # 10 days before Mon 23 Nov. Opened Mon 16 Nov → due Thu 19 Nov, 4 days overdue.
    assert by_name == {"Quinn Old": 10, "Reese Recent": 4, "Harper New": 0}
    assert old.pk and recent.pk


@time_machine.travel(datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC), tick=False)
def test_filters_overdue_due_this_week_stage_and_urgency(client_for, alex):
    now = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)
    factories.open_case(
        alex, now=now - datetime.timedelta(days=14), patient={"full_name": "A Late"}
    )
    factories.open_case(alex, now=now, urgency="urgent", patient={"full_name": "B Urgent"})
    moved_on = factories.open_case(alex, now=now, patient={"full_name": "C Insurance"})
    referral = moved_on.steps.get(stage="referral")
    services.step_set_status(step=referral, status="done", by=alex, now=now)
    client = client_for(alex)
    assert names(client.get(URL, {"due": "overdue"})) == ["A Late"]
    assert names(client.get(URL, {"due": "week"})) == ["B Urgent"]
    assert names(client.get(URL, {"urgency": "urgent"})) == ["B Urgent"]
    assert names(client.get(URL, {"stage": "preauthorization"})) == ["C Insurance"]


def test_search_by_name_or_mrn(client_for, alex):
    factories.open_case(alex, patient={"full_name": "Lucía Calloway", "mrn": "MRN-777"})
    factories.open_case(alex, patient={"full_name": "Kenji Dunmore", "mrn": "MRN-888"})
    client = client_for(alex)
    assert names(client.post(URL, {"q": "callo"}, follow=True)) == ["Lucía Calloway"]
    assert names(client.post(URL, {"q": "MRN-888"}, follow=True)) == ["Kenji Dunmore"]


def test_a_search_never_puts_the_name_in_a_url(client_for, alex):
    factories.open_case(alex, patient={"full_name": "Lucía Calloway"})
    factories.open_case(alex, patient={"full_name": "Kenji Dunmore"})
    client = client_for(alex)
    response = client.post(
        URL, {"q": "Calloway", "due": "", "urgency": "urgent", "sort": "patient"}
    )
    assert response.status_code == 302
    assert "Calloway" not in response.url
    assert response.url == f"{URL}?urgency=urgent&sort=patient"
    page = client.get(URL)
    assert names(page) == ["Lucía Calloway"]
    assert "Calloway" not in page.context["query"]
    # A name typed into the address bar is not a search.
    assert names(client.get(URL, {"q": "Dunmore"})) == ["Lucía Calloway"]
    cleared = client.get(URL, {"clear": "1"}, follow=True)
    assert sorted(names(cleared)) == ["Kenji Dunmore", "Lucía Calloway"]


def test_closed_cases_are_not_in_the_default_view(client_for, alex):
    case = factories.open_case(alex, patient={"full_name": "Gone Away"})
    services.case_set_status(case=case, status="withdrawn", reason="Moved", by=alex)
    client = client_for(alex)
    assert names(client.get(URL)) == []
    assert names(client.get(URL, {"status": "withdrawn"})) == ["Gone Away"]


def test_nonsense_filters_are_ignored_not_errors(client_for, alex):
    factories.open_case(alex)
    response = client_for(alex).get(
        URL, {"stage": "<script>", "worker": "-1", "page": "999", "sort": "'; DROP", "due": "x"}
    )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_paginated(client_for, alex):
    for _ in range(30):
        factories.open_case(alex)
    client = client_for(alex)
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("2", 2), ("", 1), ("two", 1), ("1.5", 1), ("0", 2), ("-1", 2), ("3", 2), ("9" * 30, 2)],
)
def test_a_page_number_is_read_as_the_paginator_reads_it(client_for, alex, asked, shown):
    # The rows' query carries the count (selectors.caseload_page): a page before the first,
    # past the last or past any OFFSET the database can hold shows the last page, and
    # anything not a whole number the first, as Django's Paginator.get_page has it.
    for _ in range(30):
        factories.open_case(alex)
    page = client_for(alex).get(URL, {"page": asked})
    assert page.status_code == 200
    assert page.context["page"].number == shown
    assert page.context["page"].paginator.count == 30
    assert len(page.context["rows"]) == (25 if shown == 1 else 5)
    assert f"Page {shown} of 2" in page.content.decode()


def test_each_row_shows_its_values_escaped(client_for, alex, sam):
    # The rows are written by cases/templatetags/caseload.py, not by the template's autoescape.
    case = factories.open_case(
        alex, patient={"full_name": 'Ana <b>"Bo"</b> & Co', "mrn": "MRN<i>7</i>"}
    )
    for user in (alex, sam):
        body = client_for(user).get(URL).content.decode()
        assert "Ana &lt;b&gt;&quot;Bo&quot;&lt;/b&gt; &amp; Co" in body
        assert "MRN MRN&lt;i&gt;7&lt;/i&gt;" in body and "<b>" not in body and "<i>" not in body
        assert f'href="{case.get_absolute_url()}"' in body


def test_an_empty_caseload_has_one_empty_page(client_for, alex):
    page = client_for(alex).get(URL)
    assert page.context["page"].number == 1 and page.context["page"].paginator.count == 0
    assert page.context["rows"] == [] and "No cases match." in page.content.decode()


@pytest.mark.parametrize("count", [10, 200])
def test_query_count_does_not_grow_with_the_caseload(
    client_for, alex, casey, count, django_assert_max_num_queries
):
    for _ in range(count):
        factories.open_case(alex)
    client = client_for(casey)
    # 7 for the page (its rows carry the count of all of them), +2 for the session rules
    # (cases/security.py): the idle clock saved to the session, and the two-factor device
    # check on a session's first page.
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200 and len(response.context["rows"]) == min(count, 25)


def test_a_worker_filter_of_other_digits_is_ignored(client_for, sam, alex):
    factories.open_case(alex)
    # "²".isdigit() is true, and int("²") fails.
    response = client_for(sam).get(URL, {"worker": "²"})
    assert response.status_code == 200 and len(response.context["rows"]) == 1


def test_case_any_shows_every_status_and_stays_chosen(client_for, alex):
    factories.open_case(alex, patient={"full_name": "Open Person"})
    paused = factories.open_case(alex, patient={"full_name": "Paused Person"})
    services.case_set_status(
        case=paused,
        status="on_hold",
        reason="In hospital",
        review_on=factories.review_date(),
        by=alex,
    )
    done = factories.open_case(alex, patient={"full_name": "Finished Person"})
    services.case_set_status(case=done, status="withdrawn", reason="Moved", by=alex)
    client = client_for(alex)
    # As the browser sends the filter form with "Any" chosen in the Case box.
    response = client.post(
        URL, {"q": "", "stage": "", "due": "", "status": "any", "sort": "patient"}
    )
    assert response.url == f"{URL}?status=any&sort=patient"
    page = client.get(response.url)
    assert names(page) == ["Finished Person", "Open Person", "Paused Person"]
    assert '<option value="any" selected>Any</option>' in page.content.decode()


def test_search_ignores_case_accents_and_spacing_and_finds_part_of_an_mrn(client_for, alex):
    factories.open_case(alex, patient={"full_name": "Rosa González", "mrn": "MRN-40417"})
    factories.open_case(alex, patient={"full_name": "Wren Hollister", "mrn": "MRN-88812"})
    client = client_for(alex)

    def search(term: str) -> list[str]:
        return names(client.post(URL, {"q": term, "status": "open"}, follow=True))

    assert search("Gonzalez") == ["Rosa González"]
    assert search("  GONZÁLEZ   rosa ") == ["Rosa González"]
    assert search("wren  hollister") == ["Wren Hollister"]
    assert search("40417") == ["Rosa González"]
    assert search("mrn 888") == ["Wren Hollister"]
    assert search("Gonzalez Hollister") == []


def test_search_ignores_invisible_characters_punctuation_and_word_order(client_for, alex):
    factories.open_case(alex, patient={"full_name": "Tomás Larkspur"})
    factories.open_case(alex, patient={"full_name": "Aoife O\u2019Brien-Vance"})
    client = client_for(alex)

    def search(term: str) -> list[str]:
        return names(client.post(URL, {"q": term, "status": "open"}, follow=True))

    assert search("tomás\u200b") == ["Tomás Larkspur"]
    assert search("Lark\u00adspur, Tomas") == ["Tomás Larkspur"]
    assert search("o'brien") == ["Aoife O\u2019Brien-Vance"]
    assert search("vance aoife") == ["Aoife O\u2019Brien-Vance"]


def test_a_search_that_finds_nothing_open_points_to_other_statuses(client_for, alex):
    paused = factories.open_case(alex, patient={"full_name": "Ines Quarrington"})
    services.case_set_status(
        case=paused,
        status="on_hold",
        reason="In hospital",
        review_on=factories.review_date(),
        by=alex,
    )
    client = client_for(alex)
    page = client.post(URL, {"q": "Inés", "status": "open"}, follow=True)
    assert names(page) == []
    assert "1 case with another status matches the search" in page.content.decode()
    assert names(client.get(URL, {"status": "any"})) == ["Ines Quarrington"]


def test_a_search_costs_a_fixed_number_of_queries(client_for, alex, django_assert_max_num_queries):
    for _ in range(30):
        factories.open_case(alex, patient={"full_name": "Zoë Pemberton"})
    client = client_for(alex)
    client.post(URL, {"q": "zoe", "status": "open"})
    client.get(URL)
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert len(response.context["rows"]) == 25


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_search_columns_of_existing_patients():
    before = [("cases", "0011_reminders_follow_appointments")]
    after = [("cases", "0012_search_columns")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_patient = executor.loader.project_state(before).apps.get_model("cases", "Patient")
    old_patient.objects.create(
        full_name="  José   Ñúñez ", date_of_birth="1960-02-03", mrn="AB-12 3"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    patient = Patient.objects.get()
    assert (patient.search_name, patient.search_mrn) == ("jose nunez", "ab123")


def test_clearing_the_filters_keeps_the_order_chosen(client_for, alex):
    """Both ways to clear (the form's Clear, and the link when nothing matches) keep the
    column the user sorted by: followed as the page writes them."""
    factories.open_case(alex, patient={"full_name": "Ann Abbott"})
    factories.open_case(alex, patient={"full_name": "Zoe Zimmer"})
    client = client_for(alex)
    client.post(URL, {"q": "Nobody", "sort": "-patient"})
    nothing = client.get(URL, {"urgency": "urgent", "sort": "-patient"})
    assert names(nothing) == []
    links = re.findall(r'href="([^"]*clear=1[^"]*)"', nothing.content.decode())
    assert len(links) == 2  # the form's Clear, and "Clear the filters" in the empty table
    for link in links:
        cleared = client.get(html.unescape(link), follow=True)
        assert cleared.redirect_chain[-1][0] == f"{URL}?sort=-patient"
        assert names(cleared) == ["Zoe Zimmer", "Ann Abbott"]
