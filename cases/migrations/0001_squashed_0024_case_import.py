"""The 24 migrations from 0001_initial to 0024_case_import in one (a squash: `replaces`).

A new database is made with this one: every model created once with all its fields, indexes
and constraints, in dependency order, then what the replaced data steps put into a new
database (the groups, time limits and checklists of 0002, the business calendar of 0008, the
"what to bring" flag of 0018) and the PostgreSQL audit trigger of 0005. Django re-renders the
model states once per model instead of after each of the chain's field, index and constraint
changes: `migrate` on a new database takes about 2 s of CPU instead of 5 (`make run`). The replaced data steps that fill or fix rows already there (0012, 0013,
0014, 0018's backfill, 0020) have nothing to do in a new database and are left out. A database
with all 24 applied counts this one as applied; one with only some of them goes on through
the replaced files, which stay until every installation is past 0024. The data steps are the
replaced migrations' own functions (one place per rule).

Made from makemigrations' initial migration of the models at 0024, reshaped (fields, indexes
and constraints moved into their CreateModel; one AddField for the delivery/reminder cycle);
tests/test_migrations.py checks that it makes the same models as the replaced chain and keeps the
data steps a new database needs; the schemas and rows were compared table by table on SQLite and
PostgreSQL when it was made.
"""

import importlib

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

defaults = importlib.import_module("cases.migrations.0002_defaults")
security = importlib.import_module("cases.migrations.0005_security")
reports = importlib.import_module("cases.migrations.0008_reports")
today = importlib.import_module("cases.migrations.0018_today")

REPLACED = [
    "0001_initial",
    "0002_defaults",
    "0003_staff_profile",
    "0004_patient_access",
    "0005_security",
    "0006_scale",
    "0007_reminders",
    "0008_reports",
    "0009_reminder_indexes",
    "0010_status_link_lockouts",
    "0011_reminders_follow_appointments",
    "0012_search_columns",
    "0013_name_keys_and_unreadable_appointments",
    "0014_contacts_directory",
    "0015_daily_loop",
    "0016_records_requests",
    "0017_audit_archive_action",
    "0018_today",
    "0019_caseload",
    "0020_patient_sort_name",
    "0021_contact_log_events",
    "0022_screening",
    "0023_fhir",
    "0024_case_import",
]


