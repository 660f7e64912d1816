"""The volume report: cases opened and completed, reasons, diagnoses, centres.

Definitions: `cases.reports.registry`."""

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
from cases.reports.sql import month_of

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


def volume(filters: ReportFilters) -> Report:
    """Cases opened and completed by month, reasons, diagnosis mix and centres. Five queries."""
    opened = Case.objects.filter(opened_q(filters))
    opened_by_month = dict(
        opened.values_list(month_of("opened_at")).annotate(n=Count("id")).order_by()
    )
    completed_by_month = dict(
        Case.objects.filter(completed_q(filters))
        .values_list(month_of("closed_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    month_rows = [
        {
            ROW_KEY: month,
            "month": month_label(month),
            "opened": opened_by_month.get(month, 0),
            "completed": completed_by_month.get(month, 0),
        }
        for month in filters.months()
    ]
    reasons = dict(reasons_given(filters).values_list("reason").annotate(n=Count("id")).order_by())
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
    share_column = Column("share", "Share of cases opened", "percent")
    return Report(
        slug="volume",
        title="Volume and reasons",
        tables=[
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
        ],
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
