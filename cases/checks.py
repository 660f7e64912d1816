"""The start-up check of the embedded default's data folder.

The embedded default keeps everything in one folder (`settings.VAR_DIR`, `var/` or
`NAVIGATOR_VAR_DIR`): the SQLite database, the filesystem broker's queue, beat's schedule, the
demo's emails. A folder that cannot be written, or a disk that is full, would otherwise surface
as a traceback at the first write (or at `migrate`'s first query). Every process checks it as
Django starts (`CasesConfig.ready`): each `manage.py` command (`migrate`, `seed_demo`,
`runserver`: the `make run` path), the Celery worker and beat, gunicorn. A problem stops the
process with one message naming the folder and what to do, and exit status 1.
"""

import shutil
import sys
import tempfile
from pathlib import Path

from django.conf import settings

WHAT_TO_DO = (
    "The database, the reminders' queue and the demo's emails are kept there. {fix}, or set "
    "NAVIGATOR_VAR_DIR to a folder on a disk with room that this user can write, then start "
    "Navigator again. Nothing has been lost."
)


def embedded_folders() -> list[Path]:
    """The folders the embedded default writes to; none when PostgreSQL and a network broker
    are named (production keeps its data in those servers)."""
    folders = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folders += [settings.VAR_DIR, Path(database["NAME"]).parent]
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [settings.VAR_DIR]
        folders += [Path(options[key]) for key in ("data_folder_in", "processed_folder")]
        folders += [Path(options["control_folder"])]
    return list(dict.fromkeys(folders))


def storage_problem() -> str | None:
    """What stops the embedded default from writing its data, said for the person starting it."""
    for folder in embedded_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".navigator-write-check-"):
                pass
        except OSError as error:
            reason = error.strerror or type(error).__name__
            fix = "Make that folder writable for the user running Navigator"
            return f"its data folder {folder} cannot be written ({reason}). " + WHAT_TO_DO.format(
                fix=fix
            )
        free_mb = shutil.disk_usage(folder).free // 2**20
        if free_mb < settings.VAR_MIN_FREE_MB:
            return (
                f"the disk holding its data folder {folder} is full ({free_mb} MB free, "
                f"{settings.VAR_MIN_FREE_MB} MB needed). "
                + WHAT_TO_DO.format(fix="Free space on that disk")
            )
    return None


def refuse_to_start_without_storage() -> None:
    problem = storage_problem()
    if problem:
        sys.stderr.write(f"Navigator cannot start: {problem}\n")
        raise SystemExit(1)
