"""The FHIR API's writes: a referral received, and a referral assigned (which opens its case
through the intake service, `cases.workflow.services.case_open`)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.audit import audit_record
from cases.fhir.forms import ReferralCaseForm
from cases.fhir.parse import Referral
from cases.models import ApiSystem, AuditEvent, Case, CaseEvent, IncomingReferral
from cases.workflow import services as workflow_services
from cases.workflow.forms import PatientForm


class ReferralAlreadyAssigned(Exception):
    """Someone assigned this referral first."""

    def __init__(self):
        super().__init__("This referral was assigned already.")


class ReferralNoLongerValid(Exception):
    """The intake forms refuse what the referral holds now (a centre taken out of the
    directory since it arrived)."""

    def __init__(self, errors: list[str]):
        super().__init__("The referral no longer passes the intake checks.")
        self.errors = errors


def referral_receive(
    *, system: ApiSystem, referral: Referral, now: datetime.datetime | None = None
) -> tuple[IncomingReferral, bool]:
    """Keep the referral for the Unassigned list; the same identifier from the same system
    again is the referral already kept (`created` False), even from two requests at once."""
    now = now or timezone.now()
    key = {
        "system": system,
        "identifier_system": referral.identifier_system,
        "identifier_value": referral.identifier_value,
    }
    existing = IncomingReferral.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            incoming = IncomingReferral.objects.create(
                **key,
                received_at=now,
                patient_data=referral.patient_data,
                case_data=referral.case_data,
            )
            audit_record(
                action=AuditEvent.Action.CREATE, actor_label=system.audit_label, obj=incoming
            )
    except IntegrityError:
        return IncomingReferral.objects.get(**key), False
    return incoming, True


def _intake_forms(incoming: IncomingReferral) -> tuple[PatientForm, ReferralCaseForm]:
    return PatientForm(data=incoming.patient_data), ReferralCaseForm(data=incoming.case_data)


@transaction.atomic
def referral_assign(
    *,
    referral: IncomingReferral,
    social_worker,
    by,
    now: datetime.datetime | None = None,
) -> Case:
    """Open the referral's case for `social_worker`, as intake does; the timeline says where
    it came from. The referral row is locked, so two supervisors assigning at once open one
    case: the second is told it was assigned already."""
    now = now or timezone.now()
    referral = (
        IncomingReferral.objects.select_for_update().select_related("system").get(pk=referral.pk)
    )
    if referral.case_id is not None:
        raise ReferralAlreadyAssigned
    patient_form, case_form = _intake_forms(referral)
    if not (patient_form.is_valid() and case_form.is_valid()):
        raise ReferralNoLongerValid(
            [
                f"{form.fields[name].label or name} (as the referral gave it): {message}"
                if name in form.fields
                else message
                for form in (patient_form, case_form)
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    case = workflow_services.case_open(
        opened_by=by,
        social_worker=social_worker,
        patient_fields=patient_form.cleaned_data,
        case_fields=case_form.case_fields(),
        reasons=case_form.cleaned_data["reasons"],
        now=now,
    )
    referral.case = case
    referral.assigned_at = now
    referral.assigned_by = by
    referral.save(update_fields=["case", "assigned_at", "assigned_by"])
    CaseEvent.objects.create(
        case=case,
        actor=by,
        kind=CaseEvent.Kind.OPENED,
        summary=f"Referral from {referral.system.name}, received "
        f"{timezone.localtime(referral.received_at):%b %-d, %Y}, assigned.",
        created_at=now,
    )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        actor=by,
        obj=referral,
        case=case,
        changes={"case": [None, str(case.pk)], "social_worker": [None, str(social_worker.pk)]},
    )
    return case
