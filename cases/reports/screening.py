"""The screening and barriers report: distress screening (Commission on Cancer standard 5.2)
and barriers to care (standard 8.1), as the cancer committee asks for them every year.

The threshold, the rescreening interval and the "screened within" days are the settings
`SCREENING_THRESHOLD`, `RESCREENING_DAYS` and `SCREENING_WITHIN_DAYS`, read when the report is
built. Definitions: `cases.reports.registry`."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from cases.models import Barrier, BarrierIntervention, BarrierKind, Case, DistressScreening
from cases.models.screening import MAX_SCORE
from cases.models.staff import name_from_parts
from cases.reports.parts import (
    ROW_KEY,
    Chart,
    Column,
    Headline,
    Report,
    ReportFilters,
    Table,
    share,
)
from cases.reports.sql import EMPTY, TOTAL, distributions, local_day

# Each kind of barrier as a number from 1, so the days to resolution are grouped by kind with
# the total of all kinds (key 0) beside them: PostgreSQL will not mix text keys with it.
KIND_NUMBERS = {kind: number for number, kind in enumerate(BarrierKind.values, start=1)}
KIND_NUMBER = models.Case(
    *(models.When(kind=kind, then=Value(number)) for kind, number in KIND_NUMBERS.items()),
    output_field=models.IntegerField(),
)


# The row key of the interventions typed as text rather than chosen from the list.
TYPED = "typed"


@dataclass(frozen=True)
class Settings:
    threshold: int
    rescreening_days: int
    within_days: int

    @classmethod
    def now(cls) -> "Settings":
        return cls(
            settings.SCREENING_THRESHOLD, settings.RESCREENING_DAYS, settings.SCREENING_WITHIN_DAYS
        )


def _screenings(filters: ReportFilters):
    return DistressScreening.objects.filter(
        screened_on__gte=filters.start, screened_on__lte=filters.end
    ).filter(filters.cases_q("case__"))


def with_previous_day(screenings):
    """The screenings with `previous_day`: the day of the case's screening before (none for a
    first screening, which is no rescreen)."""
    previous = Subquery(
        DistressScreening.objects.filter(
            case=OuterRef("case"), screened_on__lt=OuterRef("screened_on")
        )
        .order_by("-screened_on")
        .values("screened_on")[:1]
    )
    return screenings.annotate(previous_day=previous)


def new_cases(filters: ReportFilters) -> QuerySet:
    """The new cases: opened in the period and not withdrawn, with the filters. The report
    counts them and the drill-down (`cases.reports.drill`) lists them."""
    return (
        Case.objects.filter(filters.in_period("opened_at"))
        .exclude(status=Case.Status.WITHDRAWN)
        .filter(filters.cases_q())
    )


def first_screenings(cases: QuerySet) -> QuerySet:
    """One row per case, grouped by the case's id alone, with `first_screening`: the day of the
    case's first screening, whenever it was (none for a case never screened). The report
    measures the days to it from the day the case was opened; the drill-down lists these rows."""
    return cases.values("pk").annotate(first_screening=Min("screenings__screened_on"))


def screened_within(cases: QuerySet, days: int) -> QuerySet:
    """Of the cases, those screened on time: screened on or before the day `days` calendar days
    after the day the case was opened in the team's time zone (so its first screening was). The
    report counts the same cases in the query that gives the median, `distributions(...,
    counting="day_number", within={"on_time": days})`: the calendar's day numbers go up by one
    a day, so both count the same days (`tests/reports/test_drill.py` holds them together)."""
    on_time = DistressScreening.objects.filter(
        case=OuterRef("pk"),
        screened_on__lte=OuterRef("opened_day") + datetime.timedelta(days=days),
    )
    return cases.alias(opened_day=local_day("opened_at")).filter(Exists(on_time))


def _new_cases(filters: ReportFilters, rules: Settings) -> tuple[int, object]:
    """New cases (opened in the period, not withdrawn), and the days from opening to the first
    screening of those screened. Two queries."""
    cases = new_cases(filters)
    # A case never screened has no last day and `distributions` leaves it out.
    screened = distributions(
        first_screenings(cases).values(
            first_day=local_day("opened_at"), last_day=F("first_screening"), group_key=Value(1)
        ),
        counting="day_number",
        within={"on_time": rules.within_days},
    ).get(1, EMPTY)
    return cases.count(), screened


def barrier_conditions(filters: ReportFilters) -> dict[str, Q]:
    """Each barrier figure as a condition on the barriers of `barriers_counted`: the counts
    and the drill-down's lists (`cases.reports.drill`) both read them."""
    identified = Q(identified_on__gte=filters.start)
    by_period_end = Q(closed_on__lte=filters.end)
    return {
        "identified": identified,
        "resolved": identified & by_period_end & Q(status=Barrier.Status.RESOLVED),
        "unresolved": identified & by_period_end & Q(status=Barrier.Status.UNRESOLVED),
        "open_at_end": Q(closed_on__isnull=True) | Q(closed_on__gt=filters.end),
    }


