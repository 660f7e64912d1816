"""Today through the test client, as each of the cast opens it, at fixed instants."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import AuditEvent
from tests.today.data import (
    CHRISTMAS,
    FRIDAY,
    MONDAY,
    SATURDAY,
    alex_monday,
    at,
    case_for,
    due_on,
    follow_up,
    question,
    visit,
)

URL = "/today/"


def lists(response) -> dict[str, list[str]]:
    """{list: [patient, ...]} as the page shows them, in order."""
    return {
        listed.slug: [row.patient for row in listed.rows] for listed in response.context["lists"]
    }


def totals(response) -> dict[str, int]:
    return {listed.slug: listed.total for listed in response.context["lists"]}


def rows(response, slug: str):
    return next(listed for listed in response.context["lists"] if listed.slug == slug).rows


@pytest.fixture
def monday(alex, blair):
    return alex_monday(alex, blair)


@pytest.fixture
def on_monday():
    with time_machine.travel(at(MONDAY, 10), tick=False):
        yield


EXPECTED_ALEX = {
    "due-today": ["Dana Duetoday"],
    "overdue": ["Max Fivedays", "Lee Threedays"],
    "blocked": ["Bo Blocked"],
    "follow-ups": ["Fay Followup", "Fay Followup"],
    "records-requests": ["Rae Records", "Rae Records"],
    "questions": ["Quin Questions"],
    "appointments": ["Pat Appointment"],
    "holds": ["Hal Hold"],
    "rescreening": ["Ria Rescreen"],
}


def test_the_owner_sees_one_list_per_kind_with_counts_at_the_top(
    client_for, alex, monday, on_monday
):
    response = client_for(alex).get(URL)
    assert response.status_code == 200
    assert lists(response) == EXPECTED_ALEX
    assert totals(response) == {slug: len(names) for slug, names in EXPECTED_ALEX.items()}
    text = response.content.decode()
    assert 'data-count="overdue">2<' in text
    assert "Monday, December 7, 2026" in text
    assert "not a business day" not in text


def test_each_row_says_the_step_what_and_the_next_action(client_for, alex, monday, on_monday):
    response = client_for(alex).get(URL)
    [due] = rows(response, "due-today")
    assert (due.step, due.what) == ("Referral", "Due today")
    assert due.action == "Finish referral today, or move its due date."
    five, three = rows(response, "overdue")
    # Business days after the due date up to today: Mon 30 Nov → Tue…Fri, Mon = 5.
    assert five.what == "5 business days overdue" and five.when == "Due Mon Nov 30"
    assert three.what == "3 business days overdue" and three.urgent
    [blocked] = rows(response, "blocked")
    assert blocked.step == "Records gathered" and blocked.what == "The lab sent recuts"
    assert blocked.when.startswith("Blocked since Thu Dec 3, 10:00")
    late, today = rows(response, "follow-ups")
    assert (late.what, late.when, late.late) == ("Fax the lab", "Due Thu Dec 3, late", True)
    assert (today.what, today.when) == ("Call the insurer back", "Due today")
    past_clock, follow = rows(response, "records-requests")
    assert past_clock.when == "Answer was due Sun Nov 29: 8 days late" and past_clock.late
    assert follow.when == "Follow up on Fri Dec 4"
    [asked] = rows(response, "questions")
    assert asked.what == "2 new questions from the patient"
    [visit_row] = rows(response, "appointments")
    assert visit_row.when == "Thu Dec 10, 2:30 p.m." and "what to bring" in visit_row.action
    [held] = rows(response, "holds")
    assert held.what == "On hold: Patient in hospital" and held.when == "Review date Mon Dec 7"
    assert all(row.whose == "" for listed in response.context["lists"] for row in listed.rows)


def test_each_row_leads_to_the_place_on_the_case_page_and_back_to_today(
    client_for, alex, monday, on_monday
):
    response = client_for(alex).get(URL)
    anchors = {}
    for listed in response.context["lists"]:
        for row in listed.rows:
            path, _, anchor = row.url.partition("#")
            assert path.startswith(f"/cases/{row.case_id}/?next=/today/%23{listed.slug}")
            anchors.setdefault(listed.slug, anchor)
    step = monday["due"].steps.get(stage="referral")
    appointment = monday["visit"].steps.get(stage="appointment")
    assert anchors == {
        "due-today": f"step-{step.pk}",
        "overdue": anchors["overdue"],
        "blocked": f"step-{monday['blocked'].steps.get(stage='records').pk}",
        "follow-ups": "follow-ups",
        "records-requests": "records-requests",
        "questions": "questions",
        "appointments": f"step-{appointment.pk}",
        "holds": "status",
        "rescreening": "screening",
    }
    # Every anchor names an element of the case page.
    page = client_for(alex).get(rows(response, "due-today")[0].url.partition("#")[0])
    text = page.content.decode()
    for element_id in ("status", "questions", f"step-{step.pk}"):
        assert f'id="{element_id}"' in text
    assert "Back to Today" in text


def test_another_social_worker_sees_only_their_own(client_for, blair, monday, on_monday):
    response = client_for(blair).get(URL)
    assert lists(response) == {
        "due-today": [],
        "overdue": ["Zed Blairs"],
        "blocked": [],
        "follow-ups": ["Zed Blairs"],
        "records-requests": [],
        "questions": ["Zed Blairs"],
        "appointments": [],
        "holds": [],
        "rescreening": [],
    }
    assert "Dana Duetoday" not in response.content.decode()


def test_a_covering_colleague_sees_the_covered_cases_with_their_owners_name(
    client_for, alex, casey, monday, on_monday
):
    # casey's cover (conftest) starts on the day the fixture ran; give it this week.
    casey.coverages_given.update(
        starts_on=MONDAY - datetime.timedelta(days=1), ends_on=MONDAY + datetime.timedelta(days=5)
    )
    own = case_for(casey, name="Cas Own")
    due_on(own, "referral", MONDAY, by=casey)
    response = client_for(casey).get(URL)
    assert lists(response)["due-today"] == ["Dana Duetoday", "Cas Own"]
    assert lists(response)["follow-ups"] == ["Fay Followup", "Fay Followup"]
    whose = {row.patient: row.whose for row in rows(response, "due-today")}
    assert whose == {"Dana Duetoday": "Alex Rivera", "Cas Own": ""}
    assert {row.whose for row in rows(response, "follow-ups")} == {"Alex Rivera"}
    # New questions count from casey's own visits: alex's visit to Sol Seen is not casey's.
    assert lists(response)["questions"] == ["Quin Questions", "Sol Seen"]
    assert "Alex Rivera" in response.content.decode()


def test_cover_that_has_ended_shows_nothing_of_the_colleague(
    client_for, alex, casey, monday, on_monday
):
    casey.coverages_given.update(
        starts_on=MONDAY - datetime.timedelta(days=20), ends_on=MONDAY - datetime.timedelta(days=1)
    )
    response = client_for(casey).get(URL)
    assert all(names == [] for names in lists(response).values())


def test_opening_the_case_page_marks_its_questions_seen(client_for, alex, monday, on_monday):
    client = client_for(alex)
    assert lists(client.get(URL))["questions"] == ["Quin Questions"]
    client.get(monday["asked"].get_absolute_url())
    assert lists(client.get(URL))["questions"] == []


def test_a_question_changed_after_the_last_visit_is_new_again(client_for, alex, monday):
    seen = monday["seen"]
    changed = seen.patient_questions.get()
    changed.updated_at = at(datetime.date(2026, 12, 5))
    changed.save()
    with time_machine.travel(at(MONDAY, 10), tick=False):
        assert "Sol Seen" in lists(client_for(alex).get(URL))["questions"]


def test_the_what_to_bring_item_is_found_by_its_flag_not_its_label(
    client_for, alex, monday, on_monday
):
    from cases.models import ChecklistItem

    ChecklistItem.objects.filter(told_what_to_bring=True).update(label="Bring list sent")
    client = client_for(alex)
    assert lists(client.get(URL))["appointments"] == ["Pat Appointment"]
    item = monday["visit"].steps.get(stage="appointment").checklist.get(told_what_to_bring=True)
    client.post(reverse("checklist_item", args=[monday["visit"].pk, item.pk]), {"done": "1"})
    assert lists(client.get(URL))["appointments"] == []


def test_a_supervisor_sees_the_teams_counts_per_worker(
    client_for, alex, blair, sam, monday, on_monday
):
    response = client_for(sam).get(URL)
    assert response.status_code == 200
    team = {person.name: person.counts for person in response.context["team"]}
    assert team["Alex Rivera"] == [1, 2, 1, 2, 2, 1, 1, 1, 1]
    assert team["Blair Nguyen"] == [0, 1, 0, 1, 0, 1, 0, 0, 0]
    # The counts at the top are the team's; the rows are one worker's at a time.
    assert totals(response) == {
        "due-today": 1,
        "overdue": 3,
        "blocked": 1,
        "follow-ups": 3,
        "records-requests": 2,
        "questions": 2,
        "appointments": 1,
        "holds": 1,
        "rescreening": 1,
    }
    assert all(names == [] for names in lists(response).values())
    text = response.content.decode()
    assert "Counts per social worker" in text and "Choose a social worker" in text
    assert f'href="?worker={alex.pk}">Alex Rivera</a>' in text
    # Each worker's row of counts is what their own lists hold.
    for worker in (alex, blair):
        own = client_for(sam).get(URL, {"worker": worker.pk})
        assert list(totals(own).values()) == team[own.context["worker"].get_full_name()]


def test_a_supervisor_filters_the_lists_by_worker(client_for, alex, blair, sam, monday, on_monday):
    response = client_for(sam).get(URL, {"worker": blair.pk})
    assert response.status_code == 200
    assert lists(response)["overdue"] == ["Zed Blairs"]
    assert lists(response)["due-today"] == []
    assert response.context["worker"] == blair
    assert "Today for Blair Nguyen" in response.content.decode()
    # The rows lead back to the same filtered Today.
    assert f"next=/today/%3Fworker%3D{blair.pk}%23overdue" in rows(response, "overdue")[0].url
    assert {row.whose for row in rows(response, "overdue")} == {"Blair Nguyen"}
    response = client_for(sam).get(URL, {"worker": alex.pk})
    assert lists(response) == EXPECTED_ALEX


@pytest.mark.parametrize("worker", ["abc", "99999", "-1", "1e3", "²", "sam", " "])
def test_an_unknown_worker_gets_a_calm_message(client_for, sam, monday, on_monday, worker):
    if worker == "sam":
        worker = str(sam.pk)  # a supervisor, not a social worker
    response = client_for(sam).get(URL, {"worker": worker})
    assert response.status_code == 400
    assert "That social worker is not on the team" in response.content.decode()
    assert response.context["worker"] is None


def test_a_social_workers_worker_filter_is_ignored(client_for, alex, blair, monday, on_monday):
    response = client_for(alex).get(URL, {"worker": blair.pk})
    assert response.status_code == 200 and lists(response) == EXPECTED_ALEX


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_the_page_is_in_the_audit_trail_with_the_cases_it_shows(
    client_for, alex, monday, on_monday
):
    client_for(alex).get(URL)
    event = AuditEvent.objects.filter(changes__list="today").get()
    shown = {monday[key].pk for key in ("due", "late3", "late5", "blocked", "follow", "records")}
    shown |= {monday[key].pk for key in ("asked", "visit", "held", "rescreen")}
    assert event.actor == alex and set(event.changes["cases"]) == shown
    assert event.changes["filters"] == {"worker": None, "show": ""}


def test_friday_lists_what_is_due_friday(client_for, alex, blair):
    with time_machine.travel(at(datetime.date(2026, 11, 30), 9), tick=False):
        friday = case_for(alex, name="Fri Due", opened=datetime.date(2026, 11, 30))
        due_on(friday, "referral", FRIDAY, by=alex, moved=datetime.date(2026, 11, 30))
        wednesday = case_for(alex, name="Wed Due", opened=datetime.date(2026, 11, 30))
        due_on(wednesday, "referral", datetime.date(2026, 12, 2), by=alex)
    with time_machine.travel(at(FRIDAY, 10), tick=False):
        response = client_for(alex).get(URL)
    assert lists(response)["due-today"] == ["Fri Due"]
    assert [row.what for row in rows(response, "overdue")] == ["2 business days overdue"]


def test_on_a_saturday_due_today_is_that_date_and_overdue_counts_to_friday(client_for, alex):
    with time_machine.travel(at(datetime.date(2026, 11, 30), 9), tick=False):
        friday = case_for(alex, name="Fri Due", opened=datetime.date(2026, 11, 30))
        due_on(friday, "referral", FRIDAY, by=alex, moved=datetime.date(2026, 11, 30))
        wednesday = case_for(alex, name="Wed Due", opened=datetime.date(2026, 11, 30))
        due_on(wednesday, "referral", datetime.date(2026, 12, 2), by=alex)
        moved = case_for(alex, name="Sat Moved", opened=datetime.date(2026, 11, 30))
        due_on(moved, "referral", SATURDAY, by=alex)
    with time_machine.travel(at(SATURDAY, 10), tick=False):
        response = client_for(alex).get(URL)
    assert lists(response)["due-today"] == ["Sat Moved"]
    # Friday's step has not lost a business day yet; Wednesday's has lost Thursday and Friday.
    assert [(row.patient, row.what) for row in rows(response, "overdue")] == [
        ("Wed Due", "2 business days overdue"),
        ("Fri Due", "Due on the last business day"),
    ]
    text = response.content.decode()
    assert "Saturday is not a business day" in text and "up to Friday, Dec 4" in text


def test_on_a_public_holiday_overdue_counts_to_the_day_before(client_for, alex):
    with time_machine.travel(at(datetime.date(2026, 12, 21), 9), tick=False):
        for name, due in (("Thu Due", 24), ("Wed Due", 23), ("Fri Due", 25)):
            case = case_for(alex, name=name, opened=datetime.date(2026, 12, 21))
            due_on(case, "referral", datetime.date(2026, 12, due), by=alex)
    with time_machine.travel(at(CHRISTMAS, 10), tick=False):
        response = client_for(alex).get(URL)
    assert lists(response)["due-today"] == ["Fri Due"]
    assert [(row.patient, row.what) for row in rows(response, "overdue")] == [
        ("Wed Due", "1 business day overdue"),
        ("Thu Due", "Due on the last business day"),
    ]
    assert "Friday is not a business day" in response.content.decode()


def test_a_long_list_shows_its_first_rows_and_a_link_to_all_of_them(client_for, alex):
    with time_machine.travel(at(datetime.date(2026, 11, 2), 9), tick=False):
        for number in range(12):
            case = case_for(alex, name=f"Late Number{number:02d}")
            due_on(case, "referral", datetime.date(2026, 11, 3 + number), by=alex)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        client = client_for(alex)
        summary = client.get(URL)
        [overdue] = [listed for listed in summary.context["lists"] if listed.slug == "overdue"]
        assert overdue.total == 12 and len(overdue.rows) == 10 and overdue.more
        assert 'href="?show=overdue"' in summary.content.decode()
        whole = client.get(URL, {"show": "overdue"})
        assert lists(whole)["overdue"] == [f"Late Number{number:02d}" for number in range(12)]
        assert "Back to every list" in whole.content.decode()
        assert "next=/today/%3Fshow%3Doverdue%23overdue" in rows(whole, "overdue")[0].url
        # Junk in the paging parameters is a page, not an error.
        for junk in ({"show": "nothing"}, {"show": "overdue", "page": "abc"}, {"page": "9"}):
            assert client.get(URL, junk).status_code == 200


def test_follow_ups_are_listed_for_their_assignee_only(client_for, alex, casey, on_monday):
    case = case_for(alex, name="Fol Lowup")
    follow_up(case, due=MONDAY, assignee=casey, what="Casey's call")
    assert lists(client_for(alex).get(URL))["follow-ups"] == []


def test_new_questions_for_a_supervisor_count_from_the_owners_visit(
    client_for, alex, sam, on_monday
):
    case = case_for(alex, name="Own Visit")
    question(case, asked=at(datetime.date(2026, 12, 4)))
    visit(sam, case, at(datetime.date(2026, 12, 5)))
    assert lists(client_for(sam).get(URL, {"worker": alex.pk}))["questions"] == ["Own Visit"]
    visit(alex, case, at(datetime.date(2026, 12, 5)))
    assert lists(client_for(sam).get(URL, {"worker": alex.pk}))["questions"] == []


def test_today_is_in_the_navigation(client_for, alex, on_monday):
    assert 'href="/today/">Today</a>' in client_for(alex).get(reverse("caseload")).content.decode()


def test_the_case_visit_is_one_row_moved_on_at_each_opening(client_for, alex):
    from cases.models import CaseVisit

    with time_machine.travel(at(MONDAY, 9), tick=False):
        case = case_for(alex, name="Vis Ited")
        client = client_for(alex)
        client.get(case.get_absolute_url())
    with time_machine.travel(at(MONDAY, 9, 10), tick=False):
        client.get(case.get_absolute_url())
        # A form sent back with its errors shows the case, but is not an opening.
        client.post(reverse("note_add", args=[case.pk]), {"body": ""})
    [seen] = CaseVisit.objects.filter(user=alex, case=case)
    assert seen.last_opened_at == at(MONDAY, 9, 10)
