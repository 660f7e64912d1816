from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Navigator"

    def ready(self) -> None:
        # Connects the audit trail's receivers for logins, failed logins and logouts.
        from cases import audit, security  # noqa: F401
