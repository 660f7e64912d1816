"""Every table's row count and checksum, to show two databases hold the same rows.

The tables are those of every installed model — Navigator's, auth's, django-axes', django-otp's,
sessions', contenttypes', admin's, the many-to-many tables between them — and Django's
migration history, in name order; each table's rows in primary-key order. A row is hashed as
the database driver returns it, so two databases of one engine compare exactly."""

import hashlib
import sqlite3
from pathlib import Path

import psycopg
from django.apps import apps


def model_tables() -> dict[str, str]:
    """table → its primary key column, for every installed model and django_migrations."""
    tables = {
        model._meta.db_table: model._meta.pk.column
        for model in apps.get_models(include_auto_created=True)
    }
    return dict(sorted((tables | {"django_migrations": "id"}).items()))


def database_tables(connection) -> set[str]:
    """Every table the database holds, but SQLite's own (sqlite_sequence, statistics)."""
    cursor = connection.cursor()
    if isinstance(connection, sqlite3.Connection):
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    return {name for (name,) in cursor.fetchall()}


def table_checksums(connection, *, up_to: dict[str, int] | None = None):
    """table → (row count, SHA-256 of its rows in primary-key order); with `up_to`, only the
    rows whose key is at most the table's number there (for a table named in it)."""
    result = {}
    placeholder = "?" if isinstance(connection, sqlite3.Connection) else "%s"
    for table, key in model_tables().items():
        cursor = connection.cursor()
        if up_to and table in up_to:
            cursor.execute(
                f'SELECT * FROM "{table}" WHERE "{key}" <= {placeholder} ORDER BY "{key}"',  # noqa: S608
                (up_to[table],),
            )
        else:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{key}"')  # noqa: S608
        digest, count = hashlib.sha256(), 0
        for row in cursor:
            digest.update(repr(tuple(row)).encode() + b"\n")
            count += 1
        result[table] = (count, digest.hexdigest())
    return result


def sqlite_checksums(path: Path, *, up_to: dict[str, int] | None = None):
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert database_tables(connection) == set(model_tables()), "a table no model names"
        return table_checksums(connection, up_to=up_to)
    finally:
        connection.close()


def sqlite_highest_keys(path: Path) -> dict[str, int]:
    """table → its highest primary key (0 when it has no rows), for tables keyed by integers."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        highest = {}
        for table, key in model_tables().items():
            columns = {
                row[1]: row[2].lower()
                for row in connection.execute(f'PRAGMA table_info("{table}")')
            }
            if "int" in columns[key]:
                (value,) = connection.execute(f'SELECT max("{key}") FROM "{table}"').fetchone()  # noqa: S608
                highest[table] = value or 0
        return highest
    finally:
        connection.close()


def postgres_checksums(conninfo: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(conninfo) as connection:
        assert database_tables(connection) == set(model_tables()), "a table no model names"
        return table_checksums(connection)
