"""A RUM index on the short search document, where the PostgreSQL server has the extension.

The RUM index (https://github.com/postgrespro/rum; Debian's `postgresql-15-rum`) stores each word's
positions, so it can hand out the matches of a query best first without reading them all: a common
word's thousands of matches in titles and summaries are no longer all read and ranked. Search works
without it, only slower for such words: the migration creates the extension and the index when the
server offers the extension and the database user may create it, and says so otherwise. Once the
extension is installed, running this migration's SQL again (or `manage.py rebuild_search_index`) adds
the index. SQLite has nothing to do here.
"""

from django.db import migrations

CREATE_RUM = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum') THEN
        CREATE EXTENSION IF NOT EXISTS rum;
    ELSE
        RAISE NOTICE 'the rum extension is not installed on this server: search will not use a RUM index';
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not allowed to create the rum extension: search will not use a RUM index';
END $$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'rum') THEN
        -- On an expression equal to the column, so that only the queries written for it use it.
        CREATE INDEX IF NOT EXISTS search_doc_rank_rum ON postmortems_searchdocument
            USING rum ((rank_vector || ''::tsvector) rum_tsvector_ops);
    END IF;
END $$;
"""

DROP_RUM = "DROP INDEX IF EXISTS search_doc_rank_rum"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_RUM)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_RUM)


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0013_review_request")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
