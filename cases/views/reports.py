"""Supervisor reports: the dashboard, each report, and its CSV download; the cases behind each
count (`cases.reports.drill`), paged and as CSV. Supervisors only: everyone else gets 404, as
for anything they may not see."""

import csv
import datetime
import itertools
from dataclasses import dataclass, replace
from functools import wraps

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cases.audit import audit_list_view, audit_record
from cases.business_days import team_today
from cases.models import AuditEvent, Case, Centre, Stage, Urgency
from cases.models.staff import name_from_parts
from cases.reports import drill
from cases.reports import registry as reports
from cases.reports.calendar import DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR
from cases.reports.charts import bar_chart
from cases.reports.histograms import report_histograms_shared
from cases.reports.parts import ROW_KEY, Table, format_value
from cases.reports.periods import compare_headlines, preset_choices, preset_period, previous_period
from cases.views.common import supervisor_required
from cases.workflow import selectors

PAGE_SIZE = 50


class ReportFilterForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    worker = forms.ModelChoiceField(
        label="Social worker", queryset=None, required=False, empty_label="Everyone"
    )
    urgency = forms.ChoiceField(
        label="Urgency", choices=[("", "Any"), *Urgency.choices], required=False
    )
    centre = forms.ModelChoiceField(
        label="Centre", queryset=Centre.objects.all(), required=False, empty_label="Any centre"
    )
    compare = forms.BooleanField(label="Compare with the period before", required=False)

    def __init__(self, *args, period: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not period:
            # A report as of today: no period to choose or compare (ReportDefinition.period).
            del self.fields["start"], self.fields["end"], self.fields["compare"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
        self.fields["worker"].queryset = selectors.social_workers()
        self.fields["worker"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end of the period comes before its start.")
            covered = (
                datetime.date(DEFAULT_FIRST_YEAR, 1, 1),
                datetime.date(DEFAULT_LAST_YEAR, 12, 31),
            )
            if start < covered[0] or end > covered[1]:
                raise forms.ValidationError(
                    f"Reports cover {DEFAULT_FIRST_YEAR} to {DEFAULT_LAST_YEAR}: choose dates "
                    "in those years."
                )
            if data.get("compare") and previous_period(start, end)[0] < covered[0]:
                raise forms.ValidationError(
                    f"Reports cover {DEFAULT_FIRST_YEAR} to {DEFAULT_LAST_YEAR}, so this period "
                    "has no period before it to compare with: choose a later one."
                )
        return data

    @property
    def has_period(self) -> bool:
        return "start" in self.fields

    @property
    def compares(self) -> bool:
        return bool(self.cleaned_data.get("compare"))

    def previous_filters(self) -> reports.ReportFilters:
        """The filters, for the period before (`cases.reports.periods.previous_period`)."""
        filters = self.report_filters()
        start, end = previous_period(filters.start, filters.end)
        return replace(filters, start=start, end=end)

    def report_filters(self) -> reports.ReportFilters:
        data = self.cleaned_data
        # A report as of today keeps the default period, which its figures do not use.
        default = reports.ReportFilters.default(team_today())
        return reports.ReportFilters(
            start=data.get("start", default.start),
            end=data.get("end", default.end),
            social_worker=data["worker"].pk if data.get("worker") else None,
            urgency=data.get("urgency") or "",
            centre=data["centre"].pk if data.get("centre") else None,
        )


def _filter_form(request: HttpRequest, *, period: bool = True) -> ReportFilterForm:
    """The filters from the query string, with the default period where none is given; a
    report as of today (`period=False`) takes no period, and ignores one in the query."""
    taken = set(ReportFilterForm.base_fields) - (set() if period else {"start", "end"})
    default = reports.ReportFilters.default(team_today())
    data = {"start": default.start.isoformat(), "end": default.end.isoformat()} if period else {}
    data.update({key: value for key, value in request.GET.items() if value and key in taken})
    return ReportFilterForm(data, period=period)


def _period_links(request: HttpRequest, form: ReportFilterForm) -> list[dict]:
    """The ready-made periods as links that keep the other filters; the one shown is marked."""
    if not form.has_period:
        return []
    today = team_today()
    kept = request.GET.copy()
    for key in list(kept):
        if key in ("start", "end") or key.endswith("-page"):
            kept.pop(key)
    shown = (
        (form.cleaned_data.get("start"), form.cleaned_data.get("end")) if form.is_valid() else None
    )
    links = []
    for key, label in preset_choices(today):
        start, end = preset_period(key, today)
        query = kept.copy()
        query["start"], query["end"] = start.isoformat(), end.isoformat()
        links.append({"label": label, "query": query.urlencode(), "current": shown == (start, end)})
    return links


def _compared(form: ReportFilterForm, build, report: reports.Report):
    """The report's headline figures beside those `build` gives for the period before, when
    asked for."""
    if not form.has_period or not form.compares:
        return None
    return compare_headlines(report, build(form.previous_filters()))


@dataclass
class ShownTable:
    table: Table
    page: Page
    table_id: str
    page_param: str
    charts: list[dict]
    rows: list[dict]
    query: str  # the query string without this table's page number


def _shown(
    report: reports.Report, request: HttpRequest, form: ReportFilterForm
) -> list[ShownTable]:
    """Each table's page of rows (long tables are paged) and the charts drawn from it."""
    shown = []
    kept = _kept_filters(form)
    for table in report.tables:
        page_param = f"{table.key}-page"
        page = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get(page_param))
        table_id = f"{report.slug}-{table.key}"
        charts = [
            bar_chart(
                chart,
                list(page.object_list),
                chart_id=f"chart-{table_id}-{index}",
                table_id=table_id,
            )
            for index, chart in enumerate(report.charts)
            if chart.table_key == table.key
        ]
        rows = _display_rows(table, page.object_list, slug=report.slug, kept=kept)
        shown.append(
            ShownTable(
                table, page, table_id, page_param, charts, rows, _query_without(request, page_param)
            )
        )
    return shown


def _display_rows(table: Table, rows, *, slug: str = "", kept: dict | None = None) -> list[dict]:
    """Rows as the page shows them: the same texts as the CSV, numbers right-aligned, a link to
    the case where the row is one, and each count that is not 0 linked to the cases behind it
    (`cases.reports.drill`) with the same filters, when `kept` holds them."""
    numeric = [column.kind != "text" for column in table.columns]
    linked = set(drill.linked_columns(slug, table.key)) if kept is not None else set()
    cases_url = reverse("report_cases", args=[slug]) if linked else ""
    shown = []
    for row in rows:
        links = [
            _cell_link(cases_url, kept, table.key, row, column.key)
            if column.key in linked and row.get(column.key)
            else ""
            for column in table.columns
        ]
        shown.append(
            {
                "cells": list(zip(table.cells(row), numeric, links, strict=True)),
                "case_id": row.get("case_id"),
            }
        )
    return shown


def _cell_link(cases_url: str, kept: dict, table: str, row: dict, column: str) -> str:
    key = row.get(ROW_KEY)
    cell = {"table": table, "row": "" if key is None else str(key), "col": column}
    return f"{cases_url}?{urlencode(kept | cell)}"


def _kept_filters(form: ReportFilterForm) -> dict:
    """The filters as a query string's values, written out in full (the default period too), so
    a link to the cases behind a count lists them for exactly the period the count was for."""
    data = form.cleaned_data
    kept = (
        {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
        if form.has_period
        else {}
    )
    if data.get("worker"):
        kept["worker"] = data["worker"].pk
    if data.get("urgency"):
        kept["urgency"] = data["urgency"]
    if data.get("centre"):
        kept["centre"] = data["centre"].pk
    return kept


def _query_without(request: HttpRequest, param: str) -> str:
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


def _definition(slug: str) -> reports.ReportDefinition:
    try:
        return reports.REPORTS[slug]
    except KeyError:
        raise Http404("No such report.") from None


def _invalid(request: HttpRequest, form: ReportFilterForm, title: str) -> HttpResponse:
    return render(
        request,
        "reports/invalid.html",
        {"form": form, "title": title, "definitions": reports.REPORTS.values()},
        status=400,
    )


@supervisor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid(request, form, "Reports")
    filters = form.report_filters()
    definitions = [reports.REPORTS[slug] for slug in reports.DASHBOARD_REPORTS]
    with report_histograms_shared():
        built = [definition.build_summary(filters) for definition in definitions]
        # Each report's headline figures, beside the period before's when asked for.
        cards = [
            {"report": report, "compared": _compared(form, definition.build_summary, report)}
            for definition, report in zip(definitions, built, strict=True)
        ]
    trends = []
    for report in built:
        for index, chart in enumerate(report.charts):
            if chart.table_key != "by_month":
                continue
            table = report.table(chart.table_key)
            table_id = f"{report.slug}-{table.key}"
            trends.append(
                {
                    "table": table,
                    "table_id": table_id,
                    "rows": _display_rows(
                        table, table.rows, slug=report.slug, kept=_kept_filters(form)
                    ),
                    "chart": bar_chart(
                        chart, table.rows, chart_id=f"chart-{table_id}-{index}", table_id=table_id
                    ),
                }
            )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "built": built,
            "trends": trends,
            "cards": cards,
            "definitions": reports.REPORTS.values(),
            "query": request.GET.urlencode(),
            "summary": _filter_summary(form),
            "period_links": _period_links(request, form),
        },
    )


def _built_report(view):
    """The report the URL names, built with the request's filters: `view` gets the slug, the
    report's definition, the filter form, the filters and the built report. Filters that do not
    validate get the calm page that explains them, and no report is built."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        definition = _definition(slug)
        form = _filter_form(request, period=definition.period)
        if not form.is_valid():
            return _invalid(request, form, definition.title)
        filters = form.report_filters()
        return view(
            request,
            slug=slug,
            definition=definition,
            form=form,
            filters=filters,
            report=definition.build(filters),
        )

    return wrapper


@supervisor_required
@_built_report
def report_page(
    request: HttpRequest,
    *,
    slug: str,
    definition: reports.ReportDefinition,
    form: ReportFilterForm,
    filters: reports.ReportFilters,
    report: reports.Report,
) -> HttpResponse:
    shown = _shown(report, request, form)
    audit_list_view(
        actor=request.user,
        list_name=f"report: {slug}",
        page={table.table.key: table.page.number for table in shown},
        filters=_filters_for_trail(form, filters),
        case_ids=_case_ids(row for table in shown for row in table.rows),
    )
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "filters": filters,
            "report": report,
            "shown": shown,
            "compared": _compared(form, definition.build, report),
            "definition": definition,
            "definitions": reports.REPORTS.values(),
            "query": request.GET.urlencode(),
            "summary": _filter_summary(form),
            "period_links": _period_links(request, form),
        },
    )


@supervisor_required
@_built_report
def report_csv(
    request: HttpRequest,
    *,
    slug: str,
    definition: reports.ReportDefinition,
    form: ReportFilterForm,
    filters: reports.ReportFilters,
    report: reports.Report,
) -> HttpResponse:
    dates = (
        f"{filters.start.isoformat()}-{filters.end.isoformat()}"
        if form.has_period
        else team_today().isoformat()
    )
    filename = f"navigator-{slug}-{dates}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)

    def write(cells, kinds=()) -> None:
        # Every cell of the file goes through _spreadsheet_safe: the filter summary names a
        # centre or a worker, which are typed text too.
        writer.writerow(
            _spreadsheet_safe(cell, kind)
            for cell, kind in itertools.zip_longest(cells, kinds, fillvalue="text")
        )

    write([report.title])
    for label, value in _filter_summary(form):
        write([label, value])
    compared = _compared(form, definition.build, report)
    if compared:
        write([])
        write(["Headline figures compared with the period before"])
        write(["Figure", "This period", "Period before", "Change"])
        for figure in compared:
            write([figure.label, figure.now, figure.before, figure.change])
    rows_written = 0
    for table in report.tables:
        write([])
        write([table.caption])
        write([column.label for column in table.columns])
        kinds = [column.kind for column in table.columns]
        for row in table.rows:
            write(table.cells(row), kinds)
        rows_written += len(table.rows)
        if table.note:
            write([table.note])
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        changes={
            "report": slug,
            "format": "csv",
            "rows": rows_written,
            "filters": _filters_for_trail(form, filters),
            # As for a page of the report: the cases the file names, by number.
            "cases": _case_ids(row for table in report.tables for row in table.rows),
        },
    )
    return response


def _case_ids(rows) -> list[int]:
    """The cases a report's rows name (a row about a case carries its `case_id`)."""
    return [row["case_id"] for row in rows if row.get("case_id")]


def _filters_for_trail(form: ReportFilterForm, filters: reports.ReportFilters) -> dict:
    dates = (
        {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
        if form.has_period
        else {"as_of": team_today().isoformat()}
    )
    return dates | {
        "social_worker": filters.social_worker,
        "urgency": filters.urgency,
        "centre": filters.centre,
    }


def _spreadsheet_safe(text: str, kind: str = "text") -> str:
    """Text (a payer, a centre, a worker's name) that a spreadsheet would run as a formula gets
    a leading apostrophe, which spreadsheets show as plain text. Figures (any other column
    kind) are written by code, and a negative one must stay a number."""
    if kind != "text":
        return text
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _filter_summary(form: ReportFilterForm) -> list[tuple[str, str]]:
    """The filters in words, as the page shows them above the figures."""
    data = form.cleaned_data
    worker = data.get("worker")
    dates = (
        ("Period", f"{data['start'].isoformat()} to {data['end'].isoformat()}")
        if form.has_period
        else ("As of", team_today().isoformat())
    )
    if form.has_period and form.compares:
        start, end = previous_period(data["start"], data["end"])
        dates = (dates[0], f"{dates[1]}, compared with {start.isoformat()} to {end.isoformat()}")
    return [
        dates,
        ("Social worker", (worker.get_full_name() or worker.username) if worker else "Everyone"),
        ("Urgency", Urgency(data["urgency"]).label if data.get("urgency") else "Any"),
        ("Centre", data["centre"].name if data.get("centre") else "Any centre"),
    ]


def _summary_form(request: HttpRequest) -> ReportFilterForm:
    """The annual summary's filters: the last full calendar year unless a period is given."""
    if request.GET.get("start") or request.GET.get("end"):
        return _filter_form(request)
    last_year = team_today().year - 1
    data = {"start": f"{last_year}-01-01", "end": f"{last_year}-12-31"}
    data.update(
        {
            key: value
            for key, value in request.GET.items()
            if value and key in ReportFilterForm.base_fields
        }
    )
    return ReportFilterForm(data)


@supervisor_required
def screening_summary(request: HttpRequest) -> HttpResponse:
    """The one-page annual summary of screening and barriers for the cancer committee: the
    programme's name, the period and the report's figures in words and tables, printable."""
    definition = reports.REPORTS["screening"]
    form = _summary_form(request)
    if not form.is_valid():
        return _invalid(request, form, "Screening and barriers: annual summary")
    filters = form.report_filters()
    report = definition.build(filters)
    audit_list_view(
        actor=request.user,
        list_name="report: screening summary",
        page=1,
        filters=_filters_for_trail(form, filters),
        case_ids=[],
    )
    tables = {table.key: table for table in report.tables}
    shown = {
        key: {
            "table": table,
            "table_id": f"summary-{key}",
            "rows": _display_rows(table, table.rows),
        }
        for key, table in tables.items()
        if key in ("new_cases", "plans", "rescreens", "barriers", "interventions")
    }
    return render(
        request,
        "reports/screening_summary.html",
        {
            "form": form,
            "filters": filters,
            "shown": shown,
            "sentences": _summary_sentences(tables),
            "programme": settings.PROGRAMME_NAME,
            "summary": _filter_summary(form),
            "query": request.GET.urlencode(),
        },
    )


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _summary_sentences(tables: dict[str, Table]) -> list[str]:
    """The summary's figures in words, from the same rows its tables show."""
    new, plans = tables["new_cases"].rows[0], tables["plans"].rows[0]
    rescreens, kinds = tables["rescreens"].rows[0], tables["barriers"].rows
    within = SCREENING_WITHIN_WORDS.format(days=settings.SCREENING_WITHIN_DAYS)
    identified = sum(row["identified"] for row in kinds)
    resolved = sum(row["resolved"] for row in kinds)
    open_at_end = sum(row["open_at_end"] for row in kinds)
    return [
        f"Of {_plural(new['new'], 'new case')}, {new['screened']} {_were(new['screened'])} "
        f"screened for distress with the NCCN Distress Thermometer, {new['on_time']} {within} "
        f"({format_value(new['share'], 'percent')}).",
        f"{_plural(plans['high'], 'screening')} scored {settings.SCREENING_THRESHOLD} or more: "
        f"{plans['referred']} led to a referral ({format_value(plans['share'], 'percent')}), "
        f"{plans['declined']} recorded why none was made, and {plans['no_plan']} had no plan "
        "yet.",
        f"{_plural(rescreens['count'], 'rescreen')} {_were(rescreens['count'])} done, "
        f"{rescreens['on_time']} within {settings.RESCREENING_DAYS} days of the screening "
        "before.",
        f"{_plural(identified, 'barrier')} to care {_were(identified)} identified and "
        f"{resolved} of them resolved by the end of the period; {open_at_end} "
        f"{_were(open_at_end)} still open then.",
    ]


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


SCREENING_WITHIN_WORDS = "within {days} days of the case opening"


# --- the cases behind a count (issue #15's drill-down) ---------------------------------------

# Longest text a drill-down address's table, row or column can hold (a digest is 16).
CELL_PARAM_LENGTH = 64


@dataclass
class CasesBehind:
    """The list of cases behind one count: what the pages and the CSV of it share."""

    definition: reports.ReportDefinition
    form: ReportFilterForm
    filters: reports.ReportFilters
    cell: dict[str, str]
    behind: drill.Behind

    @property
    def report_query(self) -> str:
        return urlencode(_kept_filters(self.form))

    @property
    def query(self) -> str:
        return urlencode(_kept_filters(self.form) | self.cell)

    def trail(self) -> dict:
        return _filters_for_trail(self.form, self.filters) | {
            "table": self.cell["table"],
            "row": self.cell["row"],
            "column": self.cell["col"],
        }


def _cases_behind(view):
    """The count the address names, with the report's filters: `view` gets a `CasesBehind`.
    Filters that do not validate get the report's calm 400 page; a count that is not (or no
    longer) there, a calm 404 page that leads back to the report."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        definition = _definition(slug)
        form = _filter_form(request, period=definition.period)
        if not form.is_valid():
            return _invalid(request, form, definition.title)
        filters = form.report_filters()
        cell = {
            name: request.GET.get(name, "")[:CELL_PARAM_LENGTH] for name in ("table", "row", "col")
        }
        try:
            behind = drill.behind(
                slug, table=cell["table"], row=cell["row"], column=cell["col"], filters=filters
            )
        except drill.NotACell:
            return render(
                request,
                "reports/cases_gone.html",
                {
                    "definition": definition,
                    "definitions": reports.REPORTS.values(),
                    "query": urlencode(_kept_filters(form)),
                },
                status=404,
            )
        return view(request, CasesBehind(definition, form, filters, cell, behind))

    return wrapper


def _case_details(case_ids) -> dict[int, dict]:
    """The cases of a list as the staff lists show them (one query)."""
    values = Case.objects.filter(pk__in=case_ids).values(
        "pk",
        "patient__full_name",
        "patient__mrn",
        "social_worker__first_name",
        "social_worker__last_name",
        "social_worker__username",
        "current_stage",
        "status",
        "opened_at",
    )
    stages, statuses = dict(Stage.choices), dict(Case.Status.choices)
    return {
        value["pk"]: {
            "case_id": value["pk"],
            "patient": value["patient__full_name"],
            "mrn": value["patient__mrn"],
            "social_worker": name_from_parts(
                value["social_worker__first_name"],
                value["social_worker__last_name"],
                value["social_worker__username"],
            ),
            "stage": stages.get(value["current_stage"], "All steps finished"),
            "status": statuses.get(value["status"], value["status"]),
            "opened": _day_text(value["opened_at"]),
        }
        for value in values
    }


def _day_text(value) -> str:
    """A date or an instant as the day it was in the team's time zone, as the reports write
    every date (yyyy-mm-dd)."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _behind_rows(per_case, details: dict[int, dict]) -> list[dict]:
    return [
        details[row["case_number"]] | {"on": _day_text(row["on"]), "items": row["items"]}
        for row in per_case
        if row["case_number"] in details
    ]


def _behind_columns(behind: drill.Behind) -> list[tuple[str, str]]:
    """(key, label) of the list's columns: the case, its patient and owner, and the figure's."""
    columns = [
        ("case", "Case"),
        ("patient", "Patient"),
        ("mrn", "MRN"),
        ("social_worker", "Social worker"),
        ("stage", "Stage now"),
        ("status", "Case status"),
        ("opened", "Opened"),
    ]
    if behind.date_field != "opened_at":
        columns.append(("on", behind.date_label))
    if behind.item_label:
        columns.append(("items", behind.item_label))
    return columns


@supervisor_required
@_cases_behind
def report_cases(request: HttpRequest, cases: CasesBehind) -> HttpResponse:
    """The cases behind one count of a report, a page at a time, with the report's filters."""
    behind = cases.behind
    page = Paginator(behind.per_case(), PAGE_SIZE).get_page(request.GET.get("page"))
    per_case = list(page.object_list)
    case_ids = [row["case_number"] for row in per_case]
    rows = _behind_rows(per_case, _case_details(case_ids))
    total_items = behind.total_items() if behind.item_label else None
    audit_list_view(
        actor=request.user,
        list_name=f"report cases: {cases.definition.slug}",
        page=page.number,
        filters=cases.trail(),
        case_ids=case_ids,
    )
    return render(
        request,
        "reports/cases.html",
        {
            "definition": cases.definition,
            "definitions": reports.REPORTS.values(),
            "behind": behind,
            "page": page,
            "rows": rows,
            "columns": _behind_columns(behind),
            "total_items": total_items,
            "unlisted": behind.unlisted(),
            "summary": _filter_summary(cases.form),
            "query": cases.report_query,
            "cases_query": cases.query,
        },
    )


@supervisor_required
@_cases_behind
def report_cases_csv(request: HttpRequest, cases: CasesBehind) -> HttpResponse:
    """Every case of the list as CSV (two queries: the cases behind the count, their details),
    named like the report's download."""
    behind, filters = cases.behind, cases.filters
    per_case = list(behind.per_case())
    rows = _behind_rows(per_case, _case_details(behind.per_case().values("case_number")))
    dates = (
        f"{filters.start.isoformat()}-{filters.end.isoformat()}"
        if cases.form.has_period
        else team_today().isoformat()
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"navigator-{cases.definition.slug}-cases-{dates}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    columns = _behind_columns(behind)
    writer.writerow([_spreadsheet_safe(behind.heading)])
    for label, value in _filter_summary(cases.form):
        writer.writerow([label, _spreadsheet_safe(value)])
    writer.writerow([])
    writer.writerow([label for _, label in columns])
    for row in rows:
        writer.writerow(
            [
                f"#{row['case_id']}"
                if key == "case"
                else str(row[key])
                if key == "items"
                else _spreadsheet_safe(str(row[key] or ""))
                for key, _ in columns
            ]
        )
    unlisted = behind.unlisted()
    if unlisted:
        writer.writerow([_unlisted_words(unlisted)])
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=request.user,
        changes={
            "report": cases.definition.slug,
            "list": "cases behind a count",
            "format": "csv",
            "rows": len(rows),
            "filters": cases.trail(),
            "cases": [row["case_id"] for row in rows],
        },
    )
    return response


def _unlisted_words(unlisted: int) -> str:
    return (
        f"{_plural(unlisted, 'digest message')} about several cases at once "
        f"{_were(unlisted)} counted too; a digest belongs to no single case, so it is not listed."
    )
