"""search_postmortems: one interface over the PostgreSQL and SQLite backends, with graceful fallbacks.

Queries per search, whatever the data size: on PostgreSQL one statement (its settings, the page of hits
with their rows, the total and the facet counts) and one for the names of services, factors and teams;
on SQLite the page of ids, the counts, the page's rows and the names. A relaxed query adds one search.
The synonyms come from the cache (one more query when it has none). If the database rejects the full
query, the same words are tried as a plain query, then as a substring search of titles and summaries,
and the results say which was used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.db.models import Field, Q

from postmortems.metrics import record_search
from postmortems.models import Factor, FactorFamily, Kind, Postmortem, SearchDocument, Service, Status, Team
from postmortems.search import postgres, sqlite
from postmortems.search.query import ParsedQuery, parse_query
from postmortems.search.snippets import MAX_SCAN, Highlighter
from postmortems.search.sql import BackendPage, Fragment, hidden_postmortems
from postmortems.search.synonyms import load_synonyms
from postmortems.search.types import FACETS, Facet, FacetValue, SearchFilters, SearchHit, SearchResults

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_FACET_VALUES = 50
BASIC_SEARCH_LIMIT = 1000
# With fewer strict matches than this, a query of several words also finds postmortems with only some of them.
RELAX_BELOW = 5
BACKENDS = {"postgresql": postgres, "sqlite": sqlite}

FALLBACK_NOTICES = {
    "simple": "The full query could not be run, so its words were searched for plainly "
    "(no phrases, OR, exclusions or synonyms).",
    "basic": "Full-text search is unavailable right now, so titles and summaries were searched for the words.",
}


PHRASES_CAPPED_NOTICE = (
    "Phrases were looked for in the titles and summaries of every postmortem, but in the text of only the "
    "most recent ones holding all their words: older postmortems may match too. A filter or another word "
    "narrows the search."
)


def backend_name() -> str:
    return connection.vendor if connection.vendor in BACKENDS else "basic"


def search_postmortems(
    *,
    user: AbstractBaseUser | AnonymousUser,
    query: str = "",
    filters: SearchFilters | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchResults:
    """One page of the postmortems this person may see that match `query` and `filters`, with facet counts."""
    started = time.perf_counter()
    filters = filters or SearchFilters()
    page, page_size = max(1, page), min(max(1, page_size), MAX_PAGE_SIZE)
    parsed = parse_query(query, load_synonyms()) if query.strip() else None
    results = SearchResults(
        query=parsed or ParsedQuery(""),
        filters=filters,
        hits=[],
        total=0,
        facets=[],
        page=page,
        page_size=page_size,
        backend=backend_name(),
        notices=list(parsed.notes) if parsed else [],
    )
    if not user.is_authenticated or not user.is_active or (parsed is not None and parsed.unsearchable):
        results.facets = _facets(_by_facet({}, filters), filters, {})
        return results

    hidden = hidden_postmortems(user)
    ids, counts, used, rows = _run_with_fallbacks(results, parsed, filters, hidden, user)
    results.hits = _hits(ids, used, hidden, rows)
    by_facet = _by_facet(counts, filters)
    labels = _labels(by_facet, results.hits)
    results.facets = _facets(by_facet, filters, labels)
    for hit in results.hits:
        hit.services = [(slug, labels.get(("service", slug), slug)) for slug, _ in hit.services]
        hit.factors = [(slug, labels.get(("factor", slug), slug)) for slug, _ in hit.factors]
    elapsed = time.perf_counter() - started
    record_search(backend=results.backend, mode=results.mode, seconds=elapsed)
    logger.debug("search %r: %d results, mode %s, %.1f ms", query, results.total, results.mode, elapsed * 1000)
    return results


def _attempts(parsed: ParsedQuery | None) -> list[tuple[str, ParsedQuery | None]]:
    attempts: list[tuple[str, ParsedQuery | None]] = []
    if backend_name() in BACKENDS:
        attempts.append(("full", parsed))
        simple = parsed.simplified() if parsed is not None and parsed.positive else None
        if simple is not None and simple.clauses:
            attempts.append(("simple", simple))
    attempts.append(("basic", parsed))
    return attempts


def _run_backend(
    candidate: ParsedQuery | None, filters: SearchFilters, hidden: Fragment | None, limit: int, offset: int
) -> BackendPage:
    backend = BACKENDS[backend_name()]
    with _statement_scope(), connection.cursor() as cursor:
        return backend.search(
            cursor,
            parsed=candidate,
            filter_keys=filters.keys(),
            hidden=hidden,
            limit=limit,
            offset=offset,
            columns=_hit_columns(),
        )


def _statement_scope() -> AbstractContextManager:
    """Inside a transaction, a savepoint, so that a failed statement leaves it usable for the fallback. Outside
    one, PostgreSQL's search is a single round trip that runs in a transaction of its own (its settings hold
    for that transaction only), so it needs none; SQLite's statements share one, for one snapshot."""
    if backend_name() == "postgresql" and connection.get_autocommit():
        return nullcontext()
    return transaction.atomic()


