"""Is this instance able to serve? The load balancer's question, answered by `/healthz`.

Each check returns True or False and never raises; a failure is logged with the error's class
name only (no connection strings, no patient data).
"""

import logging

from django.db import DatabaseError, connection

from navigator.celery import app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database is unavailable (%s).", type(error).__name__)
        return False
    return True


def broker_ok() -> bool:
    """Connect to the Celery broker once, without retrying, within a couple of seconds."""
    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; kombu raises many kinds
        logger.warning("Health check: the broker is unavailable (%s).", type(error).__name__)
        return False
    return True


def checks() -> dict[str, bool]:
    return {"database": database_ok(), "broker": broker_ok()}
