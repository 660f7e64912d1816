"""The records report: days until records are complete, and which sources and which record
types take longest, from the real dates of the records requests.

Definitions: `cases.reports.registry`."""

from collections import defaultdict

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from cases.models import Contact, RecordKind
from cases.reports.histograms import histogram_counts, uses_histograms
from cases.reports.measures import RECORDS_BY_KIND, RECORDS_BY_SOURCE, RECORDS_COMPLETE
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
from cases.reports.sql import EMPTY, Distribution, distribution_of, distributions

# --- 5. Records -------------------------------------------------------------------------------

NO_SOURCE = "(no source recorded)"

WAIT_COLUMNS = [
    Column("count", "Records received", "count"),
    Column("median", "Median days from sent to received", "days"),
    Column("p90", "90th percentile", "days"),
    Column("on_time", "Within the legal clock", "percent"),
]


def _wait_row(label_key: str, label: str, figures: Distribution) -> dict:
    return {
        label_key: label,
        "count": figures.count,
        "median": figures.median,
        "p90": figures.p90,
        "on_time": figures.share("on_time"),
    }


def _slowest_first(rows: list[dict], label_key: str) -> list[dict]:
    return sorted(rows, key=lambda row: (-(row["p90"] or 0), -(row["median"] or 0), row[label_key]))


def received_in_period(filters: ReportFilters) -> QuerySet:
    """The records whose waits the report measures (`RECORDS_BY_KIND`'s rows): of requests
    sent, arrived on a day in the period, with the filters. The report measures them and the
    drill-down (`cases.reports.drill`) lists them."""
    return (
        RECORDS_BY_KIND.rows()
        .filter(RECORDS_BY_KIND.in_days(filters.start, filters.end))
        .filter(filters.cases_q("request__case__"))
    )


def source_name() -> Coalesce:
    """A record's source by name: the directory contact's name now, else the name typed for one
    not in it, else "(no source recorded)". The histograms keep the source by `SOURCE_KEY` and
    name it the same way (`_source_names`)."""
    return Coalesce(
        "request__contact__name",
        NullIf("request__contact_other", Value("")),
        Value(NO_SOURCE),
    )


def _counted(filters: ReportFilters) -> tuple[Distribution, dict, dict]:
    """Records complete, and the waits by source (name) and by kind, counted from every row.
    Three queries."""
    steps = (
        RECORDS_COMPLETE.rows()
        .filter(filters.in_period(RECORDS_COMPLETE.period_field))
        .filter(filters.cases_q("case__"))
    )
    complete = distributions(steps.values("first_day", "last_day", group_key=Value(1))).get(
        1, EMPTY
    )
    received = received_in_period(filters)

    def waits(group_key):
        return distributions(
            received.values("first_day", "last_day", "flag_day", group_key=group_key),
            counting="day_number",
            by_date={"on_time": "flag_day"},
        )

    return complete, waits(source_name()), waits(F("kind"))


def _source_names(keys: set[str]) -> dict[str, str]:
    """The name of each source key (`cases.reports.measures.SOURCE_KEY`): the directory
    contact's name now, the name typed, or "(no source recorded)". One query."""
    contact_ids = [int(key[1:]) for key in keys if key.startswith("c")]
    contacts = dict(Contact.objects.filter(pk__in=contact_ids).values_list("pk", "name"))
    names = {}
    for key in keys:
        if key.startswith("c"):
            names[key] = contacts.get(int(key[1:]), "")
        else:
            names[key] = key[1:] or NO_SOURCE
    return names


def _grouped(counts: dict, label=None) -> dict:
    histograms: dict = defaultdict(dict)
    for (_, group, days), (count, flagged) in counts.items():
        key = label(group) if label else group
        old = histograms[key].get(days, (0, 0))
        histograms[key][days] = (old[0] + count, old[1] + flagged)
    return {key: distribution_of(histogram, "on_time") for key, histogram in histograms.items()}


def _from_histograms(filters: ReportFilters) -> tuple[Distribution, dict, dict]:
    """The same figures from the histograms (`cases.reports.histograms`). Five queries."""
    complete, sources, kinds = histogram_counts(
        filters, RECORDS_COMPLETE, RECORDS_BY_SOURCE, RECORDS_BY_KIND
    )
    names = _source_names({group for _, group, _ in sources})
    by_source = _grouped(sources, names.get)
    return _grouped(complete).get("", EMPTY), by_source, _grouped(kinds)


def records(filters: ReportFilters) -> Report:
    """How long records take, and which sources and record types take longest. Three queries
    counted from the rows, or six with the histograms (`cases.reports.histograms`).

    Each record of a request that arrived in the period counts once: the calendar days from
    the day its request was sent to the day it arrived, per source (the directory's contact,
    or the name typed for one not in it) and per kind of record; within the legal clock means
    it arrived on or before its request's answer due date (30 days, 60 with an extension).
    """
    if uses_histograms(filters):
        complete, by_source, by_kind = _from_histograms(filters)
    else:
        complete, by_source, by_kind = _counted(filters)
    source_rows = _slowest_first(
        [
            _wait_row("source", name, figures) | {ROW_KEY: text_key(name)}
            for name, figures in by_source.items()
        ],
        "source",
    )
    kinds = dict(RecordKind.choices)
    kind_rows = _slowest_first(
        [
            _wait_row("kind", kinds.get(kind, kind), figures) | {ROW_KEY: kind}
            for kind, figures in by_kind.items()
        ],
        "kind",
    )
    arrived = sum(figures.count for figures in by_kind.values())
    on_time = sum(figures.flags.get("on_time", 0) for figures in by_kind.values())
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
                "by_source",
                "Sources that take longest",
                [Column("source", "Source"), *WAIT_COLUMNS],
                source_rows,
                note="Records that arrived in the period, per source asked: calendar days from "
                "the day the request was sent to the day the record arrived. Within the legal "
                "clock: arrived by the request's answer due date (30 days after it was sent, "
                "60 with a written extension). Slowest first (90th percentile).",
            ),
            Table(
                "by_kind",
                "Record types that take longest",
                [Column("kind", "Record"), *WAIT_COLUMNS],
                kind_rows,
                note="The same records, per kind of record asked for. Slowest first.",
            ),
        ],
        headlines=[
            Headline("Median business days until records are complete", complete.median, "days"),
            Headline("90th percentile", complete.p90, "days"),
            Headline("Records received within the legal clock", share(on_time, arrived), "percent"),
            Headline(
                "Slowest source (90th percentile)",
                source_rows[0]["source"] if source_rows else None,
                "text",
            ),
            Headline(
                "Slowest record type (90th percentile)",
                kind_rows[0]["kind"] if kind_rows else None,
                "text",
            ),
        ],
        charts=[
            Chart(
                "Days from request sent to record received, by record type",
                "by_kind",
                "kind",
                (("median", "Median"), ("p90", "90th percentile")),
                kind="days",
            )
        ],
    )
