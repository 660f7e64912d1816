"""Intake's duplicate check tells a colleague only what they may know: the cases they may see,
linked, with number, owner and opening date; of any other open case only that it exists. What
each case's disclosure was is recorded on that case."""

import pytest

from cases.models import AuditEvent, Case
from tests import factories
from tests.workflow.test_intake import URL, intake_data

PATIENT = {"full_name": "Marlowe Penhallow", "date_of_birth": "1971-06-02"}


@pytest.fixture
def blairs_case(blair):
    return factories.open_case(blair, patient=PATIENT)


def warning_of(response) -> str:
    content = response.content.decode()
    start = content.index("may already have an open case")
    return content[start : content.index("</div>", start)]


def test_a_colleague_who_cannot_see_the_case_learns_only_that_it_exists(
    client_for, alex, blairs_case
):
    response = client_for(alex).post(URL, intake_data(alex))
    assert response.status_code == 400
    warning = warning_of(response)
    assert "An open case exists for this patient" in warning
    assert "Ask a supervisor" in warning
    assert blairs_case.get_absolute_url() not in response.content.decode()
    assert f"#{blairs_case.pk}" not in warning
    assert "Blair" not in warning and "blair" not in warning
    assert blairs_case.opened_at.strftime("%b") not in warning
    assert Case.objects.count() == 1
    event = AuditEvent.objects.get(action="view", case=blairs_case, actor=alex)
    assert event.changes == {"intake_duplicate_check": "only that an open case exists"}


def test_the_colleague_can_still_open_a_separate_case_after_asking(client_for, alex, blairs_case):
    response = client_for(alex).post(URL, intake_data(alex) | {"confirm_duplicate": "1"})
    assert response.status_code == 302
    assert Case.objects.count() == 2


@pytest.mark.parametrize("who", ["blair", "sam"])
def test_the_owner_and_a_supervisor_get_the_case_and_its_link(
    client_for, request, blair, blairs_case, who
):
    user = request.getfixturevalue(who)
    response = client_for(user).post(URL, intake_data(blair))
    assert response.status_code == 400
    warning = warning_of(response)
    assert blairs_case.get_absolute_url() in warning
    assert f"Case #{blairs_case.pk}" in warning and "Blair Nguyen" in warning
    assert "Ask a supervisor" not in warning
    event = AuditEvent.objects.get(action="view", case=blairs_case, actor=user)
    assert event.changes == {"intake_duplicate_check": "case shown"}


def test_a_covering_colleague_gets_the_link(client_for, alex, casey):
    alexs_case = factories.open_case(alex, patient=PATIENT)
    response = client_for(casey).post(URL, intake_data(casey))
    assert alexs_case.get_absolute_url() in warning_of(response)
    assert AuditEvent.objects.filter(action="view", case=alexs_case, actor=casey).count() == 1


def test_a_visible_and_an_unseen_case_are_told_apart(client_for, alex, blairs_case):
    own = factories.open_case(alex, patient=PATIENT)
    warning = warning_of(client_for(alex).post(URL, intake_data(alex)))
    assert own.get_absolute_url() in warning
    assert blairs_case.get_absolute_url() not in warning
    assert "also an open case for this patient" in warning


def test_no_duplicate_records_no_disclosure(client_for, alex, blair):
    response = client_for(alex).post(URL, intake_data(alex))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="view").exists()
