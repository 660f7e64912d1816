"""Benchmarks for `python manage.py benchmark`.

Each module here defines `measure(options) -> dict` and is listed in `SECTIONS`; the command
merges their keys into one JSON object. Keep targets here, never in timed tests.
"""

SECTIONS: list[str] = [
    "status_page",
    "security",
    "pages",
    "caseload",
    "reminders",
    "reports",
    "records",
    "today",
    "imports",
]
