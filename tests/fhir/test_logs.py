"""Nothing the FHIR API handles reaches the logs: not a token (the Authorization header is
never logged, on a success, a refusal or a failure), not a patient's name or birth date from a
referral or an export, not a value a 422 refused."""

import logging
import subprocess
import sys

import pytest

from cases.models import IncomingReferral
from tests.fhir import data

FORBIDDEN = ["Quinn", "Referral", "1968-04-09", "EX-40001", "555-0142", "nav_"]


@pytest.fixture
def every_log_line(caplog, capfd):
    caplog.set_level(logging.DEBUG)

    def collect() -> str:
        out, err = capfd.readouterr()
        records = "\n".join(
            f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"
            for record in caplog.records
        )
        return "\n".join([caplog.text, records, out, err])

    return collect


def test_the_api_logs_no_token_and_no_patient_data(db, alex, sam, client_for, every_log_line):
    system, token = data.api_system()
    api = data.api_client(token)
    assert data.post_json(api, "/fhir/r4/Bundle", data.referral()).status_code == 201
    refused = data.referral(**{"Patient.birthDate": "1968-04-31x"})
    refused["entry"][2]["resource"]["identifier"][0]["value"] = "REF-2"
    assert data.post_json(api, "/fhir/r4/Bundle", refused).status_code == 422
    referral = IncomingReferral.objects.get()
    client_for(sam).post(f"/referrals/{referral.pk}/", {"social_worker": alex.pk})
    case_id = referral.__class__.objects.get().case_id
    assert api.get(f"/fhir/r4/ServiceRequest/referral-{referral.pk}/$bundle").status_code == 200
    assert api.get(f"/fhir/r4/ServiceRequest/{case_id}").status_code == 404
    assert data.api_client(token + "x").get("/fhir/r4/ServiceRequest").status_code == 401
    read_only = data.api_client(data.api_system("Reader", scope="read")[1])
    assert data.post_json(read_only, "/fhir/r4/Bundle", data.referral()).status_code == 403
    logged = every_log_line()
    assert "Unauthorized: /fhir/r4/ServiceRequest" in logged
    for text in [*FORBIDDEN, token, token[4:]]:
        assert text not in logged, text


def test_a_failure_logs_its_traceback_without_the_token_or_the_patient(
    db, alex, every_log_line, monkeypatch
):
    from tests import factories

    case = factories.open_case(alex, patient={"full_name": "Quinn Referral"})
    _, token = data.api_system()

    def fail(case):
        raise RuntimeError("serializing failed")

    monkeypatch.setattr("cases.fhir.serialize.service_request_resource", fail)
    response = data.api_client(token).get(f"/fhir/r4/ServiceRequest/{case.pk}")
    assert response.status_code == 500
    logged = every_log_line()
    assert "serializing failed" in logged
    for text in [*FORBIDDEN, token]:
        assert text not in logged, text


def test_starting_navigator_does_not_import_the_fhir_models():
    """fhir.resources costs about a second to import; `make run` and every worker start
    without it (the first referral imports it)."""
    code = (
        "import django, sys; django.setup(); import navigator.urls, navigator.wsgi, "
        "cases.admin; print('fhir.resources' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, running a fixed script
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "navigator.settings",
            "SECRET_KEY": "test-only-not-a-secret",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
