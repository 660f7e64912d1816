"""The contacts directory, which the centre directory joins.

1. A `Contact` table: insurers, records offices, labs, imaging centres, referring clinics and
   second-opinion centres.
2. Every centre is copied into it as a contact of kind "centre", keeping its id, so the
   specialists, cases and appointments that name it keep pointing at the same row; PostgreSQL's
   id sequence is then moved past the copied ids.
3. The foreign keys move to the new table, the old centre table goes, and `Centre` comes back as
   a proxy of the directory's centres (no table of its own).
"""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models


def copy_centres(apps, schema_editor):
    OldCentre = apps.get_model("cases", "Centre")
    Contact = apps.get_model("cases", "Contact")
    Contact.objects.bulk_create(
        Contact(
            id=centre.id,
            kind="centre",
            name=centre.name,
            address=centre.address,
            phone=centre.phone,
            active=centre.active,
        )
        for centre in OldCentre.objects.order_by("id")
    )
    connection = schema_editor.connection
    for statement in connection.ops.sequence_reset_sql(no_style(), [Contact]):
        schema_editor.execute(statement)


def centre_fk(**options):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, **options)


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_name_keys_and_unreadable_appointments")]

    operations = [
        migrations.CreateModel(
            name="Contact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("insurer", "Insurer"),
                            ("records_office", "Records office (release of information)"),
                            ("pathology_lab", "Pathology lab"),
                            ("imaging_centre", "Imaging centre"),
                            ("referring_clinic", "Referring clinic"),
                            ("centre", "Second-opinion centre"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("phone", models.CharField(blank=True, max_length=40)),
                ("fax", models.CharField(blank=True, max_length=40)),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("portal_url", models.URLField(blank=True, verbose_name="Portal address")),
                ("address", models.TextField(blank=True)),
                (
                    "hours",
                    models.CharField(
                        blank=True, help_text="For example: Mon–Fri 8–5", max_length=200
                    ),
                ),
                ("notes", models.TextField(blank=True)),
                ("active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["name", "id"],
                "indexes": [models.Index(fields=["kind", "name"], name="contact_kind_name")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "name"), name="contact_kind_name_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_centres, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="specialist",
            name="centre",
            field=centre_fk(related_name="specialists", to="cases.contact"),
        ),
        migrations.AlterField(
            model_name="case",
            name="centre",
            field=centre_fk(blank=True, null=True, to="cases.contact"),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="centre",
            field=centre_fk(blank=True, null=True, to="cases.contact"),
        ),
        migrations.DeleteModel(name="Centre"),
        migrations.CreateModel(
            name="Centre",
            fields=[],
            options={"ordering": ["name", "id"], "proxy": True, "indexes": [], "constraints": []},
            bases=("cases.contact",),
        ),
        migrations.AlterField(
            model_name="specialist",
            name="centre",
            field=centre_fk(related_name="specialists", to="cases.centre"),
        ),
        migrations.AlterField(
            model_name="case",
            name="centre",
            field=centre_fk(blank=True, null=True, to="cases.centre"),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="centre",
            field=centre_fk(blank=True, null=True, to="cases.centre"),
        ),
    ]
