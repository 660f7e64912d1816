"""Changing a follow-up through its page, as the browser posts it: moved to another day (and
time), handed to someone who can see the case, reworded; a late one keeps its day while it is
handed on; a stale copy refused with what is saved now; done or closed refused calmly, what was
typed kept; on the timeline and in the audit trail; and the reminders follow the new day and
the new person.

Monday 23 November 2026, 10:00 in New York (team time); casey covers alex this week. Thursday
the 26th is Thanksgiving.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.audit import MASK
from cases.contacts import services
from cases.models import AuditEvent, Coverage, Delivery, FollowUp, Reminder, StaffProfile
from cases.models.staff import DeliveryMode
from cases.reminders import sending as reminder_sending
from cases.reminders import sweep as reminders
from tests import factories
from tests.browser_form import form_data, submit

TEAM = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TEAM)
TUESDAY = datetime.date(2026, 11, 24)
FRIDAY = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def change_url(follow_up, query: str = "") -> str:
    return reverse("follow_up_change", args=[follow_up.case_id, follow_up.pk]) + query


def change(client, follow_up, query: str = "", **typed):
    return submit(client, change_url(follow_up, query), **typed)


@pytest.fixture
def follow_up(case):
    return factories.follow_up(case, what="Call the insurer back", due_on=TUESDAY)


# --- moving it -------------------------------------------------------------------------------


def test_the_case_page_leads_to_the_form_filled_in_as_saved(client_for, alex, case, follow_up):
    client = client_for(alex)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{change_url(follow_up)}"' in page
    data = form_data(client.get(change_url(follow_up)))
    assert data["what"] == ["Call the insurer back"]
    assert data["due_on"] == ["2026-11-24"]
    assert data["assignee"] == [str(alex.pk)]
    assert data["version"] == [str(follow_up.version)]


def test_moved_to_friday_at_a_time_and_recorded(client_for, alex, case, follow_up):
    client = client_for(alex)
    response = change(client, follow_up, due_on="2026-11-27", due_time="09:30")
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#follow-ups"
    follow_up.refresh_from_db()
    assert (follow_up.due_on, follow_up.due_time) == (FRIDAY, datetime.time(9, 30))
    assert follow_up.what == "Call the insurer back"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Follow-up changed for Alex Rivera, due Fri Nov 27, 2026 at 9:30 am." in page
    assert "Due Fri Nov 27, 2026 at 9:30 a.m." in page
    assert case.events.first().summary == (
        "Follow-up changed (day, time): now for Alex Rivera, due Fri Nov 27, 2026 at 9:30 am: "
        "Call the insurer back"
    )
    event = AuditEvent.objects.get(action="update", object_type="followup")
    assert event.actor == alex
    assert event.changes == {
        "due_on": ["2026-11-24", "2026-11-27"],
        "due_time": [None, "09:30:00"],
    }


def test_handed_to_a_covering_colleague_or_a_supervisor(client_for, alex, casey, sam, case):
    client = client_for(alex)
    for person in (casey, sam):
        made = factories.follow_up(case, what=f"For {person.username}", due_on=TUESDAY)
        assert change(client, made, assignee=str(person.pk)).status_code == 302
        made.refresh_from_db()
        assert made.assignee == person
    event = AuditEvent.objects.filter(action="update", object_type="followup").first()
    assert event.changes == {"assignee": [str(alex.pk), str(sam.pk)]}


def test_reworded_the_text_is_masked_in_the_trail(client_for, alex, follow_up):
    client = client_for(alex)
    response = change(client, follow_up, what="Call the insurer back for the reference")
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.what == "Call the insurer back for the reference"
    event = AuditEvent.objects.get(action="update", object_type="followup")
    assert event.changes["what"] == [MASK, MASK]


def test_a_colleague_covering_and_a_supervisor_may_change_it(client_for, casey, sam, follow_up):
    for person, day in ((casey, "2026-11-25"), (sam, "2026-11-27")):
        assert change(client_for(person), follow_up, due_on=day).status_code == 302
        follow_up.refresh_from_db()
        assert follow_up.due_on.isoformat() == day


def test_another_social_worker_gets_404(client_for, blair, follow_up):
    client = client_for(blair)
    assert client.get(change_url(follow_up)).status_code == 404
    assert client.post(change_url(follow_up), {"what": "x"}).status_code == 404


def test_another_case_s_follow_up_is_404(client_for, alex, case, follow_up):
    other = factories.open_case(alex)
    url = reverse("follow_up_change", args=[other.pk, follow_up.pk])
    assert client_for(alex).get(url).status_code == 404


def test_it_goes_back_to_today_when_it_came_from_there(client_for, alex, follow_up):
    client = client_for(alex)
    response = change(client, follow_up, "?next=/today/%23follow-ups", due_on="2026-11-25")
    assert response.status_code == 302
    assert response.url == "/today/#follow-ups"


# --- what it refuses, keeping what was typed -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"what": ""}, "Say what needs doing (for example: call back)."),
        ({"due_on": ""}, "Choose the day it is due."),
        ({"due_on": "2026-11-20"}, "A follow-up cannot be moved into the past."),
        ({"due_on": "9999-12-31"}, "Check the date: a follow-up must be due between"),
        ({"due_time": "25:99"}, "Enter a valid time."),
    ],
    ids=["no what", "no day", "past", "year 9999", "bad time"],
)
def test_bad_input_is_refused_and_keeps_what_was_typed(client_for, alex, follow_up, typed, message):
    client = client_for(alex)
    typed = {"what": "Chase the decision"} | typed
    response = change(client, follow_up, **typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    for name, value in typed.items():
        if value:
            assert form_data(response)[name] == [value]
    follow_up.refresh_from_db()
    assert (follow_up.what, follow_up.due_on) == ("Call the insurer back", TUESDAY)


def test_a_late_one_keeps_its_day_while_handed_on(client_for, alex, casey, case):
    late = factories.follow_up(
        case, due_on=datetime.date(2026, 11, 19), now=datetime.datetime(2026, 11, 16, tzinfo=TEAM)
    )
    client = client_for(alex)
    assert change(client, late, assignee=str(casey.pk)).status_code == 302
    late.refresh_from_db()
    assert (late.assignee, late.due_on) == (casey, datetime.date(2026, 11, 19))
    # Another day in the past is not one it had: refused, as by the service.
    response = change(client, late, due_on="2026-11-20")
    assert response.status_code == 400
    assert services.MOVED_INTO_THE_PAST in response.content.decode()
    with pytest.raises(services.TransitionError, match="cannot be moved into the past"):
        services.follow_up_change(
            follow_up=late, by=alex, what=late.what, due_on=datetime.date(2026, 11, 20)
        )


def test_someone_who_cannot_see_the_case_is_refused(client_for, alex, blair, follow_up):
    client = client_for(alex)
    assert "Blair Nguyen" not in client.get(change_url(follow_up)).content.decode()
    response = client.post(
        change_url(follow_up),
        form_data(client.get(change_url(follow_up))) | {"assignee": [str(blair.pk)]},
    )
    assert response.status_code == 400
    assert "Choose someone who can see this case" in response.content.decode()
    with pytest.raises(services.TransitionError, match="Blair Nguyen cannot see this case"):
        services.follow_up_change(
            follow_up=follow_up, by=alex, what="x", due_on=TUESDAY, assignee=blair
        )


def test_the_person_it_is_for_stays_listed_after_their_cover_ended(
    client_for, alex, casey, case, follow_up
):
    services.follow_up_change(
        follow_up=follow_up, by=alex, what=follow_up.what, due_on=TUESDAY, assignee=casey
    )
    Coverage.objects.filter(covering=casey).delete()  # casey's cover of alex ends
    client = client_for(alex)
    data = form_data(client.get(change_url(follow_up)))
    assert data["assignee"] == [str(casey.pk)]  # not silently someone else
    assert change(client, follow_up, due_on="2026-11-25").status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.assignee, follow_up.due_on) == (casey, datetime.date(2026, 11, 25))


def test_a_stale_copy_is_refused_with_what_is_saved_now(client_for, alex, sam, follow_up):
    client = client_for(alex)
    opened = form_data(client.get(change_url(follow_up)))
    services.follow_up_change(
        follow_up=FollowUp.objects.select_related("case").get(pk=follow_up.pk),
        by=sam,
        what=follow_up.what,
        due_on=datetime.date(2026, 11, 25),
    )
    typed = opened | {"due_on": ["2026-11-27"], "what": ["Call back about the appeal"]}
    response = client.post(change_url(follow_up), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved." in page and "Where what you typed differs" in page
    assert "Nov. 25, 2026" in page or "November 25, 2026" in page
    data = form_data(response)
    assert data["what"] == ["Call back about the appeal"]
    assert data["due_on"] == ["2026-11-27"]
    follow_up.refresh_from_db()
    assert follow_up.due_on == datetime.date(2026, 11, 25)
    # Saving again, having read it, replaces what is saved now.
    assert client.post(change_url(follow_up), data).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.due_on, follow_up.what) == (FRIDAY, "Call back about the appeal")


def test_the_same_change_sent_twice_is_saved_once(client_for, alex, follow_up):
    client = client_for(alex)
    data = form_data(client.get(change_url(follow_up))) | {"due_on": ["2026-11-27"]}
    assert client.post(change_url(follow_up), data).status_code == 302
    again = client.post(change_url(follow_up), data, follow=True)
    assert "This change to the follow-up was already saved." in again.content.decode()
    assert AuditEvent.objects.filter(action="update", object_type="followup").count() == 1


def test_done_meanwhile_is_refused_calmly_and_keeps_what_was_typed(
    client_for, alex, casey, follow_up
):
    client = client_for(alex)
    opened = form_data(client.get(change_url(follow_up)))
    services.follow_up_done(
        follow_up=FollowUp.objects.select_related("case").get(pk=follow_up.pk), by=casey
    )
    response = client.post(change_url(follow_up), opened | {"what": ["Typed meanwhile"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This follow-up is done. Reopen it before changing it." in page
    assert form_data(response)["what"] == ["Typed meanwhile"]
    # Opened later, the page is not offered: the case page says why.
    answer = client.get(change_url(follow_up), follow=True)
    assert "This follow-up is done. Reopen it before changing it." in answer.content.decode()
    assert f'href="{change_url(follow_up)}"' not in answer.content.decode()


def test_a_closed_case_s_follow_up_cannot_be_changed(client_for, alex, case, follow_up):
    case.status = "withdrawn"
    case.save(update_fields=["status"])
    client = client_for(alex)
    answer = client.get(change_url(follow_up), follow=True)
    assert "This case is closed. Reopen it before changing its follow-ups." in (
        answer.content.decode()
    )
    data = {
        "what": "x",
        "due_on": "2026-11-27",
        "assignee": str(alex.pk),
        "version": str(follow_up.version),
    }
    response = client.post(change_url(follow_up), data)
    assert response.status_code == 400
    assert "This case is closed." in response.content.decode()


# --- the reminders follow ----------------------------------------------------------------------


def at(day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TEAM)


def sweep_and_send(moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        reminders.sweep()
        for delivery_id in Delivery.objects.filter(
            status__in=["pending", "failed", "sending"]
        ).values_list("pk", flat=True):
            reminder_sending.delivery_send(delivery_id=delivery_id)


def follow_up_mail(mailoutbox) -> list:
    """The messages about follow-ups (the case's steps remind too)."""
    return [m for m in mailoutbox if "follow-up" in m.subject.lower()]


def test_moved_before_its_day_it_reminds_on_the_new_day_only(
    client_for, alex, case, follow_up, mailoutbox
):
    StaffProfile.objects.update_or_create(
        user=alex, defaults={"due_soon_delivery": DeliveryMode.IMMEDIATE}
    )
    assert change(client_for(alex), follow_up, due_on="2026-11-27").status_code == 302
    sweep_and_send(at(24, hour=9))  # the day it had: nothing
    assert follow_up_mail(mailoutbox) == []
    sweep_and_send(at(27, hour=9))
    [message] = follow_up_mail(mailoutbox)
    assert message.subject == f"Follow-up due: case #{case.pk}"
    assert message.to == [alex.email]
    assert "Due: Friday, November 27, 2026" in message.body


def test_a_reminder_made_for_the_old_day_is_not_sent_once_it_is_moved(
    client_for, alex, case, follow_up, mailoutbox
):
    """alex reads due follow-ups in the 08:00 digest: Tuesday's sweep makes the reminder at
    midnight; the follow-up is moved to Friday before the digest goes."""
    with time_machine.travel(at(24, hour=0, minute=5), tick=False):
        reminders.sweep()
    tuesdays = Reminder.objects.get(follow_up=follow_up)
    with time_machine.travel(at(24, hour=7), tick=False):
        assert change(client_for(alex), follow_up, due_on="2026-11-27").status_code == 302
    sweep_and_send(at(24, hour=8, minute=1))
    assert not any("Follow-up due" in m.body for m in mailoutbox)
    tuesdays.refresh_from_db()
    assert tuesdays.released  # cancelled unsent
    sweep_and_send(at(27, hour=8, minute=1))
    [digest] = [m for m in mailoutbox if "Follow-up due" in m.body]
    assert f"- Follow-up due: case #{case.pk}, a follow-up, due Nov 27" in digest.body


def test_handed_on_it_reminds_the_new_person(client_for, alex, sam, case, follow_up, mailoutbox):
    for person in (alex, sam):
        StaffProfile.objects.update_or_create(
            user=person, defaults={"due_soon_delivery": DeliveryMode.IMMEDIATE}
        )
    assert change(client_for(alex), follow_up, assignee=str(sam.pk)).status_code == 302
    sweep_and_send(at(24, hour=9))
    [message] = follow_up_mail(mailoutbox)
    assert message.to == [sam.email]


def test_a_digest_reader_is_not_told_twice_the_same_day_for_a_new_time(
    client_for, alex, case, mailoutbox
):
    """alex keeps the default: due follow-ups in the 08:00 digest, which lists the day's."""
    due = factories.follow_up(case, due_on=TUESDAY, due_time=datetime.time(9, 0))
    sweep_and_send(at(24, hour=8, minute=1))
    assert len([m for m in mailoutbox if "Follow-up due" in m.body]) == 1
    with time_machine.travel(at(24, hour=10), tick=False):
        assert change(client_for(alex), due, due_time="16:00").status_code == 302
    sweep_and_send(at(24, hour=16, minute=1))
    assert len([m for m in mailoutbox if "Follow-up due" in m.body]) == 1
