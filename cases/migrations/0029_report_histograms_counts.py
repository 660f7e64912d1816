"""The histograms gain the volume and insurance reports' figures (`cases.reports.measures`: cases
opened, cases completed, reasons given; preauthorizations requested, days to decide). Histograms
built before hold none of them, so the build is cleared: the reports count from the rows until
`python manage.py report_histograms` builds them again. Indexes for the insurance report's
requests in a period, the team caseload's open and held cases (with their urgency), and the
business calendar's seeks and joins read from an index alone."""

from django.db import migrations, models


def clear_build(apps, schema_editor):
    apps.get_model("cases", "ReportHistogramBuild").objects.all().delete()
    apps.get_model("cases", "ReportHistogram").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0028_screening_report_indexes"),
    ]

    operations = [
        migrations.RunPython(clear_build, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="businessday",
            index=models.Index(fields=["starts_at", "day", "month"], name="businessday_seek"),
        ),
        migrations.AddIndex(
            model_name="businessday",
            index=models.Index(fields=["day", "ordinal", "day_number"], name="businessday_numbers"),
        ),
        migrations.RemoveIndex(model_name="case", name="case_status_worker_due"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "social_worker", "next_due_date", "urgency"],
                name="case_status_worker_due",
            ),
        ),
        migrations.AddIndex(
            model_name="insurance",
            index=models.Index(
                fields=["requested_on", "decision", "decided_on", "case"],
                name="insurance_requested_report",
            ),
        ),
    ]
