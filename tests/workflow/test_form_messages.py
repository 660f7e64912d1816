"""A refused form says what to do in words a person understands: each required field its own
message rather than Django's "This field is required.", and an hour the clocks skip or repeat
a plain sentence rather than a time-zone name and "ambiguous"."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case
from cases.workflow.form_rules import CLOCKS_GO_BACK, CLOCKS_GO_FORWARD
from tests.browser_form import submit
from tests.patient.status_page_data import case_in_progress
from tests.workflow.test_intake import URL as INTAKE
from tests.workflow.test_intake import intake_data


@pytest.fixture(autouse=True)
def _december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 15, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # 14 March 2027: at 2:00 the clocks in New York go forward to 3:00.
        ("2027-03-14T02:30", CLOCKS_GO_FORWARD),
        # 7 November 2027: at 2:00 they go back to 1:00, so 1:30 happens twice.
        ("2027-11-07T01:30", CLOCKS_GO_BACK),
    ],
)
def test_an_appointment_in_the_hour_the_clocks_change_says_so_plainly(
    client_for, alex, typed, expected
):
    case = case_in_progress(alex)
    page = reverse("appointment_edit", args=[case.pk])
    response = submit(client_for(alex), page, scheduled_at=typed)
    assert response.status_code == 400
    content = response.content.decode()
    assert expected.replace("'", "&#x27;") in content
    assert "America/New_York" not in content and "ambiguous" not in content
    assert f'value="{typed}"' in content


def test_intake_without_a_name_a_birth_date_or_a_reason_says_what_to_add(client_for, alex):
    response = client_for(alex).post(
        INTAKE, intake_data(alex, full_name="", date_of_birth="", reasons=[])
    )
    assert response.status_code == 400
    content = response.content.decode()
    for message in (
        "Add the patient&#x27;s full name.",
        "Add the patient&#x27;s date of birth.",
        "Tick at least one reason.",
    ):
        assert message in content
    assert "This field is required." not in content
    assert not Case.objects.exists()


def test_a_withdrawal_without_a_reason_says_what_to_add(client_for, alex):
    case = case_in_progress(alex)
    response = submit(
        client_for(alex),
        case.get_absolute_url(),
        reverse("case_status", args=[case.pk]),
        status="withdrawn",
        reason="",
    )
    assert response.status_code == 400
    assert "Say why the case is withdrawn" in response.content.decode()
