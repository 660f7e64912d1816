"""The squash (cases 0001_squashed_0024_case_import) makes what the 24 migrations it replaces
make: the same models, and the same rows in a new database.

Cheap: the states are built without a database. The schemas were also compared table by table
(columns, indexes, constraints, rows, the PostgreSQL trigger) on SQLite and PostgreSQL when
the squash was made; a change to the squash is reviewed against this test.
"""

import importlib

from django.db.migrations import RunPython, RunSQL
from django.db.migrations.loader import MigrationLoader

from cases.backups.checks import migration_check

SQUASH = ("cases", "0001_squashed_0024_case_import")
LAST_REPLACED = ("cases", "0024_case_import")

# The replaced data steps that only fill or fix rows already there: nothing to do in the new
# database the squash makes, so it leaves them out.
LEFT_OUT = {
    "0012_search_columns.fill_search_columns",
    "0013_name_keys_and_unreadable_appointments.refresh_search_names",
    "0013_name_keys_and_unreadable_appointments.clear_unreadable_appointments",
    "0014_contacts_directory.copy_centres",
    "0018_today.forwards",  # its flag_what_to_bring is in the squash; backfill_blocked_at is not
    "0020_patient_sort_name.fill_sort_names",
}


def _loader() -> MigrationLoader:
    # No connection: the files only, not what a database has applied.
    return MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)


def _cases_models(state) -> dict:
    """Each model of the app as what it is, whatever the order of its fields, indexes and
    constraints (a squash lists them as the models do, the chain in the order it added them)."""
    described = {}
    for key, model in state.models.items():
        if key[0] != "cases":
            continue
        options = dict(model.options)
        for option in ("indexes", "constraints"):
            options[option] = sorted(repr(item.deconstruct()) for item in options.get(option, []))
        described[key] = {
            "fields": {name: field.deconstruct()[1:] for name, field in model.fields.items()},
            "options": {name: repr(value) for name, value in options.items()},
            "bases": model.bases,
            "managers": [(name, manager.deconstruct()) for name, manager in model.managers],
        }
    return described


def test_the_squash_makes_the_models_the_replaced_migrations_make():
    graph = _loader().graph
    squashed = _cases_models(graph.make_state(nodes=[SQUASH], at_end=True))
    replaced = _cases_models(graph.make_state(nodes=[LAST_REPLACED], at_end=True))
    assert squashed.keys() == replaced.keys()
    for key, model in replaced.items():
        assert squashed[key] == model, key


def test_the_squash_replaces_the_whole_chain_and_keeps_the_data_steps_a_new_database_needs():
    loader = _loader()
    squash = loader.disk_migrations[SQUASH]
    # Every migration up to the last replaced one; later ones (0025 on) come after the squash.
    chain = sorted(
        key
        for key in loader.disk_migrations
        if key[0] == "cases" and key != SQUASH and key[1][:4] <= LAST_REPLACED[1][:4]
    )
    assert sorted(squash.replaces) == chain
    kept = {
        f"{op.code.__module__.rsplit('.', 1)[1]}.{op.code.__name__}"
        for op in squash.operations
        if isinstance(op, RunPython)
    }
    assert kept == {
        "0002_defaults.seed",
        "0008_reports.fill_calendar",
        "0018_today.flag_what_to_bring",
    }
    every_step = {
        f"{name}.{op.code.__name__}"
        for (_app, name) in squash.replaces
        for op in loader.disk_migrations[("cases", name)].operations
        if isinstance(op, RunPython)
    }
    assert every_step - kept == LEFT_OUT
    # The audit trail's PostgreSQL trigger (0005) is the only SQL.
    security = importlib.import_module("cases.migrations.0005_security")
    assert [op.sql for op in squash.operations if isinstance(op, RunSQL)] == [security.CREATE]


def test_a_backup_made_before_the_squash_predates_no_migration():
    applied = {key for key in _loader().disk_migrations if key != SQUASH}
    assert migration_check(applied, source="backup.sqlite3").missing == 0
    assert migration_check(applied - {LAST_REPLACED}, source="backup.sqlite3").missing == 1
