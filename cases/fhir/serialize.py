"""A case as FHIR R4 resources: plain dicts, ready for JSON (the tests validate each against
fhir.resources' R4B models). What a person typed as free text (diagnosis notes, the other
reason, why a step is blocked or not needed, addresses, what to bring) stays in Navigator
unless FHIR_SHARE_FREE_TEXT is on; the notes, screening and barriers never leave.

Each function takes a case loaded by `cases.fhir.selectors` (patient, owner, centre,
specialist, referral, reasons, steps, insurance, appointment with it), so serializing a page
of cases costs no query per case.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from cases.fhir import mapping
from cases.models import Case, GliomaType, Grade, IncomingReferral, Step, TumourType
from cases.models.staff import display_name

# Navigator records when an appointment starts, not how long it is: a booked Appointment
# needs an end (FHIR's app-3), so it is given this long.
APPOINTMENT_LENGTH = datetime.timedelta(hours=1)
REASON_NOT_SHARED = "Reason recorded in Navigator"


def base_url() -> str:
    return f"{settings.NAVIGATOR_BASE_URL.rstrip('/')}/fhir/r4"


def instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def service_request_id(case: Case) -> str:
    """A case that came in as a referral keeps the referral's id; any other, its number."""
    referral = getattr(case, "referral", None)
    return referral.fhir_id if referral is not None else str(case.pk)


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def _reference(resource_type: str, resource_id: str) -> dict:
    return {"reference": f"{resource_type}/{resource_id}"}


def patient_resource(case: Case) -> dict:
    patient = case.patient
    identifiers = [{"system": mapping.patient_identifier_system(), "value": str(patient.pk)}]
    if patient.mrn:
        identifiers.append(
            {
                "type": {
                    "coding": [_coding(mapping.IDENTIFIER_TYPE, "MR", "Medical record number")]
                },
                "system": mapping.mrn_identifier_system(),
                "value": patient.mrn,
            }
        )
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone, "use": "mobile"})
        if patient.preferred_contact == "sms":
            telecom.append({"system": "sms", "value": patient.phone, "rank": 1})
        elif patient.preferred_contact == "phone":
            telecom[0]["rank"] = 1
    if patient.email:
        telecom.append(
            {"system": "email", "value": patient.email}
            | ({"rank": 1} if patient.preferred_contact == "email" else {})
        )
    resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": identifiers,
        "name": [{"text": patient.full_name}],
        "birthDate": patient.date_of_birth.isoformat(),
        "communication": [
            {
                "language": {
                    "coding": [
                        _coding(
                            mapping.LANGUAGE,
                            patient.preferred_language,
                            patient.get_preferred_language_display(),
                        )
                    ]
                },
                "preferred": True,
            }
        ],
    }
    if telecom:
        resource["telecom"] = telecom
    return resource


def condition_id(case: Case) -> str:
    return f"{case.pk}-diagnosis"


def condition_resource(case: Case) -> dict:
    """The diagnosis: ICD-10-CM where the tumour type has a code, Navigator's tumour type and
    (for a glioma) its WHO CNS5 type as codes, and the whole diagnosis as text; the grade as
    the stage."""
    codings = []
    if case.tumour_type in mapping.ICD_10_CM_FOR_TUMOUR:
        code, display = mapping.ICD_10_CM_FOR_TUMOUR[case.tumour_type]
        codings.append(_coding(mapping.ICD_10_CM, code, display))
    codings.append(
        _coding(mapping.tumour_type_system(), case.tumour_type, case.get_tumour_type_display())
    )
    if case.tumour_type == TumourType.GLIOMA and case.glioma_type:
        codings.append(
            _coding(
                mapping.glioma_type_system(),
                case.glioma_type,
                GliomaType(case.glioma_type).label,
            )
        )
    resource = {
        "resourceType": "Condition",
        "id": condition_id(case),
        "clinicalStatus": {"coding": [_coding(mapping.CONDITION_CLINICAL, "active", "Active")]},
        "code": {"coding": codings, "text": case.diagnosis},
        "subject": _reference("Patient", str(case.patient_id)),
        "stage": [
            {
                "summary": {
                    "coding": [
                        _coding(mapping.grade_system(), case.grade, Grade(case.grade).label)
                    ],
                    "text": Grade(case.grade).label,
                }
            }
        ],
    }
    if settings.FHIR_SHARE_FREE_TEXT and case.diagnosis_notes:
        resource["note"] = [{"text": case.diagnosis_notes}]
    return resource


def _performers(case: Case) -> list[dict]:
    performers = []
    if case.centre_name:
        performers.append({"type": "Organization", "display": case.centre_name})
    if case.specialist_name:
        performers.append({"type": "Practitioner", "display": case.specialist_name})
    return performers


def service_request_resource(case: Case) -> dict:
    """The second opinion the patient asked for."""
    reasons = []
    for reason in case.reasons.all():
        concept = {
            "coding": [_coding(mapping.reason_system(), reason.reason, reason.get_reason_display())]
        }
        if reason.reason == "other" and settings.FHIR_SHARE_FREE_TEXT and case.reasons_other:
            concept["text"] = case.reasons_other
        reasons.append(concept)
    resource = {
        "resourceType": "ServiceRequest",
        "id": service_request_id(case),
        "meta": {"lastUpdated": instant(case.updated_at)},
        "identifier": [{"system": mapping.case_identifier_system(), "value": str(case.pk)}],
        "status": mapping.SERVICE_REQUEST_STATUS[case.status],
        "intent": "order",
        "priority": mapping.PRIORITY[case.urgency],
        "code": {"text": "Second opinion"},
        "subject": _reference("Patient", str(case.patient_id)),
        "authoredOn": instant(case.opened_at),
        "requester": {"type": "Practitioner", "display": display_name(case.social_worker)},
        "reasonReference": [_reference("Condition", condition_id(case))],
    }
    referral = getattr(case, "referral", None)
    if referral is not None:
        resource["identifier"].append(
            {"system": referral.identifier_system, "value": referral.identifier_value}
        )
    if reasons:
        resource["reasonCode"] = reasons
    if performers := _performers(case):
        resource["performer"] = performers
    if _has_coverage(case):
        resource["insurance"] = [_reference("Coverage", str(case.pk))]
    return resource


