"""No patient data in logs: the main flows run with every logger at DEBUG, and nothing logged
names the patient, their date of birth, MRN, phone or email."""

import logging

import pytest
from django.urls import reverse

from cases.models import Case
from tests import factories

PATIENT = {
    "full_name": "Quillon Marchbanks",
    "date_of_birth": "1961-07-19",
    "mrn": "MRNQ7731",
    "phone": "555-0177",
    "email": "quillon.marchbanks@example.org",
}
FORBIDDEN = [
    "Quillon",
    "Marchbanks",
    "1961-07-19",
    "Jul 19, 1961",
    "07/19/1961",
    "MRNQ7731",
    "555-0177",
    "5550177",
    "quillon.marchbanks@example.org",
]


@pytest.fixture
def every_log_line(caplog, capfd):
    """Every record at DEBUG and above, and whatever the handlers printed."""
    caplog.set_level(logging.DEBUG)

    def collect() -> str:
        out, err = capfd.readouterr()
        records = "\n".join(
            f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"
            for record in caplog.records
        )
        return "\n".join([caplog.text, records, out, err])

    return collect


def test_the_main_flows_log_no_patient_data(client, alex, blair, sam, every_log_line):
    intake = {
        **factories.patient_fields(**PATIENT),
        **factories.case_fields(),
        "reasons": ["another_view"],
        "social_worker": alex.pk,
        "consent_to_reminders": "on",
    }
    intake = {name: value for name, value in intake.items() if value is not None}

    client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    client.post(reverse("login"), {"username": "alex", "password": "correct-horse-battery"})
    assert client.post(reverse("case_intake"), intake).status_code == 302
    case = Case.objects.get(patient__mrn="MRNQ7731")
    case_url = reverse("case_detail", args=[case.pk])
    assert client.get(case_url).status_code == 200
    client.post(reverse("caseload"), {"q": "Marchbanks"}, follow=True)
    edited = intake | {"phone": "555-0177", "version": case.version, "urgency": "urgent"}
    client.post(reverse("case_edit", args=[case.pk]), edited)
    client.post(
        reverse("insurance_edit", args=[case.pk]),
        {"payer": "Example Plan", "member_id": "MRNQ7731", "decision": "pending", "version": 1},
    )
    client.post(reverse("note_add", args=[case.pk]), {"body": "Called Quillon at 555-0177."})
    step = case.steps.get(stage="referral")
    client.post(reverse("step_status", args=[case.pk, step.pk]), {"status": "done", "version": 1})
    client.post(reverse("case_status", args=[case.pk]), {"status": "on_hold", "version": 0})
    client.post(reverse("logout"))

    client.force_login(blair)
    assert client.get(case_url).status_code == 404  # an outsider's attempt, logged as a 404
    client.force_login(sam)
    client.get(reverse("case_access_history", args=[case.pk]))
    export = client.get(
        reverse("audit_export"), {"starts_on": "2000-01-01", "ends_on": "2000-01-02"}
    )
    assert export.status_code == 200

    logged = every_log_line()
    assert "AXES" in logged or "Not Found" in logged  # the capture did capture something
    for value in FORBIDDEN:
        assert value not in logged
