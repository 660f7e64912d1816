"""The records report: days until records are complete, and what holds them up.

Definitions: `cases.reports.registry`."""

from django.db.models import (
    OuterRef,
    Subquery,
    Value,
)

from cases.models import (
    ChecklistItem,
    Stage,
    Step,
)
from cases.reports.parts import (
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
    share,
)
from cases.reports.sql import EMPTY, distributions, local_day

# --- 5. Records -------------------------------------------------------------------------------


def records(filters: ReportFilters) -> Report:
    """How long records take and which record types hold cases up longest. Two queries.

    A record type holds a case up when its checklist item was the last one ticked on the
    records step (on a tie, the one lower on the checklist); types are ranked by how often that
    happened, then by how long cases waited for them (90th percentile).
    """
    steps = Step.objects.filter(
        filters.in_period("finished_at"), stage=Stage.RECORDS, status=Step.Status.DONE
    ).filter(filters.cases_q("case__"))
    complete = distributions(
        steps.values(
            first_day=local_day("case__opened_at"),
            last_day=local_day("finished_at"),
            group_key=Value(1),
        )
    ).get(1, EMPTY)
    last_item = ChecklistItem.objects.filter(
        step_id=OuterRef("pk"), done_at__isnull=False
    ).order_by("-done_at", "-position", "-id")
    holdups = distributions(
        steps.annotate(last_done_at=Subquery(last_item.values("done_at")[:1])).values(
            first_day=local_day("case__opened_at"),
            last_day=local_day("last_done_at"),
            group_key=Subquery(last_item.values("label")[:1]),
        )
    )
    item_rows = sorted(
        (
            {
                "label": label,
                "last": figures.count,
                "last_share": share(figures.count, complete.count),
                "median": figures.median,
                "p90": figures.p90,
            }
            for label, figures in holdups.items()
        ),
        key=lambda row: (-row["last"], -(row["p90"] or 0), row["label"]),
    )
    return Report(
        slug="records",
        title="Records",
        tables=[
            Table(
                "complete",
                "Case opened to records complete",
                [
                    Column("count", "Records steps done", "count"),
                    Column("median", "Median business days", "days"),
                    Column("p90", "90th percentile", "days"),
                ],
                [{"count": complete.count, "median": complete.median, "p90": complete.p90}],
                note="Records steps marked done in the period: business days from the day the "
                "case was opened to the day the records step was done.",
            ),
            Table(
                "holdups",
                "Record types that hold cases up longest",
                [
                    Column("label", "Record"),
                    Column("last", "Last to arrive", "count"),
                    Column("last_share", "Share of records steps", "percent"),
                    Column("median", "Median business days from opening until it arrived", "days"),
                    Column("p90", "90th percentile", "days"),
                ],
                item_rows,
                note="Last to arrive: on how many of the records steps done in the period this "
                "item was the last one ticked; the days are from the case's opening to that "
                "tick. Most frequent hold-ups first.",
            ),
        ],
        headlines=[
            Headline("Median business days until records are complete", complete.median, "days"),
            Headline("90th percentile", complete.p90, "days"),
            Headline(
                "Most often the last record", item_rows[0]["label"] if item_rows else None, "text"
            ),
        ],
        charts=[
            Chart(
                "How often each record was the last to arrive",
                "holdups",
                "label",
                (("last", "Last to arrive"),),
            )
        ],
    )
