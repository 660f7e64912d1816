"""Navigator's values and their FHIR codes, in one place, both ways (README, *The mapping*)."""

from django.conf import settings

from cases.models import Case, Step, TumourType, Urgency

ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
LANGUAGE = "urn:ietf:bcp:47"


def system_uri(path: str) -> str:
    """An identifier or code system of Navigator's, under FHIR_SYSTEM_URI."""
    return f"{settings.FHIR_SYSTEM_URI}/{path}"


def case_identifier_system() -> str:
    return system_uri("identifier/case")


def patient_identifier_system() -> str:
    return system_uri("identifier/patient")


def mrn_identifier_system() -> str:
    return system_uri("identifier/mrn")


def step_identifier_system() -> str:
    return system_uri("identifier/step")


def reason_system() -> str:
    return system_uri("CodeSystem/second-opinion-reason")


def stage_system() -> str:
    return system_uri("CodeSystem/stage")


def tumour_type_system() -> str:
    return system_uri("CodeSystem/tumour-type")


def glioma_type_system() -> str:
    return system_uri("CodeSystem/who-cns-glioma-type")


def grade_system() -> str:
    return system_uri("CodeSystem/who-cns-grade")


# The case's status as the ServiceRequest's.
SERVICE_REQUEST_STATUS = {
    Case.Status.OPEN: "active",
    Case.Status.ON_HOLD: "on-hold",
    Case.Status.COMPLETED: "completed",
    Case.Status.WITHDRAWN: "revoked",
}
CASE_STATUS_FOR = {fhir: navigator for navigator, fhir in SERVICE_REQUEST_STATUS.items()}

# A step's status as its Task's (issue #16).
TASK_STATUS = {
    Step.Status.PENDING: "requested",
    Step.Status.IN_PROGRESS: "in-progress",
    Step.Status.BLOCKED: "on-hold",
    Step.Status.DONE: "completed",
    Step.Status.NOT_NEEDED: "cancelled",
}
# The statuses whose Task carries a statusReason (the step's reason).
TASK_STATUS_WITH_REASON = {Step.Status.BLOCKED, Step.Status.NOT_NEEDED}

PRIORITY = {Urgency.ROUTINE: "routine", Urgency.URGENT: "urgent"}
# A referral's priority as Navigator's urgency: anything faster than routine is urgent.
URGENCY_FOR_PRIORITY = {
    "routine": Urgency.ROUTINE,
    "urgent": Urgency.URGENT,
    "asap": Urgency.URGENT,
    "stat": Urgency.URGENT,
}

# ICD-10-CM for the tumour types that have one code whatever the site: a primary malignant
# brain tumour (glioma, ependymoma, medulloblastoma) is C71.9 ("malignant neoplasm of brain,
# unspecified": Navigator does not record the lobe), a spinal cord tumour C72.0, a brain
# metastasis C79.31, a meningioma D32.9. CNS lymphoma and "other" go as text alone.
ICD_10_CM_FOR_TUMOUR = {
    TumourType.GLIOMA: ("C71.9", "Malignant neoplasm of brain, unspecified"),
    TumourType.EPENDYMOMA: ("C71.9", "Malignant neoplasm of brain, unspecified"),
    TumourType.MEDULLOBLASTOMA: ("C71.9", "Malignant neoplasm of brain, unspecified"),
    TumourType.SPINAL_CORD: ("C72.0", "Malignant neoplasm of spinal cord"),
    TumourType.BRAIN_METASTASIS: ("C79.31", "Secondary malignant neoplasm of brain"),
    TumourType.MENINGIOMA: ("D32.9", "Benign neoplasm of meninges, unspecified"),
}
# A referral's ICD-10-CM code (without Navigator's own tumour-type code) as a tumour type: by
# its category, as the code says no more. C71 could be any primary brain tumour: "other".
TUMOUR_FOR_ICD_CATEGORY = {
    "C72": TumourType.SPINAL_CORD,
    "C79": TumourType.BRAIN_METASTASIS,
    "D32": TumourType.MENINGIOMA,
    "C70": TumourType.MENINGIOMA,
}
