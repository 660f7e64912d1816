"""Follow-ups through their pages, as the browser posts them: made from the case page, from a
contact-log entry or from a records request; for someone who can see the case; listed on the
case page (open first, late marked); marked done and open again; each on the timeline and in
the audit trail; double clicks answered calmly.

Monday 23 November 2026, 10:00 in New York (team time); casey covers alex this week.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.audit import MASK
from cases.contacts import services
from cases.models import AuditEvent, ContactLogEntry, FollowUp
from tests import factories
from tests.browser_form import form_data, submit
from tests.query_budgets import CASE_PAGE_QUERIES

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def add_url(case, query: str = "") -> str:
    return reverse("follow_up_add", args=[case.pk]) + query


def add(client, case, query: str = "", **typed):
    return submit(client, add_url(case, query), **typed)


# --- making one ------------------------------------------------------------------------------


def test_the_case_page_leads_to_the_form_which_defaults_to_the_owner(client_for, casey, case):
    client = client_for(casey)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{add_url(case)}"' in page
    form = client.get(add_url(case))
    data = form_data(form)
    assert data["assignee"] == [str(case.social_worker_id)]
    assert data["due_on"] == ["2026-11-24"]  # the next business day
    response = add(client, case, what="Ask the lab about the recuts", due_time="14:30")
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#follow-ups"
    follow_up = FollowUp.objects.get()
    assert (follow_up.assignee, follow_up.created_by) == (case.social_worker, casey)
    assert (follow_up.due_on, follow_up.due_time) == (
        datetime.date(2026, 11, 24),
        datetime.time(14, 30),
    )
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Follow-up added for Alex Rivera, due Tue Nov 24, 2026 at 2:30 pm." in page
    assert case.events.first().summary == (
        "Follow-up for Alex Rivera, due Tue Nov 24, 2026 at 2:30 pm: Ask the lab about the recuts"
    )
    event = AuditEvent.objects.get(action="create", object_type="followup")
    assert event.changes["what"] == [None, MASK]
    assert event.changes["assignee"] == [None, str(case.social_worker_id)]
    assert event.changes["due_on"] == [None, "2026-11-24"]


def test_the_assignee_may_be_a_covering_colleague_or_a_supervisor(
    client_for, alex, casey, sam, case
):
    client = client_for(alex)
    page = client.get(add_url(case)).content.decode()
    assert "Casey Morgan" in page and "Sam Okafor" in page
    for person in (casey, sam):
        assert (
            add(client, case, what=f"For {person.username}", assignee=person.pk).status_code == 302
        )
    assert sorted(f.assignee.username for f in FollowUp.objects.all()) == ["casey", "sam"]


def test_someone_who_cannot_see_the_case_is_refused_clearly(client_for, alex, blair, case):
    client = client_for(alex)
    assert "Blair Nguyen" not in client.get(add_url(case)).content.decode()
    response = add(client, case, what="Call back", assignee=blair.pk)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Choose someone who can see this case: its social worker, a colleague covering them, "
        "or a supervisor."
    ) in page
    assert 'value="Call back"' in page
    assert not FollowUp.objects.exists()
    # The service holds the same rule, whatever calls it.
    with pytest.raises(services.TransitionError, match="Blair Nguyen cannot see this case"):
        services.follow_up_create(
            case=case, by=alex, what="x", due_on=datetime.date(2026, 11, 24), assignee=blair
        )


def test_another_social_worker_gets_404(client_for, blair, case):
    client = client_for(blair)
    assert client.get(add_url(case)).status_code == 404
    assert client.post(add_url(case), {"what": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"what": ""}, "Say what needs doing (for example: call back)."),
        ({"due_on": ""}, "Choose the day it is due."),
        ({"due_on": "2026-11-20"}, "A follow-up cannot be due in the past."),
        ({"due_on": "9999-12-31"}, "Check the date: a follow-up must be due between"),
        ({"due_time": "25:99"}, "Enter a valid time."),
    ],
    ids=["no what", "no day", "past", "year 9999", "bad time"],
)
def test_bad_input_is_refused_and_keeps_what_was_typed(client_for, alex, case, typed, message):
    fields = {"what": "Fax the release again", "due_on": "2026-11-25"} | typed
    response = add(client_for(alex), case, **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="alert alert-danger error-summary"' in page
    for value in fields.values():
        if value:
            assert f'value="{value}"' in page
    assert not FollowUp.objects.exists()


def test_a_double_click_adds_it_once_and_says_so(client_for, alex, case):
    client = client_for(alex)
    data = form_data(client.get(add_url(case))) | {"what": ["Call the insurer back"]}
    assert client.post(add_url(case), data).status_code == 302
    second = client.post(add_url(case), data, follow=True)
    assert "This follow-up was already added." in second.content.decode()
    assert FollowUp.objects.count() == 1


def test_a_closed_case_takes_no_follow_up(client_for, alex, case):
    client = client_for(alex)
    data = form_data(client.get(add_url(case))) | {"what": ["Call back"]}
    case.status = "completed"
    case.save()
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{add_url(case)}"' not in page
    assert "Reopen it before adding a follow-up." in client.get(add_url(case)).content.decode()
    response = client.post(add_url(case), data)
    assert response.status_code == 400
    assert "This case is closed. Reopen it before adding a follow-up." in response.content.decode()


# --- from a contact-log entry or a records request ------------------------------------------


def test_from_a_contact_log_entry(client_for, alex, case):
    entry = ContactLogEntry.objects.create(
        case=case,
        author=alex,
        occurred_at=MONDAY,
        channel="call",
        contact_other="Example Imaging front desk",
        outcome="left_message",
        created_at=MONDAY,
    )
    client = client_for(alex)
    link = f"{add_url(case)}?contact_entry={entry.pk}"
    assert f'href="{link}"' in client.get(case.get_absolute_url()).content.decode()
    page = client.get(link).content.decode()
    assert "After the phone call to Example Imaging front desk" in page
    assert submit(client, link).status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.contact_entry, follow_up.what) == (
        entry,
        "Call Example Imaging front desk back",
    )


def test_from_a_records_request_of_the_case(client_for, alex, case):
    request = factories.records_request_row(
        case,
        sent_on=datetime.date(2026, 11, 16),
        answer_due_on=datetime.date(2026, 12, 16),
        follow_up_on=datetime.date(2026, 11, 30),
    )
    client = client_for(alex)
    link = add_url(case, f"?records_request={request.pk}")
    page = client.get(link)
    assert "For the records request to Example Hospital Release of Information, sent Nov 16" in (
        page.content.decode()
    )
    assert form_data(page)["due_on"] == ["2026-11-30"]  # the request's own follow-up date
    assert submit(client, link).status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.records_request == request
    assert AuditEvent.objects.get(object_type="followup").changes["records_request"] == [
        None,
        str(request.pk),
    ]


@pytest.mark.parametrize("value", ["other-case", "abc", "99999999999999999999", ""])
def test_a_records_request_not_of_this_case_is_a_calm_404(client_for, alex, case, value):
    other = factories.records_request_row(factories.open_case(alex))
    if value == "other-case":
        value = str(other.pk)
    client = client_for(alex)
    assert client.get(add_url(case, f"?records_request={value}")).status_code == 404
    assert client.post(add_url(case, f"?records_request={value}"), {"what": "x"}).status_code == 404
    assert not FollowUp.objects.exists()
    with pytest.raises(services.TransitionError, match="That request belongs to another case."):
        services.follow_up_create(
            case=case, by=alex, what="x", due_on=datetime.date(2026, 11, 24), records_request=other
        )


# --- the list, done and open again ----------------------------------------------------------


def made(case, what: str, due_on: datetime.date, *, now=None, **kwargs) -> FollowUp:
    return factories.follow_up(case, what=what, due_on=due_on, now=now, **kwargs)


def test_the_case_page_lists_open_ones_first_and_marks_the_late(client_for, alex, case):
    last_week = MONDAY - datetime.timedelta(days=7)
    late = made(case, "Late one", datetime.date(2026, 11, 20), now=last_week)
    today = made(case, "Today's", datetime.date(2026, 11, 23))
    later = made(case, "Next week's", datetime.date(2026, 11, 30))
    done = made(case, "Done one", datetime.date(2026, 11, 23))
    services.follow_up_done(follow_up=done, by=alex)
    page = client_for(alex).get(case.get_absolute_url()).content.decode()
    section = page[page.index('id="follow-ups"') : page.index('id="contact-log"')]
    positions = [section.index(f"follow-up-{item.pk}") for item in (late, today, later, done)]
    assert positions == sorted(positions)
    assert (
        '<span class="badge text-bg-danger">Late</span> <span class="follow-up-what">Late one'
        in section
    )
    assert (
        '<span class="badge text-bg-warning">Due today</span> <span class="follow-up-what">Today'
        in section
    )
    assert "done by Alex Rivera, Nov 23, 10:00 a.m." in section


def test_mark_done_from_the_case_page_records_who_and_when(client_for, casey, case):
    follow_up = made(case, "Call the lab", datetime.date(2026, 11, 23))
    client = client_for(casey)
    action = reverse("follow_up_done", args=[case.pk, follow_up.pk])
    response = submit(client, case.get_absolute_url(), action)
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#follow-ups"
    follow_up.refresh_from_db()
    assert (follow_up.done_by, follow_up.done_at) == (casey, MONDAY)
    assert case.events.first().summary == "Follow-up done: Call the lab"
    changes = AuditEvent.objects.filter(object_type="followup", action="update").get().changes
    assert changes["done_by"] == [None, str(casey.pk)]
    # Pressed again (a second tab, a double click): said calmly, nothing changes.
    again = client.post(action, follow=True)
    assert "This follow-up was already marked done by Casey Morgan." in again.content.decode()
    assert AuditEvent.objects.filter(object_type="followup", action="update").count() == 1


def test_a_done_follow_up_can_be_opened_again(client_for, alex, case):
    follow_up = made(case, "Call the lab", datetime.date(2026, 11, 23))
    services.follow_up_done(follow_up=follow_up, by=alex)
    client = client_for(alex)
    action = reverse("follow_up_reopen", args=[case.pk, follow_up.pk])
    assert submit(client, case.get_absolute_url(), action).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.done_at, follow_up.done_by) == (None, None)
    assert case.events.first().summary == "Follow-up reopened: Call the lab"
    again = client.post(action, follow=True)
    assert "This follow-up is already open." in again.content.decode()


def test_done_goes_back_to_the_page_it_came_from(client_for, alex, case):
    follow_up = made(case, "Call the lab", datetime.date(2026, 11, 23))
    client = client_for(alex)
    page = client.get(case.get_absolute_url() + "?next=/")
    action = reverse("follow_up_done", args=[case.pk, follow_up.pk])
    response = client.post(action, form_data(page, action))
    assert response.url == "/"
    # Anywhere but this site is ignored.
    other = made(case, "Another", datetime.date(2026, 11, 24))
    action = reverse("follow_up_done", args=[case.pk, other.pk])
    response = client.post(action, {"next": "https://example.org/"})
    assert response.url == f"{case.get_absolute_url()}#follow-ups"


@pytest.mark.parametrize(
    "path",
    [
        "follow-ups/0/done/",
        "follow-ups/99999999999999999999/reopen/",
        "contact-log/99999999999999999999/correct/",
    ],
)
def test_ids_that_name_nothing_are_404(client_for, alex, case, path):
    response = client_for(alex).post(f"{case.get_absolute_url()}{path}")
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["follow_up_done", "follow_up_reopen"])
def test_another_case_s_follow_up_is_404(client_for, alex, blair, case, name):
    foreign = made(factories.open_case(blair), "Theirs", datetime.date(2026, 11, 24))
    client = client_for(alex)
    assert client.post(reverse(name, args=[case.pk, foreign.pk])).status_code == 404
    assert client_for(blair).post(reverse(name, args=[case.pk, foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.done_at is None


# --- what the case page costs ----------------------------------------------------------------


def test_the_case_page_costs_the_same_with_many_entries_and_follow_ups(
    client_for, alex, casey, case, django_assert_max_num_queries
):
    big = factories.open_case(alex)
    insurer = factories.insurer(name="Example Health Plan")
    for index in range(30):
        ContactLogEntry.objects.create(
            case=big,
            author=alex if index % 2 else casey,
            occurred_at=MONDAY - datetime.timedelta(hours=index),
            channel="call",
            contact=insurer if index % 3 else None,
            contact_other="" if index % 3 else f"Person {index}",
            outcome="reached",
            created_at=MONDAY - datetime.timedelta(hours=index),
        )
        made(
            big,
            f"Follow-up {index}",
            datetime.date(2026, 11, 23) + datetime.timedelta(days=index % 5),
            assignee=casey if index % 2 else None,
        )
    for follow_up in FollowUp.objects.filter(case=big)[:10]:
        services.follow_up_done(follow_up=follow_up, by=alex)
    client = client_for(alex)
    for each in (case, big):
        with django_assert_max_num_queries(CASE_PAGE_QUERIES):
            response = client.get(each.get_absolute_url())
        assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="card card-body mb-2 contact-entry"') == 30
    assert page.count("follow-up-what") == 30
    assert "Person 0" in page and "Follow-up 29" in page
