"""The production role split on PostgreSQL: the application connects as a role that owns
nothing, so the audit trail stays append-only even for a compromised or buggy application.

1. The owner role owns the schema and every table, sequence and function in it, and is the
   role that runs the migrations (the `release` step). Only an owner can ALTER, DROP, TRUNCATE
   or disable a trigger.
2. The application role gets SELECT, INSERT, UPDATE and DELETE on every table — but only
   SELECT and INSERT on the audit table — and USAGE on the sequences; never TRUNCATE, and it
   creates nothing. Tables the owner's later migrations create get the same by default.
3. Neither role is a superuser, so neither can `SET session_replication_role` (which would
   switch the audit table's trigger off). Neither may be the role this command connects as:
   it would take the superuser's own rights away.
4. The owner also owns the database, and nobody else may CREATE (schemas) or TEMPORARY
   (tables) in it: a database made with `createdb -O app` would let the application create
   a schema of its own.
5. The application is not a member of the owner, directly or through another role (a member
   has the owner's rights: TRUNCATE, ALTER): a direct grant is revoked, and any path left
   stops the command with an error.

Prints the SQL to review and run as a superuser (`psql -f`), or runs it with --execute on the
database DATABASE_URL names (connected as a superuser). Roles that do not exist yet are made
with LOGIN and no password: set one with `ALTER ROLE ... PASSWORD` (or `\\password` in psql).
Run it again after a deploy that was migrated by another role; it changes nothing otherwise.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from cases.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
# Objects made by an extension (unaccent, pg_trgm…) keep the extension's owner.
NOT_FROM_AN_EXTENSION = (
    "NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
)


def role_split_sql(*, owner: str, app: str, database: str) -> list[str]:
    """The statements, in order, for roles `owner` and `app` on `database`."""
    audit_table = connection.ops.quote_name(AuditEvent._meta.db_table)
    database = connection.ops.quote_name(database)
    statements = [
        f"""DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE "{role}" {ROLE_ATTRIBUTES};
    END IF;
END
$$""".strip()  # noqa: S608 # nosec B608 - role names are checked against ROLE_NAME first
        for role in (owner, app)
    ]
    statements += [
        f'ALTER ROLE "{role}" NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS'
        for role in (owner, app)
    ]
    statements += [
        f'REVOKE "{owner}" FROM "{app}"',
        f"""DO $$
BEGIN
    IF pg_has_role('{app}', '{owner}', 'MEMBER') THEN
        RAISE EXCEPTION 'Role "{app}" is a member of "{owner}" through another role: '
            'revoke that membership first.';
    END IF;
END
$$""".strip(),
        f'ALTER DATABASE {database} OWNER TO "{owner}"',
        f'REVOKE CREATE, TEMPORARY ON DATABASE {database} FROM PUBLIC, "{app}"',
        f'GRANT CONNECT ON DATABASE {database} TO "{owner}", "{app}"',
        f'ALTER SCHEMA public OWNER TO "{owner}"',
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"""DO $$
DECLARE item record;
BEGIN
    -- Tables and views; a table's identity sequences follow it.
    FOR item IN
        SELECT c.oid::regclass AS name FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
          AND {NOT_FROM_AN_EXTENSION.format(oid="c.oid")}
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', item.name, '{owner}');
    END LOOP;
    -- Sequences of their own (not a column's).
    FOR item IN
        SELECT c.oid::regclass AS name FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'S'
          AND NOT EXISTS (
              SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')
          )
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', item.name, '{owner}');
    END LOOP;
    -- Functions, such as the audit table's trigger.
    FOR item IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND {NOT_FROM_AN_EXTENSION.format(oid="p.oid")}
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', item.name, '{owner}');
    END LOOP;
END
$$""".strip(),  # noqa: S608 # nosec B608 - role names are checked against ROLE_NAME
        f'GRANT USAGE ON SCHEMA public TO "{app}"',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{app}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}"',
        # The trail is append-only for the application: it may add and read, nothing more.
        f'REVOKE UPDATE, DELETE ON {audit_table} FROM "{app}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f'GRANT USAGE, SELECT ON SEQUENCES TO "{app}"',
    ]
    return statements


class Command(BaseCommand):
    help = (
        "Print (or, with --execute, run as a superuser) the SQL that splits the PostgreSQL "
        "roles: an owner that runs the migrations, and an application role that owns nothing "
        "and may only read and add to the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="the role that owns the tables")
        parser.add_argument("--app", required=True, help="the role the application uses")
        parser.add_argument(
            "--execute", action="store_true", help="run it on DATABASE_URL's database"
        )

    def handle(self, *args, **options):
        owner, app = options["owner"], options["app"]
        for role in (owner, app):
            if not ROLE_NAME.match(role):
                raise CommandError(f"{role!r}: use lower-case letters, digits and _ only.")
        if owner == app:
            raise CommandError("The owner and the application need two different roles.")
        if connection.vendor != "postgresql":
            raise CommandError("Roles are PostgreSQL's: set DATABASE_URL to the database.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT session_user, current_user")
            connected_as = set(cursor.fetchone())
        if clash := sorted(connected_as & {owner, app}):
            raise CommandError(
                f"{clash[0]!r} is the role this command connects as: name two other roles "
                "(db_roles would take this one's superuser rights away)."
            )
        statements = role_split_sql(owner=owner, app=app, database=connection.settings_dict["NAME"])
        if not options["execute"]:
            self.stdout.write(";\n\n".join(statements) + ";")
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except DatabaseError as error:
            raise CommandError(f"Nothing was changed: {error}") from error
        self.stdout.write(f"Roles set: {owner} owns the tables, {app} connects the application.")
