"""The contact log, through its page as the browser posts it: who may log, what is recorded
(the case page, the timeline, the audit trail with typed text masked), what is refused and how
(a clear message, everything typed kept), and its author's same-day correction.

Monday 23 November 2026, 10:00 in New York (team time); casey covers alex this week.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.audit import MASK
from cases.models import AuditEvent, Contact, ContactLogEntry, FollowUp
from tests import factories
from tests.browser_form import form_data, submit

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def insurer(db):
    return factories.insurer(name="Example Health Plan", phone="555-0101")


def add_url(case) -> str:
    return reverse("contact_log_add", args=[case.pk])


def log_call(client, case, **typed):
    """The *Log a call* page, filled in as a person would and posted as the browser does."""
    return submit(client, add_url(case), **typed)


# --- logging ---------------------------------------------------------------------------------


def test_the_owner_logs_a_call_with_a_directory_contact(client_for, alex, case, insurer):
    client = client_for(alex)
    response = log_call(
        client,
        case,
        channel="call",
        contact=insurer.pk,
        number_used="555-0101",
        reference_number="REF-20261123-7",
        outcome="reached",
        note="Preauthorization received; decision within 7 days.",
    )
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#contact-log"
    entry = ContactLogEntry.objects.get()
    assert (entry.author, entry.contact, entry.direction) == (alex, insurer, "out")
    assert entry.occurred_at == MONDAY  # the form opens at this minute
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Contact logged." in page
    assert "Example Health Plan" in page and "REF-20261123-7" in page
    assert "Preauthorization received; decision within 7 days." in page
    timeline = case.events.first()
    assert timeline.kind == "contact"
    assert timeline.summary == (
        "Phone call to Example Health Plan: reached (reference REF-20261123-7)."
    )


def test_the_trail_records_the_entry_with_its_typed_text_masked(client_for, alex, case):
    log_call(
        client_for(alex),
        case,
        channel="fax",
        contact_other="The patient's daughter",
        number_used="555-0177",
        reference_number="R-1",
        outcome="sent",
        note="Sent the release form",
    )
    entry = ContactLogEntry.objects.get()
    event = AuditEvent.objects.get(action="create", object_type="contactlogentry")
    assert event.case_id == case.pk and event.object_id == str(entry.pk)
    assert event.changes["channel"] == [None, "fax"]
    assert event.changes["outcome"] == [None, "sent"]
    for typed in ("contact_other", "number_used", "reference_number", "note"):
        assert event.changes[typed] == [None, MASK], typed
    assert "daughter" not in str(event.changes) and "555-0177" not in str(event.changes)


def test_a_colleague_covering_and_a_supervisor_log_too(client_for, casey, sam, case, insurer):
    for user in (casey, sam):
        response = log_call(client_for(user), case, contact=insurer.pk, outcome="no_answer")
        assert response.status_code == 302
    assert sorted(e.author.username for e in ContactLogEntry.objects.all()) == ["casey", "sam"]


def test_another_social_worker_gets_404(client_for, blair, case):
    client = client_for(blair)
    assert client.get(add_url(case)).status_code == 404
    assert client.post(add_url(case), {"channel": "call"}).status_code == 404
    assert not ContactLogEntry.objects.exists()


def test_a_call_with_a_follow_up_makes_both_in_one_step(client_for, alex, casey, case, insurer):
    response = log_call(
        client_for(alex),
        case,
        contact=insurer.pk,
        outcome="left_message",
        **{
            "follow_up-what": "Call back for the decision",
            "follow_up-due_on": "2026-11-26",
            "follow_up-due_time": "14:00",
            "follow_up-assignee": casey.pk,
        },
    )
    assert response.status_code == 302
    entry = ContactLogEntry.objects.get()
    follow_up = FollowUp.objects.get()
    assert (follow_up.contact_entry, follow_up.assignee, follow_up.created_by) == (
        entry,
        casey,
        alex,
    )
    assert follow_up.due_time == datetime.time(14, 0)
    page = client_for(alex).get(case.get_absolute_url()).content.decode()
    assert "Contact logged. Follow-up for Casey Morgan, due Thu Nov 26, 2026 at 2:00 pm." in page
    assert "Call back for the decision" in page


def test_the_follow_up_part_left_empty_makes_none(client_for, alex, case, insurer):
    log_call(client_for(alex), case, contact=insurer.pk, outcome="reached")
    assert ContactLogEntry.objects.count() == 1
    assert not FollowUp.objects.exists()


# --- the chooser -----------------------------------------------------------------------------


def test_the_chooser_groups_the_active_directory_by_kind(client_for, alex, case, insurer):
    factories.ContactFactory(kind=Contact.Kind.PATHOLOGY_LAB, name="Example Pathology Lab")
    factories.ContactFactory(kind=Contact.Kind.IMAGING_CENTRE, name="Closed Imaging", active=False)
    page = client_for(alex).get(add_url(case)).content.decode()
    assert '<optgroup label="Insurer">' in page
    assert '<optgroup label="Pathology lab">' in page
    assert "Example Health Plan · 555-0101" in page
    assert "Closed Imaging" not in page
    # The numbers the page's script fills in, and its filter (shown only where scripts run).
    assert 'data-phone="555-0101"' in page and 'data-fax="555-0102"' in page
    assert 'id="contact-filter" hidden' in page
    assert "contact-chooser.js" in page


def test_an_inactive_contact_cannot_be_chosen(client_for, alex, case, insurer):
    client = client_for(alex)
    data = form_data(client.get(add_url(case))) | {"contact": [str(insurer.pk)]}
    insurer.active = False
    insurer.save()
    response = client.post(add_url(case), data)
    assert response.status_code == 400
    assert "Choose a contact from the list." in response.content.decode()


# --- refused, with what was typed kept -------------------------------------------------------


def test_nobody_named_is_refused_and_keeps_what_was_typed(client_for, alex, case):
    response = log_call(
        client_for(alex), case, outcome="reached", note="Spoke about the slides", contact=""
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say who it was with: choose them from the directory, or type who it was." in page
    assert 'href="#id_contact"' in page  # the error summary links to the chooser
    assert "Spoke about the slides" in page
    assert not ContactLogEntry.objects.exists()


def test_a_directory_contact_and_a_typed_one_together_are_refused(client_for, alex, case, insurer):
    response = log_call(
        client_for(alex), case, contact=insurer.pk, contact_other="Nurse Example", outcome="sent"
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert "Nurse Example" in response.content.decode()


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("2026-11-23T10:30", "That time is still to come: log a contact once it has happened."),
        ("2026-11-24T09:00", "That time is still to come: log a contact once it has happened."),
        ("2019-11-23T10:00", "Check the date: a contact logged now must have happened between"),
        ("9999-12-31T23:59", "That time is still to come"),
    ],
    ids=["later today", "tomorrow", "years ago", "year 9999"],
)
def test_a_time_to_come_or_long_past_is_refused(client_for, alex, case, insurer, when, message):
    response = log_call(
        client_for(alex), case, occurred_at=when, contact=insurer.pk, outcome="reached"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'value="{when}"' in response.content.decode()
    assert not ContactLogEntry.objects.exists()


def test_a_few_minutes_ahead_of_the_clock_is_accepted(client_for, alex, case, insurer):
    response = log_call(
        client_for(alex), case, occurred_at="2026-11-23T10:04", contact=insurer.pk, outcome="sent"
    )
    assert response.status_code == 302


def test_a_follow_up_half_filled_is_refused_with_both_forms_kept(client_for, alex, case):
    response = log_call(
        client_for(alex),
        case,
        contact_other="Lab front desk",
        outcome="reached",
        **{"follow_up-due_on": "2026-11-20"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what needs doing (for example: call back)." in page
    assert "A follow-up cannot be due in the past. Choose today or a later day." in page
    assert "Lab front desk" in page and 'value="2026-11-20"' in page
    assert not ContactLogEntry.objects.exists() and not FollowUp.objects.exists()


def test_a_double_click_logs_once_and_says_so(client_for, alex, case, insurer):
    client = client_for(alex)
    data = form_data(client.get(add_url(case))) | {
        "contact": [str(insurer.pk)],
        "outcome": ["reached"],
        "follow_up-what": ["Call back"],
        "follow_up-due_on": ["2026-11-24"],
    }
    assert client.post(add_url(case), data).status_code == 302
    second = client.post(add_url(case), data, follow=True)
    assert "This contact was already logged." in second.content.decode()
    assert ContactLogEntry.objects.count() == 1 and FollowUp.objects.count() == 1


def test_a_follow_up_on_a_closed_case_is_refused_and_nothing_is_logged(
    client_for, alex, case, insurer
):
    client = client_for(alex)
    page = client.get(add_url(case))
    case.status = "withdrawn"
    case.save()
    data = form_data(page) | {
        "contact": [str(insurer.pk)],
        "outcome": ["reached"],
        "follow_up-what": ["Call back"],
        "follow_up-due_on": ["2026-11-24"],
    }
    response = client.post(add_url(case), data)
    assert response.status_code == 400
    assert "This case is closed. Reopen it before adding a follow-up." in response.content.decode()
    assert not ContactLogEntry.objects.exists()


# --- correcting ------------------------------------------------------------------------------


@pytest.fixture
def entry(client_for, alex, case, insurer):
    log_call(
        client_for(alex),
        case,
        contact=insurer.pk,
        outcome="no_answer",
        reference_number="",
        note="Line busy all morning",
    )
    return ContactLogEntry.objects.get()


def correct_url(entry) -> str:
    return reverse("contact_log_correct", args=[entry.case_id, entry.pk])


def test_its_author_corrects_it_the_same_day_and_the_change_is_audited(
    client_for, alex, case, entry
):
    client = client_for(alex)
    assert f'href="{correct_url(entry)}"' in client.get(case.get_absolute_url()).content.decode()
    with time_machine.travel(MONDAY + datetime.timedelta(hours=13), tick=False):  # 23:00
        client = client_for(alex)  # a fresh session: the morning's has timed out
        response = submit(
            client,
            correct_url(entry),
            outcome="reached",
            reference_number="REF-9",
            note="Reached them after lunch",
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.outcome, entry.reference_number, entry.version) == ("reached", "REF-9", 2)
    assert entry.corrected_at is not None
    changes = AuditEvent.objects.get(action="update", object_type="contactlogentry").changes
    assert changes == {
        "reference_number": [None, MASK],
        "outcome": ["no_answer", "reached"],
        "note": [MASK, MASK],
    }
    summary = case.events.first().summary
    assert summary.startswith("Contact-log entry corrected (reference number, outcome, note):")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Reached them after lunch" in page and "corrected" in page


def test_the_next_day_a_correction_is_refused_with_a_clear_message(client_for, alex, case, entry):
    with time_machine.travel(datetime.datetime(2026, 11, 24, 0, 1, tzinfo=TEAM), tick=False):
        client = client_for(alex)
        assert (
            f'href="{correct_url(entry)}"'
            not in client.get(case.get_absolute_url()).content.decode()
        )
        response = client.get(correct_url(entry), follow=True)
    assert (
        "An entry can be corrected only on the day it was logged (Nov 23, 2026). "
        "Log a new entry to add what changed."
    ) in response.content.decode()


def test_a_correction_sent_after_midnight_is_refused_and_keeps_what_was_typed(
    client_for, alex, entry
):
    client = client_for(alex)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 23, 55, tzinfo=TEAM), tick=False):
        client = client_for(alex)
        data = form_data(client.get(correct_url(entry))) | {"note": ["Typed before midnight"]}
    with time_machine.travel(datetime.datetime(2026, 11, 24, 0, 1, tzinfo=TEAM), tick=False):
        response = client.post(correct_url(entry), data)
        assert response.status_code == 403
        page = response.content.decode()
        assert "An entry can be corrected only on the day it was logged" in page
        assert "Typed before midnight" in page
        entry.refresh_from_db()
        assert entry.note == "Line busy all morning"
        # The page keeps it as a new entry instead, in one click.
        again = client.post(add_url(entry.case), form_data(response, add_url(entry.case)))
    assert again.status_code == 302
    assert ContactLogEntry.objects.latest("pk").note == "Typed before midnight"


@pytest.mark.parametrize("who", ["casey", "sam"])
def test_someone_else_cannot_correct_it(client_for, request, case, entry, who):
    client = client_for(request.getfixturevalue(who))
    assert (
        f'href="{correct_url(entry)}"' not in client.get(case.get_absolute_url()).content.decode()
    )
    response = client.get(correct_url(entry), follow=True)
    assert (
        "Only Alex Rivera, who logged this entry, can correct it. "
        "Log a new entry to add what you know." in response.content.decode()
    )
    entry.refresh_from_db()
    assert entry.outcome == "no_answer"


def test_another_social_worker_gets_404_for_the_correction(client_for, blair, entry):
    assert client_for(blair).get(correct_url(entry)).status_code == 404


def test_a_stale_correction_is_refused_with_the_current_values(client_for, alex, entry):
    client = client_for(alex)
    first_tab = form_data(client.get(correct_url(entry)))
    second_tab = dict(first_tab)
    assert client.post(correct_url(entry), first_tab | {"outcome": ["reached"]}).status_code == 302
    response = client.post(correct_url(entry), second_tab | {"outcome": ["wrong_number"]})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this contact-log entry after you opened it." in page
    assert "<td>Reached</td><td>Wrong number</td>" in page.replace("\n", "")
    # Saving again from that page, having seen the difference, goes through.
    again = client.post(correct_url(entry), form_data(response))
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == "wrong_number"


def test_a_correction_sent_twice_is_saved_once_and_said_calmly(client_for, alex, entry):
    client = client_for(alex)
    data = form_data(client.get(correct_url(entry))) | {"outcome": ["reached"]}
    assert client.post(correct_url(entry), data).status_code == 302
    second = client.post(correct_url(entry), data, follow=True)
    assert "This correction was already saved." in second.content.decode()
    assert AuditEvent.objects.filter(action="update", object_type="contactlogentry").count() == 1
