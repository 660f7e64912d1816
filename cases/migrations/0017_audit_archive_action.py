"""Audit events may record an archive: events past their retention removed once archived to a
signed file (cases/housekeeping/audit_archive.py). Choices only: no change to the table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_records_requests'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('create', 'Created'), ('update', 'Updated'), ('delete', 'Deleted'), ('export', 'Exported'), ('login', 'Logged in'), ('login_failed', 'Failed login'), ('logout', 'Logged out'), ('archive', 'Archived')], max_length=20),
        ),
    ]