def _run_with_fallbacks(
    results: SearchResults,
    parsed: ParsedQuery | None,
    filters: SearchFilters,
    hidden: Fragment | None,
    user: AbstractBaseUser,
) -> tuple[list[tuple[int, float]], dict[str, int], ParsedQuery | None, list[tuple] | None]:
    """The page of (id, score), the facet counts, the query that gave them and, when the backend read them
    with the page, the page's rows."""
    offset = (results.page - 1) * results.page_size
    for mode, candidate in _attempts(parsed):
        if mode == "basic":
            break
        try:
            page = _run_backend(candidate, filters, hidden, results.page_size, offset)
        except DatabaseError as exc:
            logger.warning("search query failed in %s mode, falling back: %s", mode, str(exc).splitlines()[0])
            continue
        if mode == "full" and candidate is not None and page.total < RELAX_BELOW and len(candidate.positive) > 1:
            relaxed = _relaxed(candidate, filters, hidden, results, offset)
            if relaxed is not None and relaxed.total > page.total:
                results.notices.append(_relaxed_notice(page.total))
                mode, candidate, page = "relaxed", candidate.relaxed(), relaxed
        results.total, results.total_exact, results.listed = page.total, page.total_exact, page.listed
        results.facets_exact = page.counts_exact
        results.phrases_capped = page.phrases_capped
        if page.phrases_capped:
            results.notices.append(PHRASES_CAPPED_NOTICE)
        _set_mode(results, mode)
        return page.ids, page.counts, candidate, page.rows
    _set_mode(results, "basic")
    ids, counts = _basic_search(results, parsed, filters, user, offset)
    return ids, counts, parsed, None


def _relaxed(candidate: ParsedQuery, filters: SearchFilters, hidden: Fragment | None, results: SearchResults, offset):
    """The same words, any of them rather than all: for a descriptive query that no postmortem matches word for word."""
    try:
        return _run_backend(candidate.relaxed(), filters, hidden, results.page_size, offset)
    except DatabaseError:
        return None


def _relaxed_notice(strict_total: int) -> str:
    if strict_total == 0:
        return "No postmortem has all of these words; these have some of them, those with the most first."
    have = "postmortem has" if strict_total == 1 else "postmortems have"
    return f"Only {strict_total} {have} all of these words; postmortems with some of them are included, most first."


def _set_mode(results: SearchResults, mode: str) -> None:
    results.mode = mode
    if mode in FALLBACK_NOTICES:
        results.notices.append(FALLBACK_NOTICES[mode])


def _basic_search(
    results: SearchResults,
    parsed: ParsedQuery | None,
    filters: SearchFilters,
    user: AbstractBaseUser,
    offset: int,
) -> tuple[list[tuple[int, float]], dict[str, int]]:
    """The last resort: every word as a substring of the title or summary, newest first, facets counted here."""
    documents = SearchDocument.objects.filter(postmortem__in=Postmortem.objects.visible_to(user))
    words = [word for clause in (parsed.positive if parsed else []) for word in clause.options[0].words]
    for word in words:
        documents = documents.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    rows = list(
        documents.order_by("-is_published", "-started_at", "-postmortem_id").values_list("postmortem_id", "facets")[
            :BASIC_SEARCH_LIMIT
        ]
    )
    wanted = [set(group) for group in filters.keys()]
    rows = [(pk, keys) for pk, keys in rows if all(group & set(keys) for group in wanted)]
    counts: dict[str, int] = {}
    for _pk, keys in rows:
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    results.total = results.listed = len(rows)
    return [(pk, 0.0) for pk, _ in rows[offset : offset + results.page_size]], counts


