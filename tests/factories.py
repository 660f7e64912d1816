"""Synthetic test data. Every name and number is made up."""

import datetime
import importlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cases.access import SOCIAL_WORKERS, SUPERVISORS
from cases.models import Centre, Contact, Coverage, RecordsRequest, Specialist
from cases.workflow import services


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


def ensure_defaults() -> None:
    """What the data migration seeds (groups, time limits, checklists), for tests that run
    after a transactional test has emptied the tables."""
    from django.apps import apps

    importlib.import_module("cases.migrations.0002_defaults").seed(apps, None)
    # The appointment item that says the patient was told what to bring carries a flag.
    importlib.import_module("cases.migrations.0018_today").flag_what_to_bring(apps, None)


def social_worker(username: str, **kwargs):
    return UserFactory(username=username, group=SOCIAL_WORKERS, **kwargs)


def supervisor(username: str, **kwargs):
    return UserFactory(username=username, group=SUPERVISORS, **kwargs)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Example Brain Tumor Center {n}")
    address = "1 Example Way, Springfield"
    phone = "555-0100"


class SpecialistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialist

    name = factory.Sequence(lambda n: f"Dr. Example {n}")
    centre = factory.SubFactory(CentreFactory)
    specialty = "neuro-oncology"


def coverage(*, covering, covered, days: int = 7, starts_on: datetime.date | None = None):
    starts_on = starts_on or timezone.localdate()
    return Coverage.objects.create(
        covering=covering,
        covered=covered,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days),
    )


_patient_counter = iter(range(1, 10**9))


def patient_fields(**overrides) -> dict:
    number = next(_patient_counter)
    fields = {
        "full_name": f"Testpatient Number{number}",
        "date_of_birth": datetime.date(1970, 1, 1) + datetime.timedelta(days=number),
        "mrn": f"T{number:06d}",
        "preferred_language": "en",
        "phone": "555-0199",
        "email": f"patient{number}@example.org",
        "preferred_contact": "phone",
        "consent_to_reminders": True,
    }
    return fields | overrides


def case_fields(**overrides) -> dict:
    fields = {
        "tumour_type": "glioma",
        "glioma_type": "astrocytoma_idh_mutant",
        "grade": "2",
        "diagnosis_notes": "",
        "reasons_other": "",
        "urgency": "routine",
        "centre": None,
        "specialist": None,
        "centre_other": "Example Center",
        "specialist_other": "",
    }
    return fields | overrides


def review_date(days: int = 14) -> datetime.date:
    """A hold's review date `days` ahead of today (team time zone), as a hold now needs one."""
    return timezone.localdate() + datetime.timedelta(days=days)


def open_case(
    social_worker,
    *,
    now: datetime.datetime | None = None,
    reasons=("another_view",),
    patient: dict | None = None,
    **case_overrides,
):
    """A case opened at intake through the real service, as a social worker would."""
    return services.case_open(
        opened_by=social_worker,
        social_worker=social_worker,
        patient_fields=patient_fields(**(patient or {})),
        case_fields=case_fields(**case_overrides),
        reasons=list(reasons),
        now=now,
    )


# --- the daily loop (issue #13): the directory, follow-ups, records requests -------------------


class ContactFactory(factory.django.DjangoModelFactory):
    """A records office in the contacts directory."""

    class Meta:
        model = Contact
        django_get_or_create = ("kind", "name")

    kind = Contact.Kind.RECORDS_OFFICE
    name = factory.Sequence(lambda n: f"Example Hospital Records {n}")
    phone = "555-0130"
    fax = "555-0131"
    address = "5 Example Lane, Springfield"


def insurer(**fields) -> Contact:
    """An insurer in the contacts directory, with its prior-authorization line."""
    defaults = {
        "kind": Contact.Kind.INSURER,
        "phone": "555-0101",
        "fax": "555-0102",
        "email": "priorauth@example.org",
        "hours": "Mon–Fri 8–5",
    }
    return ContactFactory(**(defaults | fields))


def records_request(case, by, *, kinds=("pathology_report",), contact=None, **fields):
    """A records request made through the real service (sent when `sent_on` is given)."""
    from cases.records import services as records_services

    if contact is None and not fields.get("contact_other"):
        contact = ContactFactory()
    return records_services.records_request_create(
        case=case, by=by, kinds=list(kinds), contact=contact, **fields
    )


def follow_up(case, *, by=None, due_on: datetime.date, now: datetime.datetime | None = None, **kw):
    """A follow-up made through the real service, as the case page makes one."""
    from cases.contacts import services as contact_services

    return contact_services.follow_up_create(
        case=case,
        by=by or case.social_worker,
        what=kw.pop("what", "Call the insurer back"),
        due_on=due_on,
        now=now,
        **kw,
    )


def records_request_row(case, **fields) -> RecordsRequest:
    """A records request row as stored, its dates given (the reminder engine's tests)."""
    defaults = {
        "contact": ContactFactory(
            kind=Contact.Kind.RECORDS_OFFICE, name="Example Hospital Release of Information"
        ),
        "created_by": case.social_worker,
        "created_at": timezone.now(),
    }
    return RecordsRequest.objects.create(case=case, **(defaults | fields))
