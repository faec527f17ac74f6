"""The synonym dictionary, edited by admins as SearchSynonym rows and read once per search."""

from __future__ import annotations

from postmortems.models import SearchSynonym
from postmortems.search.query import SynonymTable


def load_synonyms() -> SynonymTable:
    """Every active synonym group, in one query; changes apply to the next search, no reindex needed."""
    rows = SearchSynonym.objects.filter(is_active=True).values_list("terms", flat=True)
    return SynonymTable(terms.split(",") for terms in rows)
