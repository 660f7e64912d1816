from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Navigator"

    def ready(self) -> None:
        from django.contrib.admin import site

        # Connects the audit trail's receivers for logins, failed logins and logouts.
        from cases import audit, security  # noqa: F401
        from cases.admin import calm_every_date_hierarchy
        from cases.checks import refuse_to_start_without_storage

        # Registers the Celery tasks in every process (web, worker, tests): the sweep and the
        # admin's re-queue queue deliveries by the task's name (`deliveries_queue`).
        from cases.reminders import tasks  # noqa: F401

        # The admin (first in INSTALLED_APPS) has loaded every app's admin module by now.
        calm_every_date_hierarchy(site)

        # The embedded default's data folder can be written, or this process stops here saying
        # what to do, before its first write fails.
        refuse_to_start_without_storage()