def barriers_counted(filters: ReportFilters):
    """The barriers any barrier figure counts: identified in the period, or open at its end."""
    conditions = barrier_conditions(filters)
    return (
        Barrier.objects.filter(identified_on__lte=filters.end)
        .filter(conditions["identified"] | conditions["open_at_end"])
        .filter(filters.cases_q("case__"))
    )


def _by_worker_rows(by_worker: dict[int, dict]) -> list[dict]:
    """The per-worker figures with each worker's name (one query for the names)."""
    names = {
        user["pk"]: name_from_parts(user["first_name"], user["last_name"], user["username"])
        for user in get_user_model()
        .objects.filter(pk__in=list(by_worker))
        .values("pk", "first_name", "last_name", "username")
    }
    return sorted(
        (
            {ROW_KEY: worker_id, "worker": names.get(worker_id, ""), **row}
            for worker_id, row in by_worker.items()
        ),
        key=lambda row: row["worker"],
    )


def screening_barriers(filters: ReportFilters) -> Report:
    """Distress screening and barriers to care. Nine queries.

    Screening: new cases screened within the setting's days of opening; the score distribution
    and, at or above the threshold, the plans made and the days from screening to referral;
    rescreens and whether each came within the interval of the screening before. Barriers:
    identified in the period by kind, the share resolved by the period's end, days from
    identification to resolution, the interventions used, and those still open at the end.
    """
    rules = Settings.now()
    new_total, first = _new_cases(filters, rules)
    screenings = _screenings(filters)
    # Per social worker, score and plan: the score distribution, the plans and the worker
    # table all come from these rows.
    counts = list(
        screenings.values_list("case__social_worker", "score", "plan", "referral_kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    referral_days = distributions(
        screenings.filter(plan=DistressScreening.Plan.REFERRAL).values(
            first_day=F("screened_on"), last_day=F("planned_on"), group_key=Value(1)
        ),
        counting="day_number",
    ).get(1, EMPTY)
    # A first screening has no previous day; `distributions` leaves it out.
    rescreens = distributions(
        with_previous_day(screenings).values(
            first_day=F("previous_day"), last_day=F("screened_on"), group_key=Value(1)
        ),
        counting="day_number",
        within={"on_time": rules.rescreening_days},
    ).get(1, EMPTY)
    barrier_figures = {
        name: Count("id", filter=condition)
        for name, condition in barrier_conditions(filters).items()
    }
    by_kind_and_worker = list(
        barriers_counted(filters)
        .values("kind", "case__social_worker")
        .annotate(**barrier_figures)
        .order_by()
    )
    resolution = distributions(
        Barrier.objects.filter(
            status=Barrier.Status.RESOLVED,
            closed_on__gte=filters.start,
            closed_on__lte=filters.end,
        )
        .filter(filters.cases_q("case__"))
        .values(group_key=KIND_NUMBER, first_day=F("identified_on"), last_day=F("closed_on")),
        counting="day_number",
        with_total=True,
    )
    interventions = list(
        BarrierIntervention.objects.filter(done_on__gte=filters.start, done_on__lte=filters.end)
        .filter(filters.cases_q("barrier__case__"))
        .values(
            "resource_id",
            used=Coalesce("resource__name", Value("(typed: no resource from the list)")),
        )
        .annotate(times=Count("id"), barriers=Count("barrier", distinct=True))
        .order_by("-times", "used")
    )
    for row in interventions:
        row[ROW_KEY] = row["resource_id"] or TYPED
    # --- the figures, from the rows above (no more queries) --------------------------------
    blank = {
        "screened": 0,
        "at_threshold": 0,
        "planned": 0,
        "identified": 0,
        "resolved": 0,
        "open_at_end": 0,
    }
    by_worker: dict[int, dict] = {}
    by_kind: dict[str, dict] = {}
    for row in by_kind_and_worker:
        kind_row = by_kind.setdefault(row["kind"], dict.fromkeys(barrier_figures, 0))
        worker_row = by_worker.setdefault(row["case__social_worker"], dict(blank))
        for figure in barrier_figures:
            kind_row[figure] += row[figure]
            if figure in worker_row:
                worker_row[figure] += row[figure]
    screened_total = sum(n for *_, n in counts)
    by_score = {score: 0 for score in range(MAX_SCORE + 1)}
    high = referred = declined = 0
    referral_kinds = {kind: 0 for kind in DistressScreening.Referral.values}
    for worker_id, score, plan, referral_kind, n in counts:
        worker_row = by_worker.setdefault(worker_id, dict(blank))
        worker_row["screened"] += n
        if score >= rules.threshold:
            worker_row["at_threshold"] += n
            worker_row["planned"] += n if plan else 0
        by_score[score] = by_score.get(score, 0) + n
        if score >= rules.threshold:
            high += n
            referred += n if plan == DistressScreening.Plan.REFERRAL else 0
            declined += n if plan == DistressScreening.Plan.NONE else 0
        if plan == DistressScreening.Plan.REFERRAL:
            referral_kinds[referral_kind] = referral_kinds.get(referral_kind, 0) + n
    score_rows = [
        {ROW_KEY: score, "score": str(score), "count": n, "share": share(n, screened_total)}
        for score, n in by_score.items()
    ]
    referral_labels = dict(DistressScreening.Referral.choices)
    kind_rows = []
    for kind, label in BarrierKind.choices:
        row = by_kind.get(kind, {})
        days = resolution.get(KIND_NUMBERS[kind], EMPTY)
        kind_rows.append(
            {
                ROW_KEY: kind,
                "kind": label,
                "identified": row.get("identified", 0),
                "resolved": row.get("resolved", 0),
                "share_resolved": share(row.get("resolved", 0), row.get("identified", 0)),
                "unresolved": row.get("unresolved", 0),
                "median": days.median,
                "p90": days.p90,
                "open_at_end": row.get("open_at_end", 0),
            }
        )
    all_resolution = resolution.get(TOTAL, EMPTY)
    identified_total = sum(row["identified"] for row in kind_rows)
    resolved_total = sum(row["resolved"] for row in kind_rows)
    open_total = sum(row["open_at_end"] for row in kind_rows)
    within = rules.within_days
    return Report(
        slug="screening",
        title="Screening and barriers",
        tables=[
            Table(
                "new_cases",
                f"New cases screened within {within} days of opening",
                [
                    Column("new", "New cases", "count"),
                    Column("screened", "Screened", "count"),
                    Column("on_time", f"Within {within} days", "count"),
                    Column("share", f"Share within {within} days", "percent"),
                    Column("median", "Median days to first screening", "days"),
                ],
                [
                    {
                        "new": new_total,
                        "screened": first.count,
                        "on_time": first.flags.get("on_time", 0),
                        "share": share(first.flags.get("on_time", 0), new_total),
                        "median": first.median,
                    }
                ],
                note="Cases opened in the period and not withdrawn; screened on time: their "
                f"first screening is at most {within} calendar days after the day the case was "
                "opened (setting SCREENING_WITHIN_DAYS).",
            ),
            Table(
                "scores",
                "Distress scores",
                [
                    Column("score", "Score"),
                    Column("count", "Screenings", "count"),
                    Column("share", "Share", "percent"),
                ],
                score_rows,
                note="Every screening done in the period (first screenings and rescreens).",
            ),
            Table(
                "plans",
                f"Scores of {rules.threshold} or more: plans and referrals",
                [
                    Column("high", f"Screenings at {rules.threshold} or more", "count"),
                    Column("referred", "Referral made", "count"),
                    Column("share", "Share with a referral", "percent"),
                    Column("declined", "No referral, with a reason", "count"),
                    Column("no_plan", "No plan yet", "count"),
                    Column("median", "Median days screening to referral", "days"),
                    Column("p90", "90th percentile", "days"),
                ],
                [
                    {
                        "high": high,
                        "referred": referred,
                        "share": share(referred, high),
                        "declined": declined,
                        "no_plan": high - referred - declined,
                        "median": referral_days.median,
                        "p90": referral_days.p90,
                    }
                ],
                note=f"Threshold: setting SCREENING_THRESHOLD ({rules.threshold}). Days from "
                "screening to referral: calendar days from the screening to the day the "
                "referral was recorded, for every referral of a screening done in the period.",
            ),
            Table(
                "referrals",
                "Referrals by kind",
                [Column("kind", "Referred to"), Column("count", "Referrals", "count")],
                [
                    {ROW_KEY: kind, "kind": referral_labels[kind], "count": n}
                    for kind, n in referral_kinds.items()
                ],
                note="Referrals made for screenings done in the period, whatever the score.",
            ),
            Table(
                "rescreens",
                f"Rescreens within {rules.rescreening_days} days",
                [
                    Column("count", "Rescreens", "count"),
                    Column("on_time", "On time", "count"),
                    Column("share", "Share on time", "percent"),
                    Column("median", "Median days since the screening before", "days"),
                ],
                [
                    {
                        "count": rescreens.count,
                        "on_time": rescreens.flags.get("on_time", 0),
                        "share": rescreens.share("on_time"),
                        "median": rescreens.median,
                    }
                ],
                note="A rescreen is a screening in the period after an earlier one of the same "
                f"case; on time: at most {rules.rescreening_days} calendar days after the one "
                "before (setting RESCREENING_DAYS).",
            ),
            Table(
                "barriers",
                "Barriers to care by kind",
                [
                    Column("kind", "Barrier"),
                    Column("identified", "Identified", "count"),
                    Column("resolved", "Resolved", "count"),
                    Column("share_resolved", "Share resolved", "percent"),
                    Column("unresolved", "Closed unresolved", "count"),
                    Column("median", "Median days to resolution", "days"),
                    Column("p90", "90th percentile", "days"),
                    Column("open_at_end", "Open at period end", "count"),
                ],
                kind_rows,
                note="Identified: on a day in the period; resolved and closed unresolved: of "
                "those, by the period's end. Days to resolution: calendar days from identified "
                "to resolved, for barriers resolved in the period. Open at period end: "
                "identified by then and not resolved or closed by then, whenever identified.",
            ),
            Table(
                "interventions",
                "Interventions used",
                [
                    Column("used", "Resource"),
                    Column("times", "Times used", "count"),
                    Column("barriers", "Barriers", "count"),
                ],
                interventions,
                note="What was done about barriers on a day in the period: a resource from the "
                "list, or typed text (counted together).",
            ),
            Table(
                "by_worker",
                "By social worker",
                [
                    Column("worker", "Social worker"),
                    Column("screened", "Screenings", "count"),
                    Column("at_threshold", f"At {rules.threshold} or more", "count"),
                    Column("planned", "With a plan", "count"),
                    Column("identified", "Barriers identified", "count"),
                    Column("resolved", "Resolved", "count"),
                    Column("open_at_end", "Open at period end", "count"),
                ],
                _by_worker_rows(by_worker),
                note="The case's social worker now, as in the other reports.",
            ),
        ],
        headlines=[
            Headline(
                f"New cases screened within {within} days",
                share(first.flags.get("on_time", 0), new_total),
                "percent",
            ),
            Headline("Screenings", screened_total),
            Headline(
                f"Scores of {rules.threshold} or more with a referral",
                share(referred, high),
                "percent",
            ),
            Headline("Rescreens on time", rescreens.share("on_time"), "percent"),
            Headline("Barriers identified", identified_total),
            Headline("Barriers resolved", share(resolved_total, identified_total), "percent"),
            Headline("Median days to resolve a barrier", all_resolution.median, "days"),
            Headline("Barriers open at period end", open_total),
        ],
        charts=[
            Chart("Screenings by distress score", "scores", "score", (("count", "Screenings"),)),
            Chart(
                "Barriers by kind",
                "barriers",
                "kind",
                (("identified", "Identified"), ("open_at_end", "Open at period end")),
            ),
        ],
    )
