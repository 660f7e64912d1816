"""Two repairs of existing rows.

1. The patient's `search_name` becomes the name's key (`name_key`: normalised words without
   invisible characters or punctuation, sorted), so intake's duplicate check matches the same
   name whatever the order of its words.
2. An appointment time outside any plausible range (from before 1900, or after the year 9000),
   saved before the forms checked dates, breaks every page of its case: the time cannot be
   converted to the team's time zone, and on PostgreSQL not even loaded. Such a time is cleared,
   with a line on the case's timeline and an event in the audit trail. Raw SQL, as the ORM
   cannot read the value; the same statements on SQLite (ISO text compares as dates) and
   PostgreSQL.
"""

from django.db import migrations
from django.utils import timezone

from cases.models.workflow import patient_search_fields

UNREADABLE_APPOINTMENTS = (
    "SELECT id, case_id FROM cases_appointment "
    "WHERE scheduled_at >= '9000-01-01' OR scheduled_at < '1900-01-01'"
)
CLEARED = "An appointment time that could not be shown was cleared; book it again."


def refresh_search_names(apps, schema_editor):
    Patient = apps.get_model("cases", "Patient")
    patients = list(Patient.objects.only("pk", "full_name", "mrn"))
    for patient in patients:
        search = patient_search_fields(full_name=patient.full_name, mrn=patient.mrn)
        patient.search_name, patient.search_mrn = search["search_name"], search["search_mrn"]
    Patient.objects.bulk_update(patients, ["search_name", "search_mrn"], batch_size=1000)


def clear_unreadable_appointments(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    AuditEvent = apps.get_model("cases", "AuditEvent")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(UNREADABLE_APPOINTMENTS)
        found = cursor.fetchall()
        if not found:
            return
        ids = [appointment_id for appointment_id, _ in found]
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"UPDATE cases_appointment SET scheduled_at = NULL, version = version + 1 "  # noqa: S608 - placeholders only
            f"WHERE id IN ({placeholders})",
            ids,
        )
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, kind="appointment", summary=CLEARED, created_at=now)
        for _, case_id in found
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_label="migration 0013",
            action="update",
            object_type="appointment",
            object_id=str(appointment_id),
            case_id=case_id,
            changes={"scheduled_at": ["(could not be read)", None]},
        )
        for appointment_id, case_id in found
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_search_columns")]

    operations = [
        migrations.RunPython(refresh_search_names, migrations.RunPython.noop),
        migrations.RunPython(clear_unreadable_appointments, migrations.RunPython.noop),
    ]
