"""The insurance report: preauthorization decisions against the payers' clocks.

Definitions: `cases.reports.registry`."""

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)

from cases.models import (
    Insurance,
    Urgency,
)
from cases.reports.common import DENIED_AT_FIRST, STANDARD_CLOCK_DAYS, URGENT_CLOCK_DAYS
from cases.reports.parts import (
    ROW_KEY,
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
    share,
    text_key,
)
from cases.reports.sql import EMPTY, distributions

# --- 4. Insurance -----------------------------------------------------------------------------


def requests_in_period(filters: ReportFilters) -> QuerySet:
    """The preauthorizations the report counts: requested in the period, with the filters."""
    return Insurance.objects.filter(
        requested_on__gte=filters.start, requested_on__lte=filters.end
    ).filter(filters.cases_q("case__"))


def decided_of(requests: QuerySet) -> QuerySet:
    """Of those, the ones decided (a decision day and a decision other than pending)."""
    return requests.filter(decided_on__isnull=False).exclude(decision=Insurance.Decision.PENDING)


def insurance(filters: ReportFilters) -> Report:
    """Preauthorizations requested in the period and what the payers decided. Three queries."""
    requests = requests_in_period(filters)
    decisions = Insurance.Decision
    counts = requests.aggregate(
        requested=Count("id"),
        **{value: Count("id", filter=Q(decision=value)) for value in decisions.values},
    )
    decided = decided_of(requests)
    timing = distributions(
        decided.values(
            group_key=F("case__urgency"), first_day=F("requested_on"), last_day=F("decided_on")
        ),
        counting="day_number",
        within={
            "flag_3": URGENT_CLOCK_DAYS,
            "flag_7": STANDARD_CLOCK_DAYS[0],
            "flag_15": STANDARD_CLOCK_DAYS[1],
        },
    )
    timing_rows = []
    for urgency in Urgency:
        figures = timing.get(urgency.value, EMPTY)
        timing_rows.append(
            {
                ROW_KEY: urgency.value,
                "urgency": urgency.label,
                "clock": "72 hours" if urgency == Urgency.URGENT else "7 days / 15 days",
                "count": figures.count,
                "median": figures.median,
                "p90": figures.p90,
                "within_3": figures.share("flag_3"),
                "within_7": figures.share("flag_7"),
                "within_15": figures.share("flag_15"),
            }
        )
    payer_rows = list(
        decided.values("payer")
        .annotate(decided=Count("id"), denied=Count("id", filter=Q(decision__in=DENIED_AT_FIRST)))
        .order_by("payer")
    )
    for row in payer_rows:
        # Typed text: the link names the payer by a digest of the name.
        row[ROW_KEY] = text_key(row["payer"])
        row["payer"] = row["payer"] or "(payer not recorded)"
        row["denial_rate"] = share(row["denied"], row["decided"])
    total_decided = sum(row["decided"] for row in payer_rows)
    total_denied = sum(row["denied"] for row in payer_rows)
    count_rows = [
        {ROW_KEY: "requested", "what": "Requested", "count": counts["requested"]},
        *(
            {ROW_KEY: value, "what": label, "count": counts[value]}
            for value, label in decisions.choices
        ),
    ]
    return Report(
        slug="insurance",
        title="Insurance",
        tables=[
            Table(
                "decisions",
                "Preauthorizations requested in the period, by decision",
                [Column("what", "Decision"), Column("count", "Requests", "count")],
                count_rows,
                note="Each request counts once, under its decision today: a denial that was "
                "appealed shows as appealed, and one won on appeal as overturned.",
            ),
            Table(
                "decision_time",
                "Decision time against the payers' clocks",
                [
                    Column("urgency", "Request"),
                    Column("clock", "Clock"),
                    Column("count", "Decided", "count"),
                    Column("median", "Median calendar days", "days"),
                    Column("p90", "90th percentile", "days"),
                    Column("within_3", "Within 72 hours", "percent"),
                    Column("within_7", "Within 7 days", "percent"),
                    Column("within_15", "Within 15 days", "percent"),
                ],
                timing_rows,
                note="Calendar days from the request date to the decision date (dates carry no "
                "time, so 72 hours is read as 3 days).",
            ),
            Table(
                "payers",
                "Denial rate by payer",
                [
                    Column("payer", "Payer"),
                    Column("decided", "Decided", "count"),
                    Column("denied", "Denied at first", "count"),
                    Column("denial_rate", "Denial rate", "percent"),
                ],
                payer_rows,
                note="Denied at first: the decision is denied, appealed or overturned on appeal.",
            ),
        ],
        headlines=[
            Headline("Preauthorizations requested", counts["requested"]),
            Headline("Denial rate", share(total_denied, total_decided), "percent"),
            Headline(
                "Median days to decide, urgent",
                timing.get(Urgency.URGENT.value, EMPTY).median,
                "days",
            ),
            Headline(
                "Median days to decide, routine",
                timing.get(Urgency.ROUTINE.value, EMPTY).median,
                "days",
            ),
        ],
        charts=[
            Chart(
                "Denial rate by payer",
                "payers",
                "payer",
                (("denial_rate", "Denial rate"),),
                "percent",
            )
        ],
    )
