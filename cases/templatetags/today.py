"""Today's lists, written in one pass: eight lists of as many as ten rows of six cells each,
where the template engine's loops and lookups cost Today several milliseconds a page (issue
#13's `today_ms`). The markup is what a template would write, every value escaped; the page around
them (and a list's pages, when one is shown whole) stays in templates/today/today.html."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ROW = (
    '      <tr>\n        <td><a href="{url}">{patient}</a>{urgent}{mrn}</td>\n'
    "        <td>{step}</td>\n        <td>{what}</td>\n        <td>{when}</td>\n"
    '        <td><a href="{url}">{action}</a></td>\n        <td>{whose}</td>\n      </tr>\n'
)
URGENT = ' <span class="badge text-bg-danger">Urgent</span>'


LIST = (
    '  <h2 class="h5" id="{slug}-title">{title} <span class="badge text-bg-secondary">{total}'
    "</span></h2>\n"
    '  <div class="table-responsive">\n  <table class="table table-sm align-middle">\n'
    '    <caption class="visually-hidden">{title}: each patient, the step and what to do next'
    "</caption>\n"
    '    <thead><tr><th scope="col">Patient</th><th scope="col">Step</th><th scope="col">What'
    '</th><th scope="col">When</th><th scope="col">Next action</th><th scope="col">Whose</th>'
    "</tr></thead>\n    <tbody>\n{rows}    </tbody>\n  </table>\n  </div>\n{more}"
)
EMPTY = (
    '  <h2 class="h5" id="{slug}-title">{title} <span class="badge text-bg-secondary">{total}'
    '</span></h2>\n  <p class="text-body-secondary">{empty}</p>\n'
)
MORE = '  <p><a href="?{worker}show={slug}">Show all {total}: {title_lower}</a></p>\n'


@register.simple_tag
def today_list(listed, worker=None) -> SafeString:
    """A `selectors.TodayList`'s heading with its total, and its table (or the sentence saying
    it is empty), with a link to all of its rows when it shows only the first few."""
    title, slug = escape(listed.kind.title), escape(listed.slug)
    if not listed.rows:
        return mark_safe(  # noqa: S308 # nosec B308, B703 - every value escaped
            EMPTY.format(
                slug=slug, title=title, total=listed.total, empty=escape(listed.kind.empty)
            )
        )
    more = ""
    if listed.more:
        more = MORE.format(
            worker=f"worker={worker.pk}&amp;" if worker else "",
            slug=slug,
            total=listed.total,
            title_lower=escape(listed.kind.title.lower()),
        )
    return mark_safe(  # noqa: S308 # nosec B308, B703 - every value escaped
        LIST.format(slug=slug, title=title, total=listed.total, rows=_rows(listed.rows), more=more)
    )


def _rows(rows: list) -> str:
    """The `<tr>` of each `selectors.Row`: the patient (linked to the place on the case page
    where the action is done), the step, what, when (marked late), the next action, whose."""
    written = []
    for row in rows:
        when = escape(row.when)
        written.append(
            ROW.format(
                url=escape(row.url),
                patient=escape(row.patient),
                urgent=URGENT if row.urgent else "",
                mrn=f'<br><small class="text-body-secondary">MRN {escape(row.mrn)}</small>'
                if row.mrn
                else "",
                step=escape(row.step) if row.step else "—",
                what=escape(row.what),
                when=f'<span class="overdue">{when}</span>' if row.late else when,
                action=escape(row.action),
                whose=escape(row.whose) if row.whose else "Yours",
            )
        )
    return "".join(written)
