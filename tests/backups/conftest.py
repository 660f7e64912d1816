"""An empty database to restore into, of the engine the suite runs on: a new SQLite file, or a
new PostgreSQL database (dropped afterwards) on the test database's server."""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from tests.backups.checksums import postgres_checksums, sqlite_checksums


@dataclass(frozen=True)
class Database:
    url: str
    # SQLite: the file; PostgreSQL: a libpq connection string.
    path: Path | None = None
    conninfo: str = ""

    def checksums(self) -> dict[str, tuple[int, str]]:
        return sqlite_checksums(self.path) if self.path else postgres_checksums(self.conninfo)

    def rows(self, sql: str) -> list[tuple]:
        if self.path:
            with sqlite3.connect(self.path) as database:
                return database.execute(sql).fetchall()
        with psycopg.connect(self.conninfo) as database:
            return database.execute(sql).fetchall()


def _postgres(name: str) -> Database:
    settings = connection.settings_dict
    parts = {
        "host": settings["HOST"] or "",
        "port": str(settings["PORT"] or 5432),
        "user": settings["USER"] or "",
        "password": settings["PASSWORD"] or "",
    }
    password = f":{parts['password']}" if parts["password"] else ""
    return Database(
        url=f"postgres://{parts['user']}{password}@{parts['host']}:{parts['port']}/{name}",
        conninfo=make_conninfo(dbname=name, **{k: v for k, v in parts.items() if v}),
    )


def the_test_database() -> Database:
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        return Database(url=f"sqlite:///{path}", path=path)
    return _postgres(connection.settings_dict["NAME"])


@pytest.fixture
def fresh_database(tmp_path):
    if connection.vendor == "sqlite":
        path = tmp_path / "restored" / "navigator.sqlite3"
        path.parent.mkdir()
        yield Database(url=f"sqlite:///{path}", path=path)
        return
    # Named after the test database's own (test_navigator → navigator_restore_<pid>), so each
    # run on a shared server has its own.
    name = f"{connection.settings_dict['NAME'].removeprefix('test_')}_restore_{os.getpid()}"
    server = _postgres("postgres")
    with psycopg.connect(server.conninfo, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres(name)
    finally:
        with psycopg.connect(server.conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
