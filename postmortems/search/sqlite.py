"""SQLite FTS5 search, for the embedded default (see migration 0006 for the table and its triggers).

The FTS5 table indexes the document's four parts with Porter stemming and accents removed, and
ranks with BM25 weighting the parts:

    score = -bm25(title 10, summary 5, names 2.5, body 1)

(FTS5's bm25 is lower-is-better, hence the sign.) Ties go to published postmortems, then to the most
recent incident. The query reaches FTS5 as a MATCH expression in which every word and phrase is a
quoted string, so no input can be read as FTS5 syntax.
"""

from __future__ import annotations

from collections.abc import Sequence

from postmortems.search.query import Clause, ParsedQuery
from postmortems.search.sql import BackendPage, Fragment, facet_counts_from_rows

FTS = "postmortems_search_fts"
DOC = "postmortems_searchdocument"
WEIGHTS = (10.0, 5.0, 2.5, 1.0)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _clause(clause: Clause) -> str:
    return "(" + " OR ".join(_quoted(term.text) for term in clause.options) + ")"


def match_expression(parsed: ParsedQuery) -> str:
    """The MATCH string for the positive clauses, minus the negative ones (FTS5's NOT is binary)."""
    positive = " AND ".join(_clause(clause) for clause in parsed.positive)
    negative = " OR ".join(_clause(clause) for clause in parsed.negative)
    return f"({positive}) NOT ({negative})" if negative else positive


def negative_expression(parsed: ParsedQuery) -> str:
    return " OR ".join(_clause(clause) for clause in parsed.negative)


def _ties(alias: str) -> str:
    return f"{alias}.is_published DESC, {alias}.started_at DESC NULLS LAST, {alias}.postmortem_id DESC"


def _where(parsed: ParsedQuery | None, filter_keys: list[list[str]], hidden: Fragment | None) -> Fragment:
    conditions, params = ["1"], []
    if parsed is not None and parsed.positive:
        conditions.append(f"{FTS} MATCH %s")
        params.append(match_expression(parsed))
    elif parsed is not None and parsed.negative:
        conditions.append(f"d.postmortem_id NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)")
        params.append(negative_expression(parsed))
    for group in filter_keys:
        marks = ", ".join(["%s"] * len(group))
        conditions.append(f"EXISTS (SELECT 1 FROM json_each(d.facets) AS f WHERE f.value IN ({marks}))")
        params += group
    if hidden is not None:
        conditions.append(f"d.postmortem_id NOT IN ({hidden.sql})")
        params += hidden.params
    return Fragment(" AND ".join(conditions), params)


def _source(parsed: ParsedQuery | None) -> str:
    if parsed is not None and parsed.positive:
        return f"{FTS} JOIN {DOC} AS d ON d.postmortem_id = {FTS}.rowid"
    return f"{DOC} AS d"


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
    """One page of (id, score), the total and the facet counts; all exact (embedded databases are small).

    `columns` is not read: the page's rows are read apart, which costs little here.
    """
    ids = ranked_ids(cursor, parsed=parsed, filter_keys=filter_keys, hidden=hidden, limit=limit, offset=offset)
    total, counts = count_and_facets(cursor, parsed=parsed, filter_keys=filter_keys, hidden=hidden)
    return BackendPage(ids=ids, total=total, counts=counts, listed=total)