def draft_service_request_resource(referral: IncomingReferral) -> dict:
    """A referral still waiting for a supervisor: what was received, as a draft."""
    return {
        "resourceType": "ServiceRequest",
        "id": referral.fhir_id,
        "meta": {"lastUpdated": instant(referral.received_at)},
        "identifier": [{"system": referral.identifier_system, "value": referral.identifier_value}],
        "status": "draft",
        "intent": "order",
        "code": {"text": "Second opinion"},
        "subject": {"display": "The patient named in the referral (not yet assigned)"},
        "authoredOn": instant(referral.received_at),
    }


def task_id(step: Step) -> str:
    return f"step-{step.pk}"


def task_last_modified(case: Case, step: Step) -> datetime.datetime:
    moments = [m for m in (step.started_at, step.finished_at, step.blocked_at) if m is not None]
    return max(moments, default=case.opened_at)


def task_resource(case: Case, step: Step) -> dict:
    """One stage's step, focused on the case's ServiceRequest."""
    resource = {
        "resourceType": "Task",
        "id": task_id(step),
        "identifier": [{"system": mapping.step_identifier_system(), "value": str(step.pk)}],
        "status": mapping.TASK_STATUS[step.status],
        "intent": "order",
        "code": {
            "coding": [_coding(mapping.stage_system(), step.stage, step.get_stage_display())],
            "text": step.get_stage_display(),
        },
        "focus": _reference("ServiceRequest", service_request_id(case)),
        "for": _reference("Patient", str(case.patient_id)),
        "authoredOn": instant(case.opened_at),
        "lastModified": instant(task_last_modified(case, step)),
    }
    if step.status in mapping.TASK_STATUS_WITH_REASON:
        shared = settings.FHIR_SHARE_FREE_TEXT and step.status_reason
        resource["statusReason"] = {"text": step.status_reason if shared else REASON_NOT_SHARED}
    if step.started_at is not None:
        period = {"start": instant(step.started_at)}
        if step.finished_at is not None:
            period["end"] = instant(step.finished_at)
        resource["executionPeriod"] = period
    if step.due_date is not None:
        resource["restriction"] = {"period": {"end": step.due_date.isoformat()}}
    return resource


def _has_coverage(case: Case) -> bool:
    insurance = getattr(case, "insurance", None)
    return insurance is not None and bool(insurance.payer)


def coverage_resource(case: Case) -> dict | None:
    """The insurance, once its payer is known (a Coverage must name one)."""
    if not _has_coverage(case):
        return None
    insurance = case.insurance
    resource = {
        "resourceType": "Coverage",
        "id": str(case.pk),
        "status": "active",
        "beneficiary": _reference("Patient", str(case.patient_id)),
        "payor": [{"display": insurance.payer}],
    }
    if insurance.member_id:
        resource["subscriberId"] = insurance.member_id
    if insurance.plan:
        resource["class"] = [
            {
                "type": {"coding": [_coding(mapping.COVERAGE_CLASS, "plan", "Plan")]},
                "value": insurance.plan,
            }
        ]
    return resource


def appointment_resource(case: Case) -> dict | None:
    """The second-opinion visit, once it is booked."""
    appointment = getattr(case, "appointment", None)
    if appointment is None or appointment.scheduled_at is None:
        return None
    participants = [
        {"actor": _reference("Patient", str(case.patient_id)), "status": "accepted"},
    ]
    specialist = appointment.specialist.name if appointment.specialist_id else case.specialist_name
    if specialist:
        participants.append(
            {"actor": {"type": "Practitioner", "display": specialist}, "status": "accepted"}
        )
    return {
        "resourceType": "Appointment",
        "id": str(case.pk),
        "status": "booked",
        "description": f"Second opinion ({appointment.get_mode_display().lower()})",
        "start": instant(appointment.scheduled_at),
        "end": instant(appointment.scheduled_at + APPOINTMENT_LENGTH),
        "basedOn": [_reference("ServiceRequest", service_request_id(case))],
        "participant": participants,
    }


def case_resources(case: Case) -> list[dict]:
    """Every resource of the case's bundle, the ServiceRequest second."""
    resources = [
        patient_resource(case),
        service_request_resource(case),
        condition_resource(case),
        *(task_resource(case, step) for step in case.steps.all()),
        coverage_resource(case),
        appointment_resource(case),
    ]
    return [resource for resource in resources if resource is not None]


def bundle(resources: list[dict], *, bundle_type: str, links: list[dict] | None = None) -> dict:
    result = {
        "resourceType": "Bundle",
        "type": bundle_type,
        "timestamp": instant(timezone.now()),
        "entry": [
            {
                "fullUrl": f"{base_url()}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
            }
            | ({"search": {"mode": "match"}} if bundle_type == "searchset" else {})
            for resource in resources
        ],
    }
    if links:
        result["link"] = links
    return result
