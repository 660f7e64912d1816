"""The volume report: cases opened and completed, reasons, diagnoses, centres.

Definitions: `cases.reports.registry`."""

from collections import defaultdict

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from cases.models import (
    Case,
    CaseReason,
    GliomaType,
    Grade,
    Reason,
    TumourType,
)
from cases.reports.histograms import histogram_counts, uses_histograms
from cases.reports.measures import CASE_REASONS, CASES_COMPLETED, CASES_OPENED
from cases.reports.parts import (
    ROW_KEY,
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
    month_label,
    share,
)
from cases.reports.sql import month_in_period

# --- 6. Volume and reasons --------------------------------------------------------------------

# The row key of the cases with no centre from the directory.
NO_CENTRE = "none"


def diagnosis_key(tumour_type: str, glioma_type: str, grade: str) -> str:
    """A row of the diagnosis mix as one key (a glioma type may be empty)."""
    return f"{tumour_type}~{glioma_type}~{grade}"


def opened_q(filters: ReportFilters, prefix: str = "") -> Q:
    """Cases opened in the period (withdrawn ones too), with the filters, as a condition on the
    case reached through `prefix`. The report counts them (and their reasons, diagnoses and
    centres) and the drill-down (`cases.reports.drill`) lists them."""
    return filters.cases_q(prefix) & filters.in_period(f"{prefix}opened_at")


def completed_q(filters: ReportFilters) -> Q:
    """Cases completed in the period (their `closed_at` in it), with the filters."""
    return filters.cases_q() & filters.in_period("closed_at") & Q(status=Case.Status.COMPLETED)


def reasons_given(filters: ReportFilters) -> QuerySet:
    """The reasons given by the cases opened in the period: joined from those cases (an index
    range), not looked up per reason."""
    return CaseReason.objects.filter(opened_q(filters, "case__"))


def _counted(filters: ReportFilters) -> tuple[dict, dict, dict]:
    """Cases opened and completed by month, and the reasons given, counted from every row.
    Three queries."""
    opened_by_month = dict(
        Case.objects.filter(opened_q(filters))
        .values_list(month_in_period("opened_at", filters))
        .annotate(n=Count("id"))
        .order_by()
    )
    completed_by_month = dict(
        Case.objects.filter(completed_q(filters))
        .values_list(month_in_period("closed_at", filters))
        .annotate(n=Count("id"))
        .order_by()
    )
    reasons = dict(reasons_given(filters).values_list("reason").annotate(n=Count("id")).order_by())
    return opened_by_month, completed_by_month, reasons


def _from_histograms(filters: ReportFilters) -> tuple[dict, dict, dict]:
    """The same counts from the histograms (`cases.reports.histograms`). Four queries."""
    opened, completed, reasons = histogram_counts(
        filters, CASES_OPENED, CASES_COMPLETED, CASE_REASONS
    )
    return _by_month(opened), _by_month(completed), _by_group(reasons)


def _by_month(counts: dict) -> dict:
    totals: dict = defaultdict(int)
    for (month, _, _), (count, _) in counts.items():
        totals[month] += count
    return dict(totals)


def _by_group(counts: dict) -> dict:
    totals: dict = defaultdict(int)
    for (_, group, _), (count, _) in counts.items():
        totals[group] += count
    return dict(totals)


def volume(filters: ReportFilters, *, summary: bool = False) -> Report:
    """Cases opened and completed by month, reasons, diagnosis mix and centres. Five queries
    counted from the rows, or six with the histograms (`cases.reports.histograms`), after
    asking whether they are built; two fewer for the `summary` (the dashboard's: the headline
    figures and the table by month, without the diagnosis mix and the centres)."""
    opened = Case.objects.filter(opened_q(filters))
    if uses_histograms(filters):
        opened_by_month, completed_by_month, reasons = _from_histograms(filters)
    else:
        opened_by_month, completed_by_month, reasons = _counted(filters)
    month_rows = [
        {
            ROW_KEY: month,
            "month": month_label(month),
            "opened": opened_by_month.get(month, 0),
            "completed": completed_by_month.get(month, 0),
        }
        for month in filters.months()
    ]
    total_opened = sum(row["opened"] for row in month_rows)
    reason_rows = sorted(
        (
            {ROW_KEY: value, "reason": label, "cases": reasons.get(value, 0)}
            for value, label in Reason.choices
        ),
        key=lambda row: -row["cases"],
    )
    for row in reason_rows:
        row["share"] = share(row["cases"], total_opened)
    share_column = Column("share", "Share of cases opened", "percent")
    tables = [
        Table(
            "by_month",
            "Cases opened and completed by month",
            [
                Column("month", "Month"),
                Column("opened", "Opened", "count"),
                Column("completed", "Completed", "count"),
            ],
            month_rows,
        ),
        Table(
            "reasons",
            "Why patients sought a second opinion",
            [Column("reason", "Reason"), Column("cases", "Cases", "count"), share_column],
            reason_rows,
            note="Cases opened in the period; a case may give several reasons.",
        ),
    ]
    if not summary:
        tables += _mix(opened, total_opened, share_column)
    return Report(
        slug="volume",
        title="Volume and reasons",
        tables=tables,
        headlines=[
            Headline("Cases opened", total_opened),
            Headline("Cases completed", sum(row["completed"] for row in month_rows)),
            Headline(
                "Most common reason", reason_rows[0]["reason"] if total_opened else None, "text"
            ),
        ],
        charts=[
            Chart(
                "Cases opened and completed by month",
                "by_month",
                "month",
                (("opened", "Opened"), ("completed", "Completed")),
                over_time=True,
            )
        ],
    )


def _mix(opened: QuerySet, total_opened: int, share_column: Column) -> list[Table]:
    """The diagnosis mix and the centres of the cases opened in the period. Two queries."""
    diagnosis_rows = [
        {
            ROW_KEY: diagnosis_key(row["tumour_type"], row["glioma_type"], row["grade"]),
            "tumour_type": TumourType(row["tumour_type"]).label,
            # Only a glioma has a molecular type.
            "glioma_type": GliomaType(row["glioma_type"]).label if row["glioma_type"] else "—",
            "grade": Grade(row["grade"]).label,
            "cases": row["cases"],
            "share": share(row["cases"], total_opened),
        }
        for row in opened.values("tumour_type", "glioma_type", "grade")
        .annotate(cases=Count("id"))
        .order_by("-cases", "tumour_type", "glioma_type", "grade")
    ]
    centre_rows = [
        {
            ROW_KEY: row["centre_id"] or NO_CENTRE,
            "centre": row["centre__name"] or "Not in the directory or not chosen",
            "cases": row["cases"],
            "share": share(row["cases"], total_opened),
        }
        for row in opened.values("centre_id", "centre__name")
        .annotate(cases=Count("id"))
        .order_by("-cases", "centre__name")
    ]
    return [
        Table(
            "diagnoses",
            "Diagnosis mix",
            [
                Column("tumour_type", "Tumour type"),
                Column("glioma_type", "Glioma type"),
                Column("grade", "Grade"),
                Column("cases", "Cases", "count"),
                share_column,
            ],
            diagnosis_rows,
            note="Cases opened in the period. Only a glioma has a glioma type.",
        ),
        Table(
            "centres",
            "Centres patients were referred to",
            [Column("centre", "Centre"), Column("cases", "Cases", "count"), share_column],
            centre_rows,
            note="Cases opened in the period, by the centre chosen on the case.",
        ),
    ]
