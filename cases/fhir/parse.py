"""A referral bundle read into the intake forms' data, or every problem with it.

1. The document must be a Bundle holding one ServiceRequest (or a ServiceRequest with its
   Patient and Condition contained), every resource of a type listed in RESOURCE_TYPES.
2. fhir.resources' R4B models check it against FHIR (types, cardinality, formats); each
   error is named by its element, never by the value sent.
3. The ServiceRequest's references (subject, reasonReference, insurance, performer) must
   each name a resource in the document.
4. The patient, the diagnosis, the reasons, the urgency and the centre become what the intake
   page would post, and the intake forms check it (`PatientForm`, `ReferralCaseForm`): a
   referral is held to the same rules as a person typing.
All problems are collected and returned together; nothing is written here.
"""

from dataclasses import dataclass

from cases.fhir import mapping
from cases.fhir.forms import ReferralCaseForm
from cases.fhir.outcomes import Problem
from cases.models import Centre, GliomaType, Grade, Reason, Specialist, TumourType
from cases.workflow.forms import PatientForm

# What a referral may carry; anything else is refused by name.
RESOURCE_TYPES = frozenset(
    {
        "Patient",
        "ServiceRequest",
        "Condition",
        "Coverage",
        "Task",
        "Appointment",
        "Organization",
        "Practitioner",
        "PractitionerRole",
    }
)
MAX_ENTRIES = 100
# Which element of the referral each intake field comes from, for the problems' expressions.
FIELD_ELEMENTS = {
    "full_name": "Patient.name",
    "date_of_birth": "Patient.birthDate",
    "mrn": "Patient.identifier",
    "preferred_language": "Patient.communication",
    "phone": "Patient.telecom",
    "email": "Patient.telecom",
    "preferred_contact": "Patient.telecom",
    "tumour_type": "Condition.code",
    "glioma_type": "Condition.code",
    "grade": "Condition.stage",
    "diagnosis_notes": "Condition.note",
    "reasons": "ServiceRequest.reasonCode",
    "reasons_other": "ServiceRequest.reasonCode",
    "urgency": "ServiceRequest.priority",
    "centre": "ServiceRequest.performer",
    "specialist": "ServiceRequest.performer",
    "centre_other": "ServiceRequest.performer",
    "specialist_other": "ServiceRequest.performer",
}
TELECOM_METHODS = {"phone": "phone", "sms": "sms", "email": "email"}


class ReferralInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the referral")
        self.problems = problems


@dataclass(frozen=True)
class Referral:
    identifier_system: str
    identifier_value: str
    patient_data: dict
    case_data: dict


def referral_parse(document) -> Referral:
    if not isinstance(document, dict) or document.get("resourceType") not in (
        "Bundle",
        "ServiceRequest",
    ):
        raise ReferralInvalid(
            [
                Problem(
                    "Send a Bundle holding the ServiceRequest, or a ServiceRequest with its "
                    "Patient and Condition contained.",
                    "resourceType",
                    "structure",
                )
            ]
        )
    _check_types(document)
    _validate(document)
    return _read(document)


# --- 1 and 2: the shape ----------------------------------------------------------------------


def _entries(document: dict) -> list:
    if document["resourceType"] == "ServiceRequest":
        return [{"resource": document}]
    entries = document.get("entry", [])
    return entries if isinstance(entries, list) else []


def _check_types(document: dict) -> None:
    entries = _entries(document)
    if len(entries) > MAX_ENTRIES:
        raise ReferralInvalid(
            [
                Problem(
                    f"A referral holds at most {MAX_ENTRIES} entries.", "Bundle.entry", "too-costly"
                )
            ]
        )
    problems = []
    prefix = "Bundle" if document["resourceType"] == "Bundle" else ""
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        path = f"{prefix}.entry[{index}].resource" if prefix else "ServiceRequest"
        if not isinstance(resource, dict):
            continue
        inner = resource.get("contained", [])
        candidates = [(path, resource)] + [
            (f"{path}.contained[{number}]", item)
            for number, item in enumerate(inner if isinstance(inner, list) else [])
            if isinstance(item, dict)
        ]
        for where, candidate in candidates:
            kind = candidate.get("resourceType")
            if kind not in RESOURCE_TYPES:
                problems.append(
                    Problem(
                        "This resource type is not read here: a referral holds "
                        f"{', '.join(sorted(RESOURCE_TYPES))}.",
                        f"{where}.resourceType",
                        "not-supported",
                    )
                )
    if problems:
        raise ReferralInvalid(problems)


def _element_path(root: str, location: tuple) -> str:
    path = root
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _validate(document: dict) -> None:
    """fhir.resources' verdict on the document. Imported here, not at start-up (about a second)."""
    import pydantic
    from fhir.resources.R4B import get_fhir_model_class

    root = document["resourceType"]
    try:
        get_fhir_model_class(root).model_validate(document)
    except pydantic.ValidationError as error:
        raise ReferralInvalid(
            [
                Problem(detail["msg"], _element_path(root, detail["loc"]))
                for detail in error.errors(include_input=False, include_url=False)
            ]
        ) from None
    except (KeyError, TypeError, ValueError, RecursionError):
        raise ReferralInvalid(
            [Problem("The document is not a FHIR R4 resource Navigator can read.", root)]
        ) from None


