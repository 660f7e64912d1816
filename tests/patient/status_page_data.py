"""Helpers for the status-page tests: a case part-way through, a link, a patient's session."""

import datetime

from django.urls import reverse

from cases.models import StaffProfile, Stage
from cases.patient import links as status_links
from cases.workflow import services

# Every test patient's date of birth comes from factories.patient_fields; these tests set one.
BIRTH_DATE = datetime.date(1968, 4, 12)


def case_in_progress(social_worker, **patient):
    """Referral done, preauthorization with the insurer, records being gathered, visit booked."""
    from tests import factories

    StaffProfile.objects.update_or_create(
        user=social_worker, defaults={"phone": "555-0123", "hours": "Mon–Fri 9–5"}
    )
    case = factories.open_case(social_worker, patient={"date_of_birth": BIRTH_DATE} | patient)
    steps = {step.stage: step for step in case.steps.all()}
    for step in steps.values():
        step.case = case
    services.step_set_status(step=steps[Stage.REFERRAL], status="done", by=social_worker)
    services.step_set_status(step=steps[Stage.RECORDS], status="in_progress", by=social_worker)
    case.refresh_from_db()
    centre = factories.CentreFactory(name="Example Brain Tumor Center", address="1 Example Way")
    services.appointment_update(
        appointment=case.appointment,
        by=social_worker,
        fields={
            "centre": centre,
            "scheduled_at": datetime.datetime(2031, 5, 6, 14, 30, tzinfo=datetime.UTC),
            "mode": "in_person",
            "address": "1 Example Way, Springfield",
            "what_to_bring": "Your list of medicines.",
        },
    )
    return case


def issue(case, by, **kwargs) -> status_links.IssuedLink:
    return status_links.status_link_issue(case=case, by=by, **kwargs)


def status_url(token: str) -> str:
    return reverse("patient_status", kwargs={"token": token})


def birth_date_post(date: datetime.date) -> dict:
    return {"birth_month": date.month, "birth_day": date.day, "birth_year": date.year}


def pass_check(client, token: str, date: datetime.date = BIRTH_DATE):
    response = client.post(status_url(token), birth_date_post(date))
    assert response.status_code == 302, response.content[:500]
    return response
