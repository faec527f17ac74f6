"""Search and similar incidents: one interface, a PostgreSQL and an SQLite backend.

    search_postmortems(user=..., query="dns timeout", filters=SearchFilters(service=("checkout",)), page=1)
    similar_postmortems(user=..., postmortem=pm)            # or draft=DraftIncident(...)
    reindex_postmortems(ids)                                # after writing postmortems outside the services

docs/search.md describes the query syntax, the ranking formula and the synonyms.
"""

from postmortems.search.engine import search_postmortems
from postmortems.search.index import rebuild_index, reindex_on_commit, reindex_postmortems
from postmortems.search.similar import similar_postmortems
from postmortems.search.types import DraftIncident, SearchFilters, SearchHit, SearchResults, SimilarIncident

__all__ = [
    "DraftIncident",
    "SearchFilters",
    "SearchHit",
    "SearchResults",
    "SimilarIncident",
    "rebuild_index",
    "reindex_on_commit",
    "reindex_postmortems",
    "search_postmortems",
    "similar_postmortems",
]