def ranked_ids(
    cursor,
    *,
    parsed: ParsedQuery | None,
    filter_keys: list[list[str]],
    hidden: Fragment | None,
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    """(postmortem id, score) for one page, best first; without words to rank by, newest published first."""
    where = _where(parsed, filter_keys, hidden)
    if parsed is not None and parsed.positive:
        weights = ", ".join(str(w) for w in WEIGHTS)
        score, order = f"-bm25({FTS}, {weights})", f"score DESC, {_ties('d')}"
    else:
        score, order = "0.0", _ties("d")
    sql = (
        f"SELECT d.postmortem_id, {score} AS score FROM {_source(parsed)} "
        f"WHERE {where.sql} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    cursor.execute(sql, [*where.params, limit, offset])
    return [(row[0], float(row[1])) for row in cursor.fetchall()]


def count_and_facets(
    cursor, *, parsed: ParsedQuery | None, filter_keys: list[list[str]], hidden: Fragment | None
) -> tuple[int, dict[str, int]]:
    """How many visible postmortems match, and how many of them carry each facet key."""
    where = _where(parsed, filter_keys, hidden)
    sql = f"""WITH m AS (SELECT d.facets FROM {_source(parsed)} WHERE {where.sql})
    SELECT NULL, count(*) FROM m
    UNION ALL
    SELECT f.value, count(*) FROM m, json_each(m.facets) AS f GROUP BY f.value"""
    cursor.execute(sql, where.params)
    return facet_counts_from_rows(cursor.fetchall())


def text_matches(
    cursor, *, words: list[str], hidden: Fragment | None, exclude_ids: list[int], limit: int
) -> list[tuple[int, float]]:
    """Postmortems whose title, summary or names share at least two of `words` (one if only one), best first."""
    quoted = [_quoted(word) for word in words]
    pairs = [f"({a} AND {b})" for n, a in enumerate(quoted) for b in quoted[n + 1 :]] or quoted[:1]
    where = _where(None, [], hidden)
    excluded = f"d.postmortem_id NOT IN ({', '.join(['%s'] * len(exclude_ids))})" if exclude_ids else "1"
    sql = f"""SELECT d.postmortem_id, -bm25({FTS}, {", ".join(str(w) for w in WEIGHTS)}) AS score
    FROM {FTS} JOIN {DOC} AS d ON d.postmortem_id = {FTS}.rowid
    WHERE {FTS} MATCH %s AND {excluded} AND {where.sql}
    ORDER BY score DESC, {_ties("d")}
    LIMIT %s"""
    match = "{title summary names} : (" + " OR ".join(pairs) + ")"
    cursor.execute(sql, [match, *exclude_ids, *where.params, limit])
    return [(row[0], float(row[1])) for row in cursor.fetchall()]


# The same triggers migration 0006 creates; a migration that rebuilds the documents table drops them,
# and rebuild_search_index puts them back from here.
TRIGGER_SQL = {
    "postmortems_search_fts_insert": f"""
        CREATE TRIGGER postmortems_search_fts_insert AFTER INSERT ON {DOC} BEGIN
            INSERT INTO {FTS}(rowid, title, summary, names, body)
            VALUES (new.postmortem_id, new.title, new.summary, new.names, new.body);
        END""",
    "postmortems_search_fts_delete": f"""
        CREATE TRIGGER postmortems_search_fts_delete AFTER DELETE ON {DOC} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, summary, names, body)
            VALUES ('delete', old.postmortem_id, old.title, old.summary, old.names, old.body);
        END""",
    "postmortems_search_fts_update": f"""
        CREATE TRIGGER postmortems_search_fts_update AFTER UPDATE ON {DOC} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, summary, names, body)
            VALUES ('delete', old.postmortem_id, old.title, old.summary, old.names, old.body);
            INSERT INTO {FTS}(rowid, title, summary, names, body)
            VALUES (new.postmortem_id, new.title, new.summary, new.names, new.body);
        END""",
}


def has_fts_table(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS])
    return cursor.fetchone() is not None


def restore_triggers(cursor) -> list[str]:
    """Create whichever of the triggers is missing; return their names."""
    missing = missing_triggers(cursor)
    for name in missing:
        cursor.execute(TRIGGER_SQL[name])
    return missing


def missing_triggers(cursor) -> list[str]:
    """Triggers that keep the FTS table in step and are not there (a table rebuild by a migration drops them)."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [DOC])
    present = {row[0] for row in cursor.fetchall()}
    return [name for name in TRIGGER_SQL if name not in present]


def rebuild_fts(cursor) -> None:
    """Rebuild the FTS index from the documents table, then merge its segments."""
    cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")


def prepare(cursor) -> None:
    """Nothing to set up on SQLite."""