# What a result shows, from the postmortem and its search document.
_HIT_FIELDS = tuple(
    model._meta.get_field(name)
    for model, names in (
        (Postmortem, ("id", "key", "title", "kind", "severity", "status", "started_at", "source_url")),
        (SearchDocument, ("summary", "names", "facets", "body")),
    )
    for name in names
)
_KIND_LABELS = dict(Kind.choices)
_STATUS_LABELS = dict(Status.choices)


def _hits(
    ranked: list[tuple[int, float]],
    parsed: ParsedQuery | None,
    hidden: Fragment | None,
    rows: list[tuple] | None = None,
) -> list[SearchHit]:
    """The results for the ranked ids, from `rows` when the backend read them with the page, else read here."""
    if not ranked:
        return []
    if rows is None:
        rows = _page_rows([pk for pk, _ in ranked], hidden)
    converters = _converters()
    by_pk = {row[0]: _converted(row, converters) for row in rows}
    highlighter = Highlighter(parsed.highlight_terms if parsed else [])
    hits = []
    for pk, score in ranked:
        row = by_pk.get(pk)
        if row is None:
            continue
        _pk, key, title, kind, severity, status, started_at, source_url, summary, names, facets, body = row
        hits.append(
            SearchHit(
                postmortem_id=pk,
                key=key,
                title=title,
                title_html=highlighter.mark(title),
                kind=kind,
                kind_label=_KIND_LABELS.get(kind, kind),
                severity=severity,
                status=status,
                status_label=_STATUS_LABELS.get(status, status),
                started_at=started_at,
                source_url=source_url,
                score=round(score, 6),
                # Snippets read no further than MAX_SCAN into the body.
                snippet_html=highlighter.snippet(summary or "", (body or "")[:MAX_SCAN], names or ""),
                services=[(k, k) for k in _values(facets or [], "service")],
                factors=[(k, k) for k in _values(facets or [], "factor")],
            )
        )
    return hits


def _hit_columns() -> list[str]:
    """The _HIT_FIELDS as SQL over the postmortem and search document tables (the body cut near MAX_SCAN)."""
    return [_column(field) for field in _HIT_FIELDS]


def _page_rows(pks: list[int], hidden: Fragment | None) -> list[tuple]:
    """The _HIT_FIELDS of these postmortems as the database returns them, in one plain SQL statement: for a
    backend that does not read them with the page."""
    quote = connection.ops.quote_name
    columns = ", ".join(_hit_columns())
    postmortem_id = f"{quote(Postmortem._meta.db_table)}.{quote(Postmortem._meta.pk.column)}"
    document_id = f"{quote(SearchDocument._meta.db_table)}.{quote(SearchDocument._meta.pk.column)}"
    among = _among(postmortem_id, pks)
    sql = (
        f"SELECT {columns} FROM {quote(Postmortem._meta.db_table)}"
        f" LEFT OUTER JOIN {quote(SearchDocument._meta.db_table)} ON {postmortem_id} = {document_id}"
        f" WHERE {among.sql}"
    )
    params = list(among.params)
    if hidden is not None:
        # Through the visibility rule once more, as the backend's statement did: the page never shows a row
        # the person may not see.
        sql += f" AND NOT ({postmortem_id} IN ({hidden.sql}))"
        params += hidden.params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _among(column: str, values: list) -> Fragment:
    """`column` is one of `values`, bound. On PostgreSQL as one array: psycopg keeps how it parsed a
    statement only when it has at most 50 parameters, and the labels of a page often need more."""
    if connection.vendor == "postgresql":
        return Fragment(f"{column} = ANY(%s)", [list(values)])
    return Fragment(f"{column} IN ({', '.join(['%s'] * len(values))})", list(values))