# --- 3 and 4: the content --------------------------------------------------------------------


class _Document:
    """The document's resources and what each reference names."""

    def __init__(self, document: dict):
        self.resources: list[dict] = []
        self.by_reference: dict[str, dict] = {}
        for entry in _entries(document):
            resource = entry["resource"]
            self.resources.append(resource)
            if entry.get("fullUrl"):
                self.by_reference[entry["fullUrl"]] = resource
            if resource.get("id"):
                self.by_reference[f"{resource['resourceType']}/{resource['id']}"] = resource

    def resolve(self, reference: dict, within: dict) -> dict | None:
        target = reference.get("reference", "")
        if target.startswith("#"):
            for item in within.get("contained", []):
                if item.get("id") == target[1:]:
                    return item
            return None
        if target in self.by_reference:
            return self.by_reference[target]
        # An absolute URL to a resource in the document: .../Patient/123.
        tail = "/".join(target.rstrip("/").split("/")[-2:])
        return self.by_reference.get(tail) if "://" in target else None

    def of_type(self, kind: str) -> list[dict]:
        return [resource for resource in self.resources if resource["resourceType"] == kind]


def _read(document: dict) -> Referral:
    found = _Document(document)
    problems: list[Problem] = []
    requests = found.of_type("ServiceRequest")
    if len(requests) != 1:
        raise ReferralInvalid(
            [
                Problem(
                    "A referral holds exactly one ServiceRequest (the second opinion asked for).",
                    "Bundle.entry",
                    "structure",
                )
            ]
        )
    request = requests[0]
    identifier = next(
        (i for i in request.get("identifier", []) if i.get("system") and i.get("value")), None
    )
    if identifier is None:
        problems.append(
            Problem(
                "Give the referral an identifier (system and value), so that sending it "
                "again does not open a second case.",
                "ServiceRequest.identifier",
                "required",
            )
        )
    patient = found.resolve(request.get("subject", {}), request)
    if patient is None or patient["resourceType"] != "Patient":
        problems.append(
            Problem(
                "The subject must refer to the Patient in this bundle.",
                "ServiceRequest.subject",
                "not-found",
            )
        )
        patient = None
    condition = _condition(found, request, problems)
    performers = _performers(found, request, problems)
    for number, reference in enumerate(request.get("insurance", [])):
        if found.resolve(reference, request) is None:
            problems.append(
                Problem(
                    "This reference names nothing in the bundle.",
                    f"ServiceRequest.insurance[{number}]",
                    "not-found",
                )
            )
    if condition is None:
        problems.append(
            Problem(
                "Add the diagnosis: a Condition the ServiceRequest names in reasonReference.",
                "ServiceRequest.reasonReference",
                "required",
            )
        )
    if problems:
        raise ReferralInvalid(problems)
    patient_data = _patient_data(patient)
    case_data = _case_data(request, condition, performers)
    _check_with_intake_forms(patient_data, case_data)
    return Referral(
        identifier_system=identifier["system"][:300],
        identifier_value=identifier["value"][:200],
        patient_data=patient_data,
        case_data=case_data,
    )


def _condition(found: _Document, request: dict, problems: list[Problem]) -> dict | None:
    condition = None
    for number, reference in enumerate(request.get("reasonReference", [])):
        target = found.resolve(reference, request)
        if target is None:
            problems.append(
                Problem(
                    "This reference names nothing in the bundle.",
                    f"ServiceRequest.reasonReference[{number}]",
                    "not-found",
                )
            )
        elif target["resourceType"] == "Condition" and condition is None:
            condition = target
    if condition is None and not request.get("reasonReference"):
        conditions = found.of_type("Condition") + [
            item for item in request.get("contained", []) if item["resourceType"] == "Condition"
        ]
        condition = conditions[0] if len(conditions) == 1 else None
    return condition


def _performers(found: _Document, request: dict, problems: list[Problem]) -> dict[str, str]:
    """The centre's and the specialist's names, from the performers (by type or by the
    resource they name)."""
    names = {}
    for number, performer in enumerate(request.get("performer", [])):
        kind, name = performer.get("type", ""), performer.get("display", "")
        if performer.get("reference"):
            target = found.resolve(performer, request)
            if target is None:
                problems.append(
                    Problem(
                        "This reference names nothing in the bundle.",
                        f"ServiceRequest.performer[{number}]",
                        "not-found",
                    )
                )
                continue
            kind = target["resourceType"]
            name = name or _resource_name(target)
        if kind == "Organization" and name:
            names.setdefault("centre", name)
        elif kind in ("Practitioner", "PractitionerRole") and name:
            names.setdefault("specialist", name)
    return names


