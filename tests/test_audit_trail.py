"""The audit trail: masked values, authentication events, append-only in the app, the admin
and (on PostgreSQL) the database itself."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.audit import MASK, audit_record, mask_changes
from cases.models import AuditEvent
from cases.models.audit import AppendOnlyError
from cases.workflow import services
from tests import factories


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


def test_changed_patient_identifiers_are_masked_but_named(alex, case):
    patient = case.patient
    services.case_update_details(
        case=case,
        by=alex,
        expected_version=case.version,
        patient_fields={"full_name": "Renamed Personname", "mrn": "NEW123", "phone": ""},
        case_fields={"urgency": "urgent"},
        reasons=["another_view"],
    )
    event = AuditEvent.objects.filter(action="update", case=case, object_type="case").get()
    assert event.changes["full_name"] == [MASK, MASK]
    assert event.changes["mrn"] == [MASK, MASK]
    assert event.changes["phone"] == [MASK, None]  # cleared: that it is now empty shows
    assert event.changes["urgency"] == ["routine", "urgent"]  # not sensitive: kept
    text = json.dumps(event.changes)
    for value in ("Renamed Personname", "NEW123", patient.full_name, patient.mrn, "555-0199"):
        assert value not in text


def test_masking_is_one_rule_for_every_caller():
    assert mask_changes({"email": "a@example.org", "decision": ["pending", "approved"]}) == {
        "email": MASK,
        "decision": ["pending", "approved"],
    }


def test_a_saved_event_cannot_be_changed_or_deleted_through_the_app(alex, case):
    event = AuditEvent.objects.filter(case=case, action="create").get()
    event.action = "delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "create"


def test_the_database_refuses_update_and_delete_on_postgresql(alex, case):
    event = audit_record(action=AuditEvent.Action.VIEW, actor=alex, case=case, obj=case)
    if connection.vendor == "postgresql":
        for sql in (
            "UPDATE cases_auditevent SET action = 'delete' WHERE id = %s",
            "DELETE FROM cases_auditevent WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [event.pk])
        event.refresh_from_db()
        assert event.action == "view"
    else:
        # SQLite, the embedded default, gets no trigger: the migration runs only on PostgreSQL.
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchall() == []


def test_the_admin_shows_events_but_cannot_add_change_or_delete(client, admin_user, alex, case):
    client.force_login(admin_user)
    event = AuditEvent.objects.filter(case=case, action="create").get()
    assert client.get(reverse("admin:cases_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:cases_auditevent_add")).status_code == 403
    change_url = reverse("admin:cases_auditevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(change_url, {"action": "delete"}).status_code == 403
    delete_url = reverse("admin:cases_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, action="create").exists()


def test_a_login_a_failed_login_and_a_logout_are_recorded(client, alex):
    login = reverse("login")
    client.post(login, {"username": "alex", "password": "wrong"}, HTTP_USER_AGENT="Test/1")
    client.post(login, {"username": "nobody", "password": "wrong"})
    client.post(login, {"username": "alex", "password": "correct-horse-battery"})
    client.post(reverse("logout"))
    events = list(AuditEvent.objects.order_by("id").filter(action__startswith="log"))
    assert [event.action for event in events] == ["login_failed", "login_failed", "login", "logout"]
    wrong_password, unknown, logged_in, logged_out = events
    assert wrong_password.object_id == str(alex.pk) and wrong_password.actor is None
    assert wrong_password.ip_address == "127.0.0.1" and wrong_password.user_agent == "Test/1"
    assert unknown.actor_label == "unknown username: nobody"
    assert logged_in.actor == alex and logged_out.actor == alex
    assert "wrong" not in json.dumps([event.changes for event in events])


def test_an_event_without_a_user_names_who_acted(case):
    event = audit_record(
        action=AuditEvent.Action.VIEW, actor_label="patient via status link", case=case, obj=case
    )
    assert event.actor is None and event.actor_display == "patient via status link"
