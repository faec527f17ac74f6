"""PostgreSQL full-text search over the stored, generated tsvector columns (see migration 0006).

One statement per search returns the page with its rows, the total and the facet counts, sent in one
round trip after the search's settings. Matching reads
`match_vector` (every indexed word, GIN). What makes naive full-text search slow is ranking every
match of a common word on its whole text, so the work is bounded:

1. candidates: the matches with every query word in their title, summary or names are ranked on the
   short `rank_vector`, stored inline and cheap to rank. With the RUM index (migration 0014) only the
   first HEAD_READ of them in the index's own order are read and ranked; without it, all of them.
   Matches with some of the words there follow, then those found only in the body, newest first: all
   of them when there are few, else only as many as the page needs. At most CANDIDATES are kept.
2. fine ranking: the best RERANK_WINDOW candidates also get the body's contribution (`ts_rank` over
   `match_vector`, normalised by length), which needs the large vector and so is done only there.

    score = ts_rank({D 0, C 0.2, B 0.5, A 1.0}, rank_vector, q)
          + BODY_WEIGHT * ts_rank({1, 1, 1, 1}, match_vector, q, normalisation 1)

Ties go to published postmortems, then to the most recent incident. The total is exact up to
COUNT_LIMIT, which is CANDIDATES (and is not counted further when the titles and summaries alone pass
it); facet counts are exact when at most CANDIDATES postmortems match and otherwise cover the
candidates, the best-ranked matches; results can be paged up to the CANDIDATES-th. Excluded words and
phrases never take part in ranking: the postmortems holding them are set aside.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from django.db import DatabaseError, transaction

from postmortems.search.query import Clause, ParsedQuery
from postmortems.search.sql import BackendPage, Fragment

CONFIG = "kb_english"
RANK_WEIGHTS = "{0.0, 0.2, 0.5, 1.0}"  # D, C, B, A, the order ts_rank takes them in
BODY_WEIGHTS = "{1.0, 1.0, 1.0, 1.0}"
BODY_WEIGHT = 0.3
RERANK_WINDOW = 50  # a page at the largest page size
CANDIDATES = 300
# Counting beyond what can be paged through would cost more than the rest of a search for a common word.
COUNT_LIMIT = CANDIDATES
# How many head matches the RUM index hands out to be ranked: enough that its own order, which differs from
# the formula above, leaves the best CANDIDATES by the formula among them. At least COUNT_LIMIT + 1.
HEAD_READ = 1_001
PHRASE_SCOPE = 1_000

DOC = "postmortems_searchdocument"
POSTMORTEM = "postmortems_postmortem"

logger = logging.getLogger(__name__)


def _ties(alias: str) -> str:
    return f"{alias}.is_published DESC, {alias}.started_at DESC NULLS LAST, {alias}.postmortem_id DESC"


class _Params(dict):
    """Named parameters for one statement: each value gets a fresh name, so a fragment can appear twice."""

    def add(self, value) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f"%({name})s"


def _tsquery(clauses, params: _Params, combine: str = " && ", *, words_only: bool = False) -> str:
    """Clauses as a tsquery expression; every word is a bound parameter, parsed by PostgreSQL itself.

    The expression is written out wherever it is used rather than computed once in a CTE, so the
    planner sees the words and can use the column statistics to choose between the GIN index and
    walking the recency index.
    """
    parts = []
    for clause in clauses:
        options = []
        for term in clause.options:
            # Words only: a phrase's words anywhere, which the GIN index answers without reading a document.
            function = "phraseto_tsquery" if term.is_phrase and not words_only else "plainto_tsquery"
            options.append(f"{function}('{CONFIG}', {params.add(term.text)})")
        expression = "(" + " || ".join(options) + ")"
        parts.append(f"!!{expression}" if clause.negated else expression)
    return "(" + combine.join(parts) + ")"


def _filters(filter_keys: list[list[str]], hidden: Fragment | None, params: _Params) -> str:
    conditions = ["TRUE"]
    for group in filter_keys:
        conditions.append(
            "(" + " OR ".join(f"d.facets @> {params.add(json.dumps([key]))}::jsonb" for key in group) + ")"
        )
    if hidden is not None:
        conditions.append("d.postmortem_id NOT IN (SELECT id FROM hidden_ids)")
    return " AND ".join(conditions)


def _exclusions(parsed: ParsedQuery | None, params: _Params) -> tuple[str, str]:
    """The excluded words and phrases as (a CTE, a condition on d).

    Excluded words are looked up once in the GIN index, which answers them exactly without reading any
    document, and the postmortems holding one are set aside in a hashed list. Excluded phrases need the
    words' positions, which only the long vector has, so they are checked on the rows that are read.
    """
    terms = [term for clause in (parsed.negative if parsed else []) for term in clause.options]
    words = [term for term in terms if not term.is_phrase]
    phrases = [term for term in terms if term.is_phrase]
    cte, conditions = "", []
    if words:
        any_word = " || ".join(f"plainto_tsquery('{CONFIG}', {params.add(t.text)})" for t in words)
        cte = f"excluded_ids(id) AS MATERIALIZED (SELECT postmortem_id FROM {DOC} WHERE match_vector @@ ({any_word})),"
        conditions.append("d.postmortem_id NOT IN (SELECT id FROM excluded_ids)")
    if phrases:
        any_phrase = " || ".join(f"phraseto_tsquery('{CONFIG}', {params.add(t.text)})" for t in phrases)
        conditions.append(f"NOT (d.match_vector @@ ({any_phrase}))")
    return cte, " AND ".join(conditions) or "TRUE"


def _hidden_cte(hidden: Fragment | None, connection) -> str:
    """The postmortems this person may not see, found once per statement (planned once, hashed once).

    The subquery comes compiled by the ORM from the visibility rule with positional parameters; the
    driver binds them here.
    """
    if hidden is None:
        return ""
    return f"hidden_ids(id) AS MATERIALIZED ({connection.ops.compose_sql(hidden.sql, hidden.params)}),"


def has_rum_index(cursor) -> bool:
    """Whether the RUM index on the short document exists, as this process last found it on this database."""
    return _RUM.get(cursor.db.settings_dict["NAME"], False)


RUM_INDEX = "search_doc_rank_rum"
# The RUM index is on this expression rather than on the column, so that only the statements that want
# it (reading the head in rank order) use it, and every other match on the short document goes to GIN.
RUM_DOCUMENT = "(d.rank_vector || ''::tsvector)"
_RUM: dict[str, bool] = {}


def ensure_rum_index(cursor) -> bool:
    """Create the rum extension and the RUM index if the server offers the extension and we may; True if
    the index is there afterwards. Migration 0014 does the same when it runs."""
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
    if cursor.fetchone()[0]:
        try:
            with transaction.atomic(using=cursor.db.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON {DOC} "
                    "USING rum ((rank_vector || ''::tsvector) rum_tsvector_ops)"
                )
        except DatabaseError:
            logger.warning("could not create the rum extension or its index", exc_info=True)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [RUM_INDEX])
    return bool(cursor.fetchone()[0])


def search(
    cursor,
    *,
    parsed: ParsedQuery | None,
    filter_keys: list[list[str]],
    hidden: Fragment | None,
    limit: int,
    offset: int,
    columns: Sequence[str] = (),
) -> BackendPage:
    """One page of (id, score), the total and the facet counts, in one statement; with `columns` (SQL over
    the postmortem and search document tables), the page's rows too, read in the same snapshot.

    The transaction's settings (see `prepare`) go in the same round trip, ahead of the statement, once this
    process knows whether the database has the RUM index, which decides how the statement is written.
    """
    name = cursor.db.settings_dict["NAME"]
    if name not in _RUM:
        prepare(cursor)
    params = _Params()
    excluded_cte, excluded = _exclusions(parsed, params)
    where = _filters(filter_keys, hidden, params) + f" AND {excluded}"
    depth = min(CANDIDATES, offset + limit)
    if parsed is not None and parsed.positive:
        ctes = _ranked_sql(parsed, where, params, depth, rum=_RUM[name])
    else:
        ctes = _browse_sql(where, params)
    tail = _tail(params, limit=limit, offset=offset, columns=columns)
    sql = f"{_SETTINGS}; WITH {_hidden_cte(hidden, cursor.db)} {excluded_cte} {ctes} {tail}"
    params["rum_index"] = RUM_INDEX
    try:
        cursor.execute(sql, params)
    except DatabaseError:
        _RUM.pop(name, None)  # the index or the extension may have gone: look again next time
        raise
    _RUM[name] = bool(cursor.fetchone()[2])
    cursor.nextset()
    return _page(cursor.fetchall(), len(columns))


def _ranked_sql(parsed: ParsedQuery, where: str, params: _Params, depth: int, *, rum: bool) -> str:
    query = _tsquery(parsed.positive, params)
    # Candidates come in tiers, each ranked on the short document, each read only if the ones before it
    # leave room: every query word in the title, summary or names; some of them there; only in the body.
    anywhere = _tsquery(parsed.positive, params, combine=" || ")
    weights, body_weight, body_weights = params.add(RANK_WEIGHTS), params.add(BODY_WEIGHT), params.add(BODY_WEIGHTS)
    depth_param = params.add(depth)
    ranked = f"ts_rank({weights}::float4[], d.rank_vector, {query})"
    # The head: matches of the whole query in the title, summary or names. (The short document is a prefix
    # of the long one, same parts and positions, so such a match is a match of the query.) At most
    # HEAD_READ are kept; more than COUNT_LIMIT of them means the total is "more than COUNT_LIMIT" without
    # counting in the large vectors' index (COUNT_LIMIT is never below CANDIDATES). The RUM index hands
    # them out best first by its own rank, so a common word's thousands of matches are not all read;
    # without it, or with a phrase (checking positions there is slower than letting GIN find the matches),
    # every head match is ranked. With RUM the limit is a subquery: the planner cannot read it, so it plans
    # for a tenth of the matches and reads the index in order. Given the number, it would plan from its
    # estimate of how many postmortems hold all the words, which assumes words occur independently
    # ("replica" and "failover" do not), can be ten times too low, and leads it to sort every match.
    has_phrase = any(term.is_phrase for clause in parsed.positive for term in clause.options)
    if rum and not has_phrase:
        head_match = f"{RUM_DOCUMENT} @@ {query}"
        order, pick = f"{RUM_DOCUMENT} <=> {query}", f"(SELECT {HEAD_READ})"
    else:
        head_match = f"d.rank_vector @@ {query}"
        order, pick = f"head DESC, {_ties('d')}", f"{HEAD_READ}"
    if has_phrase:
        in_body, matches, known_over = _phrase_sql(parsed, query, where, params)
    else:
        in_body, known_over = f"d.match_vector @@ {query}", "FALSE"
        matches = f"""every_match AS MATERIALIZED (
        SELECT 1 FROM {DOC} d WHERE {in_body} AND {where} LIMIT {COUNT_LIMIT + 1}
    ),
    capped AS (SELECT FALSE AS yes),"""
    return f"""
    head_pick AS MATERIALIZED (
        SELECT d.postmortem_id, d.is_published, d.started_at, {ranked} AS head, d.facets
        FROM {DOC} d
        WHERE {head_match} AND {where}
        ORDER BY {order}
        LIMIT {pick}
    ),
    {matches}
    matched AS (
        SELECT CASE WHEN (SELECT count(*) FROM head_pick) > {COUNT_LIMIT} OR {known_over} THEN {COUNT_LIMIT + 1}
                    ELSE (SELECT count(*) FROM every_match) END AS n
    ),
    complete AS (SELECT (SELECT n FROM matched) <= {CANDIDATES} AND NOT (SELECT yes FROM capped) AS yes),
    head_all AS MATERIALIZED (
        SELECT postmortem_id, is_published, started_at, 1 AS tier, head, facets
        FROM head_pick d ORDER BY head DESC, {_ties("d")} LIMIT {CANDIDATES}
    ),
    head_some AS MATERIALIZED (
        SELECT d.postmortem_id, d.is_published, d.started_at, 2 AS tier, {ranked} AS head, d.facets
        FROM {DOC} d
        WHERE ((SELECT yes FROM complete) OR (SELECT count(*) FROM head_all) < {depth_param})
          AND {in_body} AND d.rank_vector @@ {anywhere} AND NOT (d.rank_vector @@ {query})
          AND {where}
        ORDER BY head DESC, {_ties("d")}
        LIMIT {CANDIDATES}
    ),
    -- Matches only in the body: all of them when they are few, else only what this page still needs.
    body AS MATERIALIZED (
        SELECT d.postmortem_id, d.is_published, d.started_at, 3 AS tier, 0::float4 AS head, d.facets
        FROM {DOC} d
        WHERE ((SELECT yes FROM complete)
               OR (SELECT count(*) FROM head_all) + (SELECT count(*) FROM head_some) < {depth_param})
          AND {in_body} AND NOT (d.rank_vector @@ {anywhere}) AND {where}
        ORDER BY {_ties("d")}
        LIMIT (SELECT CASE WHEN yes THEN {CANDIDATES} ELSE {depth_param} END FROM complete)
    ),
    candidates AS MATERIALIZED (
        SELECT c.postmortem_id, c.is_published, c.started_at, c.head, c.facets,
               row_number() OVER (ORDER BY c.tier, c.head DESC, {_ties("c")}) AS position
        FROM (SELECT * FROM head_all UNION ALL SELECT * FROM head_some UNION ALL SELECT * FROM body) AS c
    ),
    fine AS (
        SELECT c.postmortem_id, c.position, c.position <= {RERANK_WINDOW} AS reranked,
               CASE WHEN c.position <= {RERANK_WINDOW}
                    THEN c.head + {body_weight} * ts_rank({body_weights}::float4[], d.match_vector, {query}, 1)
                    ELSE c.head END AS score
        FROM candidates c JOIN {DOC} d USING (postmortem_id)
        WHERE c.position <= GREATEST({RERANK_WINDOW}, {depth_param})
    )"""


def _phrase_sql(parsed: ParsedQuery, query: str, where: str, params: _Params) -> tuple[str, str, str]:
    """For a query with a phrase: the condition "matches in the body", the CTEs every_match and capped,
    and a condition that holds when more than COUNT_LIMIT postmortems are known to match.

    Checking a phrase in the body means reading the long vector, about 20 microseconds a postmortem, and
    the postmortems holding all of a phrase's words can be thousands. So it is checked in the
    PHRASE_SCOPE most recent of those (published first), which the GIN index finds without reading any;
    when there are more, the total is a lower bound and the results say so. Matches in titles, summaries
    and names are all found whatever their age. When every clause also offers a plain word (synonyms
    often add a phrase beside a word: dns, "name resolution"), the matches through those words are found
    in the index alone, and often already pass COUNT_LIMIT.
    """
    words = _tsquery(parsed.positive, params, words_only=True)
    plain = [Clause(tuple(term for term in clause.options if not term.is_phrase)) for clause in parsed.positive]
    plain_ctes, plain_union, sure = "", "", "0"
    if all(clause.options for clause in plain):
        plain_ctes = f"""plain_match AS MATERIALIZED (
        SELECT d.postmortem_id FROM {DOC} d WHERE d.match_vector @@ {_tsquery(plain, params)} AND {where}
        LIMIT {COUNT_LIMIT + 1}
    ),"""
        plain_union = "UNION SELECT postmortem_id FROM plain_match"
        sure = f"(SELECT count(*) FROM (SELECT postmortem_id FROM head_pick {plain_union}) AS m)"
    ctes = f"""{plain_ctes}
    phrase_scope AS MATERIALIZED (
        SELECT d.postmortem_id, d.is_published, d.started_at FROM {DOC} d
        WHERE d.match_vector @@ {words} AND {where}
        ORDER BY {_ties("d")}
        LIMIT {PHRASE_SCOPE + 1}
    ),
    body_match AS MATERIALIZED (
        SELECT d.postmortem_id FROM phrase_scope s JOIN {DOC} d USING (postmortem_id) WHERE d.match_vector @@ {query}
        {plain_union}
    ),
    every_match AS MATERIALIZED (
        SELECT 1 FROM (SELECT postmortem_id FROM head_pick UNION SELECT postmortem_id FROM body_match) AS m
        LIMIT {COUNT_LIMIT + 1}
    ),
    capped AS (
        SELECT (SELECT count(*) FROM head_pick) <= {COUNT_LIMIT} AND {sure} <= {COUNT_LIMIT}
               AND (SELECT count(*) FROM phrase_scope) > {PHRASE_SCOPE} AS yes
    ),"""
    return "d.postmortem_id IN (SELECT postmortem_id FROM body_match)", ctes, f"{sure} > {COUNT_LIMIT}"


def _browse_sql(where: str, params: _Params) -> str:
    """No words to rank by: newest published first; an exclusion-only query still excludes (in `where`)."""
    return f"""
    every_match AS MATERIALIZED (
        SELECT 1 FROM {DOC} d WHERE {where} LIMIT {COUNT_LIMIT + 1}
    ),
    matched AS (SELECT count(*) AS n FROM every_match),
    capped AS (SELECT FALSE AS yes),
    complete AS (SELECT (SELECT n FROM matched) <= {CANDIDATES} AS yes),
    candidates AS MATERIALIZED (
        SELECT d.postmortem_id, d.is_published, d.started_at, d.facets,
               row_number() OVER (ORDER BY {_ties("d")}) AS position
        FROM (SELECT d.* FROM {DOC} d WHERE {where} ORDER BY {_ties("d")} LIMIT {CANDIDATES}) AS d
    ),
    fine AS (SELECT postmortem_id, position, TRUE AS reranked, 0.0::float8 AS score FROM candidates)"""


def _tail(params: _Params, *, limit: int, offset: int, columns: Sequence[str]) -> str:
    """The three kinds of result row: the page's hits with their place and `columns`, the total (marked "all"
    when every match was a candidate) and the facet counts over the candidates."""
    ordered = "reranked DESC, (CASE WHEN reranked THEN score END) DESC NULLS LAST, position"
    blanks = ", NULL" * len(columns)
    return f"""
    SELECT 'hit', p.postmortem_id::text, p.score, p.place{"".join(f", {column}" for column in columns)} FROM (
        SELECT postmortem_id, score, row_number() OVER (ORDER BY {ordered}) AS place FROM fine
    ) AS p
    JOIN {POSTMORTEM} ON {POSTMORTEM}.id = p.postmortem_id JOIN {DOC} ON {DOC}.postmortem_id = p.postmortem_id
    WHERE p.place > {params.add(offset)} AND p.place <= {params.add(offset + limit)}
    UNION ALL
    SELECT CASE WHEN (SELECT yes FROM complete) THEN 'all' WHEN (SELECT yes FROM capped) THEN 'capped' ELSE 'total' END,
           NULL, (SELECT n FROM matched), NULL{blanks}
    UNION ALL
    SELECT 'facet', f.key, count(*), NULL{blanks}
    FROM candidates c CROSS JOIN LATERAL jsonb_array_elements_text(c.facets) AS f(key)
    GROUP BY f.key"""


def _page(rows, width: int) -> BackendPage:
    page = BackendPage(counts_exact=False, rows=[] if width else None)
    hits = []
    for kind, key, value, place, *data in rows:
        if kind == "hit":
            hits.append((place, int(key), float(value), tuple(data)))
        elif kind == "facet":
            page.counts[key] = int(value)
        else:
            # "all": the candidates were every match, so the counts are exact; "total": counted apart;
            # "capped": a phrase was checked in only some of the postmortems holding its words.
            page.counts_exact = kind == "all"
            page.total = min(int(value), COUNT_LIMIT)
            page.total_exact = int(value) <= COUNT_LIMIT and kind != "capped"
            page.phrases_capped = kind == "capped"
    for _place, pk, score, data in sorted(hits):
        page.ids.append((pk, score))
        if width:
            page.rows.append(data)
    page.listed = min(page.total, CANDIDATES)
    return page


def text_matches(
    cursor, *, words: list[str], hidden: Fragment | None, exclude_ids: list[int], limit: int
) -> list[tuple[int, float]]:
    """Postmortems whose short document (title, summary, names) shares at least two of `words`, best first.

    Two shared words rather than one keep the candidates few on a large corpus (one common word would
    match most of it) and are a better sign of likeness; the GIN index evaluates the pairs itself.
    """
    single = [f"plainto_tsquery('{CONFIG}', %s)" for _ in words]
    pairs = [(a, b) for a in range(len(words)) for b in range(a + 1, len(words))] or [(0, None)]
    match = " || ".join(f"({single[a]} && {single[b]})" if b is not None else single[a] for a, b in pairs)
    match_params = [value for a, b in pairs for value in ((words[a], words[b]) if b is not None else (words[a],))]
    where = Fragment("TRUE") if hidden is None else Fragment(f"d.postmortem_id NOT IN ({hidden.sql})", hidden.params)
    excluded = f"d.postmortem_id NOT IN ({', '.join(['%s'] * len(exclude_ids))})" if exclude_ids else "TRUE"
    sql = f"""WITH q AS MATERIALIZED (SELECT {match} AS m, {" || ".join(single)} AS a)
    SELECT d.postmortem_id, ts_rank(%s::float4[], d.rank_vector, q.a) AS score
    FROM {DOC} d CROSS JOIN q
    WHERE d.rank_vector @@ q.m AND {excluded} AND {where.sql}
    ORDER BY score DESC, {_ties("d")}
    LIMIT %s"""
    cursor.execute(sql, [*match_params, *words, RANK_WEIGHTS, *exclude_ids, *where.params, limit])
    return [(row[0], float(row[1])) for row in cursor.fetchall()]


# Settings for the search's transaction only, and whether the RUM index is there. The planner knows how many
# rows a common word matches but not that checking each one means decompressing its vector; a sequential scan
# then looks cheaper than the exact GIN bitmap and is ten times slower. Inside search, it is only allowed when
# nothing else is possible. That makes some plans look expensive enough for JIT compilation, which costs
# 50-100 ms and saves nothing on a statement that reads a few thousand rows, so JIT is off too.
_SETTINGS = (
    "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true),"
    " to_regclass(%(rum_index)s) IS NOT NULL"
)


def prepare(cursor) -> None:
    """Apply the search settings to this transaction, and note whether the RUM index is there, in one round trip.

    `search` sends them itself; other statements that match text (similar incidents) call this first.
    """
    cursor.execute(_SETTINGS, {"rum_index": RUM_INDEX})
    _RUM[cursor.db.settings_dict["NAME"]] = bool(cursor.fetchone()[2])
