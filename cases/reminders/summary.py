"""The monthly summary: a supervisor who asked for it (`StaffProfile.monthly_summary`) gets one
email a month, on the month's first business day at their digest hour, linking to the reports
dashboard for the month before.

It travels as a reminder does, as a `Delivery` of rule `monthly_summary` that carries no
reminder: the sweep inserts it (`cases.reminders.sweep`, step 2), unique on (supervisor, month)
so a second sweep, a second beat or a concurrent sweep inserts nothing; `delivery_send` claims,
sends, records and retries it like any other, and the outbox shows it.

The window is a stored-date rule like the others: from the digest hour on the first business day
to the end of the month. So a sweep that did not run then (beat or the workers down) sends it at
the first sweep after, that month; and a supervisor who ticks the box later in the month gets
last month's link at the next sweep, then one a month.

What the email says, and why no more: the month and the link, never a figure. A count of cases
for a small team over one month can point at a person (one withdrawal in March), and an email
leaves the audited, access-controlled pages for mailboxes that are forwarded and kept; the
figures stay behind the login, where reading them is recorded.
"""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from cases.business_days import is_business_day
from cases.reports.periods import preset_period


def first_business_day(month_start: datetime.date) -> datetime.date:
    """The first day of the month of `month_start` that is a business day (weekends and the
    configured holidays skipped)."""
    day = month_start.replace(day=1)
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def month_due(today: datetime.date) -> datetime.date | None:
    """The first day of the month whose summary is due on `today` (team time): last month's,
    from the first business day of this month to its end; None before that day. The hour is
    the recipient's, in the sweep's query."""
    if today < first_business_day(today):
        return None
    return preset_period("last_month", today)[0]


def month_period(summary_month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The (first, last) day of the month a summary is about."""
    next_month = (summary_month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return preset_period("last_month", next_month)


def dashboard_url(summary_month: datetime.date) -> str:
    """The reports dashboard for that month, as an absolute link: the dates themselves in the
    query string (as the dashboard's own "Last month" link has them), so the link shows the
    same month whenever it is opened."""
    first, last = month_period(summary_month)
    query = urlencode({"start": first.isoformat(), "end": last.isoformat()})
    return f"{settings.NAVIGATOR_BASE_URL.rstrip('/')}{reverse('reports')}?{query}"


def recipients(supervisors: QuerySet) -> QuerySet:
    """Of `supervisors` (active ones), those who asked for the monthly summary."""
    return supervisors.filter(staff_profile__monthly_summary=True)
