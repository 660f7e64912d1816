"""The caseload table's rows, written in one pass: a page of 25 rows of seven or eight cells,
where the template engine's loop, lookups and filters cost the caseload about a quarter of the
page (issue #15: `caseload_floor_ratio`, the page at most twice the staff page floor). The
markup is what templates/workflow/caseload.html wrote for each row, every value escaped; the
table around the rows stays there."""

import datetime
import functools
from html import escape

from django import template
from django.utils import translation
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ROW = (
    "\n    <tr>\n      {select}\n"
    '      <td><a href="{url}">{name}</a>{mrn}</td>\n'
    "      <td>{stage}</td>\n      <td>{due}</td>\n      <td>{overdue}</td>\n"
    "      <td>{urgency}</td>\n      <td>{status}{hold_review}{barriers}</td>\n"
    "      {worker}\n    </tr>\n  "
)
SELECT = (
    '<td><input class="form-check-input" type="checkbox" name="case" value="{case_id}" '
    'id="select-{case_id}"{checked}><label class="visually-hidden" for="select-{case_id}">'
    'Select {name}</label><input type="hidden" name="version-{case_id}" value="{version}"></td>'
)
URGENT = '<span class="badge text-bg-danger">Urgent</span>'


@register.simple_tag
def caseload_rows(rows, *, can_reassign: bool, with_worker: bool, checked) -> SafeString:
    """The `<tr>` of each `selectors.CaseloadRow`: a tick box (and the version it was read at)
    when the user may reassign; the patient linked to the case, with the MRN; the stage; the
    next due date and the days overdue; the urgency; the case's status with its hold review
    date and open barriers; the social worker when the list is everyone's."""
    language = translation.get_language()
    written = []
    for row in rows:
        name = escape(row.name)
        written.append(
            ROW.format(
                select=SELECT.format(
                    case_id=row.case_id,
                    checked=" checked" if row.case_id in checked else "",
                    name=name,
                    version=escape(str(row.version)),
                )
                if can_reassign
                else "",
                url=escape(row.url),
                name=name,
                mrn=f'<br><small class="text-body-secondary">MRN {escape(row.mrn)}</small>'
                if row.mrn
                else "",
                stage=escape(row.stage) if row.stage else "All steps finished",
                due=_date(row.next_due_date, "D M j", language) if row.next_due_date else "—",
                overdue=f'<span class="overdue">{_number(row.days_overdue, language)}</span>'
                if row.days_overdue
                else "—",
                urgency=URGENT if row.urgent else "Routine",
                status=escape(row.status),
                hold_review='<br><small class="hold-review">review '
                f"{_date(row.hold_review_on, 'M j', language)}</small>"
                if row.hold_review_on
                else "",
                barriers=_barriers(row.open_barriers, language),
                worker=f"<td>{escape(row.social_worker)}</td>" if with_worker else "",
            )
        )
    return mark_safe("".join(written))  # noqa: S308 # nosec B308, B703 - every value escaped


def _barriers(count: int, language: str) -> str:
    if not count:
        return ""
    plural = "" if count == 1 else "s"
    return (
        f'<br><small class="open-barriers">{_number(count, language)} open barrier{plural}</small>'
    )


# What the `date` filter and a number in a template write, escaped, worked out once per
# process for each value in each language (`language` is the active one, the key of the cache):
# formatting 25 rows' dates and numbers anew cost the page half a millisecond.
@functools.lru_cache(maxsize=4096)
def _date(day: datetime.date, date_format_string: str, language: str) -> str:
    return escape(date_format(day, date_format_string))


@functools.lru_cache(maxsize=1024)
def _number(number: int, language: str) -> str:
    return escape(localize(number))
