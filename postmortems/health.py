"""Liveness and readiness checks for load balancers and orchestrators."""

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def database_ready() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"; the reason is reported, not raised
        logger.warning("readiness: database unreachable", extra={"error": str(exc)})
        return False, f"unreachable: {exc.__class__.__name__}"
    return True, "ok"


def broker_ready() -> tuple[bool, str]:
    """The Celery broker, when one is configured; the embedded default runs tasks in process."""
    if not settings.CELERY_BROKER_URL:
        return True, "not configured (tasks run in process)"
    from kb.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("readiness: broker unreachable", extra={"error": str(exc)})
        return False, f"unreachable: {exc.__class__.__name__}"
    return True, "ok"
