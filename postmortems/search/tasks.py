"""The Celery task that reindexes a large batch away from the request that wrote it (an import, say)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from postmortems.search.index import write_documents


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def reindex_postmortems_task(ids: list[int]) -> int:
    """Rewrite the search documents of these postmortems; idempotent, so a retry or a repeat is harmless."""
    return write_documents(ids)