def _column(field: Field) -> str:
    quote = connection.ops.quote_name
    column = f"{quote(field.model._meta.db_table)}.{quote(field.column)}"
    if field.name != "body":
        return column
    if connection.vendor == "postgresql":
        # PostgreSQL decompresses a stored text from its start however it is cut, and cutting at a number of
        # characters costs more than sending the whole of a body of ordinary length. So a body is cut only
        # when its size in bytes, known without reading it, is more than MAX_SCAN characters take in UTF-8.
        return (
            f"CASE WHEN octet_length({column}) <= {4 * MAX_SCAN} THEN {column} ELSE substr({column}, 1, {MAX_SCAN}) END"
        )
    return f"substr({column}, 1, {MAX_SCAN})"


def _converters() -> list[tuple[int, list]]:
    """For each of _HIT_FIELDS that needs it (JSON, and dates on SQLite), the ORM's converters."""
    found = []
    for index, field in enumerate(_HIT_FIELDS):
        column = field.cached_col
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((index, converters))
    return found


def _converted(row: tuple, converters: list[tuple[int, list]]) -> tuple:
    """A row of _HIT_FIELDS as the ORM would give it."""
    values = list(row)
    for index, functions in converters:
        for function in functions:
            values[index] = function(values[index], _HIT_FIELDS[index].cached_col, connection)
    return tuple(values)


def _values(keys: Iterable[str], facet: str) -> list[str]:
    prefix = f"{facet}:"
    return [key[len(prefix) :] for key in keys if key.startswith(prefix)]


def _by_facet(counts: dict[str, int], filters: SearchFilters) -> dict[str, dict[str, int]]:
    """Counts per facet and value; selected values are kept even when nothing matches them any more."""
    by_facet: dict[str, dict[str, int]] = {name: {} for name, _ in FACETS}
    for key, count in counts.items():
        name, _, value = key.partition(":")
        if name in by_facet:
            by_facet[name][value] = count
    for name, _ in FACETS:
        for value in filters.selected(name):
            by_facet[name].setdefault(value, 0)
    return by_facet


def _facets(
    by_facet: dict[str, dict[str, int]], filters: SearchFilters, labels: dict[tuple[str, str], str]
) -> list[Facet]:
    facets = []
    for name, label in FACETS:
        selected = filters.selected(name)
        values = [
            FacetValue(value, labels.get((name, value), value), count, value in selected)
            for value, count in by_facet[name].items()
        ]
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        elif name == "severity":
            values.sort(key=lambda v: v.value)
        else:
            values.sort(key=lambda v: (not v.selected, -v.count, v.label.casefold()))
        facets.append(Facet(name, label, values[:MAX_FACET_VALUES]))
    return facets


# Facets whose values are slugs of rows with a display name.
_NAMED = (("service", Service), ("factor", Factor), ("family", FactorFamily), ("team", Team))


def _labels(by_facet: dict[str, dict[str, int]], hits: list[SearchHit]) -> dict[tuple[str, str], str]:
    """Display names for facet values and the hits' services and factors, in one plain SQL statement (the
    ORM took longer to build this union than the database took to run it)."""
    wanted = {
        "service": set(by_facet["service"]) | {slug for hit in hits for slug, _ in hit.services},
        "factor": set(by_facet["factor"]) | {slug for hit in hits for slug, _ in hit.factors},
        "family": set(by_facet["family"]),
        "team": set(by_facet["team"]),
    }
    labels: dict[tuple[str, str], str] = {}
    parts, params = [], []
    for kind, model in _NAMED:
        slugs = sorted(wanted[kind])
        if slugs:
            table = connection.ops.quote_name(model._meta.db_table)
            among = _among("slug", slugs)
            parts.append(f"SELECT '{kind}', slug, name FROM {table} WHERE {among.sql}")
            params += among.params
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, slug, name in cursor.fetchall():
                labels[(kind, slug)] = name
    for value in by_facet["kind"]:
        labels[("kind", value)] = _KIND_LABELS.get(value, value)
    for value in by_facet["status"]:
        labels[("status", value)] = _STATUS_LABELS.get(value, value)
    for value in by_facet["severity"]:
        labels[("severity", value)] = f"SEV{value}"
    return labels
