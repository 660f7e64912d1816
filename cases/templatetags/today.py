"""Today's lists, written in one pass: the counts at the top, and nine lists of as many as ten
rows of six cells each, where the template engine's loops and lookups cost Today several
milliseconds a page (issue #13's `today_ms`). The markup is what a template would write, every
value escaped; the page around them stays in templates/today/today.html."""

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


NAV_ITEM = (
    '    <li class="list-inline-item mb-2"><a class="btn btn-sm {button}" href="{href}">{title} '
    '<span class="badge {badge}" data-count="{slug}">{total}</span></a></li>\n'
)
SECTION = (
    '<section class="mb-4 today-list" id="{slug}" aria-labelledby="{slug}-title">\n'
    "{table}{pages}</section>\n"
)
PAGES = (
    '  <nav aria-label="{title}: pages">\n    <ul class="pagination">\n{previous}'
    '      <li class="page-item disabled"><span class="page-link">Page {number} of {count}'
    "</span></li>\n{next}    </ul>\n  </nav>\n"
)
PAGE_LINK = (
    '      <li class="page-item"><a class="page-link" href="?{worker}show={slug}&amp;page={page}">'
    "{label}</a></li>\n"
)


def _worker_query(worker) -> str:
    return f"worker={worker.pk}&amp;" if worker else ""


@register.simple_tag
def today_counts(lists, shown=None, worker=None, team_view=False) -> SafeString:
    """The buttons at the top: each list's title and total, leading to the list (on the team's
    view, to the counts per worker; when one list is shown whole, to that list whole)."""
    items = []
    for listed in lists:
        slug = escape(listed.slug)
        if team_view:
            href = "#team"
        elif shown:
            href = f"?{_worker_query(worker)}show={slug}"
        else:
            href = f"#{slug}"
        items.append(
            NAV_ITEM.format(
                button="btn-outline-primary" if listed.total else "btn-outline-secondary",
                href=href,
                title=escape(listed.kind.title),
                badge="text-bg-primary" if listed.total else "text-bg-light",
                slug=slug,
                total=listed.total,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 # nosec B308, B703 - every value escaped


@register.simple_tag
def today_sections(lists, shown=None, worker=None) -> SafeString:
    """Each list's section (only the list shown whole, when one is), with its pages' links."""
    sections = []
    for listed in lists:
        if shown is not None and listed is not shown:
            continue
        sections.append(
            SECTION.format(
                slug=escape(listed.slug),
                table=today_list(listed, worker),
                pages=_pages(listed, worker),
            )
        )
    return mark_safe("".join(sections))  # noqa: S308 # nosec B308, B703 - every value escaped


def _pages(listed, worker) -> str:
    page = listed.page
    if page is None or not page.has_other_pages():
        return ""

    def link(number: int, label: str) -> str:
        return PAGE_LINK.format(
            worker=_worker_query(worker), slug=escape(listed.slug), page=number, label=label
        )

    return PAGES.format(
        title=escape(listed.kind.title),
        previous=link(page.previous_page_number(), "Previous") if page.has_previous() else "",
        number=page.number,
        count=page.paginator.num_pages,
        next=link(page.next_page_number(), "Next") if page.has_next() else "",
    )


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
            worker=_worker_query(worker),
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
