"""The records request clocks (cases/records/clocks.py) at fixed dates: 30 calendar days to
answer, 30 more once with a written notice; a follow-up 5 business days after sending (the
team's holidays skipped); across weekends, holidays, month ends, year ends and a leap day.

Calendar: 2 March 2026 is a Monday; Friday 3 July 2026 is the observed Independence Day;
Thursday 26 November 2026 is Thanksgiving; Friday 25 December 2026 and Friday 1 January 2027
are Christmas and New Year's Day; 2028 is a leap year.
"""

import datetime

import pytest

from cases.records import clocks

D = datetime.date


@pytest.mark.parametrize(
    ("sent_on", "due", "extended"),
    [
        (D(2026, 3, 2), D(2026, 4, 1), D(2026, 5, 1)),  # an ordinary month
        (D(2026, 3, 6), D(2026, 4, 5), D(2026, 5, 5)),  # due on a Sunday: the law does not move it
        (D(2026, 1, 31), D(2026, 3, 2), D(2026, 4, 1)),  # over a 28-day February
        (D(2026, 12, 15), D(2027, 1, 14), D(2027, 2, 13)),  # over the year's end
        (D(2028, 1, 30), D(2028, 2, 29), D(2028, 3, 30)),  # onto the leap day
        (D(2028, 2, 29), D(2028, 3, 30), D(2028, 4, 29)),  # from the leap day
        (D(2026, 6, 3), D(2026, 7, 3), D(2026, 8, 2)),  # on a holiday: still that day
    ],
)
def test_the_answer_is_due_30_calendar_days_after_sending_and_30_more_with_a_notice(
    sent_on, due, extended
):
    assert clocks.answer_due_on(sent_on=sent_on, extension_notice_on=None) == due
    assert clocks.answer_due_on(sent_on=sent_on, extension_notice_on=sent_on) == extended


def test_a_request_not_sent_has_no_clock():
    assert clocks.answer_due_on(sent_on=None, extension_notice_on=None) is None


@pytest.mark.parametrize(
    ("sent_on", "follow_up"),
    [
        (D(2026, 3, 2), D(2026, 3, 9)),  # Monday → the next Monday
        (D(2026, 3, 6), D(2026, 3, 13)),  # Friday → the next Friday
        (D(2026, 3, 7), D(2026, 3, 13)),  # sent on a Saturday: counting starts Monday
        (D(2026, 7, 1), D(2026, 7, 9)),  # over the observed Independence Day (Fri 3 July)
        (D(2026, 11, 23), D(2026, 12, 1)),  # over Thanksgiving, into December
        (D(2026, 12, 24), D(2027, 1, 4)),  # over Christmas and New Year's Day
        (D(2028, 2, 25), D(2028, 3, 3)),  # over the leap day, a Tuesday: a business day
    ],
)
def test_the_follow_up_is_five_business_days_after_sending(sent_on, follow_up):
    assert clocks.follow_up_default(sent_on) == follow_up


def test_the_follow_up_delay_is_a_setting(settings):
    settings.RECORDS_FOLLOW_UP_BUSINESS_DAYS = 3
    assert clocks.follow_up_default(D(2026, 3, 6)) == D(2026, 3, 11)


def test_the_follow_up_skips_the_holidays_of_the_teams_country(settings):
    # 16 March 2026 is no holiday in the US, but 17 March (St Patrick's Day) is one in Ireland.
    settings.HOLIDAYS_COUNTRY = "IE"
    assert clocks.follow_up_default(D(2026, 3, 13)) == D(2026, 3, 23)
    settings.HOLIDAYS_COUNTRY = "US"
    assert clocks.follow_up_default(D(2026, 3, 13)) == D(2026, 3, 20)


SENT = D(2026, 3, 2)
FOLLOW_UP = D(2026, 3, 9)


def _clock(today, *, sent=SENT, notice=None, follow_up=FOLLOW_UP, completed=None):
    return clocks.clock(
        sent_on=sent,
        answer_due_on=clocks.answer_due_on(sent_on=sent, extension_notice_on=notice),
        extension_notice_on=notice,
        follow_up_on=follow_up,
        completed_on=completed,
        today=today,
    )


def test_what_a_request_shows_as_its_days_go_by():
    sent_today = _clock(D(2026, 3, 2))
    assert (sent_today.state, sent_today.days_left, sent_today.label) == (
        "waiting",
        30,
        "30 days left",
    )
    assert not sent_today.follow_up_due
    follow_up_day = _clock(D(2026, 3, 9))
    assert follow_up_day.follow_up_due and follow_up_day.days_left == 23
    last_day_but_one = _clock(D(2026, 3, 31))
    assert last_day_but_one.label == "1 day left"
    due = _clock(D(2026, 4, 1))
    assert (due.state, due.days_left, due.label) == ("due_today", 0, "Answer due today")
    late = _clock(D(2026, 4, 2))
    assert (late.state, late.days_overdue, late.label, late.is_late) == (
        "overdue",
        1,
        "1 day overdue",
        True,
    )
    assert _clock(D(2026, 4, 11)).label == "10 days overdue"


def test_an_extension_gives_thirty_more_days_and_says_so():
    extended = _clock(D(2026, 4, 2), notice=D(2026, 3, 20))
    assert (extended.state, extended.days_left, extended.extended) == ("waiting", 29, True)
    assert extended.answer_due_on == D(2026, 5, 1)


def test_a_complete_request_is_neither_late_nor_to_follow_up():
    done = _clock(D(2026, 5, 20), completed=D(2026, 3, 20))
    assert (done.state, done.label, done.is_late, done.follow_up_due) == (
        "complete",
        "Complete",
        False,
        False,
    )


def test_a_request_not_sent_yet_shows_so_and_follows_up_when_asked():
    draft = _clock(D(2026, 3, 10), sent=None, follow_up=D(2026, 3, 10))
    assert (draft.state, draft.label, draft.days_left) == ("not_sent", "Not sent yet", None)
    assert draft.follow_up_due


@pytest.mark.parametrize(
    ("notice_on", "refusal"),
    [
        (D(2026, 3, 2), ""),  # the day it was sent
        (D(2026, 4, 1), ""),  # day 30: still in time
        (D(2026, 4, 2), "A notice must arrive within the first 30 days (by Apr 1, 2026)"),
        (D(2026, 3, 1), "The notice cannot arrive before the request was sent (Mar 2, 2026)."),
        (D(2026, 4, 11), "The notice cannot arrive after today."),
    ],
)
def test_an_extension_notice_counts_only_within_the_first_thirty_days(notice_on, refusal):
    found = clocks.extension_refusal(
        sent_on=D(2026, 3, 2), notice_on=notice_on, today=D(2026, 4, 10)
    )
    assert found.startswith(refusal) and bool(found) == bool(refusal)


def test_no_extension_before_the_request_is_sent():
    assert "Mark the request sent first" in clocks.extension_refusal(
        sent_on=None, notice_on=D(2026, 3, 2), today=D(2026, 3, 3)
    )
