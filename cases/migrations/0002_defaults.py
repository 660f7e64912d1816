"""Seed what every installation starts with: stage time limits, checklists, the two staff groups.

All of it stays editable in the admin afterwards.
"""

from django.db import migrations

STAGE_DAYS = {
    "referral": (3, 1),
    "preauthorization": (7, 3),
    "records": (10, 5),
    "appointment": (15, 7),
}

CHECKLISTS = {
    "referral": [
        "Referring team informed",
        "Referral sent",
        "Referral acknowledged by the receiving centre",
    ],
    "preauthorization": [
        "Plan and member ID confirmed",
        "Checked whether preauthorization is required",
        "Preauthorization requested (reference number recorded)",
        "Decision received",
        "In-network status checked",
        "Expected out-of-pocket cost explained to the patient",
    ],
    "records": [
        "Records release signed by the patient",
        "Pathology report",
        "Glass slides or paraffin block (not only recuts)",
        "MRI images as DICOM (disc or link), not only the report",
        "Molecular reports (IDH, 1p/19q, MGMT)",
        "Operative note",
        "Treatment summary",
        "Referral letter",
    ],
    "appointment": [
        "Centre and specialist chosen",
        "Date and place (or video link) confirmed",
        "Patient told what to bring",
        "Patient's list of questions ready",
    ],
}

GROUPS = ["Social workers", "Supervisors"]


def seed(apps, schema_editor):
    StageSetting = apps.get_model("cases", "StageSetting")
    ChecklistTemplate = apps.get_model("cases", "ChecklistTemplate")
    Group = apps.get_model("auth", "Group")
    for stage, (routine, urgent) in STAGE_DAYS.items():
        StageSetting.objects.get_or_create(
            stage=stage, defaults={"routine_days": routine, "urgent_days": urgent}
        )
    for stage, labels in CHECKLISTS.items():
        for position, label in enumerate(labels):
            ChecklistTemplate.objects.get_or_create(
                stage=stage, label=label, defaults={"position": position}
            )
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
