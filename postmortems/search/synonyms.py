"""The synonym dictionary, edited by admins as SearchSynonym rows and read once per search."""

from __future__ import annotations

from functools import lru_cache

from postmortems.models import SearchSynonym
from postmortems.search.query import SynonymTable


def load_synonyms() -> SynonymTable:
    """Every active synonym group, in one query; changes apply to the next search, no reindex needed."""
    rows = SearchSynonym.objects.filter(is_active=True).order_by("pk").values_list("terms", flat=True)
    return _table(tuple(rows))


@lru_cache(maxsize=16)
def _table(rows: tuple[str, ...]) -> SynonymTable:
    # Building the table stems every term; the rows change rarely, so the same rows give the same table.
    return SynonymTable(terms.split(",") for terms in rows)
