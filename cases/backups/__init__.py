"""Backups and restores of the whole database: every table, the audit trail and settings rows
included.

- `services`: `database_backup` and `database_restore`, which pick the engine's way;
- `sqlite`: the embedded default, through SQLite's online backup API;
- `postgres`: `pg_dump -Fc` and `pg_restore`, run when they are on PATH, else spelt out;
- `checks`: what makes a file a Navigator backup this code can restore (its migrations).

May import: `cases.models` (to name what a backup holds). Nothing here imports a part.
"""
