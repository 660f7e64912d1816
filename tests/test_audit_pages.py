"""Supervisor pages on the audit trail: a case's access history and the CSV export."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from cases.audit import audit_record
from cases.models import AuditEvent
from tests import factories

EXPORT = reverse("audit_export")


def history(case) -> str:
    return reverse("case_access_history", args=[case.pk])


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_a_supervisor_sees_who_looked_at_the_record(client_for, alex, casey, sam, case):
    client_for(casey).get(reverse("case_detail", args=[case.pk]))
    audit_record(
        action=AuditEvent.Action.VIEW, actor_label="patient via status link", case=case, obj=case
    )
    client = client_for(sam)
    response = client.get(history(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Casey Morgan" in page and "patient via status link" in page and "Alex Rivera" in page
    # Looking at the history is itself a view of the record.
    assert AuditEvent.objects.filter(case=case, action="view", actor=sam).count() == 1


def test_the_case_page_links_to_the_history_for_supervisors_only(client_for, alex, sam, case):
    link = history(case).encode()
    assert link in client_for(sam).get(reverse("case_detail", args=[case.pk])).content
    assert link not in client_for(alex).get(reverse("case_detail", args=[case.pk])).content


@pytest.mark.parametrize("who", ["alex", "blair", "casey"])
def test_social_workers_get_404_for_the_history(client_for, request, case, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(history(case)).status_code == 404


def test_anonymous_is_sent_to_log_in_for_the_history(client, case):
    response = client.get(history(case))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_history_of_a_case_that_does_not_exist_is_404(client_for, sam):
    assert client_for(sam).get(reverse("case_access_history", args=[999999])).status_code == 404


@pytest.mark.parametrize("views", [5, 120])
def test_the_history_costs_a_fixed_number_of_queries(
    client_for, alex, casey, sam, case, views, django_assert_max_num_queries
):
    for _ in range(views):
        audit_record(action=AuditEvent.Action.VIEW, actor=casey, case=case, obj=case)
    client = client_for(sam)
    with django_assert_max_num_queries(11):
        response = client.get(history(case))
    assert response.status_code == 200
    # Besides the views: the case opened, its referral step started, and this page's own view.
    assert len(response.context["page"].object_list) == min(views + 3, 50)


def test_the_export_is_a_csv_of_the_period_and_is_itself_recorded(client_for, alex, sam):
    before = datetime.datetime(2026, 3, 1, 15, tzinfo=datetime.UTC)
    inside = datetime.datetime(2026, 3, 3, 15, tzinfo=datetime.UTC)
    with time_machine.travel(before, tick=False):
        factories.open_case(alex)
    with time_machine.travel(inside, tick=False):
        case = factories.open_case(alex, patient={"full_name": "Zelda Exportonly"})
        audit_record(action=AuditEvent.Action.VIEW, actor=alex, case=case, obj=case)
    response = client_for(sam).get(EXPORT, {"starts_on": "2026-03-02", "ends_on": "2026-03-03"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert {row["case"] for row in rows} == {str(case.pk)}
    assert {row["action"] for row in rows} == {"create", "update", "view"}  # the referral starts
    assert all(row["actor username"] == "alex" for row in rows)
    assert "Zelda" not in str(rows)  # the trail names cases by number, never by patient
    export = AuditEvent.objects.get(action="export")
    assert export.actor == sam
    assert export.changes == {"export": "audit trail", "from": "2026-03-02", "to": "2026-03-03"}


def test_a_user_agent_cannot_become_a_spreadsheet_formula(client_for, alex, sam, case):
    client_for(alex).get(reverse("case_detail", args=[case.pk]), HTTP_USER_AGENT="=HYPERLINK(evil)")
    today = datetime.date.today()
    period = {"starts_on": today - datetime.timedelta(days=1), "ends_on": today}
    rows = _csv(client_for(sam).get(EXPORT, period))
    assert "'=HYPERLINK(evil)" in [row["user agent"] for row in rows]


def test_the_export_form_explains_bad_periods(client_for, sam):
    client = client_for(sam)
    assert client.get(EXPORT).status_code == 200
    backwards = client.get(EXPORT, {"starts_on": "2026-03-05", "ends_on": "2026-03-01"})
    assert backwards.status_code == 400 and b"comes before" in backwards.content
    too_long = client.get(EXPORT, {"starts_on": "2024-01-01", "ends_on": "2026-03-01"})
    assert too_long.status_code == 400 and b"at most 366 days" in too_long.content
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("who", ["alex", "blair", "casey"])
def test_social_workers_cannot_export(client_for, request, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(EXPORT, {"starts_on": "2026-03-01", "ends_on": "2026-03-02"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("views", [5, 300])
def test_the_export_costs_a_fixed_number_of_queries(
    client_for, alex, sam, case, views, django_assert_max_num_queries
):
    for _ in range(views):
        audit_record(action=AuditEvent.Action.VIEW, actor=alex, case=case, obj=case)
    today = datetime.date.today()
    client = client_for(sam)
    with django_assert_max_num_queries(10):
        response = client.get(
            EXPORT, {"starts_on": today - datetime.timedelta(days=1), "ends_on": today}
        )
        rows = _csv(response)
    assert len(rows) >= views
