from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Navigator"

    def ready(self) -> None:
        # Connects the audit trail's receivers for logins, failed logins and logouts.
        from cases import audit, security  # noqa: F401

        # Registers the Celery tasks in every process (web, worker, tests): the sweep and the
        # admin's re-queue queue a delivery by the task's name (`delivery_queue`).
        from cases.reminders import tasks  # noqa: F401
