"""The audit table refuses UPDATE and DELETE at the database itself (PostgreSQL only).

The app already refuses through the ORM (cases.models.audit); this closes the door for a shell,
a script or a bug that goes around it. SQLite, the embedded default, has no such trigger.
TRUNCATE (what the test database's flush uses) is a table-level statement and not refused.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cases_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on cases_auditevent is refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_auditevent_append_only
    BEFORE UPDATE OR DELETE ON cases_auditevent
    FOR EACH ROW EXECUTE FUNCTION cases_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON cases_auditevent;
DROP FUNCTION IF EXISTS cases_auditevent_append_only();
"""


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    """RunSQL that runs only when the database is PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_patient_access"),
    ]

    operations = [
        PostgreSQLOnlyRunSQL(CREATE, reverse_sql=DROP),
    ]
