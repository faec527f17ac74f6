"""The synonym dictionary, edited by admins as SearchSynonym rows, and kept in the cache between searches.

Every search needs the dictionary, which changes rarely, so its rows are kept in the default cache (shared
by every process when CACHE_URL points at Redis) and dropped whenever a synonym is saved or deleted: the
next search reads them again. Writes that send no signal (`QuerySet.update`, `bulk_create`) are seen once
the entry expires, after CACHE_SECONDS.
"""

from __future__ import annotations

from functools import lru_cache

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from postmortems.models import SearchSynonym
from postmortems.search.query import SynonymTable

CACHE_KEY = "search:synonyms:v1"
CACHE_SECONDS = 300


def load_synonyms() -> SynonymTable:
    """Every active synonym group; changes apply to the next search, no reindex needed."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = tuple(SearchSynonym.objects.filter(is_active=True).order_by("pk").values_list("terms", flat=True))
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return _table(rows)


@receiver(post_save, sender=SearchSynonym, dispatch_uid="search-synonyms-changed")
@receiver(post_delete, sender=SearchSynonym, dispatch_uid="search-synonyms-deleted")
def forget_synonyms(**kwargs) -> None:
    # Now, and again once the change is committed: a search in between may have cached the rows as they were.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


@lru_cache(maxsize=16)
def _table(rows: tuple[str, ...]) -> SynonymTable:
    # Building the table stems every term; the rows change rarely, so the same rows give the same table.
    return SynonymTable(terms.split(",") for terms in rows)
