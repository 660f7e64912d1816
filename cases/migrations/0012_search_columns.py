"""Search columns on Patient (filled for existing rows), the link a status link replaced, and a
Spanish version of a social worker's working hours."""

import django.db.models.deletion
from django.db import migrations, models

from cases.models.workflow import patient_search_fields


def fill_search_columns(apps, schema_editor):
    Patient = apps.get_model("cases", "Patient")
    patients = list(Patient.objects.only("pk", "full_name", "mrn"))
    for patient in patients:
        search = patient_search_fields(full_name=patient.full_name, mrn=patient.mrn)
        patient.search_name, patient.search_mrn = search["search_name"], search["search_mrn"]
    Patient.objects.bulk_update(patients, ["search_name", "search_mrn"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_reminders_follow_appointments'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='patient',
            name='patient_name_dob',
        ),
        migrations.AddField(
            model_name='patient',
            name='search_mrn',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='patient',
            name='search_name',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='staffprofile',
            name='hours_es',
            field=models.CharField(blank=True, help_text='For Spanish-speaking patients. For example: lunes a viernes, 8:30 a 16:30', max_length=200, verbose_name='Working hours, in Spanish'),
        ),
        migrations.AddField(
            model_name='statuslink',
            name='replaces',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.statuslink'),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['search_name', 'date_of_birth'], name='patient_search_name_dob'),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
