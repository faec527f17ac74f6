"""The full-text index behind search, which each database builds its own way.

PostgreSQL: a text search configuration `kb_english` (English stemming, accents folded by `unaccent`
when the extension can be created), two stored generated tsvector columns on the search document
(`rank_vector`: title A, summary B, names C, the short document that ranking reads; `match_vector`:
everything, which matching reads), GIN indexes on both and on the facet keys, and a b-tree in the
order results are shown in when scores tie.

SQLite: an FTS5 table over the document's four text columns (external content, Porter stemming,
diacritics removed) kept in step by three triggers.

Both: a partial index on restricted postmortems, so the visibility rule's "hidden" set is cheap to find.
The model knows none of this; the SQL is written out here so this migration always does the same thing.
"""

from django.db import migrations

PG_FORWARD = [
    # unaccent is a trusted extension (any database owner may create it); without it accents are kept.
    """
    DO $$
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
        RAISE NOTICE 'unaccent is not available: search will not fold accents';
    END $$;
    """,
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kb_english') THEN
            CREATE TEXT SEARCH CONFIGURATION kb_english (COPY = pg_catalog.english);
            IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'unaccent') THEN
                ALTER TEXT SEARCH CONFIGURATION kb_english
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
            END IF;
        END IF;
    END $$;
    """,
    """
    ALTER TABLE postmortems_searchdocument
        ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('kb_english'::regconfig, title), 'A')
            || setweight(to_tsvector('kb_english'::regconfig, summary), 'B')
            || setweight(to_tsvector('kb_english'::regconfig, names), 'C')
        ) STORED,
        ADD COLUMN match_vector tsvector GENERATED ALWAYS AS (
            to_tsvector('kb_english'::regconfig, title)
            || to_tsvector('kb_english'::regconfig, summary)
            || to_tsvector('kb_english'::regconfig, names)
            || to_tsvector('kb_english'::regconfig, body)
        ) STORED
    """,
    "CREATE INDEX search_doc_match ON postmortems_searchdocument USING gin (match_vector)",
    "CREATE INDEX search_doc_rank ON postmortems_searchdocument USING gin (rank_vector)",
    "CREATE INDEX search_doc_facets ON postmortems_searchdocument USING gin (facets jsonb_path_ops)",
    # The order results tie-break and browse in; NULLS LAST differs from the model's index, which suits SQLite.
    "CREATE INDEX search_doc_newest ON postmortems_searchdocument "
    "(is_published DESC, started_at DESC NULLS LAST, postmortem_id DESC)",
    "CREATE INDEX search_pm_restricted ON postmortems_postmortem (id) WHERE restricted",
]

PG_REVERSE = [
    "DROP INDEX IF EXISTS search_pm_restricted",
    "DROP INDEX IF EXISTS search_doc_newest",
    "DROP INDEX IF EXISTS search_doc_facets",
    "DROP INDEX IF EXISTS search_doc_rank",
    "DROP INDEX IF EXISTS search_doc_match",
    "ALTER TABLE postmortems_searchdocument DROP COLUMN IF EXISTS match_vector, DROP COLUMN IF EXISTS rank_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_english",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE postmortems_search_fts USING fts5(
        title, summary, names, body,
        content='postmortems_searchdocument', content_rowid='postmortem_id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER postmortems_search_fts_insert AFTER INSERT ON postmortems_searchdocument BEGIN
        INSERT INTO postmortems_search_fts(rowid, title, summary, names, body)
        VALUES (new.postmortem_id, new.title, new.summary, new.names, new.body);
    END
    """,
    """
    CREATE TRIGGER postmortems_search_fts_delete AFTER DELETE ON postmortems_searchdocument BEGIN
        INSERT INTO postmortems_search_fts(postmortems_search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.postmortem_id, old.title, old.summary, old.names, old.body);
    END
    """,
    """
    CREATE TRIGGER postmortems_search_fts_update AFTER UPDATE ON postmortems_searchdocument BEGIN
        INSERT INTO postmortems_search_fts(postmortems_search_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.postmortem_id, old.title, old.summary, old.names, old.body);
        INSERT INTO postmortems_search_fts(rowid, title, summary, names, body)
        VALUES (new.postmortem_id, new.title, new.summary, new.names, new.body);
    END
    """,
    "CREATE INDEX search_pm_restricted ON postmortems_postmortem (id) WHERE restricted",
]

SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS search_pm_restricted",
    "DROP TRIGGER IF EXISTS postmortems_search_fts_update",
    "DROP TRIGGER IF EXISTS postmortems_search_fts_delete",
    "DROP TRIGGER IF EXISTS postmortems_search_fts_insert",
    "DROP TABLE IF EXISTS postmortems_search_fts",
]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor, direction: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        # Search supports these two databases only; others run without a full-text index and search says so.
        return
    for sql in statements[direction]:
        schema_editor.execute(sql, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def reverse(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0005_search_documents")]

    operations = [migrations.RunPython(forward, reverse)]
