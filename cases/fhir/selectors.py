"""The FHIR API's reads and the Unassigned list: each a fixed number of queries however many
rows it returns."""

import datetime

from django.db.models import Prefetch, Q, QuerySet

from cases.fhir import mapping
from cases.models import (
    Case,
    Centre,
    GliomaType,
    Grade,
    IncomingReferral,
    Reason,
    Step,
    TumourType,
    Urgency,
)

REFERRAL_PREFIX = "referral-"


def cases_for_fhir() -> QuerySet[Case]:
    """Cases with everything their resources show: one query, plus one per prefetched list
    (reasons, steps), whatever the number of cases."""
    return (
        Case.objects.select_related(
            "patient",
            "social_worker",
            "centre",
            "specialist",
            "referral",
            "insurance",
            "appointment__specialist",
        )
        .prefetch_related("reasons", Prefetch("steps", queryset=Step.objects.order_by("position")))
        .order_by("updated_at", "pk")
    )


def case_for_service_request(resource_id: str) -> tuple[Case | None, IncomingReferral | None]:
    """The case a ServiceRequest id names, or the referral still waiting to be assigned.

    A case that came as a referral answers to the referral's id only, so each resource has
    one id."""
    if resource_id.startswith(REFERRAL_PREFIX):
        number = resource_number(resource_id.removeprefix(REFERRAL_PREFIX))
        if number is None:
            return None, None
        referral = IncomingReferral.objects.filter(pk=number).first()
        if referral is None or referral.case_id is None:
            return None, referral
        return cases_for_fhir().filter(pk=referral.case_id).first(), None
    number = resource_number(resource_id)
    if number is None:
        return None, None
    return cases_for_fhir().filter(pk=number, referral__isnull=True).first(), None


def resource_number(text: str) -> int | None:
    """A resource id that names a row: digits, short enough for any database's integer."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def service_requests_search(
    *,
    statuses: list[str],
    updated_after: datetime.datetime | None,
    after: tuple[datetime.datetime, int] | None,
    count: int,
) -> tuple[list[Case], bool]:
    """One page of cases and whether there is another (by fetching one more row). A page
    starts after the last case of the one before (`after`: its change and id), never at a
    row count: a case that changes between two pages moves to the end instead of pushing
    another one back onto the page already read."""
    cases = cases_for_fhir()
    if statuses:
        cases = cases.filter(status__in=[mapping.CASE_STATUS_FOR[s] for s in statuses])
    if updated_after is not None:
        cases = cases.filter(updated_at__gt=updated_after)
    if after is not None:
        changed, pk = after
        cases = cases.filter(Q(updated_at__gt=changed) | Q(updated_at=changed, pk__gt=pk))
    page = list(cases[: count + 1])
    return page[:count], len(page) > count


def unassigned_referrals() -> QuerySet[IncomingReferral]:
    return IncomingReferral.objects.filter(case__isnull=True).select_related("system")


def referral_summaries(referrals) -> list[dict]:
    """What the supervisor reads about each referral before assigning it, in words; one query
    for the centres they name, however many there are."""
    referrals = list(referrals)
    centre_ids = {r.case_data.get("centre") for r in referrals} - {None, ""}
    centre_names = dict(Centre.objects.filter(pk__in=centre_ids).values_list("pk", "name"))
    return [_summary(referral, centre_names) for referral in referrals]


def _summary(referral: IncomingReferral, centre_names: dict) -> dict:
    patient, case = referral.patient_data, referral.case_data
    tumour = TumourType(case["tumour_type"]).label
    if case.get("glioma_type"):
        tumour += f": {GliomaType(case['glioma_type']).label}"
    centre = case.get("centre")
    return {
        "pk": referral.pk,
        "system": referral.system.name,
        "received_at": referral.received_at,
        "full_name": patient["full_name"],
        "date_of_birth": datetime.date.fromisoformat(patient["date_of_birth"]),
        "mrn": patient.get("mrn", ""),
        "diagnosis": f"{tumour}, {Grade(case['grade']).label}",
        "urgency": Urgency(case["urgency"]).label,
        "reasons": [Reason(reason).label for reason in case.get("reasons", [])],
        "centre": centre_names.get(int(centre), "") if centre else case.get("centre_other", ""),
    }
