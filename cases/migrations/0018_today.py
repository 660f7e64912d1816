"""Today (#13): when a step was blocked, and the appointment checklist item that says the
patient was told what to bring, marked by a flag rather than found by its label.

The flag is set on the item the defaults seeded ("Patient told what to bring") and on every
case's copy of it. Steps blocked before this migration get the time of the timeline line that
blocked them (the latest "<stage>: … → Blocked" line), or the step's start when none is found.
"""

from django.db import migrations, models

WHAT_TO_BRING = "Patient told what to bring"
STAGE_LABELS = {
    "referral": "Referral",
    "preauthorization": "Insurance preauthorization",
    "records": "Records gathered",
    "appointment": "Appointment",
}


def flag_what_to_bring(apps, schema_editor):
    ChecklistTemplate = apps.get_model("cases", "ChecklistTemplate")
    ChecklistItem = apps.get_model("cases", "ChecklistItem")
    ChecklistTemplate.objects.filter(stage="appointment", label=WHAT_TO_BRING).update(
        told_what_to_bring=True
    )
    ChecklistItem.objects.filter(step__stage="appointment", label=WHAT_TO_BRING).update(
        told_what_to_bring=True
    )


def backfill_blocked_at(apps, schema_editor):
    Step = apps.get_model("cases", "Step")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for step in Step.objects.filter(status="blocked", blocked_at__isnull=True).iterator():
        event = (
            CaseEvent.objects.filter(
                case_id=step.case_id,
                kind="step",
                summary__startswith=f"{STAGE_LABELS.get(step.stage, step.stage)}: ",
                summary__contains="→ Blocked",
            )
            .order_by("-created_at", "-id")
            .first()
        )
        step.blocked_at = event.created_at if event else step.started_at
        step.save(update_fields=["blocked_at"])


def forwards(apps, schema_editor):
    flag_what_to_bring(apps, schema_editor)
    backfill_blocked_at(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_audit_archive_action")]

    operations = [
        migrations.AddField(
            model_name="checklistitem",
            name="told_what_to_bring",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="checklisttemplate",
            name="told_what_to_bring",
            field=models.BooleanField(
                default=False, verbose_name="Marks that the patient was told what to bring"
            ),
        ),
        migrations.AddField(
            model_name="step",
            name="blocked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
