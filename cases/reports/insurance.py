"""The insurance report: preauthorization decisions against the payers' clocks.

Definitions: `cases.reports.registry`."""

from collections import defaultdict
from dataclasses import replace

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
from cases.reports.common import (
    DECIDED,
    DENIED_AT_FIRST,
    STANDARD_CLOCK_DAYS,
    URGENT_CLOCK_DAYS,
)
from cases.reports.histograms import histogram_counts, uses_histograms
from cases.reports.measures import INSURANCE_DECISIONS, INSURANCE_REQUESTS
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
from cases.reports.sql import EMPTY, distribution_of, distributions

# --- 4. Insurance -----------------------------------------------------------------------------


def requests_in_period(filters: ReportFilters) -> QuerySet:
    """The preauthorizations the report counts: requested in the period, with the filters."""
    return Insurance.objects.filter(
        requested_on__gte=filters.start, requested_on__lte=filters.end
    ).filter(filters.cases_q("case__"))


def decided_of(requests: QuerySet) -> QuerySet:
    """Of those, the ones decided."""
    return requests.filter(DECIDED)


# The payers' clocks, as flags on the days to decide: within 72 hours (3 days), 7 and 15 days.
CLOCK_FLAGS = {
    "flag_3": URGENT_CLOCK_DAYS,
    "flag_7": STANDARD_CLOCK_DAYS[0],
    "flag_15": STANDARD_CLOCK_DAYS[1],
}


def _counted(filters: ReportFilters) -> tuple[dict, dict]:
    """The requests by decision (with how many were decided and denied at first, every payer
    together) and the days to decide per urgency, counted from every row. Two queries."""
    requests = requests_in_period(filters)
    counts = requests.aggregate(
        requested=Count("id"),
        **{value: Count("id", filter=Q(decision=value)) for value in Insurance.Decision.values},
        decided_in_all=Count("id", filter=DECIDED),
        denied_in_all=Count("id", filter=DECIDED & Q(decision__in=DENIED_AT_FIRST)),
    )
    timing = distributions(
        decided_of(requests).values(
            group_key=F("case__urgency"), first_day=F("requested_on"), last_day=F("decided_on")
        ),
        counting="day_number",
        within=CLOCK_FLAGS,
    )
    return counts, timing


def _from_histograms(filters: ReportFilters) -> tuple[dict, dict]:
    """The same figures from the histograms (`cases.reports.histograms`). Three queries."""
    counts = dict.fromkeys(["requested", *Insurance.Decision.values, "decided_in_all"], 0)
    counts["denied_in_all"] = 0
    requests, decisions = histogram_counts(filters, INSURANCE_REQUESTS, INSURANCE_DECISIONS)
    for (_, group, _), (count, _) in requests.items():
        decision, _, decided = group.partition(" ")
        counts["requested"] += count
        counts[decision] = counts.get(decision, 0) + count
        if decided and decision != Insurance.Decision.PENDING:
            counts["decided_in_all"] += count
            if decision in DENIED_AT_FIRST:
                counts["denied_in_all"] += count
    days: dict = defaultdict(dict)
    for (_, urgency, taken), (count, _) in decisions.items():
        old = days[urgency].get(taken, (0, 0))
        days[urgency][taken] = (old[0] + count, 0)
    timing = {}
    for urgency, histogram in days.items():
        figures = distribution_of(histogram)
        flags = {
            flag: sum(rows for taken, (rows, _) in histogram.items() if taken <= limit)
            for flag, limit in CLOCK_FLAGS.items()
        }
        timing[urgency] = replace(figures, flags=flags)
    return counts, timing


def insurance(filters: ReportFilters, *, summary: bool = False) -> Report:
    """Preauthorizations requested in the period and what the payers decided. Three queries
    counted from the rows, or four with the histograms (`cases.reports.histograms`), after
    asking whether they are built; one fewer for the `summary` (the dashboard's: the headline
    figures, without the payers)."""
    if uses_histograms(filters):
        counts, timing = _from_histograms(filters)
    else:
        counts, timing = _counted(filters)
    decisions = Insurance.Decision
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
    count_rows = [
        {ROW_KEY: "requested", "what": "Requested", "count": counts["requested"]},
        *(
            {ROW_KEY: value, "what": label, "count": counts[value]}
            for value, label in decisions.choices
        ),
    ]
    tables = [
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
    ]
    charts = []
    if not summary:
        tables.append(_payers(decided_of(requests_in_period(filters))))
        charts.append(
            Chart(
                "Denial rate by payer",
                "payers",
                "payer",
                (("denial_rate", "Denial rate"),),
                "percent",
            )
        )
    return Report(
        slug="insurance",
        title="Insurance",
        tables=tables,
        headlines=[
            Headline("Preauthorizations requested", counts["requested"]),
            Headline(
                "Denial rate", share(counts["denied_in_all"], counts["decided_in_all"]), "percent"
            ),
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
        charts=charts,
    )


def _payers(decided: QuerySet) -> Table:
    """The decided requests' denial rate per payer. One query."""
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
    return Table(
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
    )