class Migration(migrations.Migration):
    replaces = [("cases", name) for name in REPLACED]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiSystem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('scope', models.CharField(choices=[('read', 'Read only'), ('read_write', 'Read and send referrals')], default='read', max_length=12)),
                ('token_digest', models.CharField(editable=False, max_length=64, unique=True)),
                ('token_prefix', models.CharField(editable=False, max_length=12)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'API system',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='BusinessDay',
            fields=[
                ('day', models.DateField(primary_key=True, serialize=False)),
                ('ordinal', models.PositiveIntegerField()),
                ('day_number', models.PositiveIntegerField()),
                ('is_business_day', models.BooleanField()),
                ('starts_at', models.DateTimeField(unique=True)),
                ('month', models.PositiveIntegerField()),
            ],
            options={
                'ordering': ['day'],
            },
        ),
        migrations.CreateModel(
            name='ChecklistTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('referral', 'Referral'), ('preauthorization', 'Insurance preauthorization'), ('records', 'Records gathered'), ('appointment', 'Appointment')], max_length=20)),
                ('label', models.CharField(max_length=200)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('active', models.BooleanField(default=True)),
                ('told_what_to_bring', models.BooleanField(default=False, verbose_name='Marks that the patient was told what to bring')),
            ],
            options={
                'ordering': ['stage', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='StageSetting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('referral', 'Referral'), ('preauthorization', 'Insurance preauthorization'), ('records', 'Records gathered'), ('appointment', 'Appointment')], max_length=20, unique=True)),
                ('routine_days', models.PositiveSmallIntegerField()),
                ('urgent_days', models.PositiveSmallIntegerField()),
            ],
            options={
                'ordering': ['stage'],
            },
        ),
        migrations.CreateModel(
            name='SupportResource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('barrier_kind', models.CharField(blank=True, choices=[('transport', 'Transport'), ('distance', 'Travel distance and lodging'), ('cost', 'Cost and out-of-pocket'), ('insurance', 'Insurance coverage'), ('language', 'Language and interpreter'), ('literacy', 'Health literacy'), ('technology', 'Technology for a video visit'), ('caregiving', 'Caregiving'), ('work', 'Work or school'), ('housing', 'Housing'), ('immigration', 'Immigration concerns'), ('other', 'Other')], max_length=15, verbose_name='Usually for')),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('details', models.TextField(blank=True)),
                ('active', models.BooleanField(default=True)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Contact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('insurer', 'Insurer'), ('records_office', 'Records office (release of information)'), ('pathology_lab', 'Pathology lab'), ('imaging_centre', 'Imaging centre'), ('referring_clinic', 'Referring clinic'), ('centre', 'Second-opinion centre'), ('other', 'Other')], max_length=20)),
                ('name', models.CharField(max_length=200)),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('fax', models.CharField(blank=True, max_length=40)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('portal_url', models.URLField(blank=True, verbose_name='Portal address')),
                ('address', models.TextField(blank=True)),
                ('hours', models.CharField(blank=True, help_text='For example: Mon–Fri 8–5', max_length=200)),
                ('notes', models.TextField(blank=True)),
                ('active', models.BooleanField(default=True)),
            ],
            options={
                'ordering': ['name', 'id'],
                'indexes': [models.Index(fields=['kind', 'name'], name='contact_kind_name')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'name'), name='contact_kind_name_unique')],
            },
        ),
        migrations.CreateModel(
            name='Centre',
            fields=[
            ],
            options={
                'ordering': ['name', 'id'],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('cases.contact',),
        ),
        migrations.CreateModel(
            name='Specialist',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('specialty', models.CharField(blank=True, max_length=200)),
                ('active', models.BooleanField(default=True)),
                ('centre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='specialists', to='cases.centre')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Coverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_on', models.DateField()),
                ('ends_on', models.DateField()),
                ('covered', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverages_received', to=settings.AUTH_USER_MODEL)),
                ('covering', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverages_given', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-starts_on'],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='coverage_dates_ordered'), models.CheckConstraint(condition=models.Q(('covering', models.F('covered')), _negated=True), name='coverage_not_self')],
            },
        ),
        migrations.CreateModel(
            name='ImportMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('header_key', models.CharField(max_length=64, unique=True)),
                ('columns', models.JSONField(default=list)),
                ('updated_at', models.DateTimeField()),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='LetterTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('letter_body', models.TextField(help_text='The body of the letter, between the greeting and the list of records.', verbose_name='Letter text')),
                ('cover_message', models.TextField(blank=True, help_text='A short message on the fax cover sheet.', verbose_name='Fax cover message')),
                ('in_use', models.BooleanField(default=True, verbose_name='Use for new letters')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('in_use', True)), fields=('in_use',), name='letter_template_one_in_use')],
            },
        ),
        migrations.CreateModel(
            name='Patient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('full_name', models.CharField(max_length=200)),
                ('date_of_birth', models.DateField()),
                ('mrn', models.CharField(blank=True, max_length=40, verbose_name='MRN')),
                ('preferred_language', models.CharField(choices=[('en', 'English'), ('es', 'Spanish')], default='en', max_length=2)),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('preferred_contact', models.CharField(choices=[('phone', 'Phone call'), ('sms', 'Text message'), ('email', 'Email')], default='phone', max_length=10)),
                ('consent_to_reminders', models.BooleanField(default=False)),
                ('search_name', models.TextField(blank=True, editable=False)),
                ('search_mrn', models.TextField(blank=True, editable=False)),
                ('sort_name', models.TextField(blank=True, editable=False)),
            ],
            options={
                'indexes': [models.Index(fields=['search_name', 'date_of_birth'], name='patient_search_name_dob'), models.Index(fields=['mrn'], name='patient_mrn'), models.Index(fields=['sort_name'], name='patient_sort_name')],
            },
        ),
        migrations.CreateModel(
            name='Case',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tumour_type', models.CharField(choices=[('glioma', 'Glioma'), ('meningioma', 'Meningioma'), ('brain_metastasis', 'Brain metastasis'), ('cns_lymphoma', 'CNS lymphoma'), ('ependymoma', 'Ependymoma'), ('medulloblastoma', 'Medulloblastoma'), ('spinal_cord', 'Spinal cord tumour'), ('other', 'Other')], default='glioma', max_length=20)),
                ('glioma_type', models.CharField(blank=True, choices=[('astrocytoma_idh_mutant', 'Astrocytoma, IDH-mutant'), ('oligodendroglioma_idh_mutant_codeleted', 'Oligodendroglioma, IDH-mutant and 1p/19q-codeleted'), ('glioblastoma_idh_wildtype', 'Glioblastoma, IDH-wildtype'), ('other', 'Other'), ('unknown', 'Not yet known')], default='unknown', max_length=50)),
                ('grade', models.CharField(choices=[('1', 'CNS WHO grade 1'), ('2', 'CNS WHO grade 2'), ('3', 'CNS WHO grade 3'), ('4', 'CNS WHO grade 4'), ('unknown', 'Not yet known')], default='unknown', max_length=10)),
                ('diagnosis_notes', models.TextField(blank=True)),
                ('reasons_other', models.CharField(blank=True, max_length=300)),
                ('urgency', models.CharField(choices=[('routine', 'Routine'), ('urgent', 'Urgent')], default='routine', max_length=10)),
                ('centre_other', models.CharField(blank=True, max_length=200, verbose_name='Centre (not in directory)')),
                ('specialist_other', models.CharField(blank=True, max_length=200, verbose_name='Specialist (not in directory)')),
                ('status', models.CharField(choices=[('open', 'Open'), ('on_hold', 'On hold'), ('completed', 'Completed'), ('withdrawn', 'Withdrawn')], default='open', max_length=10)),
                ('status_reason', models.CharField(blank=True, max_length=300)),
                ('hold_review_on', models.DateField(blank=True, null=True, verbose_name='Review the hold on')),
                ('current_stage', models.CharField(blank=True, choices=[('referral', 'Referral'), ('preauthorization', 'Insurance preauthorization'), ('records', 'Records gathered'), ('appointment', 'Appointment')], max_length=20)),
                ('next_due_date', models.DateField(blank=True, null=True)),
                ('opened_at', models.DateTimeField()),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('social_worker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to=settings.AUTH_USER_MODEL)),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.patient')),
                ('specialist', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='cases.specialist')),
                ('centre', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='cases.centre')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('status', 'open')), fields=['social_worker', 'next_due_date'], name='case_open_by_worker_due'), models.Index(condition=models.Q(('status', 'open')), fields=['next_due_date'], name='case_open_due'), models.Index(fields=['status', 'opened_at'], name='case_status_opened'), models.Index(fields=['status', 'social_worker', 'next_due_date'], name='case_status_worker_due')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('glioma_type__gt', ''), ('tumour_type', 'glioma')), models.Q(models.Q(('tumour_type', 'glioma'), _negated=True), ('glioma_type', '')), _connector='OR'), name='case_glioma_type_only_for_glioma', violation_error_message='A glioma type only applies to a glioma.')],
            },
        ),
        migrations.CreateModel(
            name='Barrier',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('transport', 'Transport'), ('distance', 'Travel distance and lodging'), ('cost', 'Cost and out-of-pocket'), ('insurance', 'Insurance coverage'), ('language', 'Language and interpreter'), ('literacy', 'Health literacy'), ('technology', 'Technology for a video visit'), ('caregiving', 'Caregiving'), ('work', 'Work or school'), ('housing', 'Housing'), ('immigration', 'Immigration concerns'), ('other', 'Other')], max_length=15)),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='What it is')),
                ('identified_on', models.DateField(verbose_name='Identified on')),
                ('status', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved'), ('unresolved', 'Closed unresolved')], default='open', max_length=10)),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='Resolved or closed on')),
                ('unresolved_reason', models.CharField(blank=True, max_length=300, verbose_name='Why it stays unresolved')),
                ('created_at', models.DateTimeField()),
                ('version', models.PositiveIntegerField(default=1)),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='barriers', to='cases.case')),
            ],
            options={
                'ordering': ['identified_on', 'id'],
                'indexes': [models.Index(fields=['case', 'status'], name='barrier_case_status'), models.Index(fields=['identified_on'], name='barrier_identified'), models.Index(fields=['closed_on'], name='barrier_closed')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'open'), ('closed_on__isnull', True)), models.Q(models.Q(('status', 'open'), _negated=True), ('closed_on__gte', models.F('identified_on'))), _connector='OR'), name='barrier_closed_after_identified')],
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('actor_label', models.CharField(blank=True, max_length=100)),
                ('action', models.CharField(choices=[('view', 'Viewed'), ('create', 'Created'), ('update', 'Updated'), ('delete', 'Deleted'), ('export', 'Exported'), ('login', 'Logged in'), ('login_failed', 'Failed login'), ('logout', 'Logged out'), ('archive', 'Archived')], max_length=20)),
                ('object_type', models.CharField(blank=True, max_length=50)),
                ('object_id', models.CharField(blank=True, max_length=50)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                ('user_agent', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['case', '-created_at'], name='audit_case_time'), models.Index(fields=['created_at'], name='audit_time')],
            },
        ),
        migrations.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('opened', 'Case opened'), ('step', 'Step status'), ('due_date', 'Due date moved'), ('checklist', 'Checklist'), ('insurance', 'Insurance'), ('appointment', 'Appointment'), ('note', 'Note'), ('status', 'Case status'), ('reassigned', 'Reassigned'), ('details', 'Details edited'), ('reminder', 'Reminder'), ('patient', 'Patient'), ('records', 'Records request'), ('contact', 'Contact log'), ('follow_up', 'Follow-up'), ('screening', 'Distress screening'), ('barrier', 'Barrier to care')], max_length=20)),
                ('summary', models.TextField()),
                ('created_at', models.DateTimeField()),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.case')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['case', '-created_at'], name='event_case_time')],
            },
        ),
        migrations.CreateModel(
            name='CaseReason',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('unanswered_questions', 'Unanswered questions about the diagnosis'), ('another_view', 'Wants another view of diagnosis and treatment'), ('experienced_team', 'Wants a team more experienced with this tumour'), ('different_approach', 'Interested in a different treatment approach'), ('relapse', 'Relapse after treatment'), ('communication', 'Trouble communicating with the current team'), ('not_taken_seriously', 'Concerns not taken seriously'), ('family_advice', 'Family and friends advised it'), ('other', 'Other')], max_length=30)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reasons', to='cases.case')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('case', 'reason'), name='case_reason_unique')],
            },
        ),
        migrations.CreateModel(
            name='CaseVisit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_opened_at', models.DateTimeField()),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='cases.case')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('user', 'case'), name='casevisit_user_case_unique')],
            },
        ),
        migrations.CreateModel(
            name='ContactLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_at', models.DateTimeField(verbose_name='When')),
                ('channel', models.CharField(choices=[('call', 'Phone call'), ('fax', 'Fax'), ('email', 'Email'), ('letter', 'Letter'), ('portal', 'Portal message'), ('visit', 'Visit')], max_length=10)),
                ('direction', models.CharField(choices=[('out', 'Outgoing'), ('in', 'Incoming')], default='out', max_length=3)),
                ('contact_other', models.CharField(blank=True, max_length=200, verbose_name='With (not in directory)')),
                ('number_used', models.CharField(blank=True, max_length=200, verbose_name='Number or address used')),
                ('reference_number', models.CharField(blank=True, max_length=80)),
                ('outcome', models.CharField(choices=[('reached', 'Reached'), ('left_message', 'Left a message'), ('no_answer', 'No answer'), ('busy', 'Line busy'), ('wrong_number', 'Wrong number'), ('sent', 'Sent'), ('received', 'Received'), ('failed', 'Did not go through')], max_length=15)),
                ('note', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('corrected_at', models.DateTimeField(blank=True, null=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contact_log', to='cases.case')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='log_entries', to='cases.contact')),
            ],
            options={
                'verbose_name_plural': 'contact log entries',
                'ordering': ['-occurred_at', '-id'],
                'indexes': [models.Index(fields=['case', '-occurred_at'], name='contactlog_case_time')],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest_on', models.DateField(blank=True, null=True)),
                ('channel', models.CharField(choices=[('email', 'Email'), ('sms', 'Text message')], max_length=10)),
                ('rule', models.CharField(choices=[('due_soon', 'Due soon'), ('overdue', 'Overdue'), ('escalation', 'Escalation'), ('appointment_far', 'Appointment coming up'), ('appointment_near', 'Appointment tomorrow'), ('follow_up_due', 'Follow-up due'), ('follow_up_late', 'Follow-up late'), ('records_follow_up', 'Records request to follow up'), ('records_late', 'Records request past its legal clock'), ('reassigned', 'Case assigned'), ('digest', 'Daily digest')], max_length=20)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed, will retry'), ('dead', 'Undelivered'), ('cancelled', 'No longer needed')], default='pending', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('last_error', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField()),
                ('next_attempt_at', models.DateTimeField()),
                ('queued_at', models.DateTimeField(blank=True, null=True)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='cases.case')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'deliveries',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('status__in', ['pending', 'failed', 'sending'])), fields=['next_attempt_at'], name='delivery_unfinished'), models.Index(condition=models.Q(('status', 'dead')), fields=['case'], name='delivery_dead_by_case'), models.Index(fields=['-created_at', '-id'], name='delivery_recent')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('rule', 'digest')), fields=('recipient', 'digest_on'), name='delivery_one_digest_a_day')],
            },
        ),
        migrations.CreateModel(
            name='IncomingReferral',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identifier_system', models.CharField(editable=False, max_length=300)),
                ('identifier_value', models.CharField(editable=False, max_length=200)),
                ('received_at', models.DateTimeField()),
                ('patient_data', models.JSONField(editable=False)),
                ('case_data', models.JSONField(editable=False)),
                ('assigned_at', models.DateTimeField(blank=True, null=True)),
                ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referral', to='cases.case')),
                ('system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='cases.apisystem')),
            ],
            options={
                'ordering': ['received_at', 'id'],
                'indexes': [models.Index(condition=models.Q(('case__isnull', True)), fields=['received_at'], name='referral_unassigned')],
                'constraints': [models.UniqueConstraint(fields=('system', 'identifier_system', 'identifier_value'), name='referral_identifier_unique')],
            },
        ),
        migrations.CreateModel(
            name='Insurance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('payer', models.CharField(blank=True, max_length=200)),
                ('plan', models.CharField(blank=True, max_length=200)),
                ('member_id', models.CharField(blank=True, max_length=80, verbose_name='Member ID')),
                ('preauthorization_required', models.CharField(choices=[('unknown', 'Unknown'), ('yes', 'Yes'), ('no', 'No')], default='unknown', max_length=10)),
                ('reference_number', models.CharField(blank=True, max_length=80)),
                ('requested_on', models.DateField(blank=True, null=True, verbose_name='Requested on')),
                ('decision', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('denied', 'Denied'), ('appealed', 'Appealed'), ('overturned', 'Overturned on appeal')], default='pending', max_length=12)),
                ('decided_on', models.DateField(blank=True, null=True, verbose_name='Decision date')),
                ('in_network', models.CharField(choices=[('unknown', 'Unknown'), ('yes', 'Yes'), ('no', 'No')], default='unknown', max_length=10)),
                ('expected_out_of_pocket', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='insurance', to='cases.case')),
            ],
        ),
        migrations.CreateModel(
            name='Note',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField()),
                ('created_at', models.DateTimeField()),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='cases.case')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='PatientQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=500)),
                ('asked_by', models.CharField(choices=[('patient', 'Patient'), ('carer', 'Carer')], max_length=10)),
                ('created_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='patient_questions', to='cases.case')),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='RecordsRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contact_other', models.CharField(blank=True, max_length=200, verbose_name='From (not in directory)')),
                ('method', models.CharField(choices=[('fax', 'Fax'), ('portal', 'Portal'), ('mail', 'Mail'), ('courier', 'Courier'), ('patient_brings', 'Patient brings them')], default='fax', max_length=15)),
                ('sent_on', models.DateField(blank=True, null=True, verbose_name='Sent on')),
                ('tracking_number', models.CharField(blank=True, max_length=80)),
                ('release_reference', models.CharField(blank=True, max_length=80, verbose_name='Release reference')),
                ('extension_notice_on', models.DateField(blank=True, null=True, verbose_name='Extension notice received')),
                ('answer_due_on', models.DateField(blank=True, null=True, verbose_name='Answer due')),
                ('follow_up_on', models.DateField(blank=True, null=True, verbose_name='Follow up on')),
                ('completed_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
                ('version', models.PositiveIntegerField(default=1)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records_requests', to='cases.case')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='records_requests', to='cases.contact')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('answer_due_on__isnull', False), ('completed_on__isnull', True)), fields=['answer_due_on'], name='records_request_open_due'), models.Index(condition=models.Q(('completed_on__isnull', True), ('follow_up_on__isnull', False)), fields=['follow_up_on'], name='records_request_follow_up')],
            },
        ),
        migrations.CreateModel(
            name='FollowUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('what', models.CharField(max_length=300)),
                ('due_on', models.DateField(verbose_name='Due')),
                ('due_time', models.TimeField(blank=True, null=True, verbose_name='Time (optional)')),
                ('created_at', models.DateTimeField()),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('assignee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='cases.case')),
                ('contact_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='follow_ups', to='cases.contactlogentry')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('records_request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='cases.recordsrequest')),
            ],
            options={
                'ordering': ['due_on', 'due_time', 'id'],
                'indexes': [models.Index(condition=models.Q(('done_at__isnull', True)), fields=['assignee', 'due_on'], name='followup_open_by_assignee'), models.Index(condition=models.Q(('done_at__isnull', True)), fields=['due_on'], name='followup_open_due'), models.Index(fields=['case', 'due_on'], name='followup_case_due')],
            },
        ),
        migrations.CreateModel(
            name='DistressScreening',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('screened_on', models.DateField(verbose_name='Screened on')),
                ('method', models.CharField(choices=[('in_person', 'In person'), ('phone', 'Phone'), ('video', 'Video'), ('patient', 'Completed by the patient')], max_length=10, verbose_name='How')),
                ('score', models.PositiveSmallIntegerField(verbose_name='Distress score (0–10)')),
                ('problems', models.JSONField(blank=True, default=list)),
                ('note', models.TextField(blank=True)),
                ('plan', models.CharField(blank=True, choices=[('referral', 'Referral made'), ('none', 'No referral')], max_length=10)),
                ('referral_kind', models.CharField(blank=True, choices=[('counselling', 'Psychosocial counselling'), ('psychiatry', 'Psychiatry'), ('chaplaincy', 'Chaplaincy'), ('support_group', 'Support group'), ('financial', 'Financial counselling'), ('other', 'Other')], max_length=15, verbose_name='Referred to')),
                ('no_referral_reason', models.CharField(blank=True, max_length=300, verbose_name='Why no referral')),
                ('planned_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
                ('version', models.PositiveIntegerField(default=1)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='screenings', to='cases.case')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('screened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('referral_follow_up', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.followup')),
            ],
            options={
                'ordering': ['-screened_on', '-id'],
                'indexes': [models.Index(fields=['case', '-screened_on'], name='screening_case_day'), models.Index(fields=['screened_on'], name='screening_day')],
                'constraints': [models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 10)), name='screening_score_0_10'), models.CheckConstraint(condition=models.Q(('plan', ''), ('planned_on__isnull', False), _connector='OR'), name='screening_plan_dated')],
            },
        ),
        migrations.CreateModel(
            name='Appointment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scheduled_at', models.DateTimeField(blank=True, null=True, verbose_name='Date and time')),
                ('mode', models.CharField(choices=[('in_person', 'In person'), ('video', 'Video visit')], default='in_person', max_length=10)),
                ('address', models.TextField(blank=True)),
                ('video_link', models.URLField(blank=True)),
                ('what_to_bring', models.TextField(blank=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='appointment', to='cases.case')),
                ('specialist', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='cases.specialist')),
                ('centre', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='cases.centre')),
            ],
            options={
                'indexes': [models.Index(fields=['scheduled_at'], name='appointment_scheduled_at')],
            },
        ),
        migrations.CreateModel(
            name='StaffProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='Work phone')),
                ('hours', models.CharField(blank=True, help_text='For example: Mon–Fri 8:30–4:30', max_length=200, verbose_name='Working hours')),
                ('hours_es', models.CharField(blank=True, help_text='For Spanish-speaking patients. For example: lunes a viernes, 8:30 a 16:30', max_length=200, verbose_name='Working hours, in Spanish')),
                ('due_soon_delivery', models.CharField(choices=[('immediate', 'One message per event'), ('digest', 'Daily digest')], default='digest', max_length=10, verbose_name='Due-soon reminders')),
                ('overdue_delivery', models.CharField(choices=[('immediate', 'One message per event'), ('digest', 'Daily digest')], default='immediate', max_length=10, verbose_name='Overdue reminders')),
                ('escalation_delivery', models.CharField(choices=[('immediate', 'One message per event'), ('digest', 'Daily digest')], default='immediate', max_length=10, verbose_name='Escalations')),
                ('digest_hour', models.PositiveSmallIntegerField(default=8, help_text='Hour of the day (team time zone, 0–23) the digest is sent.', validators=[django.core.validators.MaxValueValidator(23)], verbose_name='Daily digest hour')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_profile', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='StatusLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('audience', models.CharField(choices=[('patient', 'Patient'), ('carer', 'Carer')], default='patient', max_length=10)),
                ('carer_name', models.CharField(blank=True, max_length=200)),
                ('carer_phone', models.CharField(blank=True, max_length=40)),
                ('carer_email', models.EmailField(blank=True, max_length=254)),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('failed_attempts', models.PositiveSmallIntegerField(default=0)),
                ('locked_until', models.DateTimeField(blank=True, null=True)),
                ('lockouts', models.PositiveSmallIntegerField(default=0)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_links', to='cases.case')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('replaces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.statuslink')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('revoked_at__isnull', True)), fields=['case', '-created_at'], name='status_link_case_active')],
            },
        ),
        migrations.CreateModel(
            name='Step',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('referral', 'Referral'), ('preauthorization', 'Insurance preauthorization'), ('records', 'Records gathered'), ('appointment', 'Appointment')], max_length=20)),
                ('position', models.PositiveSmallIntegerField()),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('in_progress', 'In progress'), ('done', 'Done'), ('not_needed', 'Not needed'), ('blocked', 'Blocked')], default='pending', max_length=12)),
                ('status_reason', models.CharField(blank=True, max_length=300)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('due_date', models.DateField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('blocked_at', models.DateTimeField(blank=True, null=True)),
                ('snoozed_until', models.DateField(blank=True, null=True)),
                ('snooze_reason', models.CharField(blank=True, max_length=300)),
                ('version', models.PositiveIntegerField(default=1)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='cases.case')),
            ],
            options={
                'ordering': ['position'],
                'indexes': [models.Index(condition=models.Q(('status__in', ['in_progress', 'blocked'])), fields=['due_date'], name='step_active_due')],
                'constraints': [models.UniqueConstraint(fields=('case', 'stage'), name='step_case_stage')],
            },
        ),
        migrations.CreateModel(
            name='ChecklistItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=200)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('told_what_to_bring', models.BooleanField(default=False)),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('step', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checklist', to='cases.step')),
            ],
            options={
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='RecordsRequestItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('pathology_report', 'Pathology report'), ('slides', 'Glass slides or paraffin block'), ('mri_dicom', 'MRI as DICOM (disc or link)'), ('molecular', 'Molecular report (IDH, 1p/19q, MGMT)'), ('operative_note', 'Operative note'), ('treatment_summary', 'Treatment summary'), ('referral_letter', 'Referral letter'), ('other', 'Other')], max_length=20)),
                ('description', models.CharField(blank=True, max_length=200)),
                ('received_on', models.DateField(blank=True, null=True)),
                ('ticked_checklist', models.BooleanField(default=False)),
                ('checklist_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.checklistitem')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='cases.recordsrequest')),
            ],
            options={
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('kind', 'other'), _negated=True), fields=('request', 'kind'), name='records_item_once_per_kind')],
            },
        ),
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rule', models.CharField(choices=[('due_soon', 'Due soon'), ('overdue', 'Overdue'), ('escalation', 'Escalation'), ('appointment_far', 'Appointment coming up'), ('appointment_near', 'Appointment tomorrow'), ('follow_up_due', 'Follow-up due'), ('follow_up_late', 'Follow-up late'), ('records_follow_up', 'Records request to follow up'), ('records_late', 'Records request past its legal clock'), ('reassigned', 'Case assigned'), ('digest', 'Daily digest')], max_length=20)),
                ('due_at', models.DateTimeField()),
                ('mode', models.CharField(choices=[('immediate', 'One message per event'), ('digest', 'Daily digest')], max_length=10)),
                ('created_at', models.DateTimeField()),
                ('released', models.PositiveBigIntegerField(default=0)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='cases.case')),
                ('delivery', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reminders', to='cases.delivery')),
                ('follow_up', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='cases.followup')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to=settings.AUTH_USER_MODEL)),
                ('records_request', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='cases.recordsrequest')),
                ('step', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='cases.step')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('delivery__isnull', True)), fields=['mode', 'recipient'], name='reminder_undelivered'), models.Index(condition=models.Q(('delivery__isnull', False)), fields=['delivery'], name='reminder_by_delivery')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('follow_up__isnull', True), ('records_request__isnull', True), ('step__isnull', False)), models.Q(('follow_up__isnull', False), ('records_request__isnull', True), ('step__isnull', True)), models.Q(('follow_up__isnull', True), ('records_request__isnull', False), ('step__isnull', True)), _connector='OR'), name='reminder_one_subject'), models.UniqueConstraint(condition=models.Q(('follow_up__isnull', False)), fields=('follow_up', 'rule', 'due_at', 'recipient', 'released'), name='reminder_once_per_follow_up'), models.UniqueConstraint(condition=models.Q(('records_request__isnull', False)), fields=('records_request', 'rule', 'due_at', 'recipient', 'released'), name='reminder_once_per_records_request'), models.UniqueConstraint(fields=('step', 'rule', 'due_at', 'recipient', 'released'), name='reminder_once_per_staff'), models.UniqueConstraint(condition=models.Q(('recipient__isnull', True)), fields=('step', 'rule', 'due_at', 'released'), name='reminder_once_per_patient')],
            },
        ),
        migrations.CreateModel(
            name='BarrierIntervention',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='What was done')),
                ('done_on', models.DateField(verbose_name='Done on')),
                ('created_at', models.DateTimeField()),
                ('barrier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interventions', to='cases.barrier')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('resource', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.supportresource')),
            ],
            options={
                'ordering': ['done_on', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('resource__isnull', False), models.Q(('note', ''), _negated=True), _connector='OR'), name='intervention_says_what')],
            },
        ),
        migrations.AddField(
            model_name='delivery',
            name='source_reminder',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.reminder'),
        ),
        # What the replaced data steps put into a new database.
        migrations.RunPython(defaults.seed, migrations.RunPython.noop),
        migrations.RunPython(reports.fill_calendar, migrations.RunPython.noop),
        migrations.RunPython(today.flag_what_to_bring, migrations.RunPython.noop),
        security.PostgreSQLOnlyRunSQL(security.CREATE, reverse_sql=security.DROP),
    ]