def _resource_name(resource: dict) -> str:
    name = resource.get("name", "")
    if isinstance(name, list):
        return _human_name(name[0]) if name else ""
    return name


def _human_name(name: dict) -> str:
    if name.get("text"):
        return name["text"]
    return " ".join([*name.get("given", []), name.get("family", "")]).strip()


def _patient_data(patient: dict) -> dict:
    names = patient.get("name", [])
    mrn = next(
        (
            identifier.get("value", "")
            for identifier in patient.get("identifier", [])
            if identifier.get("system") == mapping.mrn_identifier_system()
            or any(c.get("code") == "MR" for c in identifier.get("type", {}).get("coding", []))
        ),
        "",
    )
    telecom = sorted(
        (point for point in patient.get("telecom", []) if point.get("value")),
        key=lambda point: point.get("rank", 10**6),
    )
    phone = next((p["value"] for p in telecom if p.get("system") in ("phone", "sms")), "")
    email = next((p["value"] for p in telecom if p.get("system") == "email"), "")
    preferred = next(
        (TELECOM_METHODS[p["system"]] for p in telecom if p.get("system") in TELECOM_METHODS),
        "phone",
    )
    languages = [
        coding.get("code", "")
        for communication in patient.get("communication", [])
        for coding in communication.get("language", {}).get("coding", [])
    ]
    language = next((code[:2] for code in languages if code[:2] in ("en", "es")), "en")
    return {
        "full_name": _human_name(names[0]) if names else "",
        "date_of_birth": patient.get("birthDate", ""),
        "mrn": mrn,
        "preferred_language": language,
        "phone": phone,
        "email": email,
        "preferred_contact": preferred,
    }


def _codes(concept: dict, system: str) -> list[str]:
    return [c.get("code", "") for c in concept.get("coding", []) if c.get("system") == system]


def _case_data(request: dict, condition: dict, performers: dict[str, str]) -> dict:
    code = condition.get("code", {})
    tumour = next(iter(_codes(code, mapping.tumour_type_system())), "")
    if not tumour:
        categories = [icd.split(".")[0] for icd in _codes(code, mapping.ICD_10_CM)]
        tumour = next(
            (
                mapping.TUMOUR_FOR_ICD_CATEGORY[c]
                for c in categories
                if c in mapping.TUMOUR_FOR_ICD_CATEGORY
            ),
            TumourType.OTHER,
        )
    glioma = next(iter(_codes(code, mapping.glioma_type_system())), "")
    if not glioma and tumour == TumourType.GLIOMA:
        glioma = GliomaType.UNKNOWN
    grades = [
        grade
        for stage in condition.get("stage", [])
        for grade in _codes(stage.get("summary", {}), mapping.grade_system())
    ]
    reasons, other_texts = [], []
    for concept in request.get("reasonCode", []):
        ours = [c for c in _codes(concept, mapping.reason_system()) if c in Reason.values]
        if ours:
            reasons.extend(ours)
        if not ours or Reason.OTHER in ours:
            text = concept.get("text") or next(
                (c.get("display", "") for c in concept.get("coding", []) if c.get("display")), ""
            )
            if text:
                other_texts.append(text)
            if not ours:
                reasons.append(Reason.OTHER)
    notes = " ".join(note.get("text", "") for note in condition.get("note", [])).strip()
    centre_name, specialist_name = performers.get("centre", ""), performers.get("specialist", "")
    centre = (
        Centre.objects.filter(name__iexact=centre_name, active=True).first()
        if centre_name
        else None
    )
    specialists = Specialist.objects.filter(name__iexact=specialist_name, active=True)
    if centre is not None:
        specialists = specialists.filter(centre=centre)
    specialist = specialists.first() if specialist_name else None
    return {
        "tumour_type": tumour,
        "glioma_type": glioma if tumour == TumourType.GLIOMA else "",
        "grade": grades[0] if grades else Grade.UNKNOWN,
        "diagnosis_notes": notes,
        "reasons": sorted(set(reasons)),
        "reasons_other": "; ".join(other_texts)[:300],
        "urgency": mapping.URGENCY_FOR_PRIORITY.get(request.get("priority", "routine"), "routine"),
        "centre": str(centre.pk) if centre else "",
        "specialist": str(specialist.pk) if specialist else "",
        "centre_other": "" if centre else centre_name,
        "specialist_other": "" if specialist else specialist_name,
    }


def _check_with_intake_forms(patient_data: dict, case_data: dict) -> None:
    """The intake forms' verdict; the birth date kept as the date they read."""
    problems = []
    patient_form = PatientForm(data=patient_data)
    if patient_form.is_valid():
        patient_data["date_of_birth"] = patient_form.cleaned_data["date_of_birth"].isoformat()
    for form in (patient_form, ReferralCaseForm(data=case_data)):
        if form.is_valid():
            continue
        for field, messages in form.errors.items():
            for message in messages:
                problems.append(Problem(message, FIELD_ELEMENTS.get(field, ""), "invariant"))
    if problems:
        raise ReferralInvalid(problems)
